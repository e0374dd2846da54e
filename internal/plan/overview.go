package plan

import (
	"fmt"
	"sort"
	"time"
)

// ProgressSettings are the admin's choices for judging a plan's progress:
// thresholds and tolerance, a curve and a ranking weight per goal, and
// whether leaders and the public see the ranking.
type ProgressSettings struct {
	Options     Options           `json:"options"`
	Curves      map[int64]Curve   `json:"curves,omitempty"`  // by goal ID; DefaultCurve when absent
	Weights     map[int64]float64 `json:"weights,omitempty"` // by goal ID; 1 when absent
	HideRanking bool              `json:"hide_ranking"`      // from leaders' and public views
	Issuer      string            `json:"issuer,omitempty"`  // who issues the bulletin (通报发文机关); BulletinIssuer's default when empty
	Publish     Publication       `json:"publish"`
}

// Publication is what the public page (此件主动公开) shows of a plan. It
// shows district figures from closed rounds only: no unit's unsubmitted or
// unapproved values, no names of people.
type Publication struct {
	Goals      bool `json:"goals"`      // the goals and their targets
	Completion bool `json:"completion"` // each goal's actual, completion and status as of the latest closed round
	Tasks      bool `json:"tasks"`      // each task's status from its lead units
	// The status words that may appear: progress statuses (超序时, 滞后 …)
	// beside the completion figures, and which task statuses are named
	// (others show as 暂不公开).
	StatusWords bool         `json:"status_words"`
	TaskWords   []TaskStatus `json:"task_words,omitempty"`
}

// TaskWord is how the public page names a task's status: the status when
// the admin publishes that word, "" when not.
func (p Publication) TaskWord(s TaskStatus) string {
	for _, w := range p.TaskWords {
		if w == s {
			return s.Label()
		}
	}
	return ""
}

// Any reports whether anything is published.
func (p Publication) Any() bool { return p.Goals || p.Completion || p.Tasks }

// Curve is the goal's curve: the admin's, or the default for its kind.
func (s ProgressSettings) Curve(g DocGoal) Curve {
	if c, ok := s.Curves[g.ID]; ok && c.Kind != "" {
		return c
	}
	return DefaultCurve(g)
}

// Check validates the settings as a whole.
func (s ProgressSettings) Check() error {
	if err := s.Options.Check(); err != nil {
		return err
	}
	for id, c := range s.Curves {
		if err := CheckCurve(c); err != nil {
			return Errorf(EINVALID, "目标 %d 的进度曲线：%s", id, ErrorMessage(err))
		}
	}
	for id, w := range s.Weights {
		if !(w >= 0 && w <= 100) { // NaN too
			return Errorf(EINVALID, "目标 %d 的权重应在 0 到 100 之间", id)
		}
	}
	if p := tooLong("通报发文机关", s.Issuer, MaxName); p != "" {
		return Errorf(EINVALID, "%s", p)
	}
	return nil
}

// OverviewInput is what the overview of a plan is computed from: the plan,
// who is allocated what, every approved value so far, and the date.
type OverviewInput struct {
	Doc         *Document
	Units       []Unit       // the directory's units, for names and order
	Allocations []Allocation // Resolve's
	Values      []UnitValue  // approved values of the round judged and the rounds before it, any order
	Computed    []Computed   // goals bound to a definition, at the round's date and earlier rounds' dates
	AsOf        time.Time    // the round's data date
	Settings    ProgressSettings
}

// GoalCard is a goal at a glance: target, actual, completion against 序时,
// status and the year-end forecast.
type GoalCard struct {
	Goal       DocGoal
	Actual     *Decimal // nil when no unit has an approved value (or the goal is not a sum of units)
	Assessment Assessment
	Forecast   *Decimal
	Gap        *Decimal // the forecast's shortfall from the target (0 when it meets it)
	Meets      bool     // the forecast meets the target
	Trend      []TrendPoint
	Carried    int       // units whose part of the actual is carried from an earlier round
	Computed   *Computed // the goal's figure from registers at the date; nil for a reported goal
}

