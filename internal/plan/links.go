package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// YearTarget is a multi-year plan's target for one year of its period.
type YearTarget struct {
	Year   int     `json:"year"`
	Target Decimal `json:"target"`
}

// GoalLink (目标关联) says where a goal's target comes from: a goal of
// another plan, named by ID (the plans may belong to different
// organisations). With a unit it is that unit's allocation of the parent
// goal (附件2: the city's split row for this district); without one, the
// parent plan's target for the linked goal's year (2021–2023 三年行动 →
// 2022 工作要点).
//
// The target is copied into the linked goal when the link is made, and
// the parent's figure then is kept (SourceTarget): a later change at the
// parent (Current) is a finding on the linked plan, never a silent change
// of a target units are already reporting against.
type GoalLink struct {
	GoalID          int64    `json:"goal_id"`
	ParentGoalID    int64    `json:"parent_goal_id"`
	ParentPlanID    int64    `json:"parent_plan_id"`
	ParentPlan      string   `json:"parent_plan"`      // the parent plan's title
	ParentIndicator string   `json:"parent_indicator"` // the parent goal's indicator
	UnitID          int64    `json:"unit_id,omitempty"`
	Unit            string   `json:"unit,omitempty"` // the allocation unit's label
	SourceTarget    Decimal  `json:"source_target"`  // the parent's figure when the target was taken
	Current         *Decimal `json:"current"`        // the parent's figure now; nil when it is gone
	Measure         string   `json:"measure,omitempty"`
}

// SplitLink is the goal's link to a higher level's allocation, nil when none.
func (g DocGoal) SplitLink() *GoalLink {
	for i := range g.Links {
		if g.Links[i].UnitID != 0 {
			return &g.Links[i]
		}
	}
	return nil
}

// PeriodLink is the goal's link to a parent plan's goal, nil when none.
func (g DocGoal) PeriodLink() *GoalLink {
	for i := range g.Links {
		if g.Links[i].UnitID == 0 {
			return &g.Links[i]
		}
	}
	return nil
}

// Changed reports whether the parent's figure is no longer the one the
// target was taken from.
func (l GoalLink) Changed() bool {
	return l.Current == nil || l.Current.Cmp(l.SourceTarget) != 0
}

// Of is where the figure comes from, in words: “南昌市2022年…（青云谱区）”.
func (l GoalLink) Of() string {
	if l.UnitID != 0 {
		return fmt.Sprintf("《%s》“%s”分解到%s", l.ParentPlan, l.ParentIndicator, l.Unit)
	}
	return fmt.Sprintf("《%s》“%s”", l.ParentPlan, l.ParentIndicator)
}

// TargetFor is a goal's target for a year: its year target when it has
// one for that year, else ok is false.
func TargetFor(g DocGoal, year int) (Decimal, bool) {
	for _, t := range g.YearTargets {
		if t.Year == year {
			return t.Target, true
		}
	}
	return Decimal{}, false
}

// CheckYearTargets checks a goal's per-year targets against its plan's
// period: each year once, within the period (when the plan has one), not
// negative. Messages name the goal and the year.
func CheckYearTargets(doc *Document, g DocGoal) error {
	seen := map[int]bool{}
	for _, t := range g.YearTargets {
		switch {
		case seen[t.Year]:
			return Errorf(EINVALID, "目标“%s”的%d年目标重复", g.Indicator, t.Year)
		case doc.StartYear != 0 && (t.Year < doc.StartYear || t.Year > doc.EndYear):
			return Errorf(EINVALID, "目标“%s”的%d年目标不在方案期限（%d—%d年）内", g.Indicator, t.Year, doc.StartYear, doc.EndYear)
		case doc.StartYear == 0 && (t.Year < 1949 || t.Year > 2200):
			return Errorf(EINVALID, "目标“%s”的年份 %d 不合理", g.Indicator, t.Year)
		case t.Target.Sign() < 0:
			return Errorf(EINVALID, "目标“%s”的%d年目标不能为负数", g.Indicator, t.Year)
		}
		seen[t.Year] = true
	}
	return nil
}

// LinkRequest is a proposed link with what judging it needs, read by the
// store: the goal and its plan, the parent goal and its plan, the unit of
// the parent's allocation (0 for a parent-plan link), the parent goal's
// allocations by unit, and the goals reached by following links upwards
// from the parent goal (for cycles).
type LinkRequest struct {
	Goal        DocGoal
	PlanID      int64
	PlanYear    int
	Parent      DocGoal
	ParentPlan  *Document // its header: title, year, period
	UnitID      int64
	UnitName    string
	Allocations map[int64]Decimal // the parent goal's, by unit
	Above       []int64           // goal IDs above the parent goal, nearest first
}

