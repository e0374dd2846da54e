package plan

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"
)

// A definition (口径) is a named, parameterised rule that computes a goal's
// actual from the registers, for the whole area and for each unit, at an
// as-of date. A goal bound to one is never typed by units. The rules here
// are the reference: the store evaluates the same rules as SQL aggregates
// for scale, and tests hold the two equal.
//
// Edges, decided once for every rule:
//   - Dates are civil dates compared as "YYYY-MM-DD" text. A record is
//     counted from its start date on (入库, 发证, 登记, 授权 on the as-of date
//     counts) and no longer from its end date on: a certificate expiring, a
//     number 撤销, a certificate 取消 or a patent lapsing on the as-of date
//     does not count on it.
//   - A period definition (contracts, new platforms) counts the plan year
//     from 1 January up to the as-of date; an as-of date after the year
//     counts the whole year.
//   - Records that belong to no unit (待归属) count in the area's total and
//     in no unit's value, so a total may exceed the sum of its units; ratios
//     and per-capita figures are never sums of units.

// DefinitionKind names a rule.
type DefinitionKind string

const (
	DefSMECount      DefinitionKind = "sme_count"      // 科技型中小企业家数
	DefHighTechCount DefinitionKind = "hightech_count" // 高新技术企业家数
	DefContractSum   DefinitionKind = "contract_sum"   // 技术合同成交额
	DefPatentDensity DefinitionKind = "patent_density" // 万人有效发明专利拥有量
	DefRDIntensity   DefinitionKind = "rd_intensity"   // R&D经费投入占GDP比重
	DefNewPlatforms  DefinitionKind = "new_platforms"  // 新增市级以上研发平台和创新载体
)

// DefinitionKinds lists the rules in the order pages offer them.
var DefinitionKinds = []DefinitionKind{DefSMECount, DefHighTechCount, DefContractSum, DefPatentDensity, DefRDIntensity, DefNewPlatforms}

