package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// register is a generated set of lists, imported in the order given.
type register struct {
	lists []struct {
		kind    plan.RegisterKind
		records []any
	}
}

func (r *register) add(kind plan.RegisterKind, records ...any) {
	r.lists = append(r.lists, struct {
		kind    plan.RegisterKind
		records []any
	}{kind, records})
}

func (r *register) load(t *testing.T, s *store.Store) {
	t.Helper()
	for i, l := range r.lists {
		mustImport(t, s, l.kind, fmt.Sprintf("%02d-%s.xlsx", i, l.kind), l.records...)
	}
}

// randomRegister generates a few hundred records of every register with a
// fixed seed: attributed by 属地, by address, through the enterprise, by
// name, or not at all; dates around the as-of dates tested.
func randomRegister(seed uint64) *register {
	rng := rand.New(rand.NewPCG(seed, seed*7+1))
	units := []string{"三家店街道", "洪都街道", "徐家坊街道", "京山街道", "岱山街道", "青云谱镇", "新经济产业集聚区"}
	unit := func() string { return units[rng.IntN(len(units))] }
	// Dates fall on, just before and just after the as-of dates tested a
	// quarter of the time, where the rules' edges are.
	edges := []string{"2019-03-15", "2019-07-31", "2019-08-01", "2020-02-29", "2021-12-30", "2021-12-31", "2022-01-01", "2022-03-14", "2022-03-15", "2022-03-16",
		"2022-07-30", "2022-07-31", "2022-08-01", "2022-12-31", "2023-01-01", "2023-02-28", "2023-03-01"}
	day := func(from, to string) string {
		if rng.IntN(4) == 0 {
			if e := edges[rng.IntN(len(edges))]; e >= from && e <= to {
				return e
			}
		}
		a, _ := time.Parse(time.DateOnly, from)
		b, _ := time.Parse(time.DateOnly, to)
		return a.AddDate(0, 0, rng.IntN(int(b.Sub(a).Hours()/24)+1)).Format(time.DateOnly)
	}
	chance := func(p float64) bool { return rng.Float64() < p }
	money := func(maxFen int64) plan.Decimal { return plan.DecimalFromMicros(rng.Int64N(maxFen)) }

	reg := &register{}
	type firm struct{ uscc, name string }
	var firms []firm
	var ents []any
	for i := 0; i < 120; i++ {
		e := &plan.Enterprise{USCC: uscc(i), Name: fmt.Sprintf("随机企业%03d", i)}
		switch {
		case chance(0.6):
			e.Area = unit()
		case chance(0.5):
			e.Address = fmt.Sprintf("南昌市青云谱区%s某路%d号", unit(), i)
		case chance(0.5):
			e.Address = fmt.Sprintf("南昌市青云谱区洪都大道%d号", i)
		}
		firms = append(firms, firm{e.USCC, e.Name})
		ents = append(ents, e)
	}
	pickFirm := func() firm { return firms[rng.IntN(len(firms))] }

	var smes []any
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		r := &plan.SMERecord{Year: 2021 + rng.IntN(2), RegNo: fmt.Sprintf("SME%05d", i)}
		switch {
		case chance(0.75):
			f := pickFirm()
			r.USCC, r.Name = f.uscc, f.name
		case chance(0.5):
			r.USCC, r.Name, r.Area = uscc(500+i), fmt.Sprintf("名录外企业%03d", i), unit() // a stub
		case chance(0.5):
			r.Name = pickFirm().name // by name
		default:
			r.Name = fmt.Sprintf("无代码企业%03d", i)
			if chance(0.5) {
				r.Area = unit()
			}
		}
		if k := fmt.Sprint(r.USCC, r.Year); r.USCC != "" && seen[k] {
			continue
		} else {
			seen[k] = true
		}
		if !chance(0.05) {
			r.Date = day(fmt.Sprintf("%d-01-01", r.Year), fmt.Sprintf("%d-12-31", r.Year))
		}
		if chance(0.15) {
			r.Revoked = day(fmt.Sprintf("%d-01-01", r.Year), fmt.Sprintf("%d-12-31", r.Year))
		}
		smes = append(smes, r)
	}

	var certs []any
	for i := 0; i < 150; i++ {
		c := &plan.HighTechCert{Issued: day("2018-01-01", "2022-12-31")}
		c.CertNo = fmt.Sprintf("GR%s36%06d", c.Issued[:4], i)
		if chance(0.85) {
			f := pickFirm()
			c.USCC, c.Name = f.uscc, f.name
		} else {
			c.Name = fmt.Sprintf("证书企业%03d", i)
			c.Area = unit()
		}
		if chance(0.3) {
			issued, _ := time.Parse(time.DateOnly, c.Issued)
			c.Expires = issued.AddDate(2+rng.IntN(2), rng.IntN(12), rng.IntN(28)).Format(time.DateOnly)
		}
		if chance(0.1) {
			c.Cancelled = day(c.Issued, "2023-06-30")
		}
		certs = append(certs, c)
	}

	party := func(seller bool) plan.ContractParty {
		switch {
		case chance(0.55):
			f := pickFirm()
			return plan.ContractParty{Name: f.name, USCC: f.uscc}
		case chance(0.3):
			return plan.ContractParty{Name: pickFirm().name}
		case chance(0.3):
			return plan.ContractParty{Name: fmt.Sprintf("本地单位%d", rng.IntN(50)), Area: unit()}
		case chance(0.3):
			return plan.ContractParty{Name: "江西某研究院", Area: "南昌市青云谱区"}
		case chance(0.5):
			return plan.ContractParty{Name: "北京某公司", Area: "北京市海淀区"}
		}
		return plan.ContractParty{Name: fmt.Sprintf("无地区单位%d", rng.IntN(50))}
	}
	var contracts []any
	for i := 0; i < 200; i++ {
		c := &plan.Contract{RegNo: fmt.Sprintf("2022360104%06d", i), Project: fmt.Sprintf("项目%d", i), Seller: party(true), Buyer: party(false),
			Type: []string{"开发", "转让", "许可", "咨询", "服务"}[rng.IntN(5)], Amount: money(20_000_000_000), Registered: day("2021-06-01", "2023-03-31")}
		if chance(0.7) {
			t := plan.DecimalFromMicros(rng.Int64N(c.Amount.Micros() + 1))
			c.TechAmount = &t
		}
		contracts = append(contracts, c)
	}

	var patents []any
	for i := 0; i < 150; i++ {
		p := &plan.Patent{Number: fmt.Sprintf("ZL2020100%05d.X", i), Title: fmt.Sprintf("专利%d", i), Granted: day("2012-01-01", "2022-12-31"),
			Type: []string{plan.PatentInvention, plan.PatentInvention, plan.PatentInvention, plan.PatentUtility, plan.PatentDesign}[rng.IntN(5)]}
		for h := 0; h < 1+rng.IntN(3); h++ {
			switch {
			case chance(0.6):
				f := pickFirm()
				p.Holders = append(p.Holders, plan.PatentHolder{Name: f.name, USCC: f.uscc, Domestic: true})
			case chance(0.3):
				p.Holders = append(p.Holders, plan.PatentHolder{Name: pickFirm().name, Domestic: true})
			case chance(0.6):
				p.Holders = append(p.Holders, plan.PatentHolder{Name: fmt.Sprintf("某大学%d", h), Domestic: true})
			default:
				p.Holders = append(p.Holders, plan.PatentHolder{Name: "Foreign Corp", Domestic: false})
			}
		}
		if chance(0.2) {
			p.Lapsed = day(p.Granted, "2023-12-31")
		} else if chance(0.05) {
			p.Status = "未缴年费专利权终止"
		}
		patents = append(patents, p)
	}

	var platforms []any
	keys := map[string]bool{}
	kinds := []string{"企业技术中心", "工程技术研究中心", "重点实验室", "孵化器", "众创空间", "新型研发机构"}
	for i := 0; i < 90; i++ {
		n := rng.IntN(40)
		p := &plan.Platform{Name: fmt.Sprintf("平台%02d", n), Kind: kinds[n%len(kinds)],
			Level: []string{plan.LevelDistrict, plan.LevelCity, plan.LevelProvince, plan.LevelNation}[rng.IntN(4)],
			Mode:  []string{"认定", "备案"}[rng.IntN(2)], Decided: day("2019-01-01", "2023-03-31")}
		if k := p.Name + p.Kind + p.Level; keys[k] {
			continue
		} else {
			keys[k] = true
		}
		switch {
		case chance(0.7):
			f := pickFirm()
			p.HostUSCC, p.HostName = f.uscc, f.name
		case chance(0.5):
			p.Area = unit()
		}
		platforms = append(platforms, p)
	}

	var stats []any
	stat := func(area, indicator string, year int, v plan.Decimal) {
		stats = append(stats, &plan.Statistic{Area: area, Indicator: indicator, Year: year, Value: v})
	}
	for _, year := range []int{2020, 2021} {
		stat("青云谱区", plan.StatPopulation, year, money(40_000_000).Add(plan.NewDecimal(20)))
		for _, u := range units[:5] {
			stat(u, plan.StatPopulation, year, money(8_000_000).Add(plan.NewDecimal(1)))
		}
	}
	stat("青云谱区", plan.StatGDP, 2021, money(4_000_000_000_000))
	stat("青云谱区", plan.StatRD, 2021, money(20_000_000_000))
	stat("青云谱区", plan.StatGDP, 2022, money(4_000_000_000_000))
	for _, u := range units {
		stat(u, plan.StatGDP, 2021, money(500_000_000_000))
		stat(u, plan.StatRD, 2021, money(3_000_000_000))
		stat(u, plan.StatGDP, 2022, money(500_000_000_000))
	}
	for _, u := range units[:3] {
		stat(u, plan.StatRD, 2022, money(3_000_000_000))
	}

	// SMEs and certificates first: they add stubs that the 企业库 then fills.
	reg.add(plan.RegSMEs, smes...)
	reg.add(plan.RegHighTech, certs...)
	reg.add(plan.RegEnterprises, ents...)
	reg.add(plan.RegContracts, contracts...)
	reg.add(plan.RegPatents, patents...)
	reg.add(plan.RegPlatforms, platforms...)
	reg.add(plan.RegStatistics, stats...)
	return reg
}