// CheckLink judges a proposed link and gives the target the linked goal
// takes from it: the unit's allocation, or the parent goal's target for the
// plan's year (its year target, else its target). Refused, with the reason
// in Chinese: a goal of the same plan, units of measure that differ (家 vs
// 亿元), a cycle, a unit the parent goal is not split to, a year outside
// the parent plan's period or without a target.
func CheckLink(r LinkRequest) (Decimal, error) {
	t, err := linkTarget(r)
	if err == nil && r.Goal.TargetMax != nil && r.Goal.TargetMax.Cmp(t) < 0 {
		err = Errorf(EINVALID, "上级目标 %s%s 超过本目标“%s”的上限 %s%s：请先修改本目标的上限", t, r.Goal.Unit, r.Goal.Indicator, r.Goal.TargetMax, r.Goal.Unit)
	}
	return t, err
}

func linkTarget(r LinkRequest) (Decimal, error) {
	switch {
	case r.Parent.ID == 0 || r.ParentPlan == nil:
		return Decimal{}, Errorf(ENOTFOUND, "上级目标不存在")
	case r.ParentPlan.ID == r.PlanID:
		return Decimal{}, Errorf(EINVALID, "不能关联本方案的目标“%s”：请选择上级方案的目标", r.Parent.Indicator)
	case strings.TrimSpace(r.Goal.Unit) != strings.TrimSpace(r.Parent.Unit):
		return Decimal{}, Errorf(EINVALID, "计量单位不同，不能关联：本目标“%s”以“%s”计，上级目标“%s”以“%s”计",
			r.Goal.Indicator, r.Goal.Unit, r.Parent.Indicator, r.Parent.Unit)
	}
	if r.Parent.ID == r.Goal.ID {
		return Decimal{}, Errorf(EINVALID, "目标不能关联自身")
	}
	for _, id := range r.Above {
		if id == r.Goal.ID {
			return Decimal{}, Errorf(EINVALID, "关联会形成循环：上级目标“%s”已经（间接）关联到本目标“%s”", r.Parent.Indicator, r.Goal.Indicator)
		}
	}
	if r.UnitID != 0 {
		t, ok := r.Allocations[r.UnitID]
		if !ok {
			return Decimal{}, Errorf(EINVALID, "上级目标“%s”没有分解到“%s”：《%s》的分解表中没有这一单位的数", r.Parent.Indicator, r.UnitName, r.ParentPlan.Title)
		}
		return t, nil
	}
	p := r.ParentPlan
	if r.PlanYear != 0 && p.StartYear != 0 && (r.PlanYear < p.StartYear || r.PlanYear > p.EndYear) {
		return Decimal{}, Errorf(EINVALID, "本方案是%d年的，不在上级方案《%s》的期限（%d—%d年）内", r.PlanYear, p.Title, p.StartYear, p.EndYear)
	}
	if t, ok := TargetFor(r.Parent, r.PlanYear); ok {
		return t, nil
	}
	if len(r.Parent.YearTargets) > 0 {
		return Decimal{}, Errorf(EINVALID, "上级目标“%s”没有%d年的目标：请先在上级方案中填写分年度目标", r.Parent.Indicator, r.PlanYear)
	}
	return r.Parent.Target, nil
}

// FindingLinkChanged marks a linked goal whose parent figure changed.
const FindingLinkChanged = "link_changed"

// LinkFindings are the findings of a plan's links: a parent figure that
// changed since the target was taken from it (naming both figures), one
// that is gone (the allocation row removed), and a target that differs
// from a link's figure (the goal's other link set it: the city's split
// and the three-year plan's year disagree).
func LinkFindings(doc *Document) []Finding {
	var out []Finding
	for i, g := range doc.Goals {
		where := fmt.Sprintf("目标%d“%s”", i+1, g.Indicator)
		add := func(format string, args ...any) {
			out = append(out, Finding{Severity: SeverityWarning, Code: FindingLinkChanged, Where: where, Message: fmt.Sprintf(format, args...)})
		}
		for _, l := range g.Links {
			switch {
			case l.Current == nil:
				add("%s已不存在（原为%s%s），本方案目标仍为%s%s", l.Of(), l.SourceTarget, g.Unit, g.Target, g.Unit)
			case l.Changed():
				add("%s已由%s%s调整为%s%s，本方案目标仍为%s%s：请核对后重新关联以采用新目标",
					l.Of(), l.SourceTarget, g.Unit, *l.Current, g.Unit, g.Target, g.Unit)
			case l.Current.Cmp(g.Target) != 0:
				add("本方案目标为%s%s，与%s的%s%s不一致", g.Target, g.Unit, l.Of(), *l.Current, g.Unit)
			}
		}
	}
	return out
}

// linkedPrefix starts the Source of a value rolled up from a linked plan.
const linkedPrefix = "plan:"

