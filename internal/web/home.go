package web

import (
	"net/http"
	"strconv"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// home opens a reporter's forms, a leader's 总览, and for everyone else
// the plan in force: the newest active plan, else the newest.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u.UnitID != 0 && u.Role == auth.RoleReporter {
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return
	}
	id, err := s.planInForce(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case id == 0:
		http.Redirect(w, r, "/plans", http.StatusSeeOther)
	case u.Role == auth.RoleLeader:
		http.Redirect(w, r, "/plans/"+strconv.FormatInt(id, 10)+"/dashboard", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/plans/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

// planInForce is the plan people work on: the newest active plan of the
// organisation worked in (a city's leader lands on the city's, not a
// district's), else the newest active one in reach, else the newest; 0
// when there is none.
func (s *Server) planInForce(r *http.Request) (int64, error) {
	plans, err := s.store.Plans(r.Context())
	if err != nil || len(plans) == 0 {
		return 0, err
	}
	org := workOrg(r)
	for _, own := range []bool{true, false} {
		for _, p := range plans {
			if p.Status == plan.StatusActive && (!own || p.OrgID == org) {
				return p.ID, nil
			}
		}
	}
	return plans[0].ID, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.store.Dialect()), "version": s.opts.Version})
}
