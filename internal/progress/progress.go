// Package progress puts together a plan's progress as of a round — the
// overview computed by plan.BuildOverview from approved reports, with task
// status by action, the lagging list and the units that have not reported —
// for the dashboard, the public page and the bulletin.
package progress

import (
	"context"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// Data is a plan's progress at a round, with what the dashboard,
// the bulletin and the public page show beside the overview.
type Data struct {
	Doc         *plan.Document
	Round       *plan.Round // the round judged; nil when the plan has none
	Rounds      []*plan.Round
	Overview    *plan.Overview
	Settings    plan.ProgressSettings
	TaskStatus  map[int64]plan.TaskStatus
	Lagging     []store.TaskReport  // units' own words on tasks they report lagging
	Forms       []store.FormSummary // the round's forms
	NotReported []store.FormSummary
	Sections    []SectionCount
}

// SectionCount is task status by action: how many of an action's tasks
// stand at each status.
type SectionCount struct {
	Number, Title string
	Counts        map[plan.TaskStatus]int
	Unreported    int
}

// Load computes a plan's progress as of a round: the one given, or
// the latest.
func Load(ctx context.Context, st *store.Store, planID, roundID int64) (*Data, error) {
	doc, err := st.Plan(ctx, planID)
	if err != nil {
		return nil, err
	}
	dir, err := st.Directory(ctx)
	if err != nil {
		return nil, err
	}
	rounds, err := st.Rounds(ctx, planID)
	if err != nil {
		return nil, err
	}
	d := &Data{Doc: doc, Rounds: rounds}
	for _, r := range rounds {
		if (roundID == 0 && d.Round == nil) || r.ID == roundID {
			d.Round = r
		}
	}
	if roundID != 0 && d.Round == nil {
		return nil, plan.Errorf(plan.ENOTFOUND, "调度不存在。")
	}
	if d.Settings, err = st.ProgressSettings(ctx, planID); err != nil {
		return nil, err
	}
	if d.Round == nil {
		return d, nil
	}
	values, err := st.ApprovedValues(ctx, planID)
	if err != nil {
		return nil, err
	}
	asOf, err := plan.ParseAsOf(d.Round.AsOf)
	if err != nil {
		return nil, err
	}
	_, allocations := plan.Resolve(doc, dir)
	d.Overview = plan.BuildOverview(plan.OverviewInput{
		Doc: doc, Units: dir.Units, Allocations: allocations, Values: values, AsOf: asOf, Settings: d.Settings,
	})
	if d.TaskStatus, err = st.TaskStatuses(ctx, planID); err != nil {
		return nil, err
	}
	for _, sec := range doc.Sections {
		sc := SectionCount{Number: sec.Number, Title: sec.Title, Counts: map[plan.TaskStatus]int{}}
		for _, t := range sec.Tasks {
			if st, ok := d.TaskStatus[t.ID]; ok {
				sc.Counts[st]++
			} else {
				sc.Unreported++
			}
		}
		d.Sections = append(d.Sections, sc)
	}
	reports, err := st.LatestTaskReports(ctx, planID)
	if err != nil {
		return nil, err
	}
	for _, tr := range reports {
		if tr.Status == plan.TaskLagging {
			d.Lagging = append(d.Lagging, tr)
		}
	}
	forms, err := st.RoundForms(ctx, d.Round.ID)
	if err != nil {
		return nil, err
	}
	d.Forms = forms
	for _, f := range forms {
		if !f.State.Reported() {
			d.NotReported = append(d.NotReported, f)
		}
	}
	return d, nil
}