// LinkedSource is the Source of a value rolled up from plan planID: the
// city's figure for a district comes from the district's plan, and drills
// down to it rather than to a form.
func LinkedSource(planID int64) string { return linkedPrefix + strconv.FormatInt(planID, 10) }

// LinkedPlan is the plan a rolled-up value comes from; ok is false for a
// value from a form or a register.
func LinkedPlan(source string) (int64, bool) {
	s, ok := strings.CutPrefix(source, linkedPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

// LinkedActual is a linked plan's actual of one of its goals as of in.AsOf
// — what rolls up into the parent plan's figure for the allocation unit —
// and the data date of the latest figure in it. It is the goal card's
// actual of that plan's overview (sums of its units' approved values, or
// the figure from registers), so the district shows the city what it shows
// itself. ok is false when the plan has no figure for it by then (no round
// yet, nothing approved).
func LinkedActual(in OverviewInput, goalID int64) (actual Decimal, dataDate string, ok bool) {
	ov := BuildOverview(in)
	for _, c := range ov.Cards {
		if c.Goal.ID != goalID || c.Actual == nil {
			continue
		}
		if c.Computed != nil {
			return *c.Actual, c.Computed.AsOf, true
		}
		for _, v := range in.Values {
			if v.GoalID == goalID && v.AsOf <= ov.AsOf && v.AsOf > dataDate {
				dataDate = v.AsOf
			}
		}
		return *c.Actual, dataDate, true
	}
	return Decimal{}, "", false
}

// RollUp is a linked plan's figure for a parent goal's allocation unit at
// one of the parent's round dates.
type RollUp struct {
	ParentGoalID int64
	UnitID       int64
	PlanID       int64 // the linked plan it comes from
	AsOf         string
	In           OverviewInput // the linked plan as of AsOf
	GoalID       int64         // the linked goal
}

// RollUpValues turns linked plans' figures into the parent plan's unit
// values: one per roll-up that has a figure, dated the parent round's date
// (the figure is the district's as of that date, not carried), its source
// the linked plan, the district's own data date kept in DataDate.
//
// How a parent goal's total is formed: as today, the sum of its
// allocation rows (for goals that add up). A linked row's figure is the
// linked plan's actual and nothing typed for that unit on the parent's
// forms counts (BuildOverview drops it); a row not linked is reported
// directly on the parent's forms. A linked district with no figure by the
// date has no value: its row is 未报送 and it is left out of the total
// and the ranking, like a unit that has not reported.
func RollUpValues(ups []RollUp) []UnitValue {
	var out []UnitValue
	for _, u := range ups {
		v, dataDate, ok := LinkedActual(u.In, u.GoalID)
		if !ok {
			continue
		}
		out = append(out, UnitValue{GoalID: u.ParentGoalID, UnitID: u.UnitID, Value: v, AsOf: u.AsOf,
			Source: LinkedSource(u.PlanID), DataDate: dataDate})
	}
	return out
}

// YearChild is a child plan's figure for a parent goal in its year: the
// actual of the linked goal as of the child's latest opened round (Final
// when that round is closed and the year is over), and the child's
// assessment then (序时进度).
type YearChild struct {
	Year       int
	PlanID     int64
	Plan       string
	Actual     *Decimal
	AsOf       string
	Final      bool
	Assessment Assessment
}

// YearRow is one year of a multi-year goal's progress on its plan's page.
type YearRow struct {
	Year    int
	Target  *Decimal
	Child   *YearChild
	Met     bool // the child's actual satisfies the year's target
	Judged  bool // there is a target and an actual to judge
	Current bool // the year of today: its 序时进度 is the child's
}

// YearProgress is a multi-year goal's progress across its plan's period,
// one row per year: the year's target, the child plan's actual (final or
// latest as of), met or not, the current year marked. Years without a
// child plan have no actual.
func YearProgress(doc *Document, g DocGoal, children []YearChild, today time.Time) []YearRow {
	start, end := doc.StartYear, doc.EndYear
	if start == 0 {
		start, end = doc.Year, doc.Year
	}
	for _, t := range g.YearTargets {
		start, end = min(start, t.Year), max(end, t.Year)
	}
	sort.Slice(children, func(i, j int) bool { return children[i].Year < children[j].Year })
	var out []YearRow
	for y := start; y <= end && y != 0; y++ {
		row := YearRow{Year: y, Current: y == today.In(Zone).Year()}
		if t, ok := TargetFor(g, y); ok {
			row.Target = &t
		} else if start == end {
			t := g.Target
			row.Target = &t
		}
		for i := range children {
			if children[i].Year == y {
				c := children[i]
				row.Child = &c
			}
		}
		if row.Target != nil && row.Child != nil && row.Child.Actual != nil {
			row.Judged = true
			row.Met = Complete(ForAllocation(g, *row.Target), *row.Child.Actual, Options{}).Done
		}
		out = append(out, row)
	}
	return out
}
