package plan

import (
	"strings"
	"testing"
	"time"
)

func TestCheckLink(t *testing.T) {
	city := &Document{ID: 1, Title: "南昌市2022年科技创新工作要点", Year: 2022}
	three := &Document{ID: 3, Title: "青云谱区科技创新三年行动实施方案（2021—2023年）", StartYear: 2021, EndYear: 2023}
	sme := DocGoal{ID: 10, Indicator: "科技型中小企业", Unit: "家", Target: NewDecimal(1000)}
	contract := DocGoal{ID: 12, Indicator: "技术合同成交额", Unit: "亿元", Target: NewDecimal(100)}
	hightech := DocGoal{ID: 31, Indicator: "高新技术企业", Unit: "家", Target: NewDecimal(90),
		YearTargets: []YearTarget{{2021, NewDecimal(60)}, {2022, NewDecimal(76)}, {2023, NewDecimal(90)}}}
	noYears := DocGoal{ID: 32, Indicator: "科技型中小企业", Unit: "家", Target: NewDecimal(150)}
	district := DocGoal{ID: 20, Indicator: "科技型中小企业", Unit: "家", Target: NewDecimal(140)}
	allocs := map[int64]Decimal{7: NewDecimal(140), 8: MustDecimal("96.5")}
	tests := []struct {
		name string
		r    LinkRequest
		want string // the target, or a part of the error
	}{
		{"allocation", LinkRequest{Goal: district, PlanID: 2, PlanYear: 2022, Parent: sme, ParentPlan: city, UnitID: 7, UnitName: "青云谱区", Allocations: allocs}, "140"},
		{"decimal allocation", LinkRequest{Goal: district, PlanID: 2, Parent: sme, ParentPlan: city, UnitID: 8, UnitName: "西湖区", Allocations: allocs}, "96.5"},
		{"not split to the unit", LinkRequest{Goal: district, PlanID: 2, Parent: sme, ParentPlan: city, UnitID: 9, UnitName: "东湖区", Allocations: allocs}, "没有分解到“东湖区”"},
		{"units differ", LinkRequest{Goal: district, PlanID: 2, Parent: contract, ParentPlan: city, UnitID: 7, Allocations: allocs}, "计量单位不同"},
		{"same plan", LinkRequest{Goal: district, PlanID: 1, Parent: sme, ParentPlan: city, UnitID: 7, Allocations: allocs}, "不能关联本方案"},
		{"itself", LinkRequest{Goal: district, PlanID: 2, Parent: district, ParentPlan: city}, "自身"},
		{"cycle", LinkRequest{Goal: district, PlanID: 2, Parent: sme, ParentPlan: city, UnitID: 7, Allocations: allocs, Above: []int64{40, 20}}, "循环"},
		{"missing parent", LinkRequest{Goal: district, PlanID: 2}, "不存在"},
		{"year target", LinkRequest{Goal: DocGoal{ID: 21, Indicator: "高新技术企业", Unit: "家"}, PlanID: 2, PlanYear: 2022, Parent: hightech, ParentPlan: three}, "76"},
		{"year outside the period", LinkRequest{Goal: DocGoal{ID: 21, Indicator: "高新技术企业", Unit: "家"}, PlanID: 2, PlanYear: 2024, Parent: hightech, ParentPlan: three}, "不在上级方案"},
		{"no target for the year", LinkRequest{Goal: DocGoal{ID: 21, Unit: "家"}, PlanID: 2, PlanYear: 2020, Parent: hightech, ParentPlan: &Document{ID: 3, Title: "x"}}, "没有2020年的目标"},
		{"above the goal's ceiling", LinkRequest{Goal: DocGoal{ID: 23, Indicator: "研发平台", Unit: "个", Comparator: WithinRange, Target: NewDecimal(1), TargetMax: ptr(NewDecimal(3))}, PlanID: 2,
			Parent: DocGoal{ID: 13, Indicator: "研发平台", Unit: "个"}, ParentPlan: city, UnitID: 7, UnitName: "青云谱区", Allocations: map[int64]Decimal{7: NewDecimal(5)}}, "超过本目标"},
		{"parent target without year targets", LinkRequest{Goal: district, PlanID: 2, PlanYear: 2022, Parent: noYears, ParentPlan: three}, "150"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckLink(tt.r)
			if err != nil {
				if !strings.Contains(ErrorMessage(err), tt.want) {
					t.Fatalf("error %q, want %q", ErrorMessage(err), tt.want)
				}
				return
			}
			if got.String() != tt.want {
				t.Fatalf("target %s, want %s", got, tt.want)
			}
		})
	}
}

