package plan

import (
	"math"
	"strings"
	"testing"
	"time"
)

// date is a civil date in Asia/Shanghai, as rounds carry it.
func date(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := ParseAsOf(s)
	if err != nil {
		tb.Fatalf("ParseAsOf(%q): %v", s, err)
	}
	return t
}

func dp(s string) *Decimal { d := MustDecimal(s); return &d }

// near reports whether two ratios agree to a millionth.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func pgoal(cmp Comparator, target string, kind GoalKind, unit string) DocGoal {
	return DocGoal{Indicator: "指标", Comparator: cmp, Target: MustDecimal(target), Kind: kind, Unit: unit}
}

func TestComplete(t *testing.T) {
	rng := func(lo, hi string) DocGoal {
		g := pgoal(WithinRange, lo, KindFlow, "个")
		g.TargetMax = dp(hi)
		return g
	}
	tests := []struct {
		name   string
		g      DocGoal
		actual string
		opt    Options
		ratio  float64
		done   bool
		note   string
	}{
		{">= below", pgoal(AtLeast, "140", KindStock, "家"), "70", Options{}, 0.5, false, ""},
		{">= at target", pgoal(AtLeast, "140", KindStock, "家"), "140", Options{}, 1, true, ""},
		{">= above", pgoal(AtLeast, "140", KindStock, "家"), "154", Options{}, 1.1, true, ""},
		{">= negative actual clamps at 0", pgoal(AtLeast, "10", KindFlow, "家"), "-3", Options{}, 0, false, ""},
		{">= target 0, actual 0", pgoal(AtLeast, "0", KindFlow, "家"), "0", Options{}, 1, true, ""},
		{">= target 0, actual below", pgoal(AtLeast, "0", KindFlow, "家"), "-1", Options{}, 0, false, ""},
		{">= negative target met", pgoal(AtLeast, "-5", KindRatio, "%"), "-2", Options{}, 1, true, ""},
		{">= negative target missed", pgoal(AtLeast, "-5", KindRatio, "%"), "-8", Options{}, 0, false, ""},
		{"> below", pgoal(MoreThan, "7", KindFlow, "亿元"), "3.5", Options{}, 0.5, false, ""},
		{"> at exactly target: 100% but not done", pgoal(MoreThan, "7", KindFlow, "亿元"), "7", Options{}, 1, false, NoteNotExceeded},
		{"> just above", pgoal(MoreThan, "7", KindFlow, "亿元"), "7.000001", Options{}, 7.000001 / 7, true, ""},
		{"> target 0, actual 0", pgoal(MoreThan, "0", KindFlow, "件"), "0", Options{}, 0, false, ""},
		{"> target 0, actual 1", pgoal(MoreThan, "0", KindFlow, "件"), "1", Options{}, 1, true, ""},
		{"range below floor", rng("1", "3"), "0", Options{}, 0, false, ""},
		{"range at floor", rng("1", "3"), "1", Options{}, 1, true, ""},
		{"range inside", rng("1", "3"), "2", Options{}, 2, true, ""},
		{"range at ceiling", rng("1", "3"), "3", Options{}, 3, true, ""},
		{"range above ceiling: done, flagged", rng("1", "3"), "4", Options{}, 4, true, NoteAboveRange},
		{"range without ceiling", pgoal(WithinRange, "2", KindFlow, "个"), "5", Options{}, 2.5, true, ""},
		{"range ceiling below floor ignored", rng("3", "1"), "5", Options{}, 5.0 / 3, true, ""},
		{"range floor 0", rng("0", "3"), "0", Options{}, 1, true, ""},
		{"<= decrease met", pgoal(AtMost, "100", KindStock, "吨"), "80", Options{}, 1, true, ""},
		{"<= at target", pgoal(AtMost, "100", KindStock, "吨"), "100", Options{}, 1, true, ""},
		{"<= over: inverted", pgoal(AtMost, "100", KindStock, "吨"), "125", Options{}, 0.8, false, ""},
		{"<= actual 0", pgoal(AtMost, "100", KindStock, "吨"), "0", Options{}, 1, true, ""},
		{"<= negative actual", pgoal(AtMost, "100", KindStock, "吨"), "-5", Options{}, 1, true, ""},
		{"<= target 0 met", pgoal(AtMost, "0", KindFlow, "起"), "0", Options{}, 1, true, ""},
		{"<= target 0 broken", pgoal(AtMost, "0", KindFlow, "起"), "2", Options{}, 0, false, ""},
		{"≈ at target", pgoal(About, "100", KindFlow, "家"), "100", Options{}, 1, true, ""},
		{"≈ lower tolerance edge", pgoal(About, "100", KindFlow, "家"), "95", Options{}, 0.95, true, ""},
		{"≈ upper tolerance edge", pgoal(About, "100", KindFlow, "家"), "105", Options{}, 1.05, true, ""},
		{"≈ just below the band", pgoal(About, "100", KindFlow, "家"), "94.999999", Options{}, 0.94999999, false, ""},
		{"≈ just above the band", pgoal(About, "100", KindFlow, "家"), "105.000001", Options{}, 1.05000001, false, NoteAboveTolerance},
		{"≈ tolerance set to 10%", pgoal(About, "100", KindFlow, "家"), "91", Options{Tolerance: 0.1}, 0.91, true, ""},
		{"≈ decimal target edge", pgoal(About, "0.55", KindRatio, "%"), "0.5225", Options{}, 0.95, true, ""},
		{"≈ target 0", pgoal(About, "0", KindFlow, "家"), "0", Options{}, 1, true, ""},
		{"≈ target 0 missed", pgoal(About, "0", KindFlow, "家"), "1", Options{}, 0, false, NoteAboveTolerance},
		{"unknown comparator read as >=", pgoal("", "10", KindFlow, "家"), "10", Options{}, 1, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Complete(tt.g, MustDecimal(tt.actual), tt.opt)
			if !near(got.Ratio, tt.ratio) || got.Done != tt.done || got.Note != tt.note {
				t.Errorf("Complete(%s %s, %s) = %+v, want ratio %v done %v note %q",
					tt.g.Comparator, tt.g.Target, tt.actual, got, tt.ratio, tt.done, tt.note)
			}
		})
	}
}

