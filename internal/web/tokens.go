package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/plan"
)

// tokenCreate makes an API token for the caller, shown once on the
// account page.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	var ttl time.Duration
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	if err != nil || days < 1 {
		err = plan.Errorf(plan.EINVALID, "“有效期”应为天数，如 90")
	} else {
		ttl = time.Duration(min(days, 10000)) * 24 * time.Hour
	}
	var token string
	if err == nil {
		token, err = s.store.CreateAPIToken(r.Context(), u.Username, strings.TrimSpace(r.PostFormValue("label")), ttl)
	}
	data, derr := s.accountData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	if err != nil {
		if code := plan.ErrorCode(err); code != plan.EINVALID && code != plan.ECONFLICT {
			s.fail(w, r, err)
			return
		}
		data["TokenError"] = plan.ErrorMessage(err)
		s.render(w, r, status(plan.ErrorCode(err)), "account", data)
		return
	}
	data["NewToken"] = token
	s.render(w, r, http.StatusOK, "account", data)
}

// tokenRevoke ends one of the caller's own tokens.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "token")
	if err == nil {
		err = s.store.RevokeAPIToken(r.Context(), currentUser(r).ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?saved#tokens", http.StatusSeeOther)
}

// userTokenRevoke is an administrator ending a token of the user in the
// path.
func (s *Server) userTokenRevoke(w http.ResponseWriter, r *http.Request) {
	userID, err := pathID(r, "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, "token")
	if err == nil {
		err = s.store.RevokeAPIToken(r.Context(), userID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d/edit?saved#tokens", userID), http.StatusSeeOther)
}

// userUnlock is an administrator lifting a user's login lockouts.
func (s *Server) userUnlock(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "user")
	if err == nil {
		err = s.store.UnlockLogin(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users?saved", http.StatusSeeOther)
}
