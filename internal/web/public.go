package web

import (
	"net/http"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
)

// publicPlan is the published page of a plan (此件主动公开): what the admin
// chose to publish, from closed rounds only. Anyone may read it.
func (s *Server) publicPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.store.ProgressSettings(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ps.Publish.Any() {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "此方案未公开。"))
		return
	}
	rounds, err := s.store.Rounds(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var closed int64
	for _, rd := range rounds {
		if rd.State == plan.RoundClosed {
			closed = rd.ID
			break
		}
	}
	// Closed rounds only: an open round's figures and statuses are still
	// moving. Without one, only the plan itself is shown.
	var d *progress.Data
	if closed != 0 {
		if d, err = s.progress.Load(r.Context(), id, closed); err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		doc, err := s.store.Plan(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d = &progress.Data{Doc: doc, Plan: doc}
	}
	d = d.For(auth.SightOf(nil, true))
	s.render(w, r, http.StatusOK, "public", map[string]any{"D": d, "Publish": ps.Publish})
}