func TestCompleteFromBaseline(t *testing.T) {
	tests := []struct {
		name           string
		g              DocGoal
		baseline       *Decimal
		actual         string
		ratio, fromBas float64
		note           string
	}{
		{"no baseline: same as ratio", pgoal(AtLeast, "19", KindStock, "家"), nil, "12", 12.0 / 19, 12.0 / 19, ""},
		{"half way from baseline", pgoal(AtLeast, "19", KindStock, "家"), dp("10"), "14.5", 14.5 / 19, 0.5, ""},
		{"at baseline", pgoal(AtLeast, "19", KindStock, "家"), dp("10"), "10", 10.0 / 19, 0, ""},
		{"below baseline clamps at 0", pgoal(AtLeast, "19", KindStock, "家"), dp("10"), "8", 8.0 / 19, 0, NoteBelowBaseline},
		{"beyond the target", pgoal(AtLeast, "19", KindStock, "家"), dp("10"), "28", 28.0 / 19, 2, ""},
		{"target at baseline, met", pgoal(AtLeast, "10", KindStock, "家"), dp("10"), "10", 1, 1, ""},
		{"target under baseline, missed", pgoal(AtLeast, "10", KindStock, "家"), dp("12"), "9", 0.9, 0, ""},
		{"decrease: 120 → 100, at 110", pgoal(AtMost, "100", KindStock, "吨"), dp("120"), "110", 100.0 / 110, 0.5, ""},
		{"decrease: risen above baseline", pgoal(AtMost, "100", KindStock, "吨"), dp("120"), "130", 100.0 / 130, 0, NoteBelowBaseline},
		{"range from baseline to floor", func() DocGoal { g := pgoal(WithinRange, "1", KindFlow, "个"); g.TargetMax = dp("3"); return g }(), dp("0"), "2", 2, 2, ""},
		{"≈ downwards", pgoal(About, "80", KindStock, "家"), dp("100"), "90", 90.0 / 80, 0.5, NoteAboveTolerance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Complete(tt.g, MustDecimal(tt.actual), Options{Baseline: tt.baseline})
			if !near(got.Ratio, tt.ratio) || !near(got.FromBaseline, tt.fromBas) || got.Note != tt.note {
				t.Errorf("got %+v, want ratio %v from baseline %v note %q", got, tt.ratio, tt.fromBas, tt.note)
			}
		})
	}
}

func TestForAllocation(t *testing.T) {
	g := pgoal(MoreThan, "7", KindFlow, "亿元")
	a := ForAllocation(g, MustDecimal("3"))
	if a.Comparator != AtLeast || a.Target.String() != "3" || a.Unit != "亿元" || a.Kind != KindFlow {
		t.Fatalf("ForAllocation(>7, 3) = %+v", a)
	}
	if !Complete(a, MustDecimal("3"), Options{}).Done {
		t.Error("an allocation of 3 reached at 3 is not done")
	}
	r := pgoal(WithinRange, "1", KindFlow, "个")
	r.TargetMax = dp("3")
	if a := ForAllocation(r, MustDecimal("1")); a.Comparator != AtLeast || a.TargetMax != nil {
		t.Errorf("ForAllocation(range) = %+v", a)
	}
	if a := ForAllocation(pgoal(AtMost, "100", KindStock, "吨"), MustDecimal("20")); a.Comparator != AtMost {
		t.Errorf("ForAllocation(<=) = %+v", a)
	}
}

func TestExpected(t *testing.T) {
	steps := Curve{Kind: CurveStep, Steps: []Step{{Month: 11, Share: 0.4}, {Month: 10, Share: 0.1}, {Month: 12, Share: 0.9}}}
	var monthly Curve
	monthly.Kind = CurveMonthly
	monthly.Monthly = [12]float64{0.02, 0.05, 0.12, 0.18, 0.25, 0.40, 0.45, 0.50, 0.60, 0.70, 0.80, 1}
	bumpy := monthly
	bumpy.Monthly[2] = 0.01 // falls in March: read as never falling
	bumpy.Monthly[11] = 0.9 // December is 1 whatever is set
	tests := []struct {
		name       string
		c          Curve
		year       int
		asOf       time.Time
		share      float64
		assessable bool
	}{
		{"linear Jan 1", Curve{Kind: CurveLinear}, 2022, date(t, "2022-01-01"), 1.0 / 365, true},
		{"linear Jul 31", Curve{Kind: CurveLinear}, 2022, date(t, "2022-07-31"), 212.0 / 365, true},
		{"linear Dec 30", Curve{Kind: CurveLinear}, 2022, date(t, "2022-12-30"), 364.0 / 365, true},
		{"linear Dec 31", Curve{Kind: CurveLinear}, 2022, date(t, "2022-12-31"), 1, true},
		{"linear leap year Jul 31", Curve{Kind: CurveLinear}, 2024, date(t, "2024-07-31"), 213.0 / 366, true},
		{"linear before the year", Curve{Kind: CurveLinear}, 2022, date(t, "2021-12-31"), 0, true},
		{"linear after the year", Curve{Kind: CurveLinear}, 2022, date(t, "2023-03-31"), 1, true},
		{"Shanghai date, not UTC", Curve{Kind: CurveLinear}, 2022, time.Date(2022, 7, 31, 17, 0, 0, 0, time.UTC), 213.0 / 365, true},
		{"UTC midnight keeps its date", Curve{Kind: CurveLinear}, 2022, time.Date(2022, 7, 31, 0, 0, 0, 0, time.UTC), 212.0 / 365, true},
		{"unknown kind is linear", Curve{Kind: "weird"}, 2022, date(t, "2022-07-31"), 212.0 / 365, true},
		{"baseline: elapsed share", Curve{Kind: CurveBaseline, Baseline: dp("10")}, 2022, date(t, "2022-07-31"), 212.0 / 365, true},
		{"annual in July", Curve{Kind: CurveAnnual}, 2022, date(t, "2022-07-31"), 0, false},
		{"annual Dec 30", Curve{Kind: CurveAnnual}, 2022, date(t, "2022-12-30"), 0, false},
		{"annual Dec 31", Curve{Kind: CurveAnnual}, 2022, date(t, "2022-12-31"), 1, true},
		{"annual next year", Curve{Kind: CurveAnnual}, 2022, date(t, "2023-04-30"), 1, true},
		{"step before any batch", steps, 2022, date(t, "2022-07-31"), 0, true},
		{"step the day before October ends", steps, 2022, date(t, "2022-10-30"), 0, true},
		{"step at October's end", steps, 2022, date(t, "2022-10-31"), 0.1, true},
		{"step in November", steps, 2022, date(t, "2022-11-15"), 0.1, true},
		{"step at November's end", steps, 2022, date(t, "2022-11-30"), 0.4, true},
		{"step Dec 31 is 1 whatever the batches", steps, 2022, date(t, "2022-12-31"), 1, true},
		{"step month 0 counts from the start", Curve{Kind: CurveStep, Steps: []Step{{Month: 0, Share: 0.3}}}, 2022, date(t, "2022-01-01"), 0.3, true},
		{"step share above 1 read as 1", Curve{Kind: CurveStep, Steps: []Step{{Month: 6, Share: 7}}}, 2022, date(t, "2022-07-31"), 1, true},
		{"step NaN share read as 0", Curve{Kind: CurveStep, Steps: []Step{{Month: 6, Share: math.NaN()}}}, 2022, date(t, "2022-07-31"), 0, true},
		{"step none: 0 until year end", Curve{Kind: CurveStep}, 2022, date(t, "2022-12-30"), 0, true},
		{"monthly at Jan's end", monthly, 2022, date(t, "2022-01-31"), 0.02, true},
		{"monthly at Jul's end", monthly, 2022, date(t, "2022-07-31"), 0.45, true},
		{"monthly mid-August", monthly, 2022, date(t, "2022-08-16"), 0.45 + 0.05*16/31, true},
		{"monthly Jan 1", monthly, 2022, date(t, "2022-01-01"), 0.02 / 31, true},
		{"monthly Dec 31", monthly, 2022, date(t, "2022-12-31"), 1, true},
		{"monthly falling share held", bumpy, 2022, date(t, "2022-03-31"), 0.05, true},
		{"monthly December forced to 1", bumpy, 2022, date(t, "2022-12-16"), 0.8 + 0.2*16/31, true},
		{"monthly before the year", monthly, 2022, date(t, "2021-12-31"), 0, true},
		{"monthly leap year Feb 28", monthly, 2024, date(t, "2024-02-28"), 0.02 + 0.03*28/29, true},
		{"monthly leap year Feb 29", monthly, 2024, date(t, "2024-02-29"), 0.05, true},
		{"monthly leap year Mar 1", monthly, 2024, date(t, "2024-03-01"), 0.05 + 0.07/31, true},
		{"step leap year Nov 29", steps, 2024, date(t, "2024-11-29"), 0.1, true},
		{"step leap year Nov 30", steps, 2024, date(t, "2024-11-30"), 0.4, true},
		{"linear leap year Dec 31", Curve{Kind: CurveLinear}, 2024, date(t, "2024-12-31"), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			share, ok := Expected(tt.c, tt.year, tt.asOf)
			if !near(share, tt.share) || ok != tt.assessable {
				t.Errorf("Expected = %v, %v; want %v, %v", share, ok, tt.share, tt.assessable)
			}
		})
	}
}