// ComputedSource marks a UnitValue computed from registers: it drills down
// to records, not to a form.
const ComputedSource = "register"

// Computed is a goal's figure computed from registers by its definition
// (口径) at a date: the district's total — not always the sum of the units'
// parts (records no unit is attributed count in it; a ratio is no sum) —
// nil when not assessable (R&D/GDP before both statistics are in), the
// previous year's figure where the definition has one (上年), and each
// unit's part.
type Computed struct {
	GoalID       int64       `json:"goal_id"`
	AsOf         string      `json:"as_of"`
	Definition   string      `json:"definition"` // in words, as the goal's page shows it
	Total        *Decimal    `json:"total"`
	Previous     *Decimal    `json:"previous,omitempty"`
	PreviousYear int         `json:"previous_year,omitempty"`
	Units        []UnitValue `json:"units"`
}

// TrendPoint is a goal's actual as of one round's date.
type TrendPoint struct {
	AsOf  string
	Value Decimal
}

// Cell is a unit's allocation of a goal as it stands.
type Cell struct {
	Target     Decimal
	Actual     *Decimal
	Source     string // the form the actual comes from
	AsOf       string // the data date of the actual
	Carried    bool   // the actual is from an earlier round: the unit has no approved report in this one
	Computed   bool   // the actual is computed from registers (its records drill down), not reported
	LinkedPlan int64  // the actual is rolled up from this linked plan (a district's own plan)
	DataDate   string // a rolled-up actual's data date in the linked plan
	Assessment Assessment
}

// UnitRow is a unit's line in the units × indicators matrix.
type UnitRow struct {
	Unit  Unit
	Cells map[int64]*Cell // by goal ID; only goals allocated to the unit
}

// Overview is the plan's progress as of a date, computed from approved
// reports: what the dashboard, the bulletin and the public page show.
type Overview struct {
	AsOf    string
	Year    int
	Cards   []GoalCard
	Goals   []DocGoal // the goals allocated to units, in plan order: the matrix's columns
	Rows    []UnitRow
	Ranking []Ranked
	Counts  map[ProgressStatus]int // goal cards by status
}

