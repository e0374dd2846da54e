package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/store/storetest"
)

// wantPerm is the permission each route must have, written out by hand so
// that a route added without a decision here fails the test.
var wantPerm = map[string]auth.Perm{
	"GET /static/":                                   auth.PermPublic,
	"GET /healthz":                                   auth.PermPublic,
	"GET /login":                                     auth.PermPublic,
	"POST /login":                                    auth.PermPublic,
	"GET /api/v1/openapi.json":                       auth.PermPublic,
	"POST /logout":                                   auth.PermView,
	"GET /{$}":                                       auth.PermView,
	"GET /plans":                                     auth.PermView,
	"GET /plans/{plan}":                              auth.PermView,
	"GET /units":                                     auth.PermView,
	"GET /units/{unit}":                              auth.PermView,
	"GET /api/v1/plans":                              auth.PermView,
	"GET /api/v1/plans/{plan}":                       auth.PermView,
	"GET /api/v1/units":                              auth.PermView,
	"POST /api/v1/plans":                             auth.PermAdmin,
	"GET /api/v1/plans/{plan}/rounds":                auth.PermView,
	"GET /api/v1/rounds/{round}":                     auth.PermView,
	"GET /api/v1/forms/{form}":                       auth.PermFormRead,
	"POST /api/v1/forms/{form}":                      auth.PermFormWrite,
	"POST /api/v1/forms/{form}/review":               auth.PermFormComment,
	"GET /plans/{plan}/rounds":                       auth.PermView,
	"GET /plans/{plan}/dashboard":                    auth.PermView,
	"GET /plans/{plan}/goals/{goal}/progress":        auth.PermView,
	"GET /plans/{plan}/progress-settings":            auth.PermAdmin,
	"POST /plans/{plan}/progress-settings":           auth.PermAdmin,
	"POST /plans/{plan}/rounds":                      auth.PermAdmin,
	"GET /rounds/{round}":                            auth.PermView,
	"GET /rounds/{round}/edit":                       auth.PermAdmin,
	"POST /rounds/{round}":                           auth.PermAdmin,
	"POST /rounds/{round}/deadline":                  auth.PermAdmin,
	"POST /rounds/{round}/delete":                    auth.PermAdmin,
	"POST /rounds/{round}/open":                      auth.PermAdmin,
	"POST /rounds/{round}/close":                     auth.PermAdmin,
	"POST /rounds/{round}/reopen":                    auth.PermAdmin,
	"GET /metrics":                                   auth.PermAdmin,
	"POST /rounds/{round}/remind":                    auth.PermAdmin,
	"GET /rounds/{round}/status.xlsx":                auth.PermOversee,
	"GET /rounds/{round}/forms.xlsx":                 auth.PermAdmin,
	"GET /rounds/{round}/bulletin":                   auth.PermView,
	"POST /rounds/{round}/bulletin":                  auth.PermAdmin,
	"GET /rounds/{round}/bulletin/{format}":          auth.PermView,
	"GET /bulletin.css":                              auth.PermPublic,
	"GET /public/plans/{plan}":                       auth.PermPublic,
	"GET /my":                                        auth.PermView,
	"GET /reviews":                                   auth.PermView,
	"POST /reviews":                                  auth.PermView,
	"GET /rounds":                                    auth.PermView,
	"GET /dashboard":                                 auth.PermView,
	"GET /forms/{form}":                              auth.PermFormRead,
	"POST /forms/{form}":                             auth.PermFormWrite,
	"POST /forms/{form}/review":                      auth.PermFormComment,
	"POST /forms/{form}/comments":                    auth.PermFormComment,
	"GET /forms/{form}/versions/{version}":           auth.PermFormRead,
	"POST /forms/{form}/attachments":                 auth.PermFormWrite,
	"GET /attachments/{attachment}":                  auth.PermFormRead,
	"POST /attachments/{attachment}/delete":          auth.PermFormWrite,
	"GET /plans/new":                                 auth.PermAdmin,
	"GET /plans/import":                              auth.PermAdmin,
	"POST /plans/import":                             auth.PermAdmin,
	"POST /plans/import/confirm":                     auth.PermAdmin,
	"GET /plans/{plan}/annex1.xlsx":                  auth.PermView,
	"GET /plans/{plan}/annex2.xlsx":                  auth.PermView,
	"POST /plans/{plan}/rows/import":                 auth.PermAdmin,
	"POST /plans/{plan}/tables/import":               auth.PermAdmin,
	"POST /plans":                                    auth.PermAdmin,
	"GET /plans/{plan}/edit":                         auth.PermAdmin,
	"POST /plans/{plan}":                             auth.PermAdmin,
	"POST /plans/{plan}/delete":                      auth.PermAdmin,
	"GET /plans/{plan}/goals/new":                    auth.PermAdmin,
	"GET /plans/{plan}/goals/{goal}/edit":            auth.PermAdmin,
	"POST /plans/{plan}/goals":                       auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}":                auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/delete":         auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/archive":        auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/unarchive":      auth.PermAdmin,
	"GET /plans/{plan}/sections/new":                 auth.PermAdmin,
	"GET /plans/{plan}/sections/{section}/edit":      auth.PermAdmin,
	"POST /plans/{plan}/sections":                    auth.PermAdmin,
	"POST /plans/{plan}/sections/{section}":          auth.PermAdmin,
	"POST /plans/{plan}/sections/{section}/delete":   auth.PermAdmin,
	"GET /plans/{plan}/sections/{section}/tasks/new": auth.PermAdmin,
	"GET /plans/{plan}/tasks/{task}/edit":            auth.PermAdmin,
	"POST /plans/{plan}/sections/{section}/tasks":    auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}":                auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/delete":         auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/archive":        auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/unarchive":      auth.PermAdmin,
	"GET /plans/{plan}/rows/new":                     auth.PermAdmin,
	"GET /plans/{plan}/rows/{row}/edit":              auth.PermAdmin,
	"POST /plans/{plan}/rows":                        auth.PermAdmin,
	"POST /plans/{plan}/rows/{row}":                  auth.PermAdmin,
	"POST /plans/{plan}/rows/{row}/delete":           auth.PermAdmin,
	"GET /plans/{plan}/tables/{table}/edit":          auth.PermAdmin,
	"POST /plans/{plan}/tables/{table}":              auth.PermAdmin,
	"GET /units/new":                                 auth.PermAdmin,
	"GET /units/{unit}/edit":                         auth.PermAdmin,
	"POST /units":                                    auth.PermAdmin,
	"POST /units/{unit}":                             auth.PermAdmin,
	"POST /units/{unit}/delete":                      auth.PermAdmin,
	"POST /units/{unit}/archive":                     auth.PermAdmin,
	"POST /units/{unit}/unarchive":                   auth.PermAdmin,
	"GET /groups/new":                                auth.PermAdmin,
	"GET /groups/{group}/edit":                       auth.PermAdmin,
	"POST /groups":                                   auth.PermAdmin,
	"POST /groups/{group}":                           auth.PermAdmin,
	"POST /groups/{group}/delete":                    auth.PermAdmin,
	"GET /users":                                     auth.PermAdmin,
	"GET /users/new":                                 auth.PermAdmin,
	"POST /users":                                    auth.PermAdmin,
	"GET /users/{user}/edit":                         auth.PermAdmin,
	"POST /users/{user}":                             auth.PermAdmin,
	"POST /users/{user}/password":                    auth.PermAdmin,
	"POST /users/{user}/unlock":                      auth.PermAdmin,
	"POST /users/{user}/tokens/{token}/revoke":       auth.PermAdmin,
	"GET /account":                                   auth.PermView,
	"POST /account/password":                         auth.PermView,
	"POST /account/tokens":                           auth.PermView,
	"POST /account/tokens/{token}/revoke":            auth.PermView,
	"GET /audit":                                     auth.PermAdmin,
	"GET /audit.csv":                                 auth.PermAdmin,
	"GET /notifications":                             auth.PermView,
	"GET /settings":                                  auth.PermAdmin,

	"GET /plans/{plan}/goals/{goal}/records":               auth.PermView,
	"GET /plans/{plan}/goals/{goal}/records.xlsx":          auth.PermView,
	"GET /plans/{plan}/goals/{goal}/link":                  auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/link":                 auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/unlink":               auth.PermAdmin,
	"GET /plans/{plan}/goals/{goal}/years":                 auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/years":                auth.PermAdmin,
	"POST /plans/{plan}/next-year":                         auth.PermAdmin,
	"GET /plans/{plan}/targets":                            auth.PermAdmin,
	"POST /plans/{plan}/targets":                           auth.PermAdmin,
	"GET /plans/{plan}/goals/{goal}/definition":            auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/definition":           auth.PermAdmin,
	"POST /plans/{plan}/goals/{goal}/definition/unbind":    auth.PermAdmin,
	"POST /units/{unit}/keywords":                          auth.PermAdmin,
	"POST /units/{unit}/keywords/{keyword}/delete":         auth.PermAdmin,
	"GET /registers":                                       auth.PermOversee,
	"GET /registers/{kind}":                                auth.PermOversee,
	"GET /registers/{kind}/unattributed":                   auth.PermOversee,
	"POST /registers/{kind}/unattributed":                  auth.PermAdmin,
	"POST /registers/{kind}/uploads":                       auth.PermAdmin,
	"GET /registers/{kind}/uploads/{upload}":               auth.PermAdmin,
	"POST /registers/{kind}/uploads/{upload}/mapping":      auth.PermAdmin,
	"POST /registers/{kind}/uploads/{upload}/import":       auth.PermAdmin,
	"GET /registers/{kind}/uploads/{upload}/rejected.xlsx": auth.PermAdmin,
	"GET /disputes":                                        auth.PermOversee,
	"POST /disputes":                                       auth.PermReport,
	"POST /disputes/{dispute}/resolve":                     auth.PermAdmin,
	"GET /api/v1/plans/{plan}/actuals":                     auth.PermView,
	"POST /settings":                                       auth.PermAdmin,
	"POST /settings/test":                                  auth.PermAdmin,

	"GET /plans/{plan}/supervision":                auth.PermView,
	"GET /plans/{plan}/tasks/{task}/supervision":   auth.PermOversee,
	"POST /plans/{plan}/tasks/{task}/milestones":   auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/notices":      auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/close":        auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/reopen":       auth.PermAdmin,
	"POST /plans/{plan}/tasks/{task}/instructions": auth.PermInstruct,
	"GET /notices/{notice}":                        auth.PermUnitRead,
	"POST /notices/{notice}/reply":                 auth.PermUnitReply,
	"GET /notices/{notice}/file":                   auth.PermUnitRead,
	"POST /forms/{form}/instructions":              auth.PermInstruct,
	"POST /units/{unit}/instructions":              auth.PermInstruct,
	"GET /instructions":                            auth.PermInstruct,
	"GET /instructions/{instruction}":              auth.PermUnitRead,
	"GET /orgs":                                    auth.PermOversee,
	"POST /orgs":                                   auth.PermAdmin,
	"POST /orgs/switch":                            auth.PermView,
	"POST /instructions/{instruction}/answer":      auth.PermUnitReply,
}