func TestExpectedCompletion(t *testing.T) {
	jul := date(t, "2022-07-31")
	e := 212.0 / 365
	tests := []struct {
		name     string
		g        DocGoal
		c        Curve
		asOf     time.Time
		expected float64
		ok       bool
	}{
		{"stock, baseline unknown: elapsed", pgoal(AtLeast, "19", KindStock, "家"), Curve{Kind: CurveBaseline}, jul, e, true},
		{"stock from 10 to 19", pgoal(AtLeast, "19", KindStock, "家"), Curve{Kind: CurveBaseline, Baseline: dp("10")}, jul, (10 + 9*e) / 19, true},
		{"stock from 10 to 19 on Jan 1", pgoal(AtLeast, "19", KindStock, "家"), Curve{Kind: CurveBaseline, Baseline: dp("10")}, date(t, "2022-01-01"), (10 + 9.0/365) / 19, true},
		{"stock already above target", pgoal(AtLeast, "19", KindStock, "家"), Curve{Kind: CurveBaseline, Baseline: dp("25")}, jul, 1, true},
		{"stock baseline 0", pgoal(AtLeast, "19", KindStock, "家"), Curve{Kind: CurveBaseline, Baseline: dp("0")}, jul, e, true},
		{"stock target 0", pgoal(AtLeast, "0", KindStock, "家"), Curve{Kind: CurveBaseline, Baseline: dp("3")}, jul, e, true},
		{"range from floor", func() DocGoal { g := pgoal(WithinRange, "2", KindFlow, "个"); g.TargetMax = dp("4"); return g }(), Curve{Kind: CurveLinear}, jul, e, true},
		{"<= ceiling: kept all year", pgoal(AtMost, "100", KindFlow, "吨"), Curve{Kind: CurveLinear}, jul, 1, true},
		{"<= decrease from 120 to 100", pgoal(AtMost, "100", KindStock, "吨"), Curve{Kind: CurveBaseline, Baseline: dp("120")}, jul, 100 / (120 - 20*e), true},
		{"<= baseline already under", pgoal(AtMost, "100", KindStock, "吨"), Curve{Kind: CurveBaseline, Baseline: dp("90")}, jul, 1, true},
		{"<= annual in July", pgoal(AtMost, "100", KindRatio, "%"), Curve{Kind: CurveAnnual}, jul, 0, false},
		{"decrease at year end", pgoal(AtMost, "100", KindStock, "吨"), Curve{Kind: CurveBaseline, Baseline: dp("120")}, date(t, "2022-12-31"), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ExpectedCompletion(tt.g, tt.c, 2022, tt.asOf)
			if !near(got, tt.expected) || ok != tt.ok {
				t.Errorf("ExpectedCompletion = %v, %v; want %v, %v", got, ok, tt.expected, tt.ok)
			}
		})
	}
}

func TestDefaultCurve(t *testing.T) {
	tests := []struct {
		g    DocGoal
		want string
	}{
		{DocGoal{Indicator: "技术合同成交额", Kind: KindFlow, Unit: "亿元"}, CurveLinear},
		{DocGoal{Indicator: "高新技术企业", Kind: KindStock, Unit: "家"}, CurveBaseline},
		{DocGoal{Indicator: "全社会R&D经费投入占全区GDP比重", Kind: KindRatio, Unit: "%"}, CurveAnnual},
		{DocGoal{Indicator: "万人有效发明专利拥有量", Kind: KindPerCapita, Unit: "件"}, CurveAnnual},
		{DocGoal{Indicator: "全社会R&D经费投入占全区GDP比重", Unit: "%"}, CurveAnnual},
		{DocGoal{Indicator: "万人有效发明专利拥有量", Unit: "件"}, CurveAnnual},
		{DocGoal{Indicator: "新增市级以上研发平台", Unit: "个"}, CurveLinear},
		{DocGoal{Indicator: "技术合同成交额", Unit: "亿元"}, CurveLinear},
		{DocGoal{Indicator: "科技型中小企业", Unit: "家"}, CurveBaseline},
	}
	for _, tt := range tests {
		if got := DefaultCurve(tt.g); got.Kind != tt.want || got.Baseline != nil {
			t.Errorf("DefaultCurve(%s, %q) = %+v, want %s", tt.g.Indicator, tt.g.Kind, got, tt.want)
		}
	}
}

