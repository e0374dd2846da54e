package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if u, _ := s.identify(r); u != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", map[string]any{"Next": r.URL.Query().Get("next")})
}

// login checks the password and starts a new session: a fresh secret on
// every login, so a session fixed before login is worthless after it. The
// browser is remembered as the user's device, so that a stranger's failed
// guesses never lock it out (see store.Authenticate).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	next := r.PostFormValue("next")
	u, err := s.store.Authenticate(r.Context(), s.loginAttempt(r, username, r.PostFormValue("password")))
	if err != nil {
		code := plan.ErrorCode(err)
		if code == plan.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status(code), "login", map[string]any{"Next": next, "Username": username, "Error": plan.ErrorMessage(err)})
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.rememberDevice(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("login", "user", u.Username, "remote", r.RemoteAddr)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

const deviceCookie = "kechuang_device"

// loginAttempt is a login from this request: its address and the device
// cookie the browser holds.
func (s *Server) loginAttempt(r *http.Request, username, password string) store.Login {
	l := store.Login{Username: username, Password: password, Address: clientIP(r)}
	if c, err := r.Cookie(deviceCookie); err == nil {
		l.Device = c.Value
	}
	return l
}

// rememberDevice gives the browser a new device cookie for u.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, u *auth.User) error {
	var old string
	if c, err := r.Cookie(deviceCookie); err == nil {
		old = c.Value
	}
	secret, err := s.store.RememberDevice(r.Context(), u.ID, old)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: deviceCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode,
		MaxAge: int(store.DeviceTTL.Seconds()),
	})
	return nil
}

// startSession ends the request's session, if any, and starts a new one for
// u with a fresh secret in the cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *auth.User) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.store.DeleteSession(r.Context(), c.Value)
	}
	secret, err := s.store.CreateSession(r.Context(), u.ID, s.opts.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
		MaxAge: int(s.opts.SessionTTL.Seconds()),
	})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site: a path starting with
// one "/", with no scheme or host, no backslash (browsers read it as "/"),
// and no control, format or line-breaking characters, before or after percent-decoding
// (browsers drop tabs and newlines, so "/\t/evil.example" would become
// "//evil.example"). Anything else goes to the home page.
func safeNext(next string) string {
	if !sameSitePath(next) {
		return "/"
	}
	if dec, err := url.PathUnescape(next); err != nil || !sameSitePath(dec) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return next
}

func sameSitePath(p string) bool {
	if len(p) > 2000 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return false
	}
	for _, r := range p {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) && r != ' ' || r == utf8.RuneError {
			return false
		}
	}
	return true
}