// TestEveryRouteByRole walks every registered route as every role and
// checks the answer against the permission written above: anonymous
// callers are sent to log in (pages) or get 401 (API and POSTs), users
// without the permission get 403, and users with it get through.
func TestEveryRouteByRole(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	s := &Server{}
	routes := s.routes()
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.method + " " + rt.pattern
		seen[key] = true
		want, ok := wantPerm[key]
		if !ok {
			t.Errorf("route %s is not in the permission table of this test", key)
			continue
		}
		if rt.perm != want {
			t.Errorf("route %s has permission %s, want %s", key, rt.perm, want)
		}
	}
	for key := range wantPerm {
		if !seen[key] {
			t.Errorf("route %s is in the test but not registered", key)
		}
	}

	dir := f.doc
	ids := map[string]string{
		"{plan}":       itoa(f.planID),
		"{goal}":       itoa(dir.Goals[0].ID),
		"{section}":    itoa(dir.Sections[0].ID),
		"{task}":       itoa(dir.Sections[0].Tasks[0].ID),
		"{row}":        itoa(dir.TaskTable[0].ID),
		"{table}":      itoa(dir.DecompositionTables[0].ID),
		"{unit}":       "2",
		"{group}":      "1",
		"{$}":          "",
		"{round}":      itoa(f.roundID),
		"{form}":       f.forms["三家店街道"],
		"{version}":    "0",
		"{attachment}": f.attachment,
		"{format}":     "docx",
		"{user}":       "2",
		"{token}":      "1",
		"{kind}":       "enterprises",
		"{upload}":     "0123456789abcdef0123",
		"{dispute}":    "1",
		"{keyword}":    "1",

		"{notice}":      f.newNotice(t),
		"{instruction}": f.newInstruction(t),
	}
	// The form routes are walked on 三家店街道's form: its reporter may
	// write, 区科工局 (leading tasks on it) may read and comment, 洪都街道 may
	// do nothing with it.
	formRes, err := f.store.FormResource(context.Background(), f.forms["三家店街道"])
	if err != nil {
		t.Fatal(err)
	}
	concrete := func(pattern string) string {
		for k, v := range ids {
			pattern = strings.ReplaceAll(pattern, k, v)
		}
		if pattern == "/static/" {
			pattern = "/static/style.css"
		}
		return pattern
	}
	// Deletes come last so that the other routes still find what they address.
	slices.SortStableFunc(routes, func(a, b route) int {
		return strings.Compare(boolKey(strings.HasSuffix(a.pattern, "/delete")), boolKey(strings.HasSuffix(b.pattern, "/delete")))
	})
	for _, role := range []string{"", "hd", "kgj", "sjd", "leader", "admin"} {
		c := f.client(t, role)
		user := f.users[role]
		// A fresh evidence file for each walk: the previous role may have
		// deleted it.
		ids["{attachment}"] = f.newAttachment(t)
		for _, rt := range routes {
			if rt.pattern == "/logout" {
				continue // it would end the session the walk goes on with
			}
			path := concrete(rt.pattern)
			req, _ := http.NewRequest(rt.method, f.srv.URL+path, strings.NewReader(""))
			if rt.method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			got := res.StatusCode
			name := role
			if name == "" {
				name = "anonymous"
			}
			var obj *auth.Resource
			if rt.perm.ObjectLevel() {
				obj = formRes
			}
			allowed := auth.Can(user, rt.perm, obj)
			switch {
			case got >= 500:
				t.Errorf("%s %s as %s: %d", rt.method, path, name, got)
			case rt.pattern == "/login" && rt.method == "POST" && (got == 401 || got == 403):
				// an empty form is a wrong password, and after five a lockout:
				// the handler's answers, not the check's
			case allowed && (got == 401 || got == 403):
				t.Errorf("%s %s as %s: %d, want it allowed", rt.method, path, name, got)
			case !allowed && user == nil && rt.method == "GET" && !isAPIPath(path):
				if got != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
					t.Errorf("%s %s as anonymous: %d, want a redirect to /login", rt.method, path, got)
				}
			case !allowed && user == nil && got != 401:
				t.Errorf("%s %s as anonymous: %d, want 401", rt.method, path, got)
			case !allowed && user != nil && got != 403:
				t.Errorf("%s %s as %s: %d, want 403", rt.method, path, name, got)
			}
		}
	}
}

