package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
)

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
	d, sight, err := s.progressFor(r, planID, roundID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	charts, err := dashboardCharts(d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", map[string]any{
		"D": d, "ShowRanking": sight.Ranking, "ShowUnits": d.Overview != nil && len(d.Overview.Rows) > 0,
		"Charts": charts, "Statuses": plan.ProgressStatuses, "TaskStatuses": plan.TaskStatuses,
		"OwnUnit": sight.Own, "Own": ownComputed(d, sight),
	})
}

// progressFor loads a plan's progress at a round (0: the latest opened one)
// as the current user may see it: the one visibility rule, auth.SightOf.
func (s *Server) progressFor(r *http.Request, planID, roundID int64) (*progress.Data, auth.Sight, error) {
	d, err := s.progress.Load(r.Context(), planID, roundID)
	if err != nil {
		return nil, auth.Sight{}, err
	}
	sight := auth.SightOf(currentUser(r), d.Settings.HideRanking)
	return d.For(sight), sight, nil
}

// dashboardCharts is the data of the charts, as JSON blocks the page's
// script draws with ECharts (no inline script: the CSP allows none).
func dashboardCharts(d *progress.Data) (map[string]template.JS, error) {
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

// ownComputed is, for a viewer who sees one unit (a reporter), that unit's
// part of each computed figure: goal ID → value. Nil for others.
func ownComputed(d *progress.Data, sight auth.Sight) map[int64]string {
	if sight.All || sight.Own == 0 || d.Overview == nil {
		return nil
	}
	out := map[int64]string{}
	for _, c := range d.Overview.Cards {
		if c.Computed == nil {
			continue
		}
		for _, v := range c.Computed.Units { // already cut to the viewer's sight
			if v.UnitID == sight.Own {
				out[c.Goal.ID] = v.Value.String()
			}
		}
	}
	return out
}