// Valid reports whether k is one of the rules above.
func (k DefinitionKind) Valid() bool {
	for _, v := range DefinitionKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Label is the rule's Chinese name.
func (k DefinitionKind) Label() string {
	switch k {
	case DefSMECount:
		return "科技型中小企业家数"
	case DefHighTechCount:
		return "高新技术企业家数"
	case DefContractSum:
		return "技术合同成交额"
	case DefPatentDensity:
		return "万人有效发明专利拥有量"
	case DefRDIntensity:
		return "R&D经费投入占GDP比重"
	case DefNewPlatforms:
		return "新增研发平台和创新载体数"
	}
	return string(k)
}

// Register is the register the rule counts in.
func (k DefinitionKind) Register() RegisterKind {
	switch k {
	case DefSMECount:
		return RegSMEs
	case DefHighTechCount:
		return RegHighTech
	case DefContractSum:
		return RegContracts
	case DefPatentDensity:
		return RegPatents
	case DefRDIntensity:
		return RegStatistics
	case DefNewPlatforms:
		return RegPlatforms
	}
	return ""
}

// Additive reports whether the rule counts or sums records, so that a unit
// with no record has the value 0; ratios and per-capita figures have no
// value without their statistics.
func (k DefinitionKind) Additive() bool {
	return k == DefSMECount || k == DefHighTechCount || k == DefContractSum || k == DefNewPlatforms
}

// Contract sides and amounts.
const (
	SideSeller = "seller"      // 技术输出方 (卖方): 输出
	SideBuyer  = "buyer"       // 技术吸纳方 (买方): 吸纳
	AmountDeal = "amount"      // 成交额
	AmountTech = "tech_amount" // 技术交易额
)

// DefinitionParams are a rule's parameters; each rule reads its own and the
// zero value of each means its default.
type DefinitionParams struct {
	Side     string `json:"side,omitempty"`      // contract_sum: SideSeller (default) or SideBuyer
	Amount   string `json:"amount,omitempty"`    // contract_sum: AmountDeal (default) or AmountTech
	Unit     string `json:"unit,omitempty"`      // contract_sum: 亿元 (default), 万元 or 元
	MinLevel string `json:"min_level,omitempty"` // new_platforms: LevelCity (default) or above
}

// Definition is a rule with its parameters.
type Definition struct {
	Kind   DefinitionKind   `json:"kind"`
	Params DefinitionParams `json:"params"`
}

// Normalized returns the definition with its defaults written out, so that
// two definitions meaning the same compare equal.
func (d Definition) Normalized() Definition {
	p := d.Params
	switch d.Kind {
	case DefContractSum:
		p.Side = orDefault(p.Side, SideSeller)
		p.Amount = orDefault(p.Amount, AmountDeal)
		p.Unit = orDefault(p.Unit, "亿元")
	case DefNewPlatforms:
		p.MinLevel = orDefault(p.MinLevel, LevelCity)
	}
	return Definition{Kind: d.Kind, Params: p}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Check validates the rule and its parameters; the error says which
// parameter is wrong.
func (d Definition) Check() error {
	if !d.Kind.Valid() {
		return Errorf(EINVALID, "口径“%s”不存在", d.Kind)
	}
	p := d.Params
	unused := func(name, v string) error {
		if v != "" {
			return Errorf(EINVALID, "口径“%s”没有参数“%s”", d.Kind.Label(), name)
		}
		return nil
	}
	if d.Kind != DefContractSum {
		for _, e := range []error{unused("统计方", p.Side), unused("金额", p.Amount), unused("计量单位", p.Unit)} {
			if e != nil {
				return e
			}
		}
	}
	if d.Kind != DefNewPlatforms {
		if err := unused("最低级别", p.MinLevel); err != nil {
			return err
		}
	}
	switch d.Kind {
	case DefContractSum:
		if p.Side != "" && p.Side != SideSeller && p.Side != SideBuyer {
			return Errorf(EINVALID, "技术合同的统计方应为卖方（输出）或买方（吸纳），不是“%s”", p.Side)
		}
		if p.Amount != "" && p.Amount != AmountDeal && p.Amount != AmountTech {
			return Errorf(EINVALID, "技术合同的金额应为成交额或技术交易额，不是“%s”", p.Amount)
		}
		if p.Unit != "" && moneyScale(p.Unit) == 0 {
			return Errorf(EINVALID, "技术合同金额的计量单位应为亿元、万元或元，不是“%s”", p.Unit)
		}
	case DefNewPlatforms:
		if p.MinLevel != "" && levelRank(p.MinLevel) == 0 {
			return Errorf(EINVALID, "平台级别应为区级、市级、省级或国家级，不是“%s”", p.MinLevel)
		}
	}
	return nil
}

// Describe says in words what the rule counts, for the goal's page.
func (d Definition) Describe() string {
	d = d.Normalized()
	p := d.Params
	switch d.Kind {
	case DefSMECount:
		return "截至所选日期，本年度入库（入库日期不晚于所选日期）且未被撤销的科技型中小企业家数（按企业属地归属）"
	case DefHighTechCount:
		return "截至所选日期，持有有效高新技术企业证书（发证日期不晚于所选日期、有效期至晚于所选日期）且证书未被取消的企业家数（按企业属地归属）"
	case DefContractSum:
		amount, side := "成交额", "卖方（技术输出方）"
		if p.Amount == AmountTech {
			amount = "技术交易额"
		}
		if p.Side == SideBuyer {
			side = "买方（技术吸纳方）"
		}
		return fmt.Sprintf("本年度1月1日至所选日期登记、%s在本区的技术合同%s之和（按%s所属单位归属），单位：%s", side, amount, side[:strings.Index(side, "（")], p.Unit)
	case DefPatentDensity:
		return "截至所选日期已授权且未失效、有国内专利权人的发明专利件数，除以不晚于本年度的最近一年常住人口（万人）；单位的件数按专利权人所属单位计"
	case DefRDIntensity:
		return "本年度全社会R&D经费内部支出占地区生产总值的比重（%）；两项统计数据齐备前不可评估，并列出上年数"
	case DefNewPlatforms:
		return fmt.Sprintf("本年度1月1日至所选日期首次认定或备案为%s及以上的研发平台和创新载体个数（按依托单位属地归属）", p.MinLevel)
	}
	return string(d.Kind)
}

// DefaultDefinition returns the rule an indicator is computed by when a
// plan names it in one of its usual ways (科技型中小企业, 高新技术企业数,
// 技术合同成交额/登记额, 每万人发明专利拥有量, 研发投入强度, 新增市级以上研发
// 平台和创新载体 …); false for indicators units report.
func DefaultDefinition(indicator string) (Definition, bool) {
	s := normalizeIndicator(indicator)
	switch {
	case strings.Contains(s, "科技型中小企业"):
		return Definition{Kind: DefSMECount}, true
	case strings.Contains(s, "高新技术企业") && !containsAny(s, "培育", "产值", "营收", "收入", "增加值", "占比", "比重"):
		return Definition{Kind: DefHighTechCount}, true
	case strings.Contains(s, "技术合同") && containsAny(s, "成交额", "登记额", "交易额", "合同额"):
		def := Definition{Kind: DefContractSum}
		if strings.Contains(s, "技术交易额") {
			def.Params.Amount = AmountTech
		}
		if strings.Contains(s, "吸纳") {
			def.Params.Side = SideBuyer
		}
		return def, true
	case strings.Contains(s, "发明专利") && strings.Contains(s, "万人"):
		return Definition{Kind: DefPatentDensity}, true
	case containsAny(s, "R&D", "研发经费", "研发投入", "研究与试验发展") && containsAny(s, "GDP", "生产总值", "强度"):
		return Definition{Kind: DefRDIntensity}, true
	case strings.Contains(s, "新增") && containsAny(s, "研发平台", "创新平台", "创新载体", "研发机构"):
		def := Definition{Kind: DefNewPlatforms}
		switch {
		case strings.Contains(s, "国家级"):
			def.Params.MinLevel = LevelNation
		case strings.Contains(s, "省级"):
			def.Params.MinLevel = LevelProvince
		}
		return def, true
	}
	return Definition{}, false
}

// DefaultDefinitionFor is DefaultDefinition for a goal: a contract sum is
// given in the goal's unit of measure when that is a money unit.
func DefaultDefinitionFor(g DocGoal) (Definition, bool) {
	def, ok := DefaultDefinition(g.Indicator)
	if ok && def.Kind == DefContractSum && moneyScale(g.Unit) != 0 {
		def.Params.Unit = g.Unit
	}
	return def, ok
}

// normalizeIndicator folds the ways indicators are typed: full-width and
// lower-case letters, the full-width ＆, spaces.
func normalizeIndicator(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			return 'A' + (r - 'Ａ')
		case r >= 'ａ' && r <= 'ｚ':
			return 'A' + (r - 'ａ')
		case r >= 'a' && r <= 'z':
			return 'A' + (r - 'a')
		case r == '＆':
			return '&'
		case r == ' ' || r == '\u3000' || r == '\t':
			return -1
		}
		return r
	}, s)
}