func boolKey(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }

// TestOpenAPIListsEveryAPIRoute keeps the API description true: every API
// route is described under its path and method.
func TestOpenAPIListsEveryAPIRoute(t *testing.T) {
	var spec struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &spec); err != nil {
		t.Fatal(err)
	}
	s := &Server{}
	for _, rt := range s.routes() {
		if !strings.HasPrefix(rt.pattern, "/api/") {
			continue
		}
		p := strings.ReplaceAll(rt.pattern, "{plan}", "{id}")
		if _, ok := spec.Paths[p][strings.ToLower(rt.method)]; !ok {
			t.Errorf("openapi.json lacks %s %s", rt.method, p)
		}
	}
}

// TestEveryRouteHasABodyLimit keeps the limits table true: each entry names
// a registered route, and login's limit stays small.
func TestEveryRouteHasABodyLimit(t *testing.T) {
	s := &Server{}
	registered := map[string]bool{}
	for _, rt := range s.routes() {
		key := rt.method + " " + rt.pattern
		registered[key] = true
		if n := bodyLimit(key); n <= 0 {
			t.Errorf("route %s has no body limit", key)
		}
	}
	for key := range bodyLimits {
		if !registered[key] {
			t.Errorf("bodyLimits names %s, which is not a route", key)
		}
	}
	if n := bodyLimit("POST /login"); n > 8<<10 {
		t.Errorf("login takes %d bytes", n)
	}
}
