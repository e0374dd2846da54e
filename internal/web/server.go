// Package web serves kechuang's pages and JSON API. Every route is declared
// in routes() with the permission it needs, and one middleware checks it.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"kechuang/internal/auth"
	"kechuang/internal/lru"
	"kechuang/internal/metrics"
	"kechuang/internal/plan"
	"kechuang/internal/progress"
	"kechuang/internal/store"
)

//go:embed templates static
var assets embed.FS

// Options configure the server.
type Options struct {
	// SecureCookies marks the session cookie Secure; set it when users
	// reach kechuang over HTTPS (directly or through a proxy).
	SecureCookies bool
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// Version is shown in the footer and /healthz.
	Version string
	// Chromium is the browser that prints bulletins to PDF; "" when the
	// server has none (the PDF button then says so).
	Chromium string
	// Reminder sends 催报 to units of a round (in-app, webhook, email);
	// nil when reminders are not wired (the page then says so).
	Reminder Reminder
	// Now is the clock that decides what is overdue and what a new round
	// proposes; time.Now unless set.
	Now func() time.Time
	// Metrics is where requests are counted and /metrics reads from; a new
	// registry unless set (the notifier's reminders share the process's).
	Metrics *metrics.Registry
	// Admitted is how many requests the handlers take at once (door); 0
	// is two a core.
	Admitted int
}

// Reminder sends reminders for a round: to the given units, or to every
// unit that has not reported when unitIDs is empty. kind is "manual" for a
// click on 催报. It returns how many units were reminded.
type Reminder interface {
	Remind(ctx context.Context, roundID int64, unitIDs []int64, kind string) (int, error)
}

// Server holds what the handlers need.
type Server struct {
	store    *store.Store
	log      *slog.Logger
	opts     Options
	pages    *pages
	requests *metrics.Counter
	latency  *metrics.Histogram
	progress *progress.Cache
	// Rendered dashboard content, by everything it depends on (renderContent).
	fragments   *lru.Cache[string, kept]
	renderGroup singleflight.Group
	renders     chan struct{}             // bounds how many renderings run at once
	shells      *lru.Cache[string, shell] // the layout around kept content, by view (renderKept)
	// API answers kept by the data version (keptJSON).
	answers     *lru.Cache[string, []byte]
	answerGroup singleflight.Group
	forms       *lru.Cache[string, keptForm] // API answers of forms, by form and sight (apiForm)
	door        *door                        // how many requests are in the handlers at once
}

// New parses the templates (a broken template fails here, not in a request)
// and returns a server.
func New(st *store.Store, log *slog.Logger, opts Options) (*Server, error) {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	if opts.Metrics == nil {
		opts.Metrics = metrics.New()
	}
	s := &Server{store: st, log: log, opts: opts, pages: p, progress: progress.NewCache(st, 64), fragments: lru.New[string, kept](128),
		shells: lru.New[string, shell](256), answers: lru.New[string, []byte](128),
		forms:   lru.New[string, keptForm](maxKeptForms),
		renders: make(chan struct{}, 2*runtime.NumCPU()), door: newDoor(opts.Admitted, doorTurn)}
	s.instrument(opts.Metrics)
	return s, nil
}

// route is one entry of the routing table: a method and pattern for
// net/http's ServeMux, the permission it needs, and its handler.
type route struct {
	method  string
	pattern string
	perm    auth.Perm
	handler http.HandlerFunc
}

// Handler returns the whole application: routes behind the authorization
// check, cross-origin protection for every state-changing request, and
// security headers.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		key := rt.method + " " + rt.pattern
		mux.Handle(key, s.measure(key, s.authorize(rt.perm, bodyLimit(key), rt.handler)))
	}
	mux.Handle("/", s.measure("other", http.HandlerFunc(s.notFound)))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, plan.Errorf(plan.EFORBIDDEN, "跨站请求被拒绝：请从本系统页面提交。"))
	}))
	return securityHeaders(cop.Handler(mux))
}

func staticFS() fs.FS {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

type ctxKey int

const (
	userKey ctxKey = iota
	resourceKey
)

// currentUser is the user of the request, nil when anonymous.
func currentUser(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey).(*auth.User)
	return u
}

// currentResource is what the request's object-level permission was
// decided on (resourceOf), nil for other routes.
func currentResource(r *http.Request) *auth.Resource {
	res, _ := r.Context().Value(resourceKey).(*auth.Resource)
	return res
}