func TestYearTargets(t *testing.T) {
	three := &Document{Title: "三年行动", StartYear: 2021, EndYear: 2023}
	tests := []struct {
		name    string
		doc     *Document
		targets []YearTarget
		err     string
	}{
		{"in the period", three, []YearTarget{{2021, NewDecimal(60)}, {2022, NewDecimal(76)}, {2023, NewDecimal(90)}}, ""},
		{"twice", three, []YearTarget{{2021, NewDecimal(60)}, {2021, NewDecimal(61)}}, "重复"},
		{"outside", three, []YearTarget{{2024, NewDecimal(60)}}, "不在方案期限"},
		{"negative", three, []YearTarget{{2022, NewDecimal(-1)}}, "负数"},
		{"no period", &Document{Title: "x"}, []YearTarget{{1800, NewDecimal(1)}}, "不合理"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := DocGoal{Indicator: "高新技术企业", Comparator: AtLeast, Unit: "家", YearTargets: tt.targets}
			doc := *tt.doc
			doc.Goals = []DocGoal{g}
			err := CheckDocument(&doc)
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if v, ok := TargetFor(g, 2022); !ok || v.String() != "76" {
					t.Fatalf("TargetFor 2022 = %s %v", v, ok)
				}
				return
			}
			if err == nil || !strings.Contains(ErrorMessage(err), tt.err) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
		})
	}
	if err := CheckDocument(&Document{Title: "x", StartYear: 2023, EndYear: 2021}); err == nil {
		t.Fatal("a period ending before it starts was accepted")
	}
	if err := CheckDocument(&Document{Title: "x", StartYear: 2021}); err == nil {
		t.Fatal("a period without an end was accepted")
	}
}

// district is 青云谱区's plan as of a date: two sub-districts report 科技型
// 中小企业 (flow, 家) and 技术合同成交额 (亿元, decimals).
func district(asOf string, values ...UnitValue) OverviewInput {
	d, _ := ParseAsOf(asOf)
	return OverviewInput{
		Doc: &Document{ID: 2, Year: 2022, Goals: []DocGoal{
			{ID: 20, Indicator: "科技型中小企业", Comparator: AtLeast, Target: NewDecimal(140), Unit: "家", Kind: KindFlow},
			{ID: 22, Indicator: "技术合同成交额", Comparator: MoreThan, Target: NewDecimal(7), Unit: "亿元", Kind: KindFlow},
		}},
		Units:       []Unit{{ID: 101, Name: "三家店街道", Kind: UnitSubdistrict}, {ID: 102, Name: "洪都街道", Kind: UnitSubdistrict}},
		Allocations: []Allocation{{20, 101, NewDecimal(70)}, {20, 102, NewDecimal(70)}, {22, 101, NewDecimal(4)}, {22, 102, NewDecimal(3)}},
		Values:      values,
		AsOf:        d,
	}
}

