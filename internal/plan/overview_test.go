package plan_test

import (
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/plan"
)

// example2022 gives the 2022 plan and directory IDs, as a store would.
func example2022(t *testing.T) (*plan.Document, *plan.Directory) {
	t.Helper()
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	doc, dir := ex.Document, ex.Directory
	for i := range doc.Goals {
		doc.Goals[i].ID = int64(i + 1)
	}
	for i := range dir.Units {
		dir.Units[i].ID = int64(i + 1)
	}
	return doc, dir
}

// TestOverview2022July works the 2022 plan's numbers at the end of July
// 2022 (day 212 of 365: 58.1% of the year elapsed):
//
//   - 徐家坊街道 reports 12 of its 19 高新技术企业 (a stock, baseline 0):
//     completion 12/19 = 63.2% against 序时 58.1% → 5.1 points ahead → 超序时.
//   - 三家店街道 reports 技术合同成交额 1.25 of its 3 亿元 (a flow, linear):
//     41.7% against 58.1% → 16.4 points behind (> 10) → 滞后.
//   - The district's 高新技术企业 card sums the units that reported: 12 + 10
//     (三家店街道) = 22 of 76 = 28.9% → 29.2 points behind → 滞后 (< 30).
//   - R&D/GDP (a ratio, annual statistics) → 不可评估 in July.
func TestOverview2022July(t *testing.T) {
	doc, dir := example2022(t)
	_, allocations := plan.Resolve(doc, dir)
	idx := dir.Index()
	xjf, sjd := idx["徐家坊街道"].UnitID, idx["三家店街道"].UnitID
	values := []plan.UnitValue{
		{GoalID: 3, UnitID: xjf, Value: plan.NewDecimal(12), AsOf: "2022-07-31", Source: "f-xjf"},
		{GoalID: 3, UnitID: sjd, Value: plan.NewDecimal(10), AsOf: "2022-07-31", Source: "f-sjd"},
		{GoalID: 5, UnitID: sjd, Value: plan.MustDecimal("1.25"), AsOf: "2022-07-31", Source: "f-sjd"},
		{GoalID: 3, UnitID: xjf, Value: plan.NewDecimal(9), AsOf: "2022-06-30", Source: "f-xjf-june"},
		{GoalID: 3, UnitID: xjf, Value: plan.NewDecimal(15), AsOf: "2022-08-31", Source: "f-xjf-aug"}, // after the date: ignored
	}
	asOf, _ := plan.ParseAsOf("2022-07-31")
	ov := plan.BuildOverview(plan.OverviewInput{Doc: doc, Units: dir.Units, Allocations: allocations, Values: values, AsOf: asOf})

	cell := func(unit int64, goal int64) *plan.Cell {
		for _, r := range ov.Rows {
			if r.Unit.ID == unit {
				return r.Cells[goal]
			}
		}
		t.Fatalf("no row for unit %d", unit)
		return nil
	}
	c := cell(xjf, 3)
	if c.Actual.String() != "12" || c.Source != "f-xjf" || plan.Points(c.Assessment.Completion.Ratio, 0) != 63.157895 {
		t.Errorf("徐家坊街道 高新技术企业: %v from %s, completion %v", c.Actual, c.Source, c.Assessment.Completion.Ratio)
	}
	if got := c.Assessment.Expected; got < 0.5808 || got > 0.5809 {
		t.Errorf("序时 at 2022-07-31 = %v, want 212/365 = 0.5808", got)
	}
	if c.Assessment.Status != plan.ProgressAhead {
		t.Errorf("徐家坊街道 status %s, want 超序时 (5.1 points ahead)", c.Assessment.Status.Label())
	}
	if c := cell(sjd, 5); c.Assessment.Status != plan.ProgressLagging {
		t.Errorf("三家店街道 技术合同成交额 1.25/3: %s, want 滞后", c.Assessment.Status.Label())
	}
	cards := map[string]plan.GoalCard{}
	for _, c := range ov.Cards {
		cards[c.Goal.Indicator] = c
	}
	hte := cards["高新技术企业"]
	if hte.Actual == nil || hte.Actual.String() != "22" || hte.Assessment.Status != plan.ProgressLagging {
		t.Errorf("district 高新技术企业: %v %s, want 22 and 滞后", hte.Actual, hte.Assessment.Status.Label())
	}
	if len(hte.Trend) != 2 || hte.Trend[0].Value.String() != "9" || hte.Trend[1].Value.String() != "22" {
		t.Errorf("trend %v, want June 9 then July 22", hte.Trend)
	}
	if rd := cards["全社会R&D经费投入占全区GDP比重"]; rd.Assessment.Status != plan.ProgressNotAssessable {
		t.Errorf("R&D/GDP in July: %s, want 不可评估", rd.Assessment.Status.Label())
	}
	if len(ov.Goals) != 3 || len(ov.Rows) != 7 {
		t.Errorf("matrix %d goals × %d units, want 3 × 7", len(ov.Goals), len(ov.Rows))
	}
	if len(ov.Ranking) != 7 || ov.Ranking[0].Unit != "徐家坊街道" || ov.Ranking[0].Rank != 1 {
		t.Errorf("ranking starts with %+v, want 徐家坊街道 first", ov.Ranking[0])
	}
	if s := ov.Summary(); !strings.HasPrefix(s, "截至7月底，全区6项目标中") || !strings.Contains(s, "项滞后于序时进度") {
		t.Errorf("summary %q", s)
	}
}