// definitionsUnderTest are every rule with its parameter variants.
var definitionsUnderTest = []plan.Definition{
	{Kind: plan.DefSMECount},
	{Kind: plan.DefHighTechCount},
	{Kind: plan.DefContractSum},
	{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Unit: "万元"}},
	{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: plan.SideBuyer, Unit: "元"}},
	{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: plan.SideBuyer, Amount: plan.AmountTech}},
	{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Amount: plan.AmountTech, Unit: "万元"}},
	{Kind: plan.DefPatentDensity},
	{Kind: plan.DefRDIntensity},
	{Kind: plan.DefNewPlatforms},
	{Kind: plan.DefNewPlatforms, Params: plan.DefinitionParams{MinLevel: plan.LevelProvince}},
	{Kind: plan.DefNewPlatforms, Params: plan.DefinitionParams{MinLevel: plan.LevelDistrict}},
}

func actualText(a store.GoalActual) string {
	r := plan.DefinitionResult{Total: a.Total, Units: map[int64]plan.Decimal{}, Previous: a.Previous, PreviousYear: a.PreviousYear}
	for _, u := range a.Units {
		r.Units[u.UnitID] = u.Value
	}
	return resultLine(r)
}

func resultLine(r plan.DefinitionResult) string {
	var b strings.Builder
	if r.Total == nil {
		b.WriteString("不可评估")
	} else {
		b.WriteString(r.Total.String())
	}
	for _, id := range r.SortedUnits() {
		fmt.Fprintf(&b, " %d=%s", id, r.Units[id])
	}
	if r.Previous != nil {
		fmt.Fprintf(&b, " 上年%d=%s", r.PreviousYear, r.Previous)
	}
	return b.String()
}