func TestCheckCurve(t *testing.T) {
	good := [12]float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.95, 1}
	tests := []struct {
		name string
		c    Curve
		err  string
	}{
		{"linear", Curve{Kind: CurveLinear}, ""},
		{"annual", Curve{Kind: CurveAnnual}, ""},
		{"baseline", Curve{Kind: CurveBaseline, Baseline: dp("12")}, ""},
		{"negative baseline", Curve{Kind: CurveBaseline, Baseline: dp("-1")}, "年初基数"},
		{"steps", Curve{Kind: CurveStep, Steps: []Step{{11, 0.5}, {12, 1}}}, ""},
		{"no steps", Curve{Kind: CurveStep}, "至少需要一个批次"},
		{"step month 13", Curve{Kind: CurveStep, Steps: []Step{{13, 1}}}, "0 到 12"},
		{"step share 1.5", Curve{Kind: CurveStep, Steps: []Step{{11, 1.5}}}, "0 到 100%"},
		{"falling steps", Curve{Kind: CurveStep, Steps: []Step{{12, 0.5}, {11, 0.8}}}, "低于之前"},
		{"monthly", Curve{Kind: CurveMonthly, Monthly: good}, ""},
		{"monthly not ending at 1", Curve{Kind: CurveMonthly, Monthly: [12]float64{0.1}}, "12月累计比例应为 100%"},
		{"monthly falling", func() Curve { c := Curve{Kind: CurveMonthly, Monthly: good}; c.Monthly[4] = 0.2; return c }(), "5月累计比例低于4月"},
		{"monthly NaN", func() Curve { c := Curve{Kind: CurveMonthly, Monthly: good}; c.Monthly[0] = math.NaN(); return c }(), "1月累计比例"},
		{"unknown kind", Curve{Kind: "s-curve"}, "无效"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCurve(tt.c)
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("CheckCurve: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || ErrorCode(err) != EINVALID):
				t.Errorf("CheckCurve = %v, want EINVALID mentioning %q", err, tt.err)
			}
		})
	}
}

// TestAssessThresholds holds each threshold at its boundary: lagging is
// more than Lag points behind, seriously lagging more than SeriousLag,
// ahead at least Ahead points in front.
func TestAssessThresholds(t *testing.T) {
	custom := Thresholds{Lag: 5, SeriousLag: 20, Ahead: 0}
	tests := []struct {
		name       string
		ratio      float64
		done       bool
		expected   float64
		assessable bool
		th         Thresholds
		want       ProgressStatus
	}{
		{"not assessable", 0.2, false, 0.6, false, Thresholds{}, ProgressNotAssessable},
		{"not assessable even when done", 1.2, true, 0, false, Thresholds{}, ProgressNotAssessable},
		{"NaN expected is not assessable", 0.5, false, math.NaN(), true, Thresholds{}, ProgressNotAssessable},
		{"done", 1, true, 0.58, true, Thresholds{}, ProgressDone},
		{"done while behind the curve (≈ within tolerance)", 0.96, true, 1, true, Thresholds{}, ProgressDone},
		{"exactly on schedule", 0.581, false, 0.581, true, Thresholds{}, ProgressOnTrack},
		{"10 points behind: still on schedule", 0.481, false, 0.581, true, Thresholds{}, ProgressOnTrack},
		{"10.0001 points behind: lagging", 0.480999, false, 0.581, true, Thresholds{}, ProgressLagging},
		{"30 points behind: lagging", 0.281, false, 0.581, true, Thresholds{}, ProgressLagging},
		{"30.0001 points behind: seriously", 0.280999, false, 0.581, true, Thresholds{}, ProgressSeriousLag},
		{"4.9999 points ahead: on schedule", 0.630999, false, 0.581, true, Thresholds{}, ProgressOnTrack},
		{"5 points ahead: ahead", 0.631, false, 0.581, true, Thresholds{}, ProgressAhead},
		{"nothing expected, nothing done", 0, false, 0, true, Thresholds{}, ProgressOnTrack},
		{"custom: 5 points behind", 0.531, false, 0.581, true, custom, ProgressOnTrack},
		{"custom: 5.1 points behind", 0.53, false, 0.581, true, custom, ProgressLagging},
		{"custom: 20.1 points behind", 0.38, false, 0.581, true, custom, ProgressSeriousLag},
		{"custom ahead 0: any lead is ahead", 0.5811, false, 0.581, true, custom, ProgressAhead},
		{"custom ahead 0: level is on schedule", 0.581, false, 0.581, true, custom, ProgressOnTrack},
		{"bad thresholds fall back field by field", 0.45, false, 0.581, true, Thresholds{Lag: math.NaN(), SeriousLag: -1, Ahead: 5}, ProgressLagging},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Assess(Completion{Ratio: tt.ratio, Done: tt.done}, tt.expected, tt.assessable, tt.th)
			if got != tt.want {
				t.Errorf("Assess = %s, want %s (points %v)", got, tt.want, Points(tt.ratio, tt.expected))
			}
		})
	}
}

