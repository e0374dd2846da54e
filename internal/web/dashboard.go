package web

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// overviewData is a plan's progress at a round, with what the dashboard,
// the bulletin and the public page show beside the overview.
type overviewData struct {
	Doc         *plan.Document
	Round       *plan.Round // the round judged; nil when the plan has none
	Rounds      []*plan.Round
	Overview    *plan.Overview
	Settings    plan.ProgressSettings
	TaskStatus  map[int64]plan.TaskStatus
	Lagging     []store.TaskReport // units' own words on tasks they report lagging
	NotReported []store.FormSummary
	Sections    []sectionCount
}

// sectionCount is task status by action: how many of an action's tasks
// stand at each status.
type sectionCount struct {
	Number, Title string
	Counts        map[plan.TaskStatus]int
	Unreported    int
}

// loadOverview computes a plan's progress as of a round: the one given, or
// the latest.
func (s *Server) loadOverview(ctx context.Context, planID, roundID int64) (*overviewData, error) {
	doc, err := s.store.Plan(ctx, planID)
	if err != nil {
		return nil, err
	}
	dir, err := s.store.Directory(ctx)
	if err != nil {
		return nil, err
	}
	rounds, err := s.store.Rounds(ctx, planID)
	if err != nil {
		return nil, err
	}
	d := &overviewData{Doc: doc, Rounds: rounds}
	for _, r := range rounds {
		if (roundID == 0 && d.Round == nil) || r.ID == roundID {
			d.Round = r
		}
	}
	if roundID != 0 && d.Round == nil {
		return nil, plan.Errorf(plan.ENOTFOUND, "调度不存在。")
	}
	if d.Settings, err = s.store.ProgressSettings(ctx, planID); err != nil {
		return nil, err
	}
	if d.Round == nil {
		return d, nil
	}
	values, err := s.store.ApprovedValues(ctx, planID)
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
	progress, err := s.store.PlanProgress(ctx, planID)
	if err != nil {
		return nil, err
	}
	d.TaskStatus = progress.TaskStatus
	for _, sec := range doc.Sections {
		sc := sectionCount{Number: sec.Number, Title: sec.Title, Counts: map[plan.TaskStatus]int{}}
		for _, t := range sec.Tasks {
			if st, ok := progress.TaskStatus[t.ID]; ok {
				sc.Counts[st]++
			} else {
				sc.Unreported++
			}
		}
		d.Sections = append(d.Sections, sc)
	}
	reports, err := s.store.LatestTaskReports(ctx, planID)
	if err != nil {
		return nil, err
	}
	for _, tr := range reports {
		if tr.Status == plan.TaskLagging {
			d.Lagging = append(d.Lagging, tr)
		}
	}
	forms, err := s.store.RoundForms(ctx, d.Round.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range forms {
		if !f.State.Reported() {
			d.NotReported = append(d.NotReported, f)
		}
	}
	return d, nil
}

// dashboard is 总览: goal cards, the units × indicators matrix, bars and
// trends (each chart with its numbers in a table), task status by action,
// the lagging list and the units that have not reported.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	roundID, _ := strconv.ParseInt(r.URL.Query().Get("round"), 10, 64)
	d, err := s.loadOverview(r.Context(), planID, roundID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	showRanking := !d.Settings.HideRanking || auth.Allowed(u, auth.PermAdmin)
	if u.Role == auth.RoleReporter {
		// Reporters see the district as a whole, not other units' figures.
		showRanking = false
	}
	charts, err := dashboardCharts(d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", map[string]any{
		"D": d, "ShowRanking": showRanking, "ShowUnits": u.Role != auth.RoleReporter,
		"Charts": charts, "Statuses": plan.ProgressStatuses, "TaskStatuses": plan.TaskStatuses,
	})
}

// dashboardCharts is the data of the charts, as JSON blocks the page's
// script draws with ECharts (no inline script: the CSP allows none).
func dashboardCharts(d *overviewData) (map[string]template.JS, error) {
	out := map[string]template.JS{}
	if d.Overview == nil {
		return out, nil
	}
	type series struct {
		Name    string   `json:"name"`
		Unit    string   `json:"unit"`
		Labels  []string `json:"labels"`
		Targets []string `json:"targets,omitempty"`
		Actuals []string `json:"actuals"`
		Target  string   `json:"target,omitempty"`
	}
	var bars, trends []series
	for _, g := range d.Overview.Goals {
		b := series{Name: g.Indicator, Unit: g.Unit}
		for _, row := range d.Overview.Rows {
			c, ok := row.Cells[g.ID]
			if !ok || row.Unit.Kind == plan.UnitDepartment {
				continue
			}
			b.Labels = append(b.Labels, row.Unit.Label())
			b.Targets = append(b.Targets, c.Target.String())
			b.Actuals = append(b.Actuals, decimalOrEmpty(c.Actual))
		}
		bars = append(bars, b)
	}
	for _, c := range d.Overview.Cards {
		if len(c.Trend) == 0 {
			continue
		}
		t := series{Name: c.Goal.Indicator, Unit: c.Goal.Unit, Target: c.Goal.Target.String()}
		for _, p := range c.Trend {
			t.Labels = append(t.Labels, p.AsOf)
			t.Actuals = append(t.Actuals, p.Value.String())
		}
		trends = append(trends, t)
	}
	type taskSeries struct {
		Sections []string         `json:"sections"`
		Statuses []string         `json:"statuses"`
		Counts   map[string][]int `json:"counts"`
	}
	ts := taskSeries{Counts: map[string][]int{}}
	for _, st := range plan.TaskStatuses {
		ts.Statuses = append(ts.Statuses, st.Label())
	}
	ts.Statuses = append(ts.Statuses, "未报")
	for _, sec := range d.Sections {
		ts.Sections = append(ts.Sections, "（"+sec.Number+"）")
		for _, st := range plan.TaskStatuses {
			ts.Counts[st.Label()] = append(ts.Counts[st.Label()], sec.Counts[st])
		}
		ts.Counts["未报"] = append(ts.Counts["未报"], sec.Unreported)
	}
	for name, v := range map[string]any{"bars": bars, "trends": trends, "tasks": ts} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[name] = template.JS(b)
	}
	return out, nil
}

func decimalOrEmpty(d *plan.Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}
