package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// cascadeView is what the plan page shows of the plans around it: the
// parent plan and last year's, and for a multi-year plan each goal's
// progress across its years from the plans linked to it.
type cascadeView struct {
	Titles map[int64]string         // plan ID → title, for the plans named
	Years  map[int64][]plan.YearRow // goal ID → its years (multi-year plans)
}

// planCascade reads the cascade view of a plan.
func (s *Server) planCascade(ctx context.Context, doc *plan.Document) (*cascadeView, error) {
	v := &cascadeView{Titles: map[int64]string{}, Years: map[int64][]plan.YearRow{}}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		v.Titles[p.ID] = p.Title
	}
	if doc.StartYear == 0 {
		return v, nil
	}
	children, err := s.store.YearProgress(ctx, doc.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range doc.Goals {
		v.Years[g.ID] = plan.YearProgress(doc, g, children[g.ID], s.opts.Now())
	}
	return v, nil
}

// goalOfPlan finds a goal in the plan named in the path.
func (s *Server) goalOfPlan(r *http.Request) (*plan.Document, plan.DocGoal, error) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		return nil, plan.DocGoal{}, err
	}
	goalID, err := pathID(r, "goal")
	if err != nil {
		return nil, plan.DocGoal{}, err
	}
	for _, g := range doc.Goals {
		if g.ID == goalID {
			return doc, g, nil
		}
	}
	return nil, plan.DocGoal{}, plan.Errorf(plan.ENOTFOUND, "目标不存在。")
}

// goalLinkPage offers the goals of other plans a goal may take its target
// from: a city goal's allocation to one unit, or a parent plan's goal.
func (s *Server) goalLinkPage(w http.ResponseWriter, r *http.Request) {
	doc, g, err := s.goalOfPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.renderGoalLink(w, r, http.StatusOK, doc, g, ""); err != nil {
		s.fail(w, r, err)
	}
}

func (s *Server) renderGoalLink(w http.ResponseWriter, r *http.Request, status int, doc *plan.Document, g plan.DocGoal, msg string) error {
	opts, err := s.store.LinkOptions(r.Context(), doc.ID)
	if err != nil {
		return err
	}
	// Goals measured as this one is come first: the others are refused.
	var same, other []store.LinkOption
	for _, o := range opts {
		if strings.TrimSpace(o.Measure) == strings.TrimSpace(g.Unit) {
			same = append(same, o)
		} else {
			other = append(other, o)
		}
	}
	s.render(w, r, status, "goal_link", map[string]any{"Doc": doc, "Goal": g, "Options": append(same, other...), "Error": msg})
	return nil
}

// goalLinkSave links the goal to the chosen goal ("goal:unit", unit 0 for
// a parent plan's goal) and takes its target from there.
func (s *Server) goalLinkSave(w http.ResponseWriter, r *http.Request) {
	doc, g, err := s.goalOfPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = func() error {
		up, unit, ok := strings.Cut(r.PostFormValue("target"), ":")
		parentGoal, err1 := strconv.ParseInt(up, 10, 64)
		unitID, err2 := strconv.ParseInt(unit, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return plan.Errorf(plan.EINVALID, "请选择要关联的上级目标")
		}
		return s.store.LinkGoal(r.Context(), doc.ID, g.ID, parentGoal, unitID)
	}()
	if err != nil {
		if c := plan.ErrorCode(err); c == plan.EINVALID || c == plan.ENOTFOUND {
			if err := s.renderGoalLink(w, r, status(c), doc, g, plan.ErrorMessage(err)); err != nil {
				s.fail(w, r, err)
			}
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#goals", doc.ID), http.StatusSeeOther)
}

func (s *Server) goalUnlink(w http.ResponseWriter, r *http.Request) {
	doc, g, err := s.goalOfPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	parent, err := strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	if err != nil {
		s.fail(w, r, plan.Errorf(plan.EINVALID, "请选择要取消的关联"))
		return
	}
	if err := s.store.UnlinkGoal(r.Context(), doc.ID, g.ID, parent); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#goals", doc.ID), http.StatusSeeOther)
}

// planNextYear starts next year's plan from this one (以上年方案为基础新建)
// and asks for its targets.
func (s *Server) planNextYear(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year, err := formInt(r, "year", "年度")
	if err == nil {
		var id int64
		if id, err = s.store.NextYear(r.Context(), planID, year); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/plans/%d/targets", id), http.StatusSeeOther)
			return
		}
	}
	if c := plan.ErrorCode(err); c != plan.EINVALID && c != plan.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status(plan.ErrorCode(err)), "error", map[string]any{
		"Title": "不能新建", "Message": plan.ErrorMessage(err), "Status": status(plan.ErrorCode(err)), "Back": fmt.Sprintf("/plans/%d", planID),
	})
}

