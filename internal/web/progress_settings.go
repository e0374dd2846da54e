package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/plan"
)

// curveLabels names the curves for the settings form.
var curveLabels = map[string]string{
	plan.CurveLinear:   "均匀（按时间，适用于新增、成交额）",
	plan.CurveStep:     "分批（如高企认定年底公布）",
	plan.CurveBaseline: "从年初基数到目标（存量）",
	plan.CurveAnnual:   "年度统计，年末评估",
	plan.CurveMonthly:  "按月累计比例（如参照上年）",
}

type goalSetting struct {
	Goal    plan.DocGoal
	Curve   plan.Curve
	Weight  string
	Steps   string // "10:0.5, 12:1"
	Monthly string // twelve shares
}

func (s *Server) progressSettingsPage(w http.ResponseWriter, r *http.Request) {
	doc, dir, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.store.ProgressSettings(r.Context(), doc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "progress_settings", settingsView(doc, dir, ps, ""))
}

func settingsView(doc *plan.Document, dir *plan.Directory, ps plan.ProgressSettings, errMsg string) map[string]any {
	var goals []goalSetting
	for _, g := range doc.Goals {
		c := ps.Curve(g)
		gs := goalSetting{Goal: g, Curve: c, Weight: "1"}
		if w, ok := ps.Weights[g.ID]; ok {
			gs.Weight = strconv.FormatFloat(w, 'f', -1, 64)
		}
		var steps []string
		for _, st := range c.Steps {
			steps = append(steps, fmt.Sprintf("%d:%g", st.Month, st.Share))
		}
		gs.Steps = strings.Join(steps, ", ")
		if c.Kind == plan.CurveMonthly {
			var m []string
			for _, v := range c.Monthly {
				m = append(m, strconv.FormatFloat(v, 'f', -1, 64))
			}
			gs.Monthly = strings.Join(m, ", ")
		}
		goals = append(goals, gs)
	}
	th := ps.Options.Thresholds
	if th == (plan.Thresholds{}) {
		th = plan.DefaultThresholds()
	}
	tol := ps.Options.Tolerance
	if tol == 0 {
		tol = plan.DefaultTolerance
	}
	return map[string]any{"Doc": doc, "Goals": goals, "Thresholds": th, "Tolerance": tol * 100, "Hide": ps.HideRanking, "Issuer": ps.Issuer, "Publish": ps.Publish, "TaskStatuses": plan.TaskStatuses,
		"Curves": plan.CurveKinds, "CurveLabels": curveLabels, "Error": errMsg,
		// Who issues the bulletin when the field is left empty.
		"DefaultIssuer": plan.BulletinIssuer(plan.ProgressSettings{}, dir.Units, doc)}
}

func (s *Server) progressSettingsSave(w http.ResponseWriter, r *http.Request) {
	doc, dir, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := progressSettingsFromForm(r, doc)
	if err == nil {
		err = s.store.SaveProgressSettings(r.Context(), doc.ID, ps)
	}
	if err != nil {
		code := plan.ErrorCode(err)
		if code != plan.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status(code), "progress_settings", settingsView(doc, dir, ps, plan.ErrorMessage(err)))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d/dashboard?saved", doc.ID), http.StatusSeeOther)
}

// progressSettingsFromForm reads thresholds (points), tolerance (%), the
// ranking's visibility, and per goal a curve and a weight.
func progressSettingsFromForm(r *http.Request, doc *plan.Document) (plan.ProgressSettings, error) {
	ps := plan.ProgressSettings{Curves: map[int64]plan.Curve{}, Weights: map[int64]float64{}, HideRanking: r.PostFormValue("hide_ranking") != "",
		Issuer: strings.TrimSpace(r.PostFormValue("issuer")),
		Publish: plan.Publication{
			Goals:       r.PostFormValue("publish_goals") != "",
			Completion:  r.PostFormValue("publish_completion") != "",
			Tasks:       r.PostFormValue("publish_tasks") != "",
			StatusWords: r.PostFormValue("publish_status_words") != "",
			TaskWords:   publishedTaskWords(r),
		}}
	num := func(key, field string) (float64, error) {
		v, ok := finite(r.PostFormValue(key))
		if !ok {
			return 0, plan.Errorf(plan.EINVALID, "“%s”应为数字", field)
		}
		return v, nil
	}
	var err error
	th := &ps.Options.Thresholds
	if th.Lag, err = num("lag", "滞后阈值"); err != nil {
		return ps, err
	}
	if th.SeriousLag, err = num("serious_lag", "严重滞后阈值"); err != nil {
		return ps, err
	}
	if th.Ahead, err = num("ahead", "超序时阈值"); err != nil {
		return ps, err
	}
	tol, err := num("tolerance", "“左右”容差")
	if err != nil {
		return ps, err
	}
	ps.Options.Tolerance = tol / 100
	for _, g := range doc.Goals {
		id := itoa(g.ID)
		c := plan.Curve{Kind: r.PostFormValue("curve_" + id)}
		where := "“" + g.Indicator + "”"
		if b := strings.TrimSpace(r.PostFormValue("baseline_" + id)); b != "" {
			d, err := plan.ParseDecimal(b)
			if err != nil {
				return ps, plan.Errorf(plan.EINVALID, "%s的年初基数“%s”不是数字", where, b)
			}
			c.Baseline = &d
		}
		if c.Kind == plan.CurveStep {
			for _, part := range strings.FieldsFunc(r.PostFormValue("steps_"+id), func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
				m, sh, ok := strings.Cut(part, ":")
				month, err1 := strconv.Atoi(m)
				share, ok2 := finite(sh)
				if !ok || err1 != nil || !ok2 {
					return ps, plan.Errorf(plan.EINVALID, "%s的分批设置“%s”应写作 月:比例，如 10:0.5", where, part)
				}
				c.Steps = append(c.Steps, plan.Step{Month: month, Share: share})
			}
		}
		if c.Kind == plan.CurveMonthly {
			parts := strings.FieldsFunc(r.PostFormValue("monthly_"+id), func(r rune) bool { return r == ',' || r == '，' || r == ' ' })
			if len(parts) != 12 {
				return ps, plan.Errorf(plan.EINVALID, "%s的按月比例应为 12 个数", where)
			}
			for i, p := range parts {
				v, ok := finite(p)
				if !ok {
					return ps, plan.Errorf(plan.EINVALID, "%s的按月比例第 %d 个“%s”不是数字", where, i+1, p)
				}
				c.Monthly[i] = v
			}
		}
		if c.Kind != "" && c.Kind != plan.DefaultCurve(g).Kind || c.Baseline != nil || len(c.Steps) > 0 {
			ps.Curves[g.ID] = c
		}
		wv, err := num("weight_"+id, where+"的权重")
		if err != nil {
			return ps, err
		}
		if wv != 1 {
			ps.Weights[g.ID] = wv
		}
	}
	return ps, nil
}

// publishedTaskWords reads the task statuses the admin publishes by name.
func publishedTaskWords(r *http.Request) []plan.TaskStatus {
	var out []plan.TaskStatus
	for _, st := range plan.TaskStatuses {
		if r.PostFormValue("publish_task_"+string(st)) != "" {
			out = append(out, st)
		}
	}
	return out
}

// finite reads a number as typed; NaN and infinities, which ParseFloat
// takes, are not numbers to a person.
func finite(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}
