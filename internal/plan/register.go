package plan

import "strings"

// Registers (台账) are the lists the bureau receives or keeps: the third way
// data enters kechuang, beside the notice and units' reports. A record
// keeps the list and row it came from (Origin) so that every figure computed
// from registers drills down to the rows behind it.
//
// Dates are civil dates "YYYY-MM-DD" (Asia/Shanghai), "" when not given.
// Money is exact: Decimal in 万元 (the unit lists use most; a national sum
// in 万元 stays far inside Decimal's range).

// DemoFilePrefix starts the file name of every generated demo list, so
// that the pages showing figures computed from them say they are demo data
// (演示数据).
const DemoFilePrefix = "演示数据-"

// RegisterKind names a register.
type RegisterKind string

const (
	RegEnterprises RegisterKind = "enterprises" // 企业库
	RegSMEs        RegisterKind = "smes"        // 科技型中小企业入库
	RegHighTech    RegisterKind = "hightech"    // 高新技术企业认定
	RegContracts   RegisterKind = "contracts"   // 技术合同登记
	RegPatents     RegisterKind = "patents"     // 专利
	RegPlatforms   RegisterKind = "platforms"   // 研发平台和创新载体
	RegStatistics  RegisterKind = "statistics"  // 统计数据
)

// RegisterKinds lists the registers in the order pages show them.
var RegisterKinds = []RegisterKind{RegEnterprises, RegSMEs, RegHighTech, RegContracts, RegPatents, RegPlatforms, RegStatistics}

// Valid reports whether k is one of the registers above.
func (k RegisterKind) Valid() bool {
	for _, v := range RegisterKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Label is the register's Chinese name.
func (k RegisterKind) Label() string {
	switch k {
	case RegEnterprises:
		return "企业库"
	case RegSMEs:
		return "科技型中小企业入库"
	case RegHighTech:
		return "高新技术企业认定"
	case RegContracts:
		return "技术合同登记"
	case RegPatents:
		return "专利"
	case RegPlatforms:
		return "研发平台和创新载体"
	case RegStatistics:
		return "统计数据"
	}
	return string(k)
}

// Origin is where a record was read: the file, the sheet (empty for CSV)
// and the 1-based row of the sheet.
type Origin struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row"`
}

// Membership lists an enterprise can be on, each entered and left at a date.
const (
	ListIncubation = "培育库"   // 高新技术企业培育库
	ListUnicorn    = "独角兽"   // 独角兽企业
	ListGazelle    = "瞪羚"    // 瞪羚企业
	ListLoan       = "科贷通备选" // 科贷通备选企业
	ListIPO        = "拟上市后备" // 拟上市后备资源库
)

// Membership is an enterprise's time on a list.
type Membership struct {
	List    string `json:"list"`
	Entered string `json:"entered"`
	Left    string `json:"left,omitempty"`
}

// EnterpriseYear is an enterprise's figures for one year, in 万元.
type EnterpriseYear struct {
	Year    int      `json:"year"`
	Revenue *Decimal `json:"revenue,omitempty"` // 营业收入
	RD      *Decimal `json:"rd,omitempty"`      // 研发费用 / R&D经费
}

// Enterprise is a record of the 企业库, keyed by its 统一社会信用代码.
type Enterprise struct {
	USCC        string           `json:"uscc"`
	Name        string           `json:"name"`
	FormerNames []string         `json:"former_names,omitempty"`
	Address     string           `json:"address,omitempty"`
	Area        string           `json:"area,omitempty"` // 属地 as written (所属街道 …)
	Industry    string           `json:"industry,omitempty"`
	Years       []EnterpriseYear `json:"years,omitempty"`
	RDInstitute bool             `json:"rd_institute,omitempty"` // has an R&D institution (研发机构)
	RDKind      string           `json:"rd_kind,omitempty"`      // 企业技术中心, 工程技术研究中心 …
	RDLevel     string           `json:"rd_level,omitempty"`     // 市级, 省级, 国家级
	Memberships []Membership     `json:"memberships,omitempty"`
	Origin      Origin           `json:"origin"`
}

// SMERecord is a 科技型中小企业 入库 record. Its number is valid for its
// year only: firms re-enter each year.
type SMERecord struct {
	USCC    string `json:"uscc"`
	Name    string `json:"name"`
	Year    int    `json:"year"`
	RegNo   string `json:"reg_no"` // 入库登记编号, opaque
	Batch   string `json:"batch,omitempty"`
	Date    string `json:"date"`              // 入库/公示日期
	Revoked string `json:"revoked,omitempty"` // 撤销日期
	Status  string `json:"status,omitempty"`  // 状态 as written (已撤销 …), kept even without a 撤销日期
	Area    string `json:"area,omitempty"`
	UnitID  int64  `json:"unit_id,omitempty"` // attributed by the store; 0 = 待归属
	Origin  Origin `json:"origin"`
}

// HighTechCert is a 高新技术企业 certificate: GR + year + 2-digit province
// + 6-digit serial, valid from Issued to Expires (Issued + 3 years when
// the list gives none) unless Cancelled.
type HighTechCert struct {
	USCC      string `json:"uscc"`
	Name      string `json:"name"`
	CertNo    string `json:"cert_no"`
	Issued    string `json:"issued"`
	Expires   string `json:"expires"`
	Cancelled string `json:"cancelled,omitempty"`
	Status    string `json:"status,omitempty"` // 状态 as written (已取消 …), kept even without a 取消日期
	Area      string `json:"area,omitempty"`
	UnitID    int64  `json:"unit_id,omitempty"` // attributed by the store; 0 = 待归属
	Origin    Origin `json:"origin"`
}