func BenchmarkBuildOverviewProvince(b *testing.B) {
	in := provinceInput(100, 50, 12)
	b.ReportAllocs()
	for b.Loop() {
		plan.BuildOverview(in)
	}
}

// BenchmarkBaselineSumValues is the baseline for the overview benchmark: the
// same values only added up, one pass.
func BenchmarkBaselineSumValues(b *testing.B) {
	in := provinceInput(100, 50, 12)
	b.ReportAllocs()
	for b.Loop() {
		sums := map[int64]plan.Decimal{}
		for _, v := range in.Values {
			sums[v.GoalID] = sums[v.GoalID].Add(v.Value)
		}
	}
}

// provinceInput is a province-size plan: units × goals, all allocated, with
// an approved value for every unit and goal in every round.
func provinceInput(units, goals, rounds int) plan.OverviewInput {
	doc := &plan.Document{Title: "省级方案", Year: 2022}
	for g := 1; g <= goals; g++ {
		kind := plan.KindStock
		if g%2 == 0 {
			kind = plan.KindFlow
		}
		doc.Goals = append(doc.Goals, plan.DocGoal{ID: int64(g), Indicator: "指标" + itoa(g), Comparator: plan.AtLeast, Target: plan.NewDecimal(int64(units * 10)), Unit: "家", Kind: kind})
	}
	in := plan.OverviewInput{Doc: doc}
	for u := 1; u <= units; u++ {
		in.Units = append(in.Units, plan.Unit{ID: int64(u), Name: "单位" + itoa(u), Kind: plan.UnitSubdistrict})
		for g := 1; g <= goals; g++ {
			in.Allocations = append(in.Allocations, plan.Allocation{GoalID: int64(g), UnitID: int64(u), Target: plan.NewDecimal(10)})
			for r := 1; r <= rounds; r++ {
				in.Values = append(in.Values, plan.UnitValue{GoalID: int64(g), UnitID: int64(u), Value: plan.NewDecimal(int64(r * (u%7 + 1) / 4)), AsOf: monthEnd(r), Source: "f"})
			}
		}
	}
	in.AsOf, _ = plan.ParseAsOf("2022-12-31")
	return in
}

func itoa(n int) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(digits[n%10]) + s
	}
	return s
}

func monthEnd(m int) string {
	days := []string{"31", "28", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31"}
	mm := itoa(m)
	if m < 10 {
		mm = "0" + mm
	}
	return "2022-" + mm + "-" + days[m-1]
}