// compareWithReference checks DefinitionValues against plan.EvaluateDefinition
// over the store's records, for every rule, year and as-of date given, and
// returns how many figures were non-zero.
func compareWithReference(t *testing.T, s *store.Store, years []int, dates []string) int {
	t.Helper()
	ctx := context.Background()
	regs, err := s.LoadRegistersForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var bindings []store.GoalBinding
	for i, def := range definitionsUnderTest {
		bindings = append(bindings, store.GoalBinding{GoalID: int64(1000 + i), Definition: def})
	}
	nonZero := 0
	for _, year := range years {
		for _, asOf := range dates {
			got, err := s.DefinitionValuesForTest(ctx, bindings, year, asOf)
			if err != nil {
				t.Fatalf("DefinitionValues(%d, %s): %v", year, asOf, err)
			}
			naive, err := s.NaiveDefinitionValuesForTest(ctx, bindings, year, asOf)
			if err != nil {
				t.Fatalf("naive DefinitionValues(%d, %s): %v", year, asOf, err)
			}
			for i, def := range definitionsUnderTest {
				want := resultLine(plan.EvaluateDefinition(def, year, asOf, regs))
				if g := actualText(naive[i]); g != want {
					t.Errorf("%s %+v, year %d at %s:\nGROUP BY  %s\nreference %s", def.Kind, def.Params, year, asOf, g, want)
				}
				if g := actualText(got[i]); g != want {
					t.Errorf("%s %+v, year %d at %s:\nSQL       %s\nreference %s", def.Kind, def.Params, year, asOf, g, want)
				}
				if got[i].Total != nil && !got[i].Total.IsZero() {
					nonZero++
				}
				for _, u := range got[i].Units {
					if u.Source != store.RegisterSource || u.AsOf != asOf || u.GoalID != int64(1000+i) {
						t.Errorf("unit value %+v", u)
					}
				}
			}
		}
	}
	return nonZero
}

func TestDefinitionValuesMatchReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		randomRegister(2022).load(t, s)
		dates := []string{"2021-12-31", "2022-01-01", "2022-03-15", "2022-07-31", "2022-12-31", "2023-02-28"}
		if n := compareWithReference(t, s, []int{2021, 2022}, dates); n < 60 {
			t.Errorf("only %d non-zero figures: the register does not exercise the rules", n)
		}
		regs, _ := s.LoadRegistersForTest(context.Background())
		attributed, unattributed := 0, 0
		for _, r := range regs.SMEs {
			if r.UnitID != 0 {
				attributed++
			} else {
				unattributed++
			}
		}
		if attributed < 50 || unattributed < 5 {
			t.Errorf("SMEs: %d attributed, %d not: the register does not exercise attribution", attributed, unattributed)
		}
	})
}

// TestTalliesFollowEveryChange imports the registers in an order where
// the enterprises come last (so the records naming them are attributed
// when they come), then lists that change most records, then staff
// decisions and keywords, and checks the figures against the reference
// after each step: the tallies follow every change that moves a record.
func TestTalliesFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDirectory(t, s)
		dates := []string{"2021-12-31", "2022-03-15", "2022-07-31", "2023-02-28"}
		first := randomRegister(7)
		last := &register{}
		for _, l := range first.lists {
			if l.kind != plan.RegEnterprises {
				last.add(l.kind, l.records...)
			}
		}
		for _, l := range first.lists {
			if l.kind == plan.RegEnterprises {
				last.add(l.kind, l.records...)
			}
		}
		last.load(t, s)
		compareWithReference(t, s, []int{2022}, dates)

		// A second set of lists under the same keys: most records change
		// (parties, dates, amounts, areas), some are new.
		randomRegister(8).load(t, s)
		compareWithReference(t, s, []int{2021, 2022}, dates)

		// Staff decisions and keywords re-attribute everything.
		regs, err := s.LoadRegistersForTest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetAttribution(ctx, store.AttributionKey{USCC: uscc(3)}, unitID(t, s, "京山街道"), "", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAttribution(ctx, store.AttributionKey{Name: regs.Contracts[0].Buyer.Name}, unitID(t, s, "洪都街道"), "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAttributionKeyword(ctx, unitID(t, s, "岱山街道"), "洪都大道"); err != nil {
			t.Fatal(err)
		}
		compareWithReference(t, s, []int{2022}, dates)
	})
}

