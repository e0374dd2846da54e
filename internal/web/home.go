package web

import (
	"net/http"
	"strconv"

	"kechuang/internal/auth"
)

// home opens a reporter's forms, and for everyone else the plan in force:
// the newest active plan, else the newest.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u.UnitID != 0 && u.Role == auth.RoleReporter {
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return
	}
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(plans) == 0 {
		http.Redirect(w, r, "/plans", http.StatusSeeOther)
		return
	}
	pick := plans[0]
	for _, p := range plans {
		if p.Status == "active" {
			pick = p
			break
		}
	}
	http.Redirect(w, r, "/plans/"+strconv.FormatInt(pick.ID, 10), http.StatusSeeOther)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.store.Dialect()), "version": s.opts.Version})
}
