// Package progress puts together a plan's progress as of a round — the
// overview computed by plan.BuildOverview from approved reports, with task
// status by action, the lagging list and the units that have not reported —
// for the dashboard, the public page and the bulletin.
package progress

import (
	"context"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// Data is a plan's progress at a round, with what the dashboard,
// the bulletin and the public page show beside the overview.
type Data struct {
	Doc         *plan.Document              // the plan as of the round (as it was when a closed round closed)
	Units       []plan.Unit                 // the directory's units as of the round
	Plan        *plan.Document              // the plan as it stands now
	Directory   *plan.Directory             // the directory as it stands now
	Bindings    map[int64]store.GoalBinding // goal ID → its definition (口径), for goals computed from registers
	Round       *plan.Round                 // the round judged; nil when the plan has no opened round
	Rounds      []*plan.Round
	Version     int64         // the data version it was computed at (store.Versions)
	Figures     int64         // the figures version it was computed at (store.ProgressSource.Figures)
	Frozen      *store.Frozen // the issue of a closed round's figures; nil when computed live
	DemoData    bool          // figures come from generated demo registers (演示数据)
	Overview    *plan.Overview
	Settings    plan.ProgressSettings
	TaskStatus  map[int64]plan.TaskStatus
	Values      []plan.UnitValue    // the approved values behind the overview, oldest first
	Reports     []plan.TaskReport   // each unit's latest entry on each task, as of the round
	Lagging     []plan.TaskReport   // units' own words on tasks they report lagging
	Forms       []store.FormSummary // the round's forms
	NotReported []store.FormSummary
	Sections    []SectionCount
	Milestones  []plan.Milestone   // the plan's milestones (节点), as of the round
	Closures    []plan.TaskClosure // the tasks closed (销号), as of the round
	// LinkedPlans names the plans whose figures roll up into allocation
	// rows (a district's own plan, plan.Cell.LinkedPlan); LastYear is 同期
	// by goal ID: the same month last year in the plan this one was based on.
	LinkedPlans map[int64]string
	LastYear    map[int64]*store.LastYear
}

// SectionCount is task status by action: how many of an action's tasks
// stand at each status.
type SectionCount struct {
	Number, Title string
	Counts        map[plan.TaskStatus]int // tasks, by the status their lead units give them
	Unreported    int
	// Units' own reports on the action's tasks, lead and responsible
	// units alike (each unit's latest entry on each task), by status.
	Reports map[plan.TaskStatus]int
}

// Load computes a plan's progress as of a round — the one given, or the
// latest opened one — from what was reported up to that round's data date
// (never a later round's), read in one read-only transaction; a closed
// round's from the snapshot kept when it closed. This is the one read path
// for progress: the dashboard, the plan and unit pages, the goal
// drill-down, the bulletin, the public page and the API all come here.
func Load(ctx context.Context, st *store.Store, planID, roundID int64) (*Data, error) {
	src, err := st.ProgressSource(ctx, planID, roundID)
	if err != nil {
		return nil, err
	}
	return computeSince(src, nil)
}

// compute puts the overview and the task picture together from a source.
// computeSince computes the progress from src. prev, when not nil, is
// the progress of the same plan and round computed before: at the same
// figures version its overview still holds and is taken as it is (what is
// kept is shared and never changed).
func computeSince(src *store.ProgressSource, prev *Data) (*Data, error) {
	d := &Data{Version: src.Version, Figures: src.Figures, Doc: src.Doc, Units: src.Units, Plan: src.Plan, Directory: src.Directory, Round: src.Round, Rounds: src.Rounds, Frozen: src.Frozen, DemoData: src.DemoData, Settings: src.Settings,
		Bindings: map[int64]store.GoalBinding{}, Milestones: src.Milestones, Closures: src.Closures,
		LinkedPlans: src.LinkedPlans, LastYear: map[int64]*store.LastYear{}}
	for _, ly := range src.LastYear {
		d.LastYear[ly.GoalID] = &ly
	}
	for _, b := range src.Bindings {
		d.Bindings[b.GoalID] = b
	}
	if d.Round == nil {
		return d, nil
	}
	asOf, err := plan.ParseAsOf(d.Round.AsOf)
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.Figures == src.Figures && prev.Overview != nil {
		d.Overview = prev.Overview
	} else {
		d.Overview = plan.BuildOverview(plan.OverviewInput{
			Doc: src.Doc, Units: src.Units, Allocations: src.Allocations, Values: src.Values, Computed: src.Computed, AsOf: asOf, Settings: src.Settings,
		})
	}
	d.Values = src.Values
	d.TaskStatus = plan.TaskStatusesOf(src.Reports)
	d.Reports = plan.LatestReports(src.Reports)
	reports := map[int64]map[plan.TaskStatus]int{}
	for _, r := range d.Reports {
		if reports[r.TaskID] == nil {
			reports[r.TaskID] = map[plan.TaskStatus]int{}
		}
		reports[r.TaskID][r.Status]++
	}
	for _, sec := range src.Doc.Sections {
		sc := SectionCount{Number: sec.Number, Title: sec.Title, Counts: map[plan.TaskStatus]int{}, Reports: map[plan.TaskStatus]int{}}
		for _, t := range sec.Tasks {
			if st, ok := d.TaskStatus[t.ID]; ok {
				sc.Counts[st]++
			} else {
				sc.Unreported++
			}
			for st, n := range reports[t.ID] {
				sc.Reports[st] += n
			}
		}
		d.Sections = append(d.Sections, sc)
	}
	for _, tr := range d.Reports {
		if tr.Status == plan.TaskLagging {
			d.Lagging = append(d.Lagging, tr)
		}
	}
	d.Forms = src.Forms
	for _, f := range src.Forms {
		if !f.State.Reported() {
			d.NotReported = append(d.NotReported, f)
		}
	}
	return d, nil
}

// For is the progress as a viewer with sight s (auth.SightOf) may see it:
// the district's figures whole; of units, only the figures, words and form
// links of the units s takes in; the ranking only when s allows it.
func (d *Data) For(s auth.Sight) *Data {
	if s.All && s.Ranking {
		return d // nothing to cut: shared, as the cache's entries are
	}
	c := *d
	if s.All { // everything but the ranking
		if d.Overview != nil {
			ov := *d.Overview
			ov.Ranking = nil
			c.Overview = &ov
		}
		return &c
	}
	if d.Overview != nil {
		ov := *d.Overview
		ov.Rows = keep(d.Overview.Rows, func(r plan.UnitRow) bool { return s.Sees(r.Unit.ID) })
		// A computed figure carries every unit's part: keep the parts the
		// viewer sees, the district's total whole.
		ov.Cards = append([]plan.GoalCard(nil), d.Overview.Cards...)
		for i, card := range ov.Cards {
			if card.Computed != nil {
				c := *card.Computed
				c.Units = keep(c.Units, func(v plan.UnitValue) bool { return s.Sees(v.UnitID) })
				ov.Cards[i].Computed = &c
			}
		}
		if !s.Ranking {
			ov.Ranking = nil
		}
		c.Overview = &ov
	}
	c.Values = keep(d.Values, func(v plan.UnitValue) bool { return s.Sees(v.UnitID) })
	c.Reports = keep(d.Reports, func(r plan.TaskReport) bool { return s.Sees(r.UnitID) })
	c.Lagging = keep(d.Lagging, func(r plan.TaskReport) bool { return s.Sees(r.UnitID) })
	c.Forms = keep(d.Forms, func(f store.FormSummary) bool { return s.Sees(f.UnitID) })
	c.NotReported = keep(d.NotReported, func(f store.FormSummary) bool { return s.Sees(f.UnitID) })
	return &c
}

func keep[T any](in []T, ok func(T) bool) []T {
	var out []T
	for _, x := range in {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// LastYearChange is how a goal's actual compares with 同期 (the same
// month last year): "同比增加 12家" in the goal's unit, "" without 同期.
func (d *Data) LastYearChange(goalID int64, actual plan.Decimal) string {
	ly := d.LastYear[goalID]
	if ly == nil {
		return ""
	}
	unit := ""
	for _, g := range d.Doc.Goals {
		if g.ID == goalID {
			unit = g.Unit
		}
	}
	diff := actual.Sub(ly.Value)
	switch diff.Sign() {
	case 0:
		return "与同期持平"
	case 1:
		return "同比增加 " + diff.String() + unit
	}
	return "同比减少 " + plan.DecimalFromMicros(-diff.Micros()).String() + unit
}

// Areas is what the plan's ranked units are called on the dashboard and in
// the bulletin: 县区 for a city's plan (its rows are districts, or rolled
// up from districts' plans), else 街道（镇、集聚区）.
func (d *Data) Areas() string {
	if d.Overview != nil {
		for _, r := range d.Overview.Rows {
			if r.Unit.Kind == plan.UnitDistrict {
				return "县区"
			}
			for _, c := range r.Cells {
				if c.LinkedPlan != 0 {
					return "县区"
				}
			}
		}
	}
	return "街道（镇、集聚区）"
}