// TestDefinitionEdgesInSQL runs the rules' edges through the store: dates
// on, before and after the as-of date, a contract across two units, a
// patent lapsing, 万元 and 亿元, records without a unit.
func TestDefinitionEdgesInSQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadDirectory(t, s)
		d := plan.MustDecimal
		reg := &register{}
		reg.add(plan.RegEnterprises,
			&plan.Enterprise{USCC: uscc(1), Name: "洪都企业", Area: "洪都街道"},
			&plan.Enterprise{USCC: uscc(2), Name: "京山企业", Area: "京山街道"},
			&plan.Enterprise{USCC: uscc(3), Name: "无属地企业"})
		reg.add(plan.RegSMEs,
			&plan.SMERecord{USCC: uscc(1), Name: "洪都企业", Year: 2022, Date: "2022-07-31"},
			&plan.SMERecord{USCC: uscc(2), Name: "京山企业", Year: 2022, Date: "2022-03-01", Revoked: "2022-07-31"},
			&plan.SMERecord{USCC: uscc(3), Name: "无属地企业", Year: 2022, Date: "2022-03-01", Revoked: "2022-08-01"})
		reg.add(plan.RegHighTech,
			&plan.HighTechCert{USCC: uscc(1), Name: "洪都企业", CertNo: "GR201936000001", Issued: "2019-07-31"},
			&plan.HighTechCert{USCC: uscc(2), Name: "京山企业", CertNo: "GR201936000002", Issued: "2019-08-01"},
			&plan.HighTechCert{USCC: uscc(3), Name: "无属地企业", CertNo: "GR202036000003", Issued: "2020-02-29"})
		reg.add(plan.RegContracts,
			&plan.Contract{RegNo: "2022360104000001", Seller: plan.ContractParty{Name: "洪都企业", USCC: uscc(1)}, Buyer: plan.ContractParty{Name: "京山企业"},
				Amount: d("123.4567"), Registered: "2022-07-31"},
			&plan.Contract{RegNo: "2022360104000002", Seller: plan.ContractParty{Name: "无属地企业"}, Buyer: plan.ContractParty{Name: "外地", Area: "北京市"},
				Amount: d("0.0049"), Registered: "2022-01-01"})
		reg.add(plan.RegPatents,
			&plan.Patent{Number: "P1", Type: plan.PatentInvention, Granted: "2015-01-01", Lapsed: "2022-07-30", Holders: []plan.PatentHolder{{Name: "洪都企业", Domestic: true}}},
			&plan.Patent{Number: "P2", Type: plan.PatentInvention, Granted: "2015-01-01", Lapsed: "2022-08-01", Holders: []plan.PatentHolder{{Name: "洪都企业", Domestic: true}}},
			&plan.Patent{Number: "P3", Type: plan.PatentInvention, Granted: "2022-07-31", Holders: []plan.PatentHolder{{Name: "京山企业", Domestic: true}, {Name: "洪都企业", Domestic: true}}})
		reg.add(plan.RegPlatforms,
			// recognised at two levels on one day: one new platform
			&plan.Platform{Name: "甲中心", Kind: "企业技术中心", Level: plan.LevelCity, Decided: "2022-07-31", HostUSCC: uscc(1)},
			&plan.Platform{Name: "甲中心", Kind: "企业技术中心", Level: plan.LevelProvince, Decided: "2022-07-31", HostUSCC: uscc(1)},
			// first recognised at 市级 the year before
			&plan.Platform{Name: "乙中心", Kind: "企业技术中心", Level: plan.LevelCity, Decided: "2021-12-31", HostUSCC: uscc(2)},
			&plan.Platform{Name: "乙中心", Kind: "企业技术中心", Level: plan.LevelProvince, Decided: "2022-01-01", HostUSCC: uscc(2)},
			&plan.Platform{Name: "丙空间", Kind: "众创空间", Level: plan.LevelCity, Decided: "2022-01-01", Area: "青云谱区"})
		reg.add(plan.RegStatistics,
			&plan.Statistic{Area: "青云谱区", Indicator: plan.StatPopulation, Year: 2021, Value: d("30")},
			&plan.Statistic{Area: "洪都街道", Indicator: plan.StatPopulation, Year: 2021, Value: d("3")})
		reg.load(t, s)
		hongdu, jingshan := unitID(t, s, "洪都街道"), unitID(t, s, "京山街道")
		got, err := s.DefinitionValuesForTest(context.Background(), []store.GoalBinding{
			{GoalID: 1, Definition: plan.Definition{Kind: plan.DefSMECount}},
			{GoalID: 2, Definition: plan.Definition{Kind: plan.DefHighTechCount}},
			{GoalID: 3, Definition: plan.Definition{Kind: plan.DefContractSum}},
			{GoalID: 4, Definition: plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Unit: "万元"}}},
			{GoalID: 5, Definition: plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: plan.SideBuyer, Unit: "万元"}}},
			{GoalID: 6, Definition: plan.Definition{Kind: plan.DefPatentDensity}},
			{GoalID: 7, Definition: plan.Definition{Kind: plan.DefNewPlatforms}},
		}, 2022, "2022-07-31")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			// 入库 on the as-of date counts; 撤销 on it does not; 撤销 after does (待归属: total only)
			fmt.Sprintf("2 %d=1", hongdu),
			// expiring on the as-of date: not; the day after: yes; the leap-day certificate of the firm without a unit: total only
			fmt.Sprintf("2 %d=1", jingshan),
			// 123.4567万元 + 0.0049万元 (待归属 seller) = 0.01234616亿元; 洪都 0.01234567亿元
			fmt.Sprintf("0.012346 %d=0.012346", hongdu),
			fmt.Sprintf("123.4616 %d=123.4567", hongdu),
			// 吸纳: the buyer's unit; the buyer in 北京市 is not in the area
			fmt.Sprintf("123.4567 %d=123.4567", jingshan),
			// P2 and P3 in force: 2 ÷ 30万人; 洪都 2 ÷ 3; 京山 has no population figure
			fmt.Sprintf("0.066667 %d=0.666667", hongdu),
			// 甲中心 once; 乙中心 is not new; 丙空间 has no unit (the district only)
			fmt.Sprintf("2 %d=1", hongdu),
		}
		for i, w := range want {
			if g := actualText(got[i]); g != w {
				t.Errorf("goal %d: got %s, want %s", got[i].GoalID, g, w)
			}
		}
		compareWithReference(t, s, []int{2022}, []string{"2022-07-30", "2022-07-31", "2022-08-01", "2023-02-28", "2023-03-01"})
	})
}

func TestGoalBindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		doc, err := s.Plan(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		bs, err := s.GoalBindings(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, b := range bs {
			got[b.Indicator] = string(b.Definition.Kind)
			if b.Definition.Kind == plan.DefContractSum {
				got[b.Indicator] += " " + b.Definition.Params.Unit
			}
			if !b.Default || b.Year != 2022 || b.PlanID != planID {
				t.Errorf("binding %+v", b)
			}
		}
		want := map[string]string{
			"全社会R&D经费投入占全区GDP比重": "rd_intensity",
			"科技型中小企业":            "sme_count",
			"高新技术企业":             "hightech_count",
			"新增市级以上研发平台和创新载体数量":  "new_platforms",
			"技术合同成交额":            "contract_sum 亿元",
			"万人有效发明专利拥有量":        "patent_density",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("bindings of the 2022 plan:\n got %v\nwant %v", got, want)
		}
		entries, _, _ := s.AuditLog(ctx, store.AuditFilter{Action: "plan.definition.default"})
		if len(entries) != 1 {
			t.Errorf("%d audit entries for the default bindings, want 1", len(entries))
		}

		sme := doc.Goals[1]
		bindingOf := func(goalID int64) string {
			b, err := s.GoalBinding(ctx, goalID)
			if plan.ErrorCode(err) == plan.ENOTFOUND {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%s %v", b.Definition.Kind, b.Default)
		}
		// Editing the indicator drops the default; editing it back binds again.
		sme.Indicator = "引进科技人才"
		if _, err := s.SaveGoal(ctx, planID, sme); err != nil {
			t.Fatal(err)
		}
		if b := bindingOf(sme.ID); b != "" {
			t.Errorf("after the indicator changed: %q", b)
		}
		sme.Indicator = "科技型中小企业入库数"
		if _, err := s.SaveGoal(ctx, planID, sme); err != nil {
			t.Fatal(err)
		}
		if b := bindingOf(sme.ID); b != "sme_count true" {
			t.Errorf("after the indicator changed back: %q", b)
		}
		// An admin's unbinding sticks.
		if err := s.UnbindGoal(ctx, sme.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveGoal(ctx, planID, sme); err != nil {
			t.Fatal(err)
		}
		if b := bindingOf(sme.ID); b != "" {
			t.Errorf("an unbound goal was bound again: %q", b)
		}
		// So does an admin's choice.
		contract := doc.Goals[4]
		if err := s.BindGoal(ctx, contract.ID, plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: plan.SideBuyer}}); err != nil {
			t.Fatal(err)
		}
		contract.Text = "技术合同成交额突破8亿元"
		if _, err := s.SaveGoal(ctx, planID, contract); err != nil {
			t.Fatal(err)
		}
		b, err := s.GoalBinding(ctx, contract.ID)
		if err != nil || b.Default || b.Definition.Params.Side != plan.SideBuyer || b.Definition.Params.Unit != "亿元" {
			t.Errorf("admin binding after an edit: %+v %v", b, err)
		}
		if err := s.BindGoal(ctx, contract.ID, plan.Definition{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: "both"}}); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("invalid parameters: %v", err)
		}
		// A goal added later with a known indicator is bound.
		id, err := s.SaveGoal(ctx, planID, plan.DocGoal{Text: "高新技术企业数80家", Indicator: "高新技术企业数", Comparator: plan.AtLeast, Target: plan.NewDecimal(80), Unit: "家", Kind: plan.KindStock})
		if err != nil {
			t.Fatal(err)
		}
		if b := bindingOf(id); b != "hightech_count true" {
			t.Errorf("new goal: %q", b)
		}
		if ok, _, err := s.VerifyAuditLog(ctx); err != nil || ok == 0 {
			t.Errorf("audit chain: %d %v", ok, err)
		}
	})
}

func TestActualsAndDrillDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		doc, _ := s.Plan(ctx, planID)
		hongdu := unitID(t, s, "洪都街道")
		lists := sampleLists()
		for _, kind := range plan.RegisterKinds {
			mustImport(t, s, kind, string(kind)+".xlsx", lists[kind]...)
		}
		actuals, err := s.Actuals(ctx, planID, "2022-07-31")
		if err != nil {
			t.Fatal(err)
		}
		if len(actuals) != 6 {
			t.Fatalf("%d actuals", len(actuals))
		}
		byGoal := map[int64]store.GoalActual{}
		for _, a := range actuals {
			byGoal[a.GoalID] = a
		}
		sme := byGoal[doc.Goals[1].ID]
		if sme.Total == nil || sme.Total.String() != "3" {
			t.Errorf("SME total = %v", sme.Total)
		}
		if len(sme.Units) != 7 {
			t.Errorf("every allocated unit has a value: %+v", sme.Units)
		}
		for _, u := range sme.Units {
			want := "0"
			if u.UnitID == hongdu { // 企业001有限公司: units[1]
				want = "1"
			}
			if u.Value.String() != want && u.UnitID != unitID(t, s, "徐家坊街道") && u.UnitID != unitID(t, s, "京山街道") {
				t.Errorf("unit %d = %s, want %s", u.UnitID, u.Value, want)
			}
		}
		if rd := byGoal[doc.Goals[0].ID]; rd.Total != nil || len(rd.Units) != 0 {
			t.Errorf("R&D ratio without statistics: %+v", rd)
		}
		if _, err := s.Actuals(ctx, planID, "2022-7-31"); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("bad date: %v", err)
		}

		page, err := s.DefinitionRecords(ctx, doc.Goals[1].ID, 0, "2022-07-31", store.Page{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 3 || len(page.Records) != 2 {
			t.Fatalf("page = %+v", page)
		}
		r := page.Records[0]
		if r.Kind != plan.RegSMEs || r.Origin.File != "smes.xlsx" || r.Origin.Sheet != "Sheet1" || r.Origin.Row != 2 || r.Date != "2022-04-10" || r.UnitID != hongdu || r.Unit != "洪都街道" {
			t.Errorf("record = %+v", r)
		}
		page, err = s.DefinitionRecords(ctx, doc.Goals[1].ID, hongdu, "2022-07-31", store.Page{})
		if err != nil || page.Total != 1 {
			t.Errorf("records of 洪都街道: %+v %v", page, err)
		}
		for _, g := range doc.Goals {
			n := 0
			if err := s.EachDefinitionRecord(ctx, g.ID, 0, "2022-07-31", func(store.DefinitionRecord) error { n++; return nil }); err != nil {
				t.Fatalf("%s: %v", g.Indicator, err)
			}
			p, err := s.DefinitionRecords(ctx, g.ID, 0, "2022-07-31", store.Page{Limit: 1000})
			if err != nil || p.Total != n || len(p.Records) != n {
				t.Errorf("%s: streamed %d, paged %+v %v", g.Indicator, n, p, err)
			}
		}
		contracts, _ := s.DefinitionRecords(ctx, doc.Goals[4].ID, 0, "2022-07-31", store.Page{})
		if len(contracts.Records) != 1 || contracts.Records[0].Amount.String() != "0.01205" || contracts.Records[0].Party != "北京某公司" {
			t.Errorf("contract records = %+v", contracts.Records)
		}
		// The patents and the population they are divided by.
		patents, _ := s.DefinitionRecords(ctx, doc.Goals[5].ID, 0, "2022-07-31", store.Page{})
		if len(patents.Records) != 2 || patents.Records[0].Kind != plan.RegStatistics || patents.Records[0].Amount.String() != "33.52" ||
			patents.Records[1].Key != "ZL202010000001.1" {
			t.Errorf("patent records = %+v", patents.Records)
		}
	})
}