// targetLine is one goal on the targets page: last year's target and
// actual beside the input.
type targetLine struct {
	Goal       plan.DocGoal
	Value      string // as typed, or the stored target
	LastTarget *plan.Decimal
	LastActual *plan.Decimal
	LastAsOf   string
}

// planTargets asks for all the goals' targets on one page, last year's
// target and actual (as of its latest opened round) beside each.
func (s *Server) planTargets(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lines, err := s.targetLines(r, doc, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan_targets", map[string]any{"Doc": doc, "Lines": lines})
}

func (s *Server) targetLines(r *http.Request, doc *plan.Document, typed map[int64]string) ([]targetLine, error) {
	var last map[int64]plan.GoalCard
	var lastGoals map[int64]plan.DocGoal
	pred := map[int64]int64{}
	if doc.PreviousID != 0 {
		d, _, err := s.progressFor(r, doc.PreviousID, 0)
		if err != nil {
			return nil, err
		}
		last, lastGoals = map[int64]plan.GoalCard{}, map[int64]plan.DocGoal{}
		if d.Overview != nil {
			for _, c := range d.Overview.Cards {
				last[c.Goal.ID] = c
			}
		}
		for _, g := range d.Plan.Goals {
			lastGoals[g.ID] = g
		}
		if pred, err = s.store.GoalPredecessors(r.Context(), doc.ID); err != nil {
			return nil, err
		}
	}
	var out []targetLine
	for _, g := range doc.Goals {
		if g.Archived {
			continue
		}
		l := targetLine{Goal: g, Value: g.Target.String()}
		if v, ok := typed[g.ID]; ok {
			l.Value = v
		}
		if p, ok := pred[g.ID]; ok {
			if lg, ok := lastGoals[p]; ok {
				t := lg.Target
				l.LastTarget = &t
			}
			if c, ok := last[p]; ok && c.Actual != nil {
				l.LastActual = c.Actual
			}
		}
		out = append(out, l)
	}
	return out, nil
}

func (s *Server) planTargetsSave(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed := map[int64]string{}
	targets := map[int64]plan.Decimal{}
	err = func() error {
		for _, g := range doc.Goals {
			key := fmt.Sprintf("target-%d", g.ID)
			v := strings.TrimSpace(r.PostFormValue(key))
			if v == "" || g.Archived || len(g.Links) > 0 {
				continue
			}
			typed[g.ID] = v
			d, err := formDecimal(r, key, g.Indicator)
			if err != nil {
				return err
			}
			targets[g.ID] = *d
		}
		return s.store.SetTargets(r.Context(), doc.ID, targets)
	}()
	if err != nil {
		lines, lerr := s.targetLines(r, doc, typed)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		s.formError(w, r, err, "plan_targets", map[string]any{"Doc": doc, "Lines": lines})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#goals", doc.ID), http.StatusSeeOther)
}

// yearLine is one year of a goal's per-year targets on the years page.
type yearLine struct {
	Year  int
	Value string
}

// goalYears asks for a multi-year plan's goal's target for each year of
// the plan's period (分年度目标).
func (s *Server) goalYears(w http.ResponseWriter, r *http.Request) {
	doc, g, err := s.goalOfPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if doc.StartYear == 0 {
		s.fail(w, r, plan.Errorf(plan.ECONFLICT, "本方案不是多年方案：请先在“编辑基本信息”中填写方案期限"))
		return
	}
	s.render(w, r, http.StatusOK, "goal_years", map[string]any{"Doc": doc, "Goal": g, "Lines": yearLines(doc, g, nil)})
}

func yearLines(doc *plan.Document, g plan.DocGoal, typed map[int]string) []yearLine {
	var out []yearLine
	for y := doc.StartYear; y <= doc.EndYear && y != 0; y++ {
		l := yearLine{Year: y}
		if t, ok := plan.TargetFor(g, y); ok {
			l.Value = t.String()
		}
		if v, ok := typed[y]; ok {
			l.Value = v
		}
		out = append(out, l)
	}
	return out
}

func (s *Server) goalYearsSave(w http.ResponseWriter, r *http.Request) {
	doc, g, err := s.goalOfPlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed := map[int]string{}
	var targets []plan.YearTarget
	err = func() error {
		for y := doc.StartYear; y <= doc.EndYear && y != 0; y++ {
			key := fmt.Sprintf("year-%d", y)
			typed[y] = strings.TrimSpace(r.PostFormValue(key))
			d, err := formDecimal(r, key, fmt.Sprintf("%d年目标", y))
			if err != nil {
				return err
			}
			if d != nil {
				targets = append(targets, plan.YearTarget{Year: y, Target: *d})
			}
		}
		return s.store.SaveYearTargets(r.Context(), doc.ID, g.ID, targets)
	}()
	if err != nil {
		s.formError(w, r, err, "goal_years", map[string]any{"Doc": doc, "Goal": g, "Lines": yearLines(doc, g, typed)})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#goals", doc.ID), http.StatusSeeOther)
}