// BuildOverview computes the overview. Values after AsOf are ignored;
// a unit's latest value up to AsOf is its actual. A value from before AsOf
// (an earlier round's, the unit not having an approved report in this one)
// still counts in the district's figure, marked as carried, but not in the
// ranking: a unit is ranked on what it reported for this date.
func BuildOverview(in OverviewInput) *Overview {
	year := in.Doc.Year
	if year == 0 {
		year = in.AsOf.Year()
	}
	asOf := in.AsOf.In(Zone).Format(time.DateOnly)
	ov := &Overview{AsOf: asOf, Year: year, Counts: map[ProgressStatus]int{}}

	// Latest value per (goal, unit) up to the date, and per-round sums.
	// Goals computed from registers take their figures from their
	// definition, never from typed values: the district's total (not
	// always the sum of units), each unit's part at the date, and the
	// totals at earlier rounds' dates for the trend.
	computed := map[int64]*Computed{}
	computedTrend := map[int64][]TrendPoint{}
	isComputed := map[int64]bool{}
	values := in.Values
	for i := range in.Computed {
		c := &in.Computed[i]
		isComputed[c.GoalID] = true
		if c.AsOf > asOf {
			continue
		}
		if c.AsOf == asOf {
			computed[c.GoalID] = c
			values = append(values, c.Units...)
		}
		if c.Total != nil {
			computedTrend[c.GoalID] = append(computedTrend[c.GoalID], TrendPoint{AsOf: c.AsOf, Value: *c.Total})
		}
	}

	type key struct{ goal, unit int64 }
	// A row linked to a plan takes its figure from that plan only: what
	// a form typed for the same unit does not count (RollUpValues).
	linked := map[key]bool{}
	for _, v := range values {
		if _, ok := LinkedPlan(v.Source); ok {
			linked[key{v.GoalID, v.UnitID}] = true
		}
	}
	latest := map[key]UnitValue{}
	byDate := map[int64]map[string]map[int64]Decimal{} // goal → as-of → unit → value
	for _, v := range values {
		k := key{v.GoalID, v.UnitID}
		_, fromPlan := LinkedPlan(v.Source)
		if v.AsOf > asOf || isComputed[v.GoalID] && v.Source != ComputedSource && !fromPlan || linked[k] && !fromPlan {
			continue
		}
		if cur, ok := latest[k]; !ok || v.AsOf > cur.AsOf {
			latest[k] = v
		}
		if byDate[v.GoalID] == nil {
			byDate[v.GoalID] = map[string]map[int64]Decimal{}
		}
		if byDate[v.GoalID][v.AsOf] == nil {
			byDate[v.GoalID][v.AsOf] = map[int64]Decimal{}
		}
		byDate[v.GoalID][v.AsOf][v.UnitID] = v.Value
	}
	var latestValues []UnitValue
	for _, v := range latest {
		latestValues = append(latestValues, v)
	}

	for _, g := range in.Doc.Goals {
		card := GoalCard{Goal: g}
		curve := in.Settings.Curve(g)
		opt := in.Settings.Options
		actual, ok := GoalActual(g, latestValues)
		for _, v := range latestValues {
			if v.GoalID == g.ID && v.AsOf < asOf {
				card.Carried++
			}
		}
		if c := computed[g.ID]; c != nil {
			card.Computed = c
			actual, ok = Decimal{}, c.Total != nil
			if ok {
				actual = *c.Total
			}
		} else if isComputed[g.ID] {
			ok = false // bound to a definition, nothing computed at this date
		}
		if ok {
			card.Actual = &actual
			card.Assessment = AssessGoal(g, curve, actual, year, in.AsOf, opt)
		} else {
			card.Assessment = Assessment{Status: ProgressNotAssessable}
		}
		var points []Point
		if isComputed[g.ID] {
			card.Trend = computedTrend[g.ID]
			sort.Slice(card.Trend, func(i, j int) bool { return card.Trend[i].AsOf < card.Trend[j].AsOf })
			if g.Kind.Additive() {
				for _, p := range card.Trend {
					t, _ := ParseAsOf(p.AsOf)
					points = append(points, Point{AsOf: t, Value: p.Value})
				}
			}
		}
		for _, d := range sortedKeys(byDate[g.ID]) {
			if isComputed[g.ID] {
				break
			}
			var sum Decimal
			for _, v := range byDate[g.ID][d] {
				sum = sum.Add(v)
			}
			if g.Kind.Additive() {
				card.Trend = append(card.Trend, TrendPoint{AsOf: d, Value: sum})
				t, _ := ParseAsOf(d)
				points = append(points, Point{AsOf: t, Value: sum})
			}
		}
		if f, ok := Forecast(g, curve, points, year); ok {
			card.Forecast = &f
			gap, meets := ForecastGap(g, f, opt)
			card.Gap, card.Meets = &gap, meets
		}
		ov.Counts[card.Assessment.Status]++
		ov.Cards = append(ov.Cards, card)
	}

	// The matrix: units that have an allocation, in directory order.
	goalIdx := map[int64]DocGoal{}
	for _, g := range in.Doc.Goals {
		goalIdx[g.ID] = g
	}
	rows := map[int64]*UnitRow{}
	allocated := map[int64]bool{}
	for _, a := range in.Allocations {
		g, ok := goalIdx[a.GoalID]
		if !ok {
			continue
		}
		allocated[a.GoalID] = true
		row := rows[a.UnitID]
		if row == nil {
			row = &UnitRow{Cells: map[int64]*Cell{}}
			rows[a.UnitID] = row
		}
		cell := &Cell{Target: a.Target}
		ag := ForAllocation(g, a.Target)
		curve := in.Settings.Curve(g)
		if v, ok := latest[key{a.GoalID, a.UnitID}]; ok {
			val := v.Value
			cell.Actual, cell.Source, cell.AsOf, cell.Carried = &val, v.Source, v.AsOf, v.AsOf < asOf
			cell.Computed = v.Source == ComputedSource
			cell.LinkedPlan, _ = LinkedPlan(v.Source)
			cell.DataDate = v.DataDate
			cell.Assessment = AssessGoal(ag, curve, val, year, in.AsOf, in.Settings.Options)
		} else {
			cell.Assessment = Assessment{Status: ProgressNotAssessable}
		}
		row.Cells[a.GoalID] = cell
	}
	for _, g := range in.Doc.Goals {
		if allocated[g.ID] {
			ov.Goals = append(ov.Goals, g)
		}
	}
	var ranks []RankInput
	for _, u := range in.Units {
		row, ok := rows[u.ID]
		if !ok {
			continue
		}
		row.Unit = u
		ov.Rows = append(ov.Rows, *row)
		ri := RankInput{UnitID: u.ID, Unit: u.Label()}
		rolledUp := false // the row is a district's own plan's: ranked as a district whatever its kind
		for _, g := range ov.Goals {
			if c, ok := row.Cells[g.ID]; ok && c.LinkedPlan != 0 {
				rolledUp = true
			}
			if c, ok := row.Cells[g.ID]; ok && c.Actual != nil {
				it := RankItemOf(g.ID, g.Indicator, c.Assessment)
				if c.Carried {
					it.Carried = c.AsOf
				}
				ri.Items = append(ri.Items, it)
			}
		}
		if u.Kind != UnitDepartment && u.Kind != UnitGovernment || rolledUp {
			ranks = append(ranks, ri)
		}
	}
	ov.Ranking = Rank(ranks, in.Settings.Weights)
	ov.roundFigures(goalIdx)
	return ov
}

