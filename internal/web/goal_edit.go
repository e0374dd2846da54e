package web

import (
	"fmt"
	"net/http"
	"strings"

	"kechuang/internal/plan"
)

func (s *Server) goalEdit(w http.ResponseWriter, r *http.Request) {
	doc, _, err := s.planAndDirectory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	goalID, err := optionalPathID(r, "goal")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g := plan.DocGoal{Comparator: plan.AtLeast}
	if goalID != 0 {
		found := false
		for _, x := range doc.Goals {
			if x.ID == goalID {
				g, found = x, true
			}
		}
		if !found {
			s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "目标不存在。"))
			return
		}
	}
	s.render(w, r, http.StatusOK, "goal_edit", map[string]any{"Doc": doc, "Goal": g})
}

func (s *Server) goalSave(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	goalID, err := optionalPathID(r, "goal")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g := plan.DocGoal{
		ID:         goalID,
		Text:       strings.TrimSpace(r.PostFormValue("text")),
		Indicator:  strings.TrimSpace(r.PostFormValue("indicator")),
		Comparator: plan.Comparator(r.PostFormValue("comparator")),
		Unit:       strings.TrimSpace(r.PostFormValue("unit")),
		Kind:       plan.GoalKind(r.PostFormValue("kind")),
	}
	err = func() error {
		target, err := formDecimal(r, "target", "目标值")
		if err != nil {
			return err
		}
		if target == nil {
			return plan.Errorf(plan.EINVALID, "“目标值”不能为空")
		}
		g.Target = *target
		if g.TargetMax, err = formDecimal(r, "target_max", "上限"); err != nil {
			return err
		}
		if g.Year, err = formInt(r, "year", "年度"); err != nil {
			return err
		}
		_, err = s.store.SaveGoal(r.Context(), planID, g)
		return err
	}()
	if err != nil {
		s.formError(w, r, err, "goal_edit", map[string]any{"Doc": &plan.Document{ID: planID}, "Goal": g})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#goals", planID), http.StatusSeeOther)
}

func (s *Server) goalDelete(w http.ResponseWriter, r *http.Request) {
	s.deletePlanPart(w, r, "goal", "goals", s.store.DeleteGoal)
}