// ContractParty is a seller (技术输出方) or buyer (技术吸纳方) of a contract.
type ContractParty struct {
	Name string `json:"name"`
	USCC string `json:"uscc,omitempty"`
	Area string `json:"area,omitempty"`
	// Set by the store: the unit the party belongs to (0 when none) and
	// whether it is in the area at all (a unit, an enterprise of the 企业库,
	// or an area naming the district; see the store's attribution notes).
	UnitID int64 `json:"unit_id,omitempty"`
	InArea bool  `json:"in_area,omitempty"`
}

// Contract is a 技术合同登记 record, keyed by its 16-digit registration
// number. Amounts are in 万元.
type Contract struct {
	RegNo      string        `json:"reg_no"`
	Project    string        `json:"project"`
	Seller     ContractParty `json:"seller"`
	Buyer      ContractParty `json:"buyer"`
	Type       string        `json:"type"`        // 开发, 转让, 许可, 咨询, 服务
	Amount     Decimal       `json:"amount"`      // 成交额
	TechAmount *Decimal      `json:"tech_amount"` // 技术交易额
	Registered string        `json:"registered"`  // 登记日期
	Origin     Origin        `json:"origin"`
}

// Patent types.
const (
	PatentInvention = "发明"
	PatentUtility   = "实用新型"
	PatentDesign    = "外观设计"
)

// PatentHolder is one of a patent's holders (专利权人).
type PatentHolder struct {
	Name     string `json:"name"`
	USCC     string `json:"uscc,omitempty"`
	Domestic bool   `json:"domestic"`
	UnitID   int64  `json:"unit_id,omitempty"` // attributed by the store; 0 = none
}

// Patent is a granted patent, keyed by its number (ZL202210123456.7).
// Lists often give a 法律状态 (未缴年费专利权终止 …) without the date it
// lapsed: Lapsed is then "" and Status says it; PatentLapsedStatus tells
// such a status apart, and definitions decide what an undated lapse means.
type Patent struct {
	Number  string         `json:"number"`
	Title   string         `json:"title"`
	Type    string         `json:"type"` // PatentInvention …
	Holders []PatentHolder `json:"holders"`
	Granted string         `json:"granted"`          // 授权公告日
	Lapsed  string         `json:"lapsed,omitempty"` // 失效日期
	Status  string         `json:"status,omitempty"` // 法律状态 as written
	Origin  Origin         `json:"origin"`
}

// PatentLapsedStatus reports whether a 法律状态 as written says the patent
// is no longer in force: 失效, 权利终止, 未缴年费专利权终止, 期限届满, 放弃,
// 无效 (but not 有效, 部分无效, or a status of an application).
func PatentLapsedStatus(status string) bool {
	s := strings.Join(strings.Fields(status), "")
	switch {
	case s == "" || s == "有效" || strings.Contains(s, "部分无效") || strings.Contains(s, "维持"):
		return false
	}
	for _, w := range []string{"失效", "终止", "届满", "放弃", "无效", "撤销"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Platform levels, lowest first.
const (
	LevelDistrict = "区级"
	LevelCity     = "市级"
	LevelProvince = "省级"
	LevelNation   = "国家级"
)

// Platform is a 研发平台 or 创新载体.
type Platform struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`  // 重点实验室, 工程技术研究中心, 企业技术中心, 新型研发机构, 众创空间, 孵化器 …
	Level    string `json:"level"` // LevelCity …
	Mode     string `json:"mode"`  // 认定 or 备案
	Decided  string `json:"decided"`
	HostUSCC string `json:"host_uscc,omitempty"`
	HostName string `json:"host_name,omitempty"`
	Area     string `json:"area,omitempty"`
	UnitID   int64  `json:"unit_id,omitempty"` // attributed by the store; 0 = 待归属
	Origin   Origin `json:"origin"`
}

// Statistic indicators as kechuang names them; lists write them in many ways
// (地区生产总值, GDP …) and the reader maps them here.
const (
	StatGDP        = "地区生产总值"    // 万元
	StatRD         = "R&D经费内部支出" // 万元
	StatPopulation = "常住人口"      // 万人
)

// Statistic is an official figure for an area and a year.
type Statistic struct {
	Area      string  `json:"area"` // the unit as written, or the district's name for the whole area
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Value     Decimal `json:"value"` // in 万元 for money, 万人 for population
	Source    string  `json:"source,omitempty"`
	Final     bool    `json:"final"`             // 正式 (true) or 初步/快报 (false)
	UnitID    int64   `json:"unit_id,omitempty"` // resolved by the store; 0 = the whole area
	Origin    Origin  `json:"origin"`
}

// RegisterRow is one row read from a list: its record — one of
// *Enterprise, *SMERecord, *HighTechCert, *Contract, *Patent, *Platform,
// *Statistic, as the list's kind says — or the problems that keep it from
// being one. Readers yield rows one at a time so that a large list streams
// into the store.
type RegisterRow struct {
	Origin   Origin
	Record   any          // nil when Problems is not empty
	Problems []RowProblem // the row is rejected
	Warnings []RowProblem // the row is kept (e.g. a USCC whose check character fails)
	Cells    []string     // the row's cells as read, one per column, to give rejected rows back
}

// RowProblem is what is wrong with one cell of a row: the column as the
// list's header names it, with its letter ("统一社会信用代码（C列）"), and why.
type RowProblem struct {
	Column  string `json:"column"`
	Message string `json:"message"`
}
