package plan

import "time"

// Zone is Asia/Shanghai, the zone of every civil date kechuang keeps (印发
// 日期, 数据截至日期, 截止日期). China keeps no daylight saving, so a fixed +8
// zone is exact and needs no tzdata on the server.
var Zone = time.FixedZone("CST", 8*60*60)