// authorize is the one authorization check: it finds who is calling (a
// session cookie or an API bearer token) and lets the request through only
// when that user has the route's permission. It also holds the request body
// to the route's limit, reads forms before the handler does (so that a body
// over the limit is answered plainly, whichever field the handler reads
// first), and removes the temporary files of a multipart form afterwards:
// net/http removes them only for the request it made, and the handler
// sees a copy (WithContext), so without this they would stay on disk.
func (s *Server) authorize(perm auth.Perm, limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			s.fail(w, r, tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		// Its waits for a database connection are served in the order the
		// requests came (store.WithArrival). The request's context is
		// copied into it twice at most: each copy is a copy of the request.
		ctx := store.WithArrival(r.Context(), time.Now())
		u, err := s.identify(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// A signed-in user sees its organisation and those beneath it (or
		// the one it picked from them). An object of any other is not
		// found: once the role would be let through (the refusal of a role
		// says nothing of the object), every object the path names is
		// looked up in the request's scope.
		var res *auth.Resource
		if u != nil {
			sc, err := s.viewScope(r, u)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ctx = store.WithScope(ctx, sc)
			r = r.WithContext(ctx)
			if perm != auth.PermPublic && (perm.ObjectLevel() || auth.Allowed(u, perm)) {
				// The object an object-level permission is decided on is
				// read once, its organisation with it (held to the scope
				// as objectOrg holds the others).
				var name string
				if perm.ObjectLevel() {
					if res, name, err = s.resourceOf(r); err != nil {
						s.fail(w, r, err)
						return
					}
				}
				org, err := s.objectOrg(r, name)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				if res == nil && org != 0 {
					res = &auth.Resource{Org: org}
				}
			}
		}
		if !auth.Can(u, perm, res) {
			if u == nil {
				s.fail(w, r, plan.Errorf(plan.EUNAUTHORIZED, "请先登录。"))
			} else {
				s.fail(w, r, plan.Errorf(plan.EFORBIDDEN, "您的角色（%s）无权进行此操作。", u.Role.Label()))
			}
			return
		}
		// The actor of any change the request makes, for the audit log;
		// anonymous callers (a login) are recorded by address.
		actor := store.Actor{Remote: clientIP(r)}
		if u != nil {
			ctx = context.WithValue(ctx, userKey, u)
			actor.UserID, actor.Username = u.ID, u.Username
		}
		if perm.ObjectLevel() {
			ctx = context.WithValue(ctx, resourceKey, res)
		}
		r = r.WithContext(store.WithActor(ctx, actor))
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		if err := parseForm(r, limit); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// parseForm reads a form posted to a page (URL-encoded or multipart): a
// body over the limit is ETOOLARGE, a broken one EINVALID. Files of a
// multipart form beyond formMemory go to temporary files. API bodies are
// JSON whatever their Content-Type says (curl -d sends form-urlencoded),
// so they are left to the handler.
func parseForm(r *http.Request, limit int64) error {
	if r.Method != http.MethodPost || isAPI(r) {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(formMemory)
	default:
		return nil
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge(limit)
	case err != nil:
		return plan.Errorf(plan.EINVALID, "提交的表单不完整或格式有误，请重新提交。")
	}
	return nil
}

// formMemory is how much of a multipart form is kept in memory; the rest
// of its files is spooled to temporary files, removed after the request.
const formMemory = 1 << 20

func tooLarge(limit int64) error {
	return plan.Errorf(plan.ETOOLARGE, "提交的内容过大：此处上限为 %s。", byteSize(limit))
}

// byteSize writes a limit the way people read it: 4 KB, 1 MB, 11 MB.
func byteSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt((n+1<<20-1)>>20, 10) + " MB"
	}
	return strconv.FormatInt((n+1<<10-1)>>10, 10) + " KB"
}

// clientIP is the address the request came from. Headers a proxy may set
// are not trusted: anyone can send them.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

const sessionCookie = "kechuang_session"

// identify returns the caller: nil when anonymous. A bad bearer token is an
// error (a program should hear that its token is wrong); a stale cookie is
// just anonymous.
func (s *Server) identify(r *http.Request) (*auth.User, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := cutPrefixFold(h, "Bearer ")
		if !ok {
			return nil, plan.Errorf(plan.EUNAUTHORIZED, "Authorization 头应为 “Bearer 令牌”。")
		}
		u, err := s.store.TokenUser(r.Context(), token)
		if plan.ErrorCode(err) == plan.ENOTFOUND {
			return nil, plan.Errorf(plan.EUNAUTHORIZED, "API 令牌无效。")
		}
		return u, err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	u, err := s.store.SessionUser(r.Context(), c.Value)
	if plan.ErrorCode(err) == plan.ENOTFOUND {
		return nil, nil
	}
	return u, err
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// securityHeaders sets headers every answer carries. The CSP allows no
// inline script and nothing from outside: kechuang runs on intranets.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "页面不存在。"))
}

// status maps an error code to an HTTP status.
func status(code string) int {
	switch code {
	case plan.EINVALID:
		return http.StatusBadRequest
	case plan.ENOTFOUND:
		return http.StatusNotFound
	case plan.ECONFLICT:
		return http.StatusConflict
	case plan.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case plan.EFORBIDDEN:
		return http.StatusForbidden
	case plan.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// apiError is the API's answer of an error (the Error schema of
// openapi.json).
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  []plan.FieldError `json:"fields,omitempty"`
	Current *plan.Current     `json:"current,omitempty"`
}

// fail answers an error: JSON for the API, a page otherwise (the login page
// for an anonymous visitor of a page that needs a login). Internal errors
// are logged; users see a generic message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := plan.ErrorCode(err)
	switch {
	case code != plan.EINTERNAL:
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client gave up (closed the tab, timed out): nothing went
		// wrong here, and nobody reads the answer.
		s.log.Info("client gave up", "method", r.Method, "path", r.URL.Path)
		return
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, status(code), apiError{Error: apiErrorBody{Code: code, Message: plan.ErrorMessage(err),
			Fields: plan.FieldErrors(err), Current: plan.CurrentOf(err)}})
		return
	}
	if code == plan.EUNAUTHORIZED && r.Method == http.MethodGet && currentUser(r) == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, status(code), "error", map[string]any{"Message": plan.ErrorMessage(err), "Status": status(code)})
}