func TestThresholdsCheck(t *testing.T) {
	if err := DefaultThresholds().Check(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	for _, th := range []Thresholds{{Lag: 30, SeriousLag: 10}, {Lag: -1, SeriousLag: 30}, {Lag: 10, SeriousLag: 30, Ahead: math.Inf(1)}} {
		if err := th.Check(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: Check = %v, want EINVALID", th, err)
		}
	}
	if err := (Options{Tolerance: 1.5}).Check(); ErrorCode(err) != EINVALID {
		t.Errorf("tolerance 150%%: %v", err)
	}
	if err := (Options{}).Check(); err != nil {
		t.Errorf("zero options: %v", err)
	}
}

func TestProgressStatusNames(t *testing.T) {
	want := map[ProgressStatus][2]string{
		ProgressDone:          {"已完成", "done"},
		ProgressAhead:         {"超序时", "ahead"},
		ProgressOnTrack:       {"序时", "on-track"},
		ProgressLagging:       {"滞后", "lagging"},
		ProgressSeriousLag:    {"严重滞后", "serious-lag"},
		ProgressNotAssessable: {"不可评估", "not-assessable"},
	}
	if len(ProgressStatuses) != len(want) {
		t.Fatalf("ProgressStatuses has %d, want %d", len(ProgressStatuses), len(want))
	}
	for _, s := range ProgressStatuses {
		if s.Label() != want[s][0] || s.Class() != want[s][1] {
			t.Errorf("%s: Label %q Class %q, want %q %q", s, s.Label(), s.Class(), want[s][0], want[s][1])
		}
	}
}

func TestAssessGoalDateRules(t *testing.T) {
	ceiling := pgoal(AtMost, "100", KindFlow, "万元")
	tests := []struct {
		name   string
		g      DocGoal
		c      Curve
		actual string
		asOf   string
		want   ProgressStatus
	}{
		{"<= flow within its ceiling in July", ceiling, Curve{Kind: CurveLinear}, "60", "2022-07-31", ProgressOnTrack},
		{"<= flow within its ceiling at year end", ceiling, Curve{Kind: CurveLinear}, "95", "2022-12-31", ProgressDone},
		{"<= flow 5% over", ceiling, Curve{Kind: CurveLinear}, "105", "2022-07-31", ProgressOnTrack},
		{"<= flow 20% over", ceiling, Curve{Kind: CurveLinear}, "120", "2022-07-31", ProgressLagging},
		{"<= flow 50% over", ceiling, Curve{Kind: CurveLinear}, "150", "2022-07-31", ProgressSeriousLag},
		{"<= stock reached in July is done", pgoal(AtMost, "100", KindStock, "吨"), Curve{Kind: CurveBaseline, Baseline: dp("120")}, "100", "2022-07-31", ProgressDone},
		{"<= stock still at its baseline in July", pgoal(AtMost, "100", KindStock, "吨"), Curve{Kind: CurveBaseline, Baseline: dp("120")}, "120", "2022-07-31", ProgressOnTrack},
		{"> at exactly target at year end", pgoal(MoreThan, "7", KindFlow, "亿元"), Curve{Kind: CurveLinear}, "7", "2022-12-31", ProgressLagging},
		{"year over, 95% done", pgoal(AtLeast, "140", KindStock, "家"), Curve{Kind: CurveBaseline}, "133", "2022-12-31", ProgressLagging},
		{"year over, 60% done", pgoal(AtLeast, "140", KindStock, "家"), Curve{Kind: CurveBaseline}, "84", "2022-12-31", ProgressSeriousLag},
		{"before the year starts", pgoal(AtLeast, "140", KindStock, "家"), Curve{Kind: CurveBaseline}, "0", "2021-12-01", ProgressOnTrack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AssessGoal(tt.g, tt.c, MustDecimal(tt.actual), 2022, date(t, tt.asOf), Options{})
			if a.Status != tt.want {
				t.Errorf("status = %s, want %s (%+v)", a.Status, tt.want, a)
			}
		})
	}
}

// TestProgress2022 works the 2022 plan (青政办发〔2022〕16号) through by hand,
// as of the July round (数据截至 2022-07-31, day 212 of 365).
//
// Elapsed share: 2022-07-31 is day 31+28+31+30+31+30+31 = 212 of 365, so
// linear 序时进度 = 212/365 = 58.08%.
//
// 徐家坊街道, 高新技术企业 (stock, allocated ≥19家 in 附件2), 12 at the end of July:
//
//	completion = 12/19 = 63.16%, not done.
//	baseline curve, baseline unknown (read as 0): expected = 58.08%;
//	  63.16 − 58.08 = +5.08 points ≥ 5 → 超序时 (with Ahead 10 it would be 序时).
//	step curve, certification announced in batches (10% at end of October,
//	  40% November, 100% December): nothing due in July, expected 0;
//	  +63.16 points → 超序时.
//	baseline curve with a baseline of 10 at the start of the year (an
//	  illustration; the notice gives none): expected level 10 + 9 × 0.5808 =
//	  15.23, expected completion 15.23/19 = 80.14%; 63.16 − 80.14 = −16.99
//	  points → 滞后. Progress from the baseline: (12 − 10)/(19 − 10) = 22.2%.
//
// 三家店街道, 技术合同成交额 (flow; the goal is 突破7亿元, the unit's allocation
// 3亿元, reached at 3), 1.25亿元 by July:
//
//	completion = 1.25/3 = 41.67%; linear expected 58.08%;
//	41.67 − 58.08 = −16.42 points: more than 10, not more than 30 → 滞后.
//
// 全社会R&D经费投入占全区GDP比重 (ratio, ≥0.55%), annual curve:
//
//	July: not assessable → 不可评估 (grey, whatever value is at hand).
//	Dec 31 at 0.56%: 0.56/0.55 = 101.8%, done → 已完成.
func TestProgress2022(t *testing.T) {
	jul := date(t, "2022-07-31")
	if e, _ := Expected(Curve{Kind: CurveLinear}, 2022, jul); !near(e, 212.0/365) || math.Round(e*1000)/10 != 58.1 {
		t.Fatalf("elapsed share = %v, want 212/365 = 58.1%%", e)
	}

	hitech := ForAllocation(DocGoal{Indicator: "高新技术企业", Comparator: AtLeast, Target: NewDecimal(76), Unit: "家", Kind: KindStock}, NewDecimal(19))
	certBatches := Curve{Kind: CurveStep, Steps: []Step{{10, 0.1}, {11, 0.4}, {12, 1}}}
	tests := []struct {
		name     string
		g        DocGoal
		c        Curve
		actual   string
		asOf     time.Time
		ratio    float64 // completion, to 0.1%
		expected float64 // to 0.1%
		points   float64 // to 0.01
		status   ProgressStatus
	}{
		{"徐家坊街道 高新技术企业, baseline curve", hitech, DefaultCurve(hitech), "12", jul, 63.2, 58.1, 5.08, ProgressAhead},
		{"徐家坊街道 高新技术企业, step curve", hitech, certBatches, "12", jul, 63.2, 0, 63.16, ProgressAhead},
		{"徐家坊街道 高新技术企业, baseline 10", hitech, Curve{Kind: CurveBaseline, Baseline: dp("10")}, "12", jul, 63.2, 80.1, -16.99, ProgressLagging},
		{"三家店街道 技术合同成交额", ForAllocation(DocGoal{Indicator: "技术合同成交额", Comparator: MoreThan, Target: NewDecimal(7), Unit: "亿元", Kind: KindFlow}, NewDecimal(3)),
			Curve{Kind: CurveLinear}, "1.25", jul, 41.7, 58.1, -16.42, ProgressLagging},
		{"R&D/GDP in July", DocGoal{Indicator: "全社会R&D经费投入占全区GDP比重", Comparator: AtLeast, Target: MustDecimal("0.55"), Unit: "%", Kind: KindRatio},
			Curve{Kind: CurveAnnual}, "0.5", jul, 90.9, 0, 0, ProgressNotAssessable},
		{"R&D/GDP at year end", DocGoal{Indicator: "全社会R&D经费投入占全区GDP比重", Comparator: AtLeast, Target: MustDecimal("0.55"), Unit: "%", Kind: KindRatio},
			Curve{Kind: CurveAnnual}, "0.56", date(t, "2022-12-31"), 101.8, 100, 1.82, ProgressDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AssessGoal(tt.g, tt.c, MustDecimal(tt.actual), 2022, tt.asOf, Options{})
			pct := func(x float64) float64 { return math.Round(x*1000) / 10 }
			if pct(a.Completion.Ratio) != tt.ratio || pct(a.Expected) != tt.expected ||
				math.Round(a.Points*100)/100 != tt.points || a.Status != tt.status {
				t.Errorf("got completion %.1f%% expected %.1f%% points %.2f %s; want %.1f%% %.1f%% %.2f %s",
					pct(a.Completion.Ratio), pct(a.Expected), a.Points, a.Status.Label(),
					tt.ratio, tt.expected, tt.points, tt.status.Label())
			}
		})
	}

	// With a wider margin for 超序时, +5.08 points is 序时.
	a := AssessGoal(hitech, DefaultCurve(hitech), NewDecimal(12), 2022, jul, Options{Thresholds: Thresholds{Lag: 10, SeriousLag: 30, Ahead: 10}})
	if a.Status != ProgressOnTrack {
		t.Errorf("徐家坊街道 with Ahead 10: %s, want 序时", a.Status.Label())
	}
	// From the baseline of 10: 2 of the 9 new ones, 22.2%.
	a = AssessGoal(hitech, Curve{Kind: CurveBaseline, Baseline: dp("10")}, NewDecimal(12), 2022, jul, Options{})
	if math.Round(a.Completion.FromBaseline*1000)/10 != 22.2 {
		t.Errorf("from baseline = %v, want 22.2%%", a.Completion.FromBaseline)
	}
}

