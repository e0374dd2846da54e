package web

import (
	"fmt"
	"net/http"
	"net/url"

	"kechuang/internal/plan"
)

// roundEdit is the page that edits a draft or open round's label and
// dates, and deletes a round nobody has filled in.
func (s *Server) roundEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := s.roundEditPage(r, rd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "round_edit", data)
}

// roundEditPage is the edit page's data for rd as stored or as typed.
func (s *Server) roundEditPage(r *http.Request, rd *plan.Round) (map[string]any, error) {
	doc, err := s.store.Plan(r.Context(), rd.PlanID)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Round": rd, "OutsideYear": !plan.AsOfInYear(rd.AsOf, doc.Year), "ConfirmLabel": plan.ConfirmOutsideYearLabel,
		"Closed": rd.State == plan.RoundClosed,
	}, nil
}

// roundUpdate saves the edit page. A data date changed on an open round is
// allowed, and the round page then says to tell the units.
func (s *Server) roundUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed, err := roundFromRequest(r)
	edited := *before
	edited.Label, edited.AsOf, edited.OpensOn, edited.DueOn, edited.RemindDays, edited.ConfirmOutsideYear =
		typed.Label, typed.AsOf, typed.OpensOn, typed.DueOn, typed.RemindDays, typed.ConfirmOutsideYear
	if err == nil {
		err = s.store.UpdateRound(r.Context(), edited)
	}
	if err != nil {
		data, derr := s.roundEditPage(r, &edited)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formError(w, r, err, "round_edit", data)
		return
	}
	target := fmt.Sprintf("/rounds/%d?saved", id)
	if before.State == plan.RoundOpen && before.AsOf != edited.AsOf {
		target += "&asof_changed=" + url.QueryEscape(before.AsOf)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// roundDeadline is the round page's 延长截止日期: an edit of the due date
// alone.
func (s *Server) roundDeadline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd.DueOn = r.PostFormValue("due_on")
	if err := s.store.UpdateRound(r.Context(), *rd); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/rounds/%d?saved", id), http.StatusSeeOther)
}

// roundDelete deletes a round nobody has filled in and goes back to the
// plan's rounds; the store refuses one a unit has touched.
func (s *Server) roundDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "round")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.store.Round(r.Context(), id)
	if err == nil {
		err = s.store.DeleteRound(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%d/rounds?deleted", rd.PlanID), http.StatusSeeOther)
}