// moneyScale is how many 分 one unit of the money unit is, 0 for others.
func moneyScale(unit string) int64 {
	switch unit {
	case "亿元":
		return 10_000_000_000
	case "万元":
		return 1_000_000
	case "元":
		return 100
	}
	return 0
}

// levelRank orders platform levels, 0 for an unknown level.
func levelRank(level string) int {
	switch level {
	case LevelDistrict:
		return 1
	case LevelCity:
		return 2
	case LevelProvince:
		return 3
	case LevelNation:
		return 4
	}
	return 0
}

// LevelsFrom returns the platform levels at min and above.
func LevelsFrom(min string) []string {
	var out []string
	for _, l := range []string{LevelDistrict, LevelCity, LevelProvince, LevelNation} {
		if levelRank(l) >= levelRank(min) && levelRank(min) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// Period is the span a period rule counts for a plan year at an as-of
// date: from 1 January to the as-of date, at most to 31 December. From >
// To when the as-of date falls before the year.
func Period(year int, asOf string) (from, to string) {
	from, to = fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	if asOf < to {
		to = asOf
	}
	return from, to
}

// IsCivilDate reports whether s is a valid "YYYY-MM-DD" date.
func IsCivilDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// CertExpiry is a certificate's expiry when the list gives none: three
// years after issue. A certificate issued on 29 February expires on 1
// March, three years on (it is valid through 28 February).
func CertExpiry(issued string) string {
	t, err := time.Parse(time.DateOnly, issued)
	if err != nil {
		return ""
	}
	return t.AddDate(3, 0, 0).Format(time.DateOnly)
}

// ExpiresOn is the certificate's expiry, computed when not given.
func (c HighTechCert) ExpiresOn() string {
	if c.Expires != "" {
		return c.Expires
	}
	return CertExpiry(c.Issued)
}

// PatentStatusLapsed reports whether a 法律状态 as written says the patent
// is no longer in force. A patent so marked without a lapse date is taken
// as lapsed at every date: the list does not say since when.
func PatentStatusLapsed(status string) bool {
	return containsAny(status, "失效", "终止", "无效", "放弃", "届满", "撤销", "未缴年费")
}

// FirmKey identifies a firm among records: its USCC, else its name. Counts
// of enterprises count distinct keys.
func FirmKey(uscc, name string) string {
	if uscc != "" {
		return uscc
	}
	return "n:" + name
}

// SMEValid reports whether a 科技型中小企业 record counts for the year at asOf.
func SMEValid(r SMERecord, year int, asOf string) bool {
	return r.Year == year && r.Date <= asOf && (r.Revoked == "" || r.Revoked > asOf)
}

// CertValid reports whether a certificate is held at asOf.
func CertValid(c HighTechCert, asOf string) bool {
	return c.Issued <= asOf && asOf < c.ExpiresOn() && (c.Cancelled == "" || c.Cancelled > asOf)
}

// PatentInForce reports whether a patent is granted by asOf and not lapsed.
func PatentInForce(p Patent, asOf string) bool {
	if p.Granted > asOf {
		return false
	}
	if p.Lapsed == "" {
		return !PatentStatusLapsed(p.Status)
	}
	return p.Lapsed > asOf
}

// AmountIn converts a sum in 分 (a 万元 amount's Micros) to the unit,
// rounding half away from zero to six decimals (亿元 to the hundred 元).
func AmountIn(fen int64, unit string) Decimal {
	scale := moneyScale(unit)
	if scale == 0 {
		scale = moneyScale("亿元")
	}
	// micros of the unit = fen × 10^6 / scale
	return Decimal{micros: divRound(new(big.Int).Mul(big.NewInt(fen), big.NewInt(decimalUnit)), big.NewInt(scale)).Int64()}
}

// PerTenThousand returns count ÷ population (万人), rounded half away from
// zero to six decimals; false when there is no population.
func PerTenThousand(count int64, population Decimal) (Decimal, bool) {
	if population.micros <= 0 {
		return Decimal{}, false
	}
	num := new(big.Int).Mul(big.NewInt(count), big.NewInt(decimalUnit*decimalUnit))
	return Decimal{micros: divRound(num, big.NewInt(population.micros)).Int64()}, true
}

// Percent returns num ÷ den × 100, rounded half away from zero to six
// decimals; false when den is not positive.
func Percent(num, den Decimal) (Decimal, bool) {
	if den.micros <= 0 {
		return Decimal{}, false
	}
	n := new(big.Int).Mul(big.NewInt(num.micros), big.NewInt(100*decimalUnit))
	return Decimal{micros: divRound(n, big.NewInt(den.micros)).Int64()}, true
}

// divRound is num ÷ den rounded half away from zero; den > 0.
func divRound(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// DefinitionResult is what a rule yields at an as-of date.
type DefinitionResult struct {
	Total        *Decimal          // the whole area; nil when not assessable (不可评估)
	Units        map[int64]Decimal // per unit; a unit without a value is absent
	Previous     *Decimal          // the area's figure of the year before (上年), for ratios, when known
	PreviousYear int
}

// FillZeros gives every unit listed a value of 0 when it has none: for
// additive rules, where no record means none counted.
func (r *DefinitionResult) FillZeros(units []int64) {
	if r.Units == nil {
		r.Units = map[int64]Decimal{}
	}
	for _, u := range units {
		if _, ok := r.Units[u]; !ok {
			r.Units[u] = Decimal{}
		}
	}
}

// RegisterSet is the registers a rule is evaluated over, with each record's
// unit resolved (the store's attribution).
type RegisterSet struct {
	SMEs       []SMERecord
	Certs      []HighTechCert
	Contracts  []Contract
	Patents    []Patent
	Platforms  []Platform
	Statistics []Statistic
}

// EvaluateDefinition computes a rule over plain records for a plan year at
// an as-of date. The store computes the same in SQL; this is the reference.
// The definition must pass Check.
func EvaluateDefinition(def Definition, year int, asOf string, regs *RegisterSet) DefinitionResult {
	def = def.Normalized()
	switch def.Kind {
	case DefSMECount:
		return countFirms(regs.SMEs, func(r SMERecord) (bool, int64, string) {
			return SMEValid(r, year, asOf), r.UnitID, FirmKey(r.USCC, r.Name)
		})
	case DefHighTechCount:
		return countFirms(regs.Certs, func(c HighTechCert) (bool, int64, string) {
			return CertValid(c, asOf), c.UnitID, FirmKey(c.USCC, c.Name)
		})
	case DefContractSum:
		return sumContracts(def.Params, year, asOf, regs.Contracts)
	case DefPatentDensity:
		counts, total := map[int64]int64{}, int64(0)
		for _, p := range regs.Patents {
			if p.Type != PatentInvention || !PatentInForce(p, asOf) {
				continue
			}
			units, domestic := map[int64]bool{}, false
			for _, h := range p.Holders {
				if h.Domestic {
					domestic = true
					if h.UnitID != 0 {
						units[h.UnitID] = true
					}
				}
			}
			if domestic {
				total++
			}
			for u := range units {
				counts[u]++
			}
		}
		return PerCapitaResult(counts, total, regs.Statistics, year)
	case DefRDIntensity:
		return RatioResult(regs.Statistics, year)
	case DefNewPlatforms:
		return newPlatforms(def.Params.MinLevel, year, asOf, regs.Platforms)
	}
	return DefinitionResult{}
}

// countFirms counts distinct firms among the records that count: in the
// total, and per unit for records with one.
func countFirms[T any](records []T, counts func(T) (ok bool, unit int64, firm string)) DefinitionResult {
	total := map[string]bool{}
	units := map[int64]map[string]bool{}
	for _, r := range records {
		ok, unit, firm := counts(r)
		if !ok {
			continue
		}
		total[firm] = true
		if unit != 0 {
			if units[unit] == nil {
				units[unit] = map[string]bool{}
			}
			units[unit][firm] = true
		}
	}
	res := DefinitionResult{Units: map[int64]Decimal{}}
	t := NewDecimal(int64(len(total)))
	res.Total = &t
	for u, firms := range units {
		res.Units[u] = NewDecimal(int64(len(firms)))
	}
	return res
}

// contractParty is the party a contract is counted for on the side.
func contractParty(c Contract, side string) ContractParty {
	if side == SideBuyer {
		return c.Buyer
	}
	return c.Seller
}

// ContractFen is the amount a contract adds, in 分.
func ContractFen(c Contract, amount string) int64 {
	if amount == AmountTech {
		if c.TechAmount == nil {
			return 0
		}
		return c.TechAmount.micros
	}
	return c.Amount.micros
}

func sumContracts(p DefinitionParams, year int, asOf string, contracts []Contract) DefinitionResult {
	from, to := Period(year, asOf)
	var total int64
	units := map[int64]int64{}
	for _, c := range contracts {
		party := contractParty(c, p.Side)
		if c.Registered < from || c.Registered > to || !party.InArea {
			continue
		}
		fen := ContractFen(c, p.Amount)
		total += fen
		if party.UnitID != 0 {
			units[party.UnitID] += fen
		}
	}
	res := DefinitionResult{Units: map[int64]Decimal{}}
	t := AmountIn(total, p.Unit)
	res.Total = &t
	for u, fen := range units {
		res.Units[u] = AmountIn(fen, p.Unit)
	}
	return res
}

// PlatformKey identifies a platform across its levels: an upgrade from 市级
// to 省级 is the same platform recognised again, not a new one.
func PlatformKey(p Platform) string { return p.Name + "|" + p.Kind }

func newPlatforms(minLevel string, year int, asOf string, platforms []Platform) DefinitionResult {
	from, to := Period(year, asOf)
	first := map[string]string{}
	high := func(p Platform) bool { return levelRank(p.Level) >= levelRank(minLevel) }
	for _, p := range platforms {
		if !high(p) {
			continue
		}
		k := PlatformKey(p)
		if d, ok := first[k]; !ok || p.Decided < d {
			first[k] = p.Decided
		}
	}
	return countFirms(platforms, func(p Platform) (bool, int64, string) {
		ok := high(p) && p.Decided == first[PlatformKey(p)] && p.Decided >= from && p.Decided <= to
		return ok, p.UnitID, PlatformKey(p)
	})
}

// latestStatistic returns, per area (unit ID, 0 for the whole area), the
// value of the indicator in the latest year at or before year.
func latestStatistic(stats []Statistic, indicator string, year int) map[int64]Decimal {
	best := map[int64]int{}
	out := map[int64]Decimal{}
	for _, s := range stats {
		if s.Indicator != indicator || s.Year > year {
			continue
		}
		if y, ok := best[s.UnitID]; !ok || s.Year > y {
			best[s.UnitID], out[s.UnitID] = s.Year, s.Value
		}
	}
	return out
}

// PerCapitaResult divides counts by 常住人口 (万人) of the latest year at or
// before the plan year, per unit and for the whole area (total). A unit
// with a population and no count has 0; without a population it has no
// value, and the area without its own population figure is not assessable.
func PerCapitaResult(counts map[int64]int64, total int64, stats []Statistic, year int) DefinitionResult {
	pop := latestStatistic(stats, StatPopulation, year)
	res := DefinitionResult{Units: map[int64]Decimal{}}
	for area, p := range pop {
		n := counts[area]
		if area == 0 {
			n = total
		}
		v, ok := PerTenThousand(n, p)
		if !ok {
			continue
		}
		if area == 0 {
			res.Total = &v
		} else {
			res.Units[area] = v
		}
	}
	return res
}

// RatioResult is R&D经费内部支出 ÷ 地区生产总值 × 100 of the plan year, per
// unit and for the whole area, and the area's figure of the year before.
func RatioResult(stats []Statistic, year int) DefinitionResult {
	type pair struct{ rd, gdp *Decimal }
	values := map[int]map[int64]*pair{}
	for _, s := range stats {
		if s.Year != year && s.Year != year-1 {
			continue
		}
		if values[s.Year] == nil {
			values[s.Year] = map[int64]*pair{}
		}
		p := values[s.Year][s.UnitID]
		if p == nil {
			p = &pair{}
			values[s.Year][s.UnitID] = p
		}
		v := s.Value
		switch s.Indicator {
		case StatRD:
			p.rd = &v
		case StatGDP:
			p.gdp = &v
		}
	}
	ratio := func(p *pair) (Decimal, bool) {
		if p == nil || p.rd == nil || p.gdp == nil {
			return Decimal{}, false
		}
		return Percent(*p.rd, *p.gdp)
	}
	res := DefinitionResult{Units: map[int64]Decimal{}}
	for area, p := range values[year] {
		v, ok := ratio(p)
		switch {
		case !ok:
		case area == 0:
			res.Total = &v
		default:
			res.Units[area] = v
		}
	}
	if v, ok := ratio(values[year-1][0]); ok {
		res.Previous, res.PreviousYear = &v, year-1
	}
	return res
}

// SortedUnits returns the result's unit IDs in order.
func (r DefinitionResult) SortedUnits() []int64 {
	ids := make([]int64, 0, len(r.Units))
	for id := range r.Units {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
