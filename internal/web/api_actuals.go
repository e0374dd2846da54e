package web

import (
	"net/http"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
)

// apiActuals answers a plan's goals computed from the registers at as_of
// (today when not given): the district's value and each unit's the caller
// may see (auth.SightOf: a reporter its own unit's only).
func (s *Server) apiActuals(w http.ResponseWriter, r *http.Request) {
	planID, err := pathID(r, "plan")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	asOf := r.URL.Query().Get("as_of")
	if asOf == "" {
		asOf = s.opts.Now().In(plan.Zone).Format(time.DateOnly)
	}
	a, err := progress.LoadActuals(r.Context(), s.store, planID, asOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.For(auth.SightOf(currentUser(r), false)))
}