func TestRollUp(t *testing.T) {
	approved := []UnitValue{
		{GoalID: 20, UnitID: 101, Value: NewDecimal(30), AsOf: "2022-06-30", Source: "f1"},
		{GoalID: 20, UnitID: 102, Value: NewDecimal(25), AsOf: "2022-06-30", Source: "f2"},
		{GoalID: 22, UnitID: 101, Value: MustDecimal("1.25"), AsOf: "2022-06-30", Source: "f1"},
		{GoalID: 22, UnitID: 102, Value: MustDecimal("0.35"), AsOf: "2022-06-30", Source: "f2"},
		// A later round of the district: never in a figure as of June.
		{GoalID: 20, UnitID: 101, Value: NewDecimal(50), AsOf: "2022-09-30", Source: "f3"},
	}
	tests := []struct {
		name     string
		asOf     string
		goal     int64
		values   []UnitValue
		want     string // "" when no figure
		dataDate string
	}{
		{"sum of the units", "2022-06-30", 20, approved, "55", "2022-06-30"},
		{"decimal sum", "2022-07-15", 22, approved, "1.6", "2022-06-30"},
		{"a later round does not leak in", "2022-07-31", 20, approved, "55", "2022-06-30"},
		{"the later round counts from its date", "2022-09-30", 20, approved, "75", "2022-09-30"},
		{"no round yet", "2022-06-30", 20, nil, "", ""},
		{"before the first round", "2022-05-31", 20, approved, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RollUpValues([]RollUp{{ParentGoalID: 10, UnitID: 7, PlanID: 2, AsOf: tt.asOf, In: district(tt.asOf, tt.values...), GoalID: tt.goal}})
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("got %+v, want no value", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d values", len(got))
			}
			v := got[0]
			if v.Value.String() != tt.want || v.DataDate != tt.dataDate || v.AsOf != tt.asOf || v.GoalID != 10 || v.UnitID != 7 {
				t.Fatalf("got %+v, want %s as of %s (data %s)", v, tt.want, tt.asOf, tt.dataDate)
			}
			if id, ok := LinkedPlan(v.Source); !ok || id != 2 {
				t.Fatalf("source %q", v.Source)
			}
		})
	}
}

// TestCityOverview: the city's goal split over three districts, two
// linked (one with no round yet) and one reporting on the city's forms.
// The total is the sum of the allocation rows; a linked row's figure is the
// district plan's, whatever a city form typed for it; the ranking uses it
// (青云谱区 is ranked as a district though the one directory holds it as
// the district government).
func TestCityOverview(t *testing.T) {
	const qyp, xh, dh = 7, 8, 9
	asOf := "2022-06-30"
	d, _ := ParseAsOf(asOf)
	linked := RollUpValues([]RollUp{
		{ParentGoalID: 10, UnitID: qyp, PlanID: 2, AsOf: asOf, GoalID: 20, In: district(asOf,
			UnitValue{GoalID: 20, UnitID: 101, Value: NewDecimal(40), AsOf: "2022-06-20", Source: "f1"},
			UnitValue{GoalID: 20, UnitID: 102, Value: NewDecimal(30), AsOf: "2022-06-20", Source: "f2"})},
		{ParentGoalID: 10, UnitID: xh, PlanID: 4, AsOf: asOf, GoalID: 20, In: district(asOf)}, // no round yet
	})
	in := OverviewInput{
		Doc: &Document{ID: 1, Year: 2022, Goals: []DocGoal{
			{ID: 10, Indicator: "科技型中小企业", Comparator: AtLeast, Target: NewDecimal(400), Unit: "家", Kind: KindFlow},
		}},
		Units:       []Unit{{ID: qyp, Name: "青云谱区", Kind: UnitGovernment}, {ID: xh, Name: "西湖区", Kind: UnitDistrict}, {ID: dh, Name: "东湖区", Kind: UnitDistrict}},
		Allocations: []Allocation{{10, qyp, NewDecimal(140)}, {10, xh, NewDecimal(130)}, {10, dh, NewDecimal(130)}},
		Values: append(linked,
			UnitValue{GoalID: 10, UnitID: qyp, Value: NewDecimal(999), AsOf: asOf, Source: "typed"}, // ignored: the row is linked
			UnitValue{GoalID: 10, UnitID: dh, Value: NewDecimal(60), AsOf: asOf, Source: "f9"}),
		AsOf: d,
	}
	ov := BuildOverview(in)
	if got := ov.Cards[0].Actual; got == nil || got.String() != "130" {
		t.Fatalf("city total %v, want 70 + 60", got)
	}
	cells := map[int64]*Cell{}
	for _, r := range ov.Rows {
		cells[r.Unit.ID] = r.Cells[10]
	}
	if c := cells[qyp]; c.Actual == nil || c.Actual.String() != "70" || c.LinkedPlan != 2 || c.DataDate != "2022-06-20" || c.Carried {
		t.Fatalf("青云谱区 %+v", c)
	}
	if c := cells[xh]; c.Actual != nil {
		t.Fatalf("西湖区 has no round yet, got %v", c.Actual)
	}
	if c := cells[dh]; c.Actual == nil || c.LinkedPlan != 0 || c.Source != "f9" {
		t.Fatalf("东湖区 %+v", c)
	}
	var ranked []string
	for _, r := range ov.Ranking {
		ranked = append(ranked, r.Unit)
	}
	if strings.Join(ranked, ",") != "青云谱区,东湖区" && strings.Join(ranked, ",") != "青云谱区,东湖区,西湖区" {
		t.Fatalf("ranking %v", ranked)
	}
}

