package web

import "time"

// shanghai is the zone of the bureau's civil dates (Asia/Shanghai). China
// keeps no daylight saving, so a fixed +8 zone is exact and needs no tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)
