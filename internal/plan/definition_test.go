package plan_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"kechuang/internal/plan"
)

func dec(s string) plan.Decimal { return plan.MustDecimal(s) }

func decp(s string) *plan.Decimal {
	d := plan.MustDecimal(s)
	return &d
}

// resultText writes a result as "total | unit=value …" for comparison.
func resultText(r plan.DefinitionResult) string {
	var b strings.Builder
	if r.Total == nil {
		b.WriteString("不可评估")
	} else {
		b.WriteString(r.Total.String())
	}
	ids := r.SortedUnits()
	for _, id := range ids {
		fmt.Fprintf(&b, " %d=%s", id, r.Units[id])
	}
	if r.Previous != nil {
		fmt.Fprintf(&b, " 上年%d=%s", r.PreviousYear, r.Previous)
	}
	return b.String()
}

func TestEvaluateDefinitionEdges(t *testing.T) {
	smes := []plan.SMERecord{
		{USCC: "A", Year: 2022, Date: "2022-03-01", UnitID: 10},
		{USCC: "B", Year: 2022, Date: "2022-07-31", UnitID: 10},                        // entered on the as-of date: counts
		{USCC: "C", Year: 2022, Date: "2022-08-01", UnitID: 11},                        // after: not yet
		{USCC: "D", Year: 2022, Date: "2022-03-01", Revoked: "2022-07-31", UnitID: 11}, // 撤销 on the as-of date: gone
		{USCC: "E", Year: 2022, Date: "2022-03-01", Revoked: "2022-08-01", UnitID: 11}, // 撤销 after: still counts
		{USCC: "F", Year: 2021, Date: "2021-05-01", UnitID: 11},                        // last year's number
		{USCC: "G", Year: 2022, Date: "2022-05-01"},                                    // 待归属: total only
		{Name: "无代码企业", RegNo: "X1", Year: 2022, Date: "2022-05-01", UnitID: 12},
	}
	certs := []plan.HighTechCert{
		{USCC: "A", CertNo: "GR202236000001", Issued: "2022-07-31", UnitID: 10},                          // issued on as-of: counts
		{USCC: "B", CertNo: "GR201936000002", Issued: "2019-07-31", UnitID: 10},                          // expires (3 years) on as-of: not
		{USCC: "C", CertNo: "GR201936000003", Issued: "2019-08-01", UnitID: 11},                          // expires the day after: counts
		{USCC: "D", CertNo: "GR202036000004", Issued: "2020-01-01", Cancelled: "2022-07-31", UnitID: 11}, // 取消 on as-of
		{USCC: "E", CertNo: "GR202036000005", Issued: "2020-01-01", Cancelled: "2022-08-01", UnitID: 11}, // 取消 after
		{USCC: "F", CertNo: "GR202136000006", Issued: "2021-01-01", Expires: "2022-06-30", UnitID: 12},   // expiry as given
		// two certificates of one firm count it once
		{USCC: "H", CertNo: "GR201936000007", Issued: "2019-12-01", UnitID: 12},
		{USCC: "H", CertNo: "GR202236000008", Issued: "2022-06-01", UnitID: 12},
		{USCC: "I", CertNo: "GR202236000009", Issued: "2022-06-01"}, // 待归属
	}
	// 29 February + 3 years: valid through 28 February, expired on 1 March.
	leap := []plan.HighTechCert{{USCC: "L", CertNo: "GR202036000010", Issued: "2020-02-29", UnitID: 10}}

	seller := func(u int64) plan.ContractParty { return plan.ContractParty{Name: "卖方", UnitID: u, InArea: true} }
	buyer := func(u int64, in bool) plan.ContractParty {
		return plan.ContractParty{Name: "买方", UnitID: u, InArea: in}
	}
	contracts := []plan.Contract{
		// seller in 10, buyer in 11: 输出 counts for 10, 吸纳 for 11
		{RegNo: "1", Seller: seller(10), Buyer: buyer(11, true), Amount: dec("123.4567"), TechAmount: decp("100"), Registered: "2022-01-01"},
		{RegNo: "2", Seller: seller(10), Buyer: buyer(0, false), Amount: dec("0.0001"), Registered: "2022-07-31"},
		{RegNo: "3", Seller: seller(11), Buyer: buyer(0, true), Amount: dec("5000"), TechAmount: decp("4000.5"), Registered: "2022-08-01"}, // after as-of
		{RegNo: "4", Seller: seller(11), Buyer: buyer(0, false), Amount: dec("7"), Registered: "2021-12-31"},                               // last year
		{RegNo: "5", Seller: seller(0), Buyer: buyer(10, true), Amount: dec("2.5"), Registered: "2022-02-01"},                              // 待归属 seller
		{RegNo: "6", Seller: plan.ContractParty{Name: "外地"}, Buyer: buyer(10, true), Amount: dec("30"), Registered: "2022-02-01"},          // seller outside
	}

	holder := func(u int64, domestic bool) plan.PatentHolder {
		return plan.PatentHolder{Name: "权利人", UnitID: u, Domestic: domestic}
	}
	patents := []plan.Patent{
		{Number: "P1", Type: plan.PatentInvention, Granted: "2022-07-31", Holders: []plan.PatentHolder{holder(10, true)}},                       // granted on as-of
		{Number: "P2", Type: plan.PatentInvention, Granted: "2022-08-01", Holders: []plan.PatentHolder{holder(10, true)}},                       // not yet
		{Number: "P3", Type: plan.PatentInvention, Granted: "2015-01-01", Lapsed: "2022-07-30", Holders: []plan.PatentHolder{holder(10, true)}}, // lapsed the day before
		{Number: "P4", Type: plan.PatentInvention, Granted: "2015-01-01", Lapsed: "2022-08-01", Holders: []plan.PatentHolder{holder(10, true)}}, // lapses the day after
		{Number: "P5", Type: plan.PatentInvention, Granted: "2015-01-01", Status: "未缴年费专利权终止", Holders: []plan.PatentHolder{holder(10, true)}},  // lapsed, no date
		{Number: "P6", Type: plan.PatentUtility, Granted: "2015-01-01", Holders: []plan.PatentHolder{holder(10, true)}},                         // not an invention
		{Number: "P7", Type: plan.PatentInvention, Granted: "2020-01-01", Holders: []plan.PatentHolder{holder(0, false)}},                       // foreign holder only
		{Number: "P8", Type: plan.PatentInvention, Granted: "2020-01-01", Holders: []plan.PatentHolder{holder(10, true), holder(11, true)}},     // co-held: once per unit, once in total
		{Number: "P9", Type: plan.PatentInvention, Granted: "2020-01-01", Holders: []plan.PatentHolder{holder(0, true)}},                        // 待归属 holder: total only
	}
	population := []plan.Statistic{
		{Indicator: plan.StatPopulation, Year: 2020, Value: dec("30")},
		{Indicator: plan.StatPopulation, Year: 2021, Value: dec("33.5")}, // latest year ≤ 2022
		{Indicator: plan.StatPopulation, Year: 2023, Value: dec("99")},   // after the plan year
		{Indicator: plan.StatPopulation, Year: 2021, Value: dec("3"), UnitID: 10},
		{Indicator: plan.StatPopulation, Year: 2021, Value: dec("7"), UnitID: 12}, // population, no patents: 0
	}

	stats := []plan.Statistic{
		{Indicator: plan.StatGDP, Year: 2021, Value: dec("3000000")},
		{Indicator: plan.StatRD, Year: 2021, Value: dec("16000")},
		{Indicator: plan.StatGDP, Year: 2022, Value: dec("3200000")}, // R&D 2022 not in yet
		{Indicator: plan.StatGDP, Year: 2022, Value: dec("100000"), UnitID: 10},
		{Indicator: plan.StatRD, Year: 2022, Value: dec("333"), UnitID: 10},
	}
	statsComplete := append(append([]plan.Statistic{}, stats...), plan.Statistic{Indicator: plan.StatRD, Year: 2022, Value: dec("17600")})

	platforms := []plan.Platform{
		{Name: "甲中心", Kind: "企业技术中心", Level: plan.LevelCity, Decided: "2022-03-01", UnitID: 10},
		{Name: "甲中心", Kind: "企业技术中心", Level: plan.LevelProvince, Decided: "2022-06-01", UnitID: 10}, // upgrade: not new again
		{Name: "乙实验室", Kind: "重点实验室", Level: plan.LevelCity, Decided: "2021-11-01", UnitID: 11},
		{Name: "乙实验室", Kind: "重点实验室", Level: plan.LevelProvince, Decided: "2022-04-01", UnitID: 11}, // first recognised last year
		{Name: "丙孵化器", Kind: "孵化器", Level: plan.LevelDistrict, Decided: "2020-01-01", UnitID: 11},
		{Name: "丙孵化器", Kind: "孵化器", Level: plan.LevelCity, Decided: "2022-07-31", UnitID: 11}, // first at 市级 on as-of
		{Name: "丁空间", Kind: "众创空间", Level: plan.LevelCity, Decided: "2022-08-01", UnitID: 12}, // after as-of
		{Name: "戊中心", Kind: "工程技术研究中心", Level: plan.LevelNation, Decided: "2022-01-01"},       // 待归属
		{Name: "己平台", Kind: "新型研发机构", Level: plan.LevelDistrict, Decided: "2022-02-01", UnitID: 12},
	}

	for _, c := range []struct {
		name string
		def  plan.Definition
		asOf string
		regs plan.RegisterSet
		want string
	}{
		{"SMEs", plan.Definition{Kind: plan.DefSMECount}, "2022-07-31", plan.RegisterSet{SMEs: smes}, "5 10=2 11=1 12=1"},
		{"SMEs before the year", plan.Definition{Kind: plan.DefSMECount}, "2021-12-31", plan.RegisterSet{SMEs: smes}, "0"},
		{"certificates", plan.Definition{Kind: plan.DefHighTechCount}, "2022-07-31", plan.RegisterSet{Certs: certs}, "5 10=1 11=2 12=1"},
		{"leap day: valid on 28 February", plan.Definition{Kind: plan.DefHighTechCount}, "2023-02-28", plan.RegisterSet{Certs: leap}, "1 10=1"},
		{"leap day: expired on 1 March", plan.Definition{Kind: plan.DefHighTechCount}, "2023-03-01", plan.RegisterSet{Certs: leap}, "0"},
		{"contracts 输出 in 亿元", plan.Definition{Kind: plan.DefContractSum}, "2022-07-31", plan.RegisterSet{Contracts: contracts},
			"0.012596 10=0.012346"}, // 125.9568万元 → 0.01259568亿元, rounded to the hundred 元
		{"contracts 输出 in 万元", plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Unit: "万元"}}, "2022-07-31",
			plan.RegisterSet{Contracts: contracts}, "125.9568 10=123.4568"},
		{"contracts 吸纳 in 万元", plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: plan.SideBuyer, Unit: "万元"}}, "2022-07-31",
			plan.RegisterSet{Contracts: contracts}, "155.9567 10=32.5 11=123.4567"},
		{"contracts 技术交易额 in 元", plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Amount: plan.AmountTech, Unit: "元"}}, "2022-07-31",
			plan.RegisterSet{Contracts: contracts}, "1000000 10=1000000"},
		{"contracts after the year count the year", plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Unit: "万元"}}, "2023-03-01",
			plan.RegisterSet{Contracts: contracts}, "5125.9568 10=123.4568 11=5000"},
		// total: P1, P4, P8, P9 = 4 ÷ 33.5 万人; unit 10: P1, P4, P8 = 3 ÷ 3; unit 11 has no population; unit 12: 0 ÷ 7
		{"patents per 万人", plan.Definition{Kind: plan.DefPatentDensity}, "2022-07-31", plan.RegisterSet{Patents: patents, Statistics: population},
			"0.119403 10=1 12=0"},
		{"patents without the area's population", plan.Definition{Kind: plan.DefPatentDensity}, "2022-07-31", plan.RegisterSet{Patents: patents},
			"不可评估"},
		{"R&D ratio not assessable, last year shown", plan.Definition{Kind: plan.DefRDIntensity}, "2022-07-31", plan.RegisterSet{Statistics: stats},
			"不可评估 10=0.333 上年2021=0.533333"},
		{"R&D ratio", plan.Definition{Kind: plan.DefRDIntensity}, "2022-07-31", plan.RegisterSet{Statistics: statsComplete},
			"0.55 10=0.333 上年2021=0.533333"},
		{"new platforms 市级 and above", plan.Definition{Kind: plan.DefNewPlatforms}, "2022-07-31", plan.RegisterSet{Platforms: platforms},
			"3 10=1 11=1"},
		{"new platforms 省级 and above", plan.Definition{Kind: plan.DefNewPlatforms, Params: plan.DefinitionParams{MinLevel: plan.LevelProvince}}, "2022-07-31",
			plan.RegisterSet{Platforms: platforms}, "3 10=1 11=1"},
		{"new platforms 区级 and above", plan.Definition{Kind: plan.DefNewPlatforms, Params: plan.DefinitionParams{MinLevel: plan.LevelDistrict}}, "2022-12-31",
			plan.RegisterSet{Platforms: platforms}, "4 10=1 12=2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.def.Check(); err != nil {
				t.Fatal(err)
			}
			got := resultText(plan.EvaluateDefinition(c.def, 2022, c.asOf, &c.regs))
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestDefaultDefinition(t *testing.T) {
	for indicator, want := range map[string]string{
		"科技型中小企业":             "sme_count",
		"科技型中小企业入库数":          "sme_count",
		"高新技术企业":              "hightech_count",
		"高新技术企业数":             "hightech_count",
		"高新技术企业（家）":           "hightech_count",
		"高新技术企业培育库入库企业":       "",
		"高新技术产业增加值占规上工业增加值比重": "",
		"技术合同成交额":             "contract_sum",
		"技术合同登记额":             "contract_sum",
		"技术合同成交额（吸纳）":         "contract_sum buyer",
		"技术合同技术交易额":           "contract_sum tech_amount",
		"万人有效发明专利拥有量":         "patent_density",
		"每万人口发明专利拥有量":         "patent_density",
		"每万人有效发明专利拥有量":        "patent_density",
		"全社会R&D经费投入占GDP比重":    "rd_intensity",
		"全社会R&D经费投入占全区GDP比重":  "rd_intensity",
		"全社会Ｒ＆Ｄ经费投入占地区生产总值比重": "rd_intensity",
		"研发投入强度":              "rd_intensity",
		"新增市级以上研发平台和创新载体数量":   "new_platforms 市级",
		"新增市级以上研发平台和创新载体":     "new_platforms 市级",
		"新增省级以上创新平台":          "new_platforms 省级",
		"规上工业企业研发机构覆盖率":       "",
		"引进高层次人才":             "",
	} {
		def, ok := plan.DefaultDefinition(indicator)
		got := ""
		if ok {
			d := def.Normalized()
			got = string(d.Kind)
			switch d.Kind {
			case plan.DefContractSum:
				if d.Params.Side == plan.SideBuyer {
					got += " buyer"
				}
				if d.Params.Amount == plan.AmountTech {
					got += " tech_amount"
				}
			case plan.DefNewPlatforms:
				got += " " + d.Params.MinLevel
			}
			if err := def.Check(); err != nil {
				t.Errorf("%s: default does not pass Check: %v", indicator, err)
			}
			if def.Describe() == "" {
				t.Errorf("%s: no description", indicator)
			}
		}
		if got != want {
			t.Errorf("DefaultDefinition(%q) = %q, want %q", indicator, got, want)
		}
	}
	def, _ := plan.DefaultDefinitionFor(plan.DocGoal{Indicator: "技术合同成交额", Unit: "万元"})
	if def.Params.Unit != "万元" {
		t.Errorf("contract default in the goal's unit: %+v", def)
	}
}