func TestLinkFindings(t *testing.T) {
	cur := NewDecimal(150)
	doc := &Document{Goals: []DocGoal{
		{Indicator: "科技型中小企业", Unit: "家", Target: NewDecimal(140), Links: []GoalLink{{ParentPlan: "南昌市要点", ParentIndicator: "科技型中小企业", UnitID: 7, Unit: "青云谱区", SourceTarget: NewDecimal(140), Current: &cur}}},
		{Indicator: "高新技术企业", Unit: "家", Target: NewDecimal(76), Links: []GoalLink{{ParentPlan: "三年行动", ParentIndicator: "高新技术企业", SourceTarget: NewDecimal(76), Current: ptr(NewDecimal(76))}}},
		{Indicator: "技术合同成交额", Unit: "亿元", Target: NewDecimal(7), Links: []GoalLink{{ParentPlan: "南昌市要点", ParentIndicator: "技术合同成交额", UnitID: 7, Unit: "青云谱区", SourceTarget: NewDecimal(7)}}},
		// Two links disagreeing: the three-year plan says 150 for the year.
		{Indicator: "科技型中小企业", Unit: "家", Target: NewDecimal(140), Links: []GoalLink{{ParentPlan: "三年行动", ParentIndicator: "科技型中小企业", SourceTarget: NewDecimal(150), Current: ptr(NewDecimal(150))}}},
		{Indicator: "无关联", Unit: "家"},
	}}
	got := LinkFindings(doc)
	if len(got) != 3 {
		t.Fatalf("findings %+v", got)
	}
	if m := got[0].Message; !strings.Contains(m, "140家") || !strings.Contains(m, "150家") || got[0].Code != FindingLinkChanged {
		t.Fatalf("message %q names not both figures", m)
	}
	if m := got[1].Message; !strings.Contains(m, "已不存在") || !strings.Contains(m, "7亿元") {
		t.Fatalf("message %q", m)
	}
	if m := got[2].Message; !strings.Contains(m, "140家") || !strings.Contains(m, "150家") || !strings.Contains(m, "不一致") {
		t.Fatalf("message %q", m)
	}
}

func ptr[T any](v T) *T { return &v }

func TestYearProgress(t *testing.T) {
	three := &Document{StartYear: 2021, EndYear: 2023}
	g := DocGoal{Indicator: "高新技术企业", Comparator: AtLeast, Unit: "家", Target: NewDecimal(90),
		YearTargets: []YearTarget{{2021, NewDecimal(60)}, {2022, NewDecimal(76)}, {2023, NewDecimal(90)}}}
	children := []YearChild{
		{Year: 2022, Plan: "2022年工作要点", Actual: ptr(NewDecimal(50)), AsOf: "2022-06-30"},
		{Year: 2021, Plan: "2021年工作要点", Actual: ptr(NewDecimal(61)), AsOf: "2021-12-31", Final: true},
	}
	rows := YearProgress(three, g, children, time.Date(2022, 7, 1, 0, 0, 0, 0, Zone))
	if len(rows) != 3 {
		t.Fatalf("rows %d", len(rows))
	}
	if r := rows[0]; r.Year != 2021 || !r.Judged || !r.Met || r.Target.String() != "60" || r.Current {
		t.Fatalf("2021 %+v", r)
	}
	if r := rows[1]; r.Year != 2022 || !r.Judged || r.Met || !r.Current || r.Child.AsOf != "2022-06-30" {
		t.Fatalf("2022 %+v", r)
	}
	if r := rows[2]; r.Child != nil || r.Judged || r.Target.String() != "90" {
		t.Fatalf("2023 %+v", r)
	}
}
