package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// userList is the accounts page for administrators.
func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	users, err := s.store.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	locks, err := s.store.LoginLocks(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lockedUntil := map[string]string{} // by username, for the template: "" when not locked
	for name, t := range locks {
		lockedUntil[name] = t.In(plan.Zone).Format("2006-01-02 15:04")
	}
	lq := readListQuery(r, "role", "state")
	names := unitLabels(dir)
	var shown []*auth.User
	for _, u := range users {
		state := "active"
		switch {
		case u.Disabled:
			state = "disabled"
		case lockedUntil[u.Username] != "" && lq.Filter["state"] == "locked":
			state = "locked"
		}
		if lq.Is("role", string(u.Role)) && lq.Is("state", state) && lq.Matches(u.Username, u.DisplayName, u.Email, names[u.UnitID]) {
			shown = append(shown, u)
		}
	}
	s.render(w, r, http.StatusOK, "users", map[string]any{"Users": shown, "Total": len(users), "Query": lq, "Roles": auth.Roles, "UnitNames": names, "Locks": lockedUntil})
}

// unitLabels maps unit IDs to the names documents use.
func unitLabels(dir *plan.Directory) map[int64]string {
	m := map[int64]string{}
	for _, u := range dir.Units {
		m[u.ID] = u.Label()
	}
	return m
}

// userForm is what user_edit.html shows: the user (ID 0 when new), the
// directory for the unit choice, and the password rule.
func (s *Server) userForm(r *http.Request, u *auth.User) (map[string]any, error) {
	dir, err := s.store.Directory(r.Context())
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Account": u, "Dir": dir, "Roles": auth.Roles, "Rule": auth.PasswordRule}
	if u.ID != 0 {
		if data["Tokens"], err = s.store.APITokens(r.Context(), u.ID); err != nil {
			return nil, err
		}
		locks, err := s.store.LoginLocks(r.Context())
		if err != nil {
			return nil, err
		}
		data["LockedUntil"] = locks[u.Username]
	}
	return data, nil
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) {
	id, err := optionalPathID(r, "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := &auth.User{Role: auth.RoleReporter}
	if id != 0 {
		if u, err = s.store.User(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	data, err := s.userForm(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "user_edit", data)
}

// postedUser reads the fields the create and edit forms share.
func postedUser(r *http.Request, u *auth.User) error {
	u.DisplayName = strings.TrimSpace(r.PostFormValue("display_name"))
	u.Role = auth.Role(r.PostFormValue("role"))
	u.Email = strings.TrimSpace(r.PostFormValue("email"))
	u.UnitID = 0
	if v := r.PostFormValue("unit"); v != "" && v != "0" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return plan.Errorf(plan.EINVALID, "“单位”无效")
		}
		u.UnitID = id
	}
	return nil
}

// hashNewPassword checks a new password against the rule and hashes it.
func hashNewPassword(pw string) (string, error) {
	if err := auth.CheckPassword(pw); err != nil {
		return "", plan.Errorf(plan.EINVALID, "%s", err.Error())
	}
	return auth.HashPassword(pw)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	u := &auth.User{Username: strings.TrimSpace(r.PostFormValue("username"))}
	err := postedUser(r, u)
	var hash string
	if err == nil {
		hash, err = hashNewPassword(r.PostFormValue("password"))
	}
	if err == nil {
		_, err = s.store.CreateUser(r.Context(), store.NewUser{
			Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, UnitID: u.UnitID, Email: u.Email, PasswordHash: hash,
		})
	}
	if err != nil {
		s.userFormError(w, r, err, u, false)
		return
	}
	http.Redirect(w, r, "/users?saved", http.StatusSeeOther)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = postedUser(r, u)
	u.Disabled = r.PostFormValue("disabled") != ""
	if err == nil {
		_, err = s.store.UpdateUser(r.Context(), id, store.UserUpdate{
			DisplayName: u.DisplayName, Role: u.Role, UnitID: u.UnitID, Email: u.Email, Disabled: u.Disabled,
		})
	}
	if err != nil {
		s.userFormError(w, r, err, u, false)
		return
	}
	http.Redirect(w, r, "/users?saved", http.StatusSeeOther)
}

// userPassword is an administrator setting a user's password; the user's
// sessions end.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hash, err := hashNewPassword(r.PostFormValue("password"))
	if err == nil {
		err = s.store.SetPasswordHashByID(r.Context(), id, hash)
	}
	if err != nil {
		s.userFormError(w, r, err, u, true)
		return
	}
	if id == currentUser(r).ID {
		// Setting one's own password here ends one's own session too.
		if err := s.startSession(w, r, u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d/edit?saved", id), http.StatusSeeOther)
}

// userFormError shows the user form again with the error: beside the
// password form when that was sent, at the top otherwise.
func (s *Server) userFormError(w http.ResponseWriter, r *http.Request, err error, u *auth.User, password bool) {
	data, derr := s.userForm(r, u)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	if password {
		data["PasswordForm"] = true
	}
	s.formError(w, r, err, "user_edit", data)
}

// account is every user's own page: who they are, their password and
// their API tokens.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	data, err := s.accountData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", data)
}

func (s *Server) accountData(r *http.Request) (map[string]any, error) {
	u := currentUser(r)
	tokens, err := s.store.APITokens(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"Account": u, "Rule": auth.PasswordRule, "Tokens": tokens}
	if u.UnitID != 0 {
		dir, err := s.store.Directory(r.Context())
		if err != nil {
			return nil, err
		}
		data["Unit"] = unitLabels(dir)[u.UnitID]
	}
	return data, nil
}

// accountPassword changes the caller's own password. The current password
// is checked as a login is (wrong guesses count towards the lock); all the
// user's sessions end and this one starts afresh.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	pw := r.PostFormValue("password")
	var hash string
	var err error
	if pw != r.PostFormValue("confirm") {
		err = plan.Errorf(plan.EINVALID, "两次输入的新密码不一致。")
	} else {
		hash, err = hashNewPassword(pw)
	}
	if err == nil {
		if _, aerr := s.store.Authenticate(r.Context(), s.loginAttempt(r, u.Username, r.PostFormValue("current"))); aerr != nil {
			switch plan.ErrorCode(aerr) {
			case plan.EUNAUTHORIZED:
				err = plan.Errorf(plan.EINVALID, "当前密码不正确。")
			case plan.EFORBIDDEN:
				err = plan.Errorf(plan.EINVALID, "%s", plan.ErrorMessage(aerr))
			default:
				err = aerr
			}
		}
	}
	if err == nil {
		err = s.store.SetPasswordHashByID(r.Context(), u.ID, hash)
	}
	if err != nil {
		data, derr := s.accountData(r)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formError(w, r, err, "account", data)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?saved", http.StatusSeeOther)
}
