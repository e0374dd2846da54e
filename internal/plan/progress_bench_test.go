package plan

import (
	"fmt"
	"testing"
	"time"
)

// province is synthetic input the size of a province's year: 100 units ×
// 50 indicators × 12 monthly rounds.
type province struct {
	goals  []DocGoal
	curves []Curve
	units  []RankInput
	asOf   [12]time.Time
	values [12][100][50]Decimal
}

func newProvince() *province {
	p := &province{}
	comparators := []Comparator{AtLeast, MoreThan, AtMost, About, WithinRange}
	kinds := []GoalKind{KindFlow, KindStock, KindRatio, KindPerCapita}
	seasonal := Curve{Kind: CurveMonthly, Monthly: [12]float64{0.03, 0.06, 0.12, 0.2, 0.28, 0.4, 0.48, 0.55, 0.64, 0.74, 0.85, 1}}
	for i := 0; i < 50; i++ {
		g := DocGoal{ID: int64(i + 1), Indicator: fmt.Sprintf("指标%d", i+1), Comparator: comparators[i%5], Kind: kinds[i%4], Unit: "家", Target: NewDecimal(int64(20 + i))}
		if g.Comparator == WithinRange {
			m := g.Target.Add(NewDecimal(10))
			g.TargetMax = &m
		}
		c := DefaultCurve(g)
		switch i % 7 {
		case 3:
			c = Curve{Kind: CurveStep, Steps: []Step{{10, 0.3}, {11, 0.7}, {12, 1}}}
		case 5:
			c = seasonal
		case 6:
			b := NewDecimal(int64(i))
			c.Baseline = &b
		}
		p.goals, p.curves = append(p.goals, g), append(p.curves, c)
	}
	for u := 0; u < 100; u++ {
		p.units = append(p.units, RankInput{UnitID: int64(u + 1), Unit: fmt.Sprintf("单位%03d", u+1), Items: make([]RankItem, 0, 50)})
	}
	for r := 0; r < 12; r++ {
		p.asOf[r] = time.Date(2022, time.Month(r+2), 0, 0, 0, 0, 0, Zone) // month ends
		for u := 0; u < 100; u++ {
			for g := 0; g < 50; g++ {
				// A unit's pace varies from 40% to 140% of the target by year end.
				micros := p.goals[g].Target.micros * int64(40+(u*37+g*11)%101) / 100 * int64(r+1) / 12
				p.values[r][u][g] = Decimal{micros: micros / 1000 * 1000}
			}
		}
	}
	return p
}

// BenchmarkAssessProvince assesses every unit's every indicator in every
// round (AssessGoal: completion, expected progress, status) and ranks the
// units each round. One op is the province's year: 60,000 assessments and 12
// rankings of 100 units.
func BenchmarkAssessProvince(b *testing.B) {
	p := newProvince()
	weights := map[int64]float64{1: 2, 2: 0.5}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for r := 0; r < 12; r++ {
			for u := range p.units {
				items := p.units[u].Items[:0]
				for g := range p.goals {
					a := AssessGoal(p.goals[g], p.curves[g], p.values[r][u][g], 2022, p.asOf[r], Options{})
					items = append(items, RankItemOf(p.goals[g].ID, p.goals[g].Indicator, a))
				}
				p.units[u].Items = items
			}
			Rank(p.units, weights)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(12*100*50), "ns/assessment")
}

// BenchmarkAssessProvinceBaseline runs the same loops over the same values
// doing only an exact Decimal add per cell (what summing the reports costs),
// so BenchmarkAssessProvince can be stated as a multiple of it.
func BenchmarkAssessProvinceBaseline(b *testing.B) {
	p := newProvince()
	var sink Decimal
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var sum Decimal
		for r := 0; r < 12; r++ {
			for u := 0; u < 100; u++ {
				for g := 0; g < 50; g++ {
					sum = sum.Add(p.values[r][u][g])
				}
			}
		}
		sink = sum
	}
	_ = sink
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(12*100*50), "ns/assessment")
}