// roundFigures puts every figure of the overview to its goal's precision
// (GoalPlaces), as pages and the bulletin show them: sums of reported
// values, forecasts and their gaps, trends. The assessments were made on
// the exact figures.
func (ov *Overview) roundFigures(goals map[int64]DocGoal) {
	for i := range ov.Cards {
		c := &ov.Cards[i]
		p := GoalPlaces(c.Goal)
		c.Actual, c.Forecast, c.Gap = roundedPtr(c.Actual, p), roundedPtr(c.Forecast, p), roundedPtr(c.Gap, p)
		for j := range c.Trend {
			c.Trend[j].Value = c.Trend[j].Value.Round(p)
		}
	}
	for _, row := range ov.Rows {
		for id, cell := range row.Cells {
			cell.Actual = roundedPtr(cell.Actual, GoalPlaces(goals[id]))
		}
	}
}

func roundedPtr(d *Decimal, places int) *Decimal {
	if d == nil {
		return nil
	}
	r := d.Round(places)
	return &r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Summary drafts the bulletin's opening sentence from the overview:
// "截至7月底，全区6项目标中，1项已完成，2项达到序时进度，…".
func (ov *Overview) Summary() string {
	t, err := ParseAsOf(ov.AsOf)
	when := ov.AsOf
	if err == nil {
		when = fmt.Sprintf("%d月%d日", int(t.Month()), t.Day())
		if t.AddDate(0, 0, 1).Day() == 1 {
			when = fmt.Sprintf("%d月底", int(t.Month()))
		}
	}
	s := fmt.Sprintf("截至%s，全区%d项目标中", when, len(ov.Cards))
	parts := []struct {
		st   ProgressStatus
		text string
	}{
		{ProgressDone, "%d项已完成"},
		{ProgressAhead, "%d项超序时进度"},
		{ProgressOnTrack, "%d项达到序时进度"},
		{ProgressLagging, "%d项滞后于序时进度"},
		{ProgressSeriousLag, "%d项严重滞后"},
		{ProgressNotAssessable, "%d项暂不具备评估条件（年度统计或尚无审核数据）"},
	}
	for _, p := range parts {
		if n := ov.Counts[p.st]; n > 0 {
			s += "，" + fmt.Sprintf(p.text, n)
		}
	}
	return s + "。"
}
