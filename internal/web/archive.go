package web

import (
	"context"
	"fmt"
	"net/http"

	"kechuang/internal/plan"
)

// Archiving (归档) is what a delete is refused in favour of when forms
// refer to a unit, task or goal: it stays in plans and history and new
// rounds leave it out. Restoring (恢复) undoes it.

func (s *Server) unitArchive(w http.ResponseWriter, r *http.Request) { s.setUnitArchived(w, r, true) }
func (s *Server) unitUnarchive(w http.ResponseWriter, r *http.Request) {
	s.setUnitArchived(w, r, false)
}

func (s *Server) setUnitArchived(w http.ResponseWriter, r *http.Request, archived bool) {
	id, err := pathID(r, "unit")
	if err == nil {
		err = s.store.SetUnitArchived(r.Context(), id, archived)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/units/%d?saved", id), http.StatusSeeOther)
}

func (s *Server) taskArchive(w http.ResponseWriter, r *http.Request) {
	s.setPartArchived(w, r, "task", "tasks", true, s.store.SetTaskArchived)
}

func (s *Server) taskUnarchive(w http.ResponseWriter, r *http.Request) {
	s.setPartArchived(w, r, "task", "tasks", false, s.store.SetTaskArchived)
}

func (s *Server) goalArchive(w http.ResponseWriter, r *http.Request) {
	s.setPartArchived(w, r, "goal", "goals", true, s.store.SetGoalArchived)
}

func (s *Server) goalUnarchive(w http.ResponseWriter, r *http.Request) {
	s.setPartArchived(w, r, "goal", "goals", false, s.store.SetGoalArchived)
}

// setPartArchived archives or restores the part of a plan named by the
// path parameter and goes back to the plan page at anchor.
func (s *Server) setPartArchived(w http.ResponseWriter, r *http.Request, param, anchor string, archived bool, set func(ctx context.Context, planID, id int64, archived bool) error) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, param)
	if err == nil {
		err = set(r.Context(), planID, id, archived)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d?saved#%s", planID, anchor), http.StatusSeeOther)
}

// deleteFailed answers a delete that did not happen. A refusal (forms
// refer to what was to be deleted) shows its message with archiving
// offered instead when archive names the action, and a way back.
func (s *Server) deleteFailed(w http.ResponseWriter, r *http.Request, err error, archive, back string) {
	if plan.ErrorCode(err) != plan.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusConflict, "error", map[string]any{
		"Title": "不能删除", "Message": plan.ErrorMessage(err), "Status": http.StatusConflict, "Archive": archive, "Back": back,
	})
}