func TestForecast(t *testing.T) {
	flow := pgoal(AtLeast, "7", KindFlow, "亿元")
	stock := pgoal(AtLeast, "19", KindStock, "家")
	seasonal := Curve{Kind: CurveMonthly, Monthly: [12]float64{0.02, 0.05, 0.12, 0.18, 0.25, 0.40, 0.5, 0.55, 0.6, 0.7, 0.8, 1}}
	pts := func(kv ...string) []Point {
		var out []Point
		for i := 0; i < len(kv); i += 2 {
			out = append(out, Point{AsOf: date(t, kv[i]), Value: MustDecimal(kv[i+1])})
		}
		return out
	}
	tests := []struct {
		name   string
		g      DocGoal
		c      Curve
		points []Point
		want   string
		ok     bool
	}{
		// 1.25 by day 212: run rate 1.25 × 365/212 = 2.15212…
		{"flow, one point: run rate", flow, Curve{Kind: CurveLinear}, pts("2022-07-31", "1.25"), "2.1521", true},
		// About 0.0101亿元 a day since Jan 1: the least-squares line through (0,0) and the points reads 3.6852 at Dec 31.
		{"flow, steady: the line", flow, Curve{Kind: CurveLinear}, pts("2022-03-31", "0.9", "2022-06-30", "1.82", "2022-09-30", "2.76"), "3.6852", true},
		{"flow, points in any order", flow, Curve{Kind: CurveLinear}, pts("2022-09-30", "2.76", "2022-03-31", "0.9", "2022-06-30", "1.82"), "3.6852", true},
		// Last year half the year's contracts came by July's end: 1.25 ÷ 0.5 = 2.5.
		{"flow, seasonality", flow, seasonal, pts("2022-06-30", "1", "2022-07-31", "1.25"), "2.5", true},
		{"flow, seasonality zero at the date: falls back to the line", flow, Curve{Kind: CurveMonthly, Monthly: [12]float64{11: 1}}, pts("2022-07-31", "1.25"), "2.1521", true},
		// A late batch: the line through (0,0), (100,0), (200,0), (350,10) reads 8.18 at Dec 31.
		{"flow, a late batch: never below the latest", flow, Curve{Kind: CurveLinear}, pts("2022-04-10", "0", "2022-07-19", "0", "2022-12-16", "10"), "10", true},
		{"flow, year-end point is the figure", flow, Curve{Kind: CurveLinear}, pts("2022-07-31", "1.25", "2022-12-31", "6.5"), "6.5", true},
		{"flow, points of other years ignored", flow, Curve{Kind: CurveLinear}, pts("2021-12-31", "9", "2022-07-31", "1.25", "2023-01-31", "0.1"), "2.1521", true},
		{"flow, no points", flow, Curve{Kind: CurveLinear}, nil, "0", false},
		{"flow, counts round to whole", pgoal(AtLeast, "3", KindFlow, "个"), Curve{Kind: CurveLinear}, pts("2022-07-31", "1"), "2", true},
		// Baseline 10 on Jan 1, 12 on day 212: 2/212 a day × 153 days left = 1.44 → 13.44 → 13.
		{"stock from baseline", stock, Curve{Kind: CurveBaseline, Baseline: dp("10")}, pts("2022-07-31", "12"), "13", true},
		// 8 on Mar 31 (day 90), 12 on Jul 31 (day 212): 4/122 a day × 153 = 5.02 → 17.02 → 17.
		{"stock from first point", stock, Curve{Kind: CurveBaseline}, pts("2022-03-31", "8", "2022-07-31", "12"), "17", true},
		{"stock, one point and no baseline", stock, Curve{Kind: CurveBaseline}, pts("2022-07-31", "12"), "0", false},
		{"stock, two points on one day", stock, Curve{Kind: CurveBaseline}, pts("2022-07-31", "11", "2022-07-31", "12"), "0", false},
		// Falling: 20 → 14 over day 0–212: −6/212 × 153 = −4.33 → 9.67 → 10.
		{"stock falling", stock, Curve{Kind: CurveBaseline, Baseline: dp("20")}, pts("2022-07-31", "14"), "10", true},
		{"stock falling fast: not below 0", stock, Curve{Kind: CurveBaseline, Baseline: dp("100")}, pts("2022-07-31", "10"), "0", true},
		{"ratio, in %, to 0.01", pgoal(AtLeast, "0.55", KindRatio, "%"), Curve{Kind: CurveAnnual, Baseline: dp("0.5")}, pts("2022-06-30", "0.52"), "0.54", true},
		{"kind unset, linear curve: a flow", DocGoal{Comparator: AtLeast, Target: NewDecimal(7), Unit: "亿元"}, Curve{Kind: CurveLinear}, pts("2022-07-31", "1.25"), "2.1521", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Forecast(tt.g, tt.c, tt.points, 2022)
			if got.String() != tt.want || ok != tt.ok {
				t.Errorf("Forecast = %s, %v; want %s, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestForecastGap(t *testing.T) {
	rng := pgoal(WithinRange, "1", KindFlow, "个")
	rng.TargetMax = dp("3")
	tests := []struct {
		name     string
		g        DocGoal
		forecast string
		gap      string
		meets    bool
	}{
		{">= short", pgoal(AtLeast, "3", KindFlow, "亿元"), "2.1521", "0.8479", false},
		{">= met", pgoal(AtLeast, "3", KindFlow, "亿元"), "3.2", "0", true},
		{"> at target: gap 0, not met", pgoal(MoreThan, "7", KindFlow, "亿元"), "7", "0", false},
		{"> short", pgoal(MoreThan, "7", KindFlow, "亿元"), "6.4", "0.6", false},
		{"range below floor", rng, "0", "1", false},
		{"range above ceiling meets", rng, "5", "0", true},
		{"<= over", pgoal(AtMost, "100", KindStock, "吨"), "112", "12", false},
		{"<= under", pgoal(AtMost, "100", KindStock, "吨"), "90", "0", true},
		{"≈ beyond tolerance", pgoal(About, "100", KindFlow, "家"), "90", "5", false},
		{"≈ within", pgoal(About, "100", KindFlow, "家"), "96", "0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gap, meets := ForecastGap(tt.g, MustDecimal(tt.forecast), Options{})
			if gap.String() != tt.gap || meets != tt.meets {
				t.Errorf("ForecastGap = %s, %v; want %s, %v", gap, meets, tt.gap, tt.meets)
			}
		})
	}
}

func TestRank(t *testing.T) {
	const (
		hitech   = 1
		contract = 2
		rd       = 3
	)
	item := func(id int64, name string, completion, expected float64) RankItem {
		return RankItem{GoalID: id, Indicator: name, Completion: completion, Expected: expected, Assessable: true}
	}
	rdItem := RankItem{GoalID: rd, Indicator: "R&D经费投入", Completion: 0.3, Expected: 0, Assessable: false}
	units := []RankInput{
		{UnitID: 11, Unit: "洪都街道", Items: []RankItem{item(hitech, "高新技术企业", 0.29, 0.58), item(contract, "技术合同成交额", 0.58, 0.58), rdItem}},
		{UnitID: 12, Unit: "三家店街道", Items: []RankItem{item(hitech, "高新技术企业", 0.58, 0.58), item(contract, "技术合同成交额", 0.4176, 0.58)}},
		{UnitID: 13, Unit: "徐家坊街道", Items: []RankItem{item(hitech, "高新技术企业", 0.6316, 0.58), item(contract, "技术合同成交额", 0.58, 0.58), rdItem}},
		{UnitID: 14, Unit: "京山街道", Items: []RankItem{item(hitech, "高新技术企业", 0.4176, 0.58), item(contract, "技术合同成交额", 0.58, 0.58)}},
		{UnitID: 15, Unit: "青云谱镇", Items: []RankItem{rdItem}},
		{UnitID: 16, Unit: "岱山街道", Items: []RankItem{item(hitech, "高新技术企业", 2, 0.58), item(contract, "技术合同成交额", 0, 0.58)}},
	}
	got := Rank(units, nil)
	type row struct {
		unit  string
		rank  int
		score float64
	}
	want := []row{
		{"徐家坊街道", 1, 104.45}, // (min(0.6316/0.58, 1.2)=1.0890 + 1) / 2
		{"三家店街道", 2, 86},     // (1 + 0.72) / 2
		{"京山街道", 2, 86},      // (0.72 + 1) / 2: the same score on other indicators
		{"洪都街道", 4, 75},      // (0.5 + 1) / 2; R&D not assessable, left out
		{"岱山街道", 5, 60},      // (1.2 capped + 0) / 2
		{"青云谱镇", 0, 0},       // nothing assessable
	}
	if len(got) != len(want) {
		t.Fatalf("Rank returned %d units, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Unit != w.unit || g.Rank != w.rank || g.Score != w.score {
			t.Errorf("#%d = %s rank %d score %v; want %s rank %d score %v", i+1, g.Unit, g.Rank, g.Score, w.unit, w.rank, w.score)
		}
		sum := 0.0
		for _, p := range g.Parts {
			sum += p.Contribution
		}
		if g.Counted > 0 && math.Abs(sum-g.Score) > 0.005 {
			t.Errorf("%s: contributions add up to %v, score %v", g.Unit, sum, g.Score)
		}
	}
	if n := got[1].TieNote; !strings.Contains(n, "与京山街道并列第2名") || !strings.Contains(n, "86.00") || !strings.Contains(n, "加权后相等") {
		t.Errorf("三家店街道 tie note = %q", n)
	}
	if n := got[2].TieNote; !strings.Contains(n, "与三家店街道并列第2名") {
		t.Errorf("京山街道 tie note = %q", n)
	}
	if got[0].TieNote != "" || got[3].TieNote != "" {
		t.Errorf("untied units carry notes: %q, %q", got[0].TieNote, got[3].TieNote)
	}
	hd := got[3]
	if hd.Counted != 2 || len(hd.Parts) != 3 || !hd.Parts[2].Excluded || hd.Parts[2].Reason != "不可评估" || hd.Parts[2].Contribution != 0 {
		t.Errorf("洪都街道 parts = %+v", hd.Parts)
	}

	// Weighting 高新技术企业 three times: 三家店 (1×3 + 0.72)/4 = 93, 京山 (0.72×3 + 1)/4 = 79.
	got = Rank(units, map[int64]float64{hitech: 3})
	order := map[string]row{}
	for _, g := range got {
		order[g.Unit] = row{g.Unit, g.Rank, g.Score}
	}
	if order["三家店街道"].score != 93 || order["京山街道"].score != 79 || order["三家店街道"].rank >= order["京山街道"].rank {
		t.Errorf("weighted: %+v", order)
	}
	// A zero weight leaves the indicator out.
	got = Rank(units[:2], map[int64]float64{contract: 0})
	if got[0].Unit != "三家店街道" || got[0].Score != 100 || got[0].Parts[1].Reason != "权重为0" {
		t.Errorf("zero weight: %+v", got[0])
	}
}

func TestRankIdenticalTie(t *testing.T) {
	items := []RankItem{{GoalID: 1, Indicator: "高新技术企业", Completion: 0.5, Expected: 0.5, Assessable: true}}
	got := Rank([]RankInput{{UnitID: 2, Unit: "乙", Items: items}, {UnitID: 1, Unit: "甲", Items: items}, {UnitID: 3, Unit: "丙", Items: items}}, nil)
	for _, r := range got {
		if r.Rank != 1 || !strings.Contains(r.TieNote, "各项指标得分均相同") || !strings.Contains(r.TieNote, "计入高新技术企业") {
			t.Errorf("%s: rank %d note %q", r.Unit, r.Rank, r.TieNote)
		}
	}
	if got[0].TieNote != "与乙、甲并列第1名：综合得分均为100.00（计入高新技术企业；各项指标得分均相同）" {
		t.Errorf("tie note = %q", got[0].TieNote)
	}
	// Nothing expected yet: something done scores the cap, nothing done 1.
	got = Rank([]RankInput{
		{UnitID: 1, Unit: "甲", Items: []RankItem{{GoalID: 1, Completion: 0, Expected: 0, Assessable: true}}},
		{UnitID: 2, Unit: "乙", Items: []RankItem{{GoalID: 1, Completion: 0.1, Expected: 0, Assessable: true}}},
	}, nil)
	if got[0].Unit != "乙" || got[0].Score != 120 || got[1].Score != 100 {
		t.Errorf("expected 0: %+v", got)
	}
}

// FuzzComplete: no input makes a ratio NaN, infinite or negative, Done
// agrees with the comparator, and the rest of the rules hold up on the same
// values.
func FuzzComplete(f *testing.F) {
	f.Add(int64(19_000_000), int64(0), int64(12_000_000), int64(0), uint8(0), 0.05, int64(212), uint8(0))
	f.Add(int64(7_000_000), int64(0), int64(7_000_000), int64(-1), uint8(1), 0.0, int64(365), uint8(1))
	f.Add(int64(0), int64(0), int64(0), int64(5), uint8(2), 0.1, int64(0), uint8(2))
	f.Add(int64(1_000_000), int64(3_000_000), int64(3_000_000), int64(0), uint8(4), 1e308, int64(-40), uint8(3))
	f.Add(int64(-5_000_000), int64(0), int64(-999_999_999_999_999_999), int64(999_999_999_999_999_999), uint8(3), math.NaN(), int64(400), uint8(4))
	comparators := []Comparator{AtLeast, MoreThan, AtMost, About, WithinRange, "?"}
	kinds := []GoalKind{KindFlow, KindStock, KindRatio, KindPerCapita, ""}
	const legal = 999_999_999_999_999_999 // the largest |micros| ParseDecimal makes
	bound := func(m int64) Decimal { return Decimal{micros: m % (legal + 1)} }
	f.Fuzz(func(t *testing.T, target, targetMax, actual, baseline int64, cmp uint8, tol float64, day int64, curve uint8) {
		g := DocGoal{Comparator: comparators[int(cmp)%len(comparators)], Target: bound(target), Kind: kinds[int(cmp/8)%len(kinds)], Unit: "亿元"}
		if targetMax != 0 {
			m := bound(targetMax)
			g.TargetMax = &m
		}
		a := bound(actual)
		var b *Decimal
		if baseline%3 != 0 {
			v := bound(baseline)
			b = &v
		}
		opt := Options{Tolerance: tol, Baseline: b}
		c := Complete(g, a, opt)
		for name, x := range map[string]float64{"Ratio": c.Ratio, "FromBaseline": c.FromBaseline} {
			if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				t.Fatalf("%s = %v for %s %s actual %s baseline %v", name, x, g.Comparator, g.Target, a, b)
			}
		}
		var want bool
		switch g.Comparator {
		case AtMost:
			want = a.Cmp(g.Target) <= 0
		case MoreThan:
			want = a.Cmp(g.Target) > 0
		case About:
			// The band is tol × |target| rounded to the micro: clear of its edge
			// by more than a micro, the answer is certain.
			d := math.Abs(float64(a.micros) - float64(g.Target.micros))
			x := opt.tolerance() * math.Abs(float64(g.Target.micros))
			want = c.Done
			if d < x-1-x*1e-12 {
				want = true
			} else if d > x+1+x*1e-12 {
				want = false
			}
		default:
			want = a.Cmp(g.Target) >= 0
		}
		if c.Done != want {
			t.Fatalf("Done = %v for %s %s actual %s", c.Done, g.Comparator, g.Target, a)
		}
		if c.Done && g.Target.Sign() > 0 && g.Comparator != About && g.Comparator != AtMost && c.Ratio < 1 {
			t.Fatalf("done at ratio %v", c.Ratio)
		}
		if g.Comparator == AtMost && c.Ratio > 1 {
			t.Fatalf("<= ratio %v above 1", c.Ratio)
		}

		asOf := time.Date(2022, 1, 0, 12, 0, 0, 0, Zone).AddDate(0, 0, int(day%800))
		cv := []Curve{
			{Kind: CurveLinear}, {Kind: CurveAnnual}, {Kind: CurveBaseline, Baseline: b},
			{Kind: CurveStep, Steps: []Step{{int(day % 14), tol}, {int(cmp % 13), float64(actual)}}},
			{Kind: CurveMonthly, Monthly: [12]float64{tol, -tol, float64(target), 0, 0.5, math.Inf(1), 0.3, 0.2}},
		}[int(curve)%5]
		as := AssessGoal(g, cv, a, 2022, asOf, opt)
		for name, x := range map[string]float64{"Expected": as.Expected, "Points": as.Points} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%s = %v", name, x)
			}
		}
		if as.Expected < 0 || as.Expected > 1 {
			t.Fatalf("Expected = %v outside 0..1", as.Expected)
		}
		if as.Status.Label() == string(as.Status) {
			t.Fatalf("status %q has no label", as.Status)
		}
		if f, ok := Forecast(g, cv, []Point{{asOf, a}, {asOf.AddDate(0, -2, 0), bound(baseline)}}, 2022); ok {
			if g.Kind == KindFlow && f.Cmp(a) < 0 && asOf.Year() == 2022 {
				t.Fatalf("flow forecast %s below latest %s", f, a)
			}
			ForecastGap(g, f, opt)
		}
		r := Rank([]RankInput{{UnitID: 1, Items: []RankItem{RankItemOf(1, "x", as)}}, {UnitID: 2, Items: []RankItem{{GoalID: 1, Completion: c.Ratio, Expected: tol, Assessable: true}}}}, map[int64]float64{1: tol})
		for _, u := range r {
			if math.IsNaN(u.Score) || math.IsInf(u.Score, 0) || u.Score < 0 {
				t.Fatalf("rank score %v", u.Score)
			}
		}
	})
}
