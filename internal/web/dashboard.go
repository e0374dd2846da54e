package web

import (
	"encoding/json"
	"fmt"
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
	whole, sight, err := s.progressWhole(r, planID, roundID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The page is the same for every viewer of the same role and sight at
	// the same data version: rendered once, a hundred leaders share it
	// (and cut to the sight only then). The 督办逾期 list moves with the
	// date as well (notices move the data version).
	u := currentUser(r)
	today := plan.CivilDate(s.opts.Now())
	key := fmt.Sprintf("dashboard|%d|%d|%d|%s|%+v|%s|%s", planID, roundID, whole.Version, u.Role, sight, r.URL.Query().Encode(), today)
	s.renderContent(w, r, "dashboard", key, func() (any, error) {
		page, err := dashboardPage(r, whole.For(sight), sight)
		if err == nil {
			page["Supervision"], err = s.dashboardSupervision(r, planID, sight)
		}
		return page, err
	})
}

// dashboardPage is what the dashboard shows of d.
func dashboardPage(r *http.Request, d *progress.Data, sight auth.Sight) (map[string]any, error) {
	page := map[string]any{"Statuses": plan.ProgressStatuses, "TaskStatuses": plan.TaskStatuses, "ShowRanking": sight.Ranking}
	if d.Overview != nil {
		// A province's 100 units × 50 indicators come as pages of units
		// and of indicators (and of the ranking and the lagging list), so
		// a page stays small and every number is a click away.
		ov := *d.Overview
		units := windowOf(r, "up", "个单位", len(ov.Rows), unitsPerPage)
		goals := windowOf(r, "gp", "项指标", len(ov.Goals), goalsPerPage)
		trends := windowOf(r, "gp", "项指标", len(ov.Cards), goalsPerPage)
		ranks := windowOf(r, "rp", "个单位", len(ov.Ranking), unitsPerPage)
		lagging := windowOf(r, "lp", "条", len(d.Lagging), laggingPerPage)
		ov.Rows, ov.Goals = ov.Rows[units.From:units.To], ov.Goals[goals.From:goals.To]
		ov.Ranking = rankingShown(ov.Ranking[ranks.From:ranks.To], ov.Goals)
		shown := *d
		shown.Overview, shown.Lagging = &ov, d.Lagging[lagging.From:lagging.To]
		d = &shown
		page["TrendCards"] = ov.Cards[trends.From:trends.To]
		page["Windows"] = map[string]window{"units": units, "goals": goals, "ranking": ranks, "lagging": lagging}
	}
	trendCards, _ := page["TrendCards"].([]plan.GoalCard)
	charts, err := dashboardCharts(d, trendCards)
	if err != nil {
		return nil, err
	}
	page["D"], page["Charts"] = d, charts
	page["ShowUnits"] = d.Overview != nil && len(d.Overview.Rows) > 0
	page["OwnUnit"], page["Own"] = sight.Own, ownComputed(d, sight)
	return page, nil
}

// rankingShown is a page of the ranking with each unit's 构成 cut to the
// indicators of the page (the goals' pager reaches the others): 50
// indicators × 25 units would be most of the page.
func rankingShown(ranking []plan.Ranked, goals []plan.DocGoal) []plan.Ranked {
	shown := make(map[int64]bool, len(goals))
	for _, g := range goals {
		shown[g.ID] = true
	}
	out := make([]plan.Ranked, len(ranking))
	for i, r := range ranking {
		parts := make([]plan.RankPart, 0, len(goals))
		for _, p := range r.Parts {
			if shown[p.GoalID] {
				parts = append(parts, p)
			}
		}
		r.Parts = parts
		out[i] = r
	}
	return out
}

// Page sizes of the dashboard's long lists.
const (
	unitsPerPage   = 25
	goalsPerPage   = 8
	laggingPerPage = 50
)

// window is one page of a long list: items From to To of Total, with links
// to the pages before and after (the other lists keep their pages).
type window struct {
	Noun                         string // what is counted: 个单位, 项指标
	Page, Pages, From, To, Total int
	Prev, Next                   string // URLs; "" at either end
}

// windowOf reads the page of the list named by param from the request.
func windowOf(r *http.Request, param, noun string, total, size int) window {
	pages := max(1, (total+size-1)/size)
	page, _ := strconv.Atoi(r.URL.Query().Get(param))
	page = min(max(page, 1), pages)
	w := window{Noun: noun, Page: page, Pages: pages, From: (page - 1) * size, To: min(page*size, total), Total: total}
	link := func(p int) string {
		q := r.URL.Query()
		q.Set(param, strconv.Itoa(p))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		w.Prev = link(page - 1)
	}
	if page < pages {
		w.Next = link(page + 1)
	}
	return w
}

// progressFor loads a plan's progress at a round (0: the latest opened one)
// as the current user may see it: the one visibility rule, auth.SightOf.
func (s *Server) progressFor(r *http.Request, planID, roundID int64) (*progress.Data, auth.Sight, error) {
	d, sight, err := s.progressWhole(r, planID, roundID)
	if err != nil {
		return nil, auth.Sight{}, err
	}
	return d.For(sight), sight, nil
}

// progressWhole is progressFor before the cut: every unit's figures, to be
// cut with d.For(sight) before anything of it is shown.
func (s *Server) progressWhole(r *http.Request, planID, roundID int64) (*progress.Data, auth.Sight, error) {
	d, err := s.progress.Load(r.Context(), planID, roundID)
	if err != nil {
		return nil, auth.Sight{}, err
	}
	return d, auth.SightOf(currentUser(r), d.Settings.HideRanking), nil
}

// dashboardCharts is the data of the charts, as JSON blocks the page's
// script draws with ECharts (no inline script: the CSP allows none).
func dashboardCharts(d *progress.Data, trendCards []plan.GoalCard) (map[string]template.JS, error) {
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
	for _, c := range trendCards {
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
	// The task chart counts units' reports, lead and responsible units
	// alike: what every unit says of the action's tasks (the table beside
	// it also gives the tasks' status from their lead units).
	type taskSeries struct {
		Sections []string         `json:"sections"`
		Statuses []string         `json:"statuses"`
		Keys     []string         `json:"keys"` // the statuses' codes, for their colours
		Counts   map[string][]int `json:"counts"`
	}
	ts := taskSeries{Counts: map[string][]int{}}
	for _, st := range plan.TaskStatuses {
		ts.Statuses, ts.Keys = append(ts.Statuses, st.Label()), append(ts.Keys, string(st))
	}
	for _, sec := range d.Sections {
		ts.Sections = append(ts.Sections, "（"+sec.Number+"）")
		for _, st := range plan.TaskStatuses {
			ts.Counts[st.Label()] = append(ts.Counts[st.Label()], sec.Reports[st])
		}
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