func TestDisputes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDirectory(t, s)
		mustImport(t, s, plan.RegSMEs, "入库.xlsx", sampleLists()[plan.RegSMEs]...)
		hongdu := unitID(t, s, "洪都街道")
		id, err := s.FlagRecord(ctx, hongdu, store.RecordRef{Kind: plan.RegSMEs, ID: 1}, "该企业已迁出", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.FlagRecord(ctx, hongdu, store.RecordRef{Kind: plan.RegSMEs, ID: 999}, "x", nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("unknown record: %v", err)
		}
		if _, err := s.FlagRecord(ctx, hongdu, store.RecordRef{Kind: plan.RegSMEs, ID: 1}, " ", nil); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("no reason: %v", err)
		}
		open, err := s.Disputes(ctx, store.DisputeFilter{State: store.DisputeOpen})
		if err != nil || len(open) != 1 || open[0].RecordKey != uscc(1) || open[0].Unit != "洪都街道" || open[0].Reason != "该企业已迁出" {
			t.Fatalf("open disputes = %+v %v", open, err)
		}
		if err := s.ResolveDispute(ctx, id, "经核实已迁至京山街道，已改归属", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveDispute(ctx, id, "again", nil); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("resolving twice: %v", err)
		}
		all, _ := s.Disputes(ctx, store.DisputeFilter{UnitID: hongdu, Record: store.RecordRef{Kind: plan.RegSMEs, ID: 1}})
		if len(all) != 1 || all[0].State != store.DisputeResolved || all[0].ResolvedAt == nil || all[0].Resolution == "" {
			t.Errorf("disputes = %+v", all)
		}
	})
}

func TestHeaderMapping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, _, found, err := s.HeaderMapping(ctx, "shape-1"); found || err != nil {
			t.Fatalf("found %v %v", found, err)
		}
		m := map[string]string{"纳税人识别号": "uscc", "单位": "name"}
		if err := s.SaveHeaderMapping(ctx, plan.RegEnterprises, "shape-1", m); err != nil {
			t.Fatal(err)
		}
		m["单位"] = "area"
		if err := s.SaveHeaderMapping(ctx, plan.RegEnterprises, "shape-1", m); err != nil {
			t.Fatal(err)
		}
		got, kind, found, err := s.HeaderMapping(ctx, "shape-1")
		if err != nil || !found || kind != plan.RegEnterprises || got["单位"] != "area" || got["纳税人识别号"] != "uscc" {
			t.Errorf("mapping = %v %s %v %v", got, kind, found, err)
		}
	})
}