func TestDefinitionCheck(t *testing.T) {
	for _, c := range []struct {
		def  plan.Definition
		want string
	}{
		{plan.Definition{Kind: "nope"}, "口径“nope”不存在"},
		{plan.Definition{Kind: plan.DefSMECount, Params: plan.DefinitionParams{Unit: "亿元"}}, "没有参数“计量单位”"},
		{plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: "both"}}, "统计方"},
		{plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Unit: "美元"}}, "计量单位"},
		{plan.Definition{Kind: plan.DefNewPlatforms, Params: plan.DefinitionParams{MinLevel: "部级"}}, "平台级别"},
		{plan.Definition{Kind: plan.DefPatentDensity, Params: plan.DefinitionParams{MinLevel: plan.LevelCity}}, "没有参数“最低级别”"},
	} {
		err := c.def.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) || plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("%+v: got %v, want EINVALID containing %q", c.def, err, c.want)
		}
	}
	for _, k := range plan.DefinitionKinds {
		if err := (plan.Definition{Kind: k}).Check(); err != nil {
			t.Errorf("%s with defaults: %v", k, err)
		}
	}
}

func TestConversions(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		unit string
		want string
	}{
		{1, "万元", "0.000001"},
		{1, "元", "0.01"},
		{5000, "亿元", "0.000001"}, // 50元 rounds up to the hundred 元
		{4999, "亿元", "0"},
		{10_000_000_000, "亿元", "1"},
	} {
		if got := plan.AmountIn(c.fen, c.unit).String(); got != c.want {
			t.Errorf("AmountIn(%d, %s) = %s, want %s", c.fen, c.unit, got, c.want)
		}
	}
	if v, ok := plan.PerTenThousand(1, dec("3")); !ok || v.String() != "0.333333" {
		t.Errorf("PerTenThousand(1, 3) = %s %v", v, ok)
	}
	if v, ok := plan.PerTenThousand(2, dec("3")); !ok || v.String() != "0.666667" {
		t.Errorf("PerTenThousand(2, 3) = %s %v", v, ok)
	}
	if _, ok := plan.PerTenThousand(2, dec("0")); ok {
		t.Error("PerTenThousand by 0 is assessable")
	}
	if v, ok := plan.Percent(dec("17600"), dec("3200000")); !ok || v.String() != "0.55" {
		t.Errorf("Percent = %s %v", v, ok)
	}
	for issued, want := range map[string]string{"2019-12-03": "2022-12-03", "2020-02-29": "2023-03-01", "bad": ""} {
		if got := plan.CertExpiry(issued); got != want {
			t.Errorf("CertExpiry(%s) = %s, want %s", issued, got, want)
		}
	}
	levels := plan.LevelsFrom(plan.LevelCity)
	sort.Strings(levels)
	if strings.Join(levels, ",") != "国家级,市级,省级" {
		t.Errorf("LevelsFrom(市级) = %v", levels)
	}
}
