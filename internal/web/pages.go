package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// pages holds one parsed template set per page, each with the layout.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"target": func(g plan.DocGoal) string {
		return plan.FormatTarget(g.Comparator, g.Target, g.TargetMax, g.Unit)
	},
	"units": func(names []string) string { return strings.Join(names, "、") },
	"add":   func(a, b int) int { return a + b },
	"list":  func(s ...string) []string { return s },
	// taskList hands a unit page's task table its tasks and their statuses.
	"taskList": func(ts []store.UnitTask, st map[int64]plan.TaskStatus, lists map[int64][]taskList) map[string]any {
		return map[string]any{"Tasks": ts, "Status": st, "Lists": lists}
	},
	"kinds": func() []plan.GoalKind {
		return []plan.GoalKind{plan.KindStock, plan.KindFlow, plan.KindRatio, plan.KindPerCapita}
	},
	"unitKinds": func() []plan.UnitKind { return plan.UnitKinds },
	"comparators": func() []plan.Comparator {
		return []plan.Comparator{plan.AtLeast, plan.MoreThan, plan.AtMost, plan.About, plan.WithinRange}
	},
	"comparatorLabel": func(c plan.Comparator) string {
		switch c {
		case plan.AtLeast:
			return "≥ 达到/不低于"
		case plan.MoreThan:
			return "> 突破/超过"
		case plan.AtMost:
			return "≤ 不超过/控制在"
		case plan.About:
			return "≈ 左右/约"
		case plan.WithinRange:
			return "区间 1-3"
		}
		return string(c)
	},
	"severityLabel": func(s plan.Severity) string {
		switch s {
		case plan.SeverityError:
			return "错误"
		case plan.SeverityWarning:
			return "提醒"
		}
		return "说明"
	},
	"decimalPtr": func(d *plan.Decimal) string {
		if d == nil {
			return ""
		}
		return d.String()
	},
	"value": func(values map[string]plan.Decimal, col string) string {
		v, ok := values[col]
		if !ok {
			return ""
		}
		return v.String()
	},
	"isAdmin": func(u *auth.User) bool { return auth.Allowed(u, auth.PermAdmin) },
	// Supervision: who instructs (leaders, admins), and the lights of the
	// grid's legend.
	"instructs": func(u *auth.User) bool { return auth.Allowed(u, auth.PermInstruct) },
	"signals":   func() []plan.Signal { return plan.Signals },
	// dict hands a partial several values: dict "I" x "Next" "/my".
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m[k] = kv[i+1]
			}
		}
		return m
	},
	// Registers: who oversees them (admins, leaders), the drill-down of a
	// computed figure, a record's reference.
	"oversees":   func(u *auth.User) bool { return auth.Allowed(u, auth.PermOversee) },
	"recordsURL": recordsURL,
	"recordRef":  func(k plan.RegisterKind, id int64) store.RecordRef { return store.RecordRef{Kind: k, ID: id} },
	"byteSize":   byteSize,
	// whenText writes an RFC 3339 moment (as import batches keep it) in the
	// district's time zone.
	"whenText": func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return t.In(plan.Zone).Format("2006-01-02 15:04")
	},
	// pct writes a ratio as a percentage with one decimal: 0.6316 → 63.2%.
	"pct": func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" },
	// signed writes percentage points with their sign: −16.4.
	"signed": func(f float64) string {
		if f > 0 {
			return "+" + strconv.FormatFloat(f, 'f', 1, 64)
		}
		return strconv.FormatFloat(f, 'f', 1, 64)
	},
	"score": func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	// when writes a moment in the district's time zone.
	"when": func(t time.Time) string { return t.In(plan.Zone).Format("2006-01-02 15:04") },
	// day writes the date of a moment in the district's time zone.
	"day": func(t time.Time) string { return t.In(plan.Zone).Format(time.DateOnly) },
	// tokenTable hands the token table its tokens and where its revoke
	// buttons post.
	"tokenTable": func(ts []store.APIToken, action string) map[string]any {
		return map[string]any{"Tokens": ts, "Action": action, "Now": time.Now()}
	},
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html", file)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what every page template gets: the user for the header, a
// message after a save, and the page's own data.
type view struct {
	User    *auth.User
	Version string
	Flash   string
	Page    any
	Unread  int // a reporter's reminders not yet seen: the header's badge
	Reviews int // forms awaiting the viewer's review (待我审核): the header's badge
	Org     *orgBar
	Path    string // where the page is, for the org switcher to come back to
}

// render writes a page. The page is built in memory first so that a
// template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", s.viewOf(r, data)); err != nil {
		s.log.Error("render failed", "template", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	writePage(w, status, buf.Bytes())
}

// viewOf is the view of a page for the request: its user and the header's
// badges and organisation bar.
func (s *Server) viewOf(r *http.Request, data any) view {
	v := view{User: currentUser(r), Version: s.opts.Version, Page: data}
	v.Unread = s.unreadCount(r, v.User)
	v.Reviews = s.reviewCount(r, v.User)
	v.Org = s.orgBarOf(r, v.User)
	v.Path = r.URL.RequestURI()
	if r.URL.Query().Has("saved") {
		v.Flash = "已保存。"
	}
	return v
}

// writePage sends a page made of parts, with its length.
func writePage(w http.ResponseWriter, status int, parts ...[]byte) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		w.Write(p)
	}
}

// kept is a page's title and content rendered once and kept
// (renderContent); the layout around it is rendered per view (renderKept).
// The content is shared by every request that serves it: never changed.
type kept struct {
	Title string
	HTML  []byte
}

// keptMarker stands for the kept content in the layout rendered around it.
// Nothing escaped can write it: html/template writes a NUL in text and in
// attributes as U+FFFD.
const keptMarker = "\x00kept\x00"

// renderKept writes kept content inside the layout. The kept bytes go to
// the client as they are, not copied through the template and a buffer;
// the layout around them is rendered in memory first (so that a template
// error is still a clean 500) and kept too, by its view: the same viewer on
// the same page gets the same header.
func (s *Server) renderKept(w http.ResponseWriter, r *http.Request, p kept) {
	// prerendered.html writes .Page.HTML as the content: the marker.
	v := s.viewOf(r, struct {
		Title string
		HTML  template.HTML
	}{p.Title, keptMarker})
	key, err := shellKey(v)
	if err != nil {
		s.log.Error("render failed", "template", "prerendered", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	sh, ok := s.shells.Get(key)
	if !ok {
		var buf bytes.Buffer
		buf.Grow(8 << 10)
		err := s.pages.byName["prerendered"].ExecuteTemplate(&buf, "layout", v)
		at := bytes.Index(buf.Bytes(), []byte(keptMarker))
		if err == nil && at < 0 {
			err = errors.New("the layout lost the content's place")
		}
		if err != nil {
			s.log.Error("render failed", "template", "prerendered", "err", err)
			http.Error(w, "服务器内部错误", http.StatusInternalServerError)
			return
		}
		page := buf.Bytes()
		sh = shell{head: page[:at], tail: page[at+len(keptMarker):]}
		s.shells.Put(key, sh, nil)
	}
	writePage(w, http.StatusOK, sh.head, p.HTML, sh.tail)
}

// shell is the layout rendered around kept content: what comes before it
// and after it. Shared between requests: never changed.
type shell struct{ head, tail []byte }

// shellKey is everything the layout can read of a view — every exported
// field, the user's included, and the page's title — so that a kept shell
// is served only for a view that would render it the same (the layout's
// functions depend on their arguments alone).
func shellKey(v view) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// renderContent renders the content of page name once per key — which must
// name everything the content depends on: the data's version, the viewer's
// role and sight, the query — keeps it, and serves it inside the layout.
// Concurrent requests for a key not yet rendered share one rendering.
func (s *Server) renderContent(w http.ResponseWriter, r *http.Request, name, key string, data func() (any, error)) {
	if p, ok := s.fragments.Get(key); ok {
		s.renderKept(w, r, p)
		return
	}
	v, err, _ := s.renderGroup.Do(key, func() (any, error) {
		// At most a few renderings at once, whatever the number of
		// different viewers: the others wait their turn.
		select {
		case s.renders <- struct{}{}:
			defer func() { <-s.renders }()
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
		d, err := data()
		if err != nil {
			return nil, err
		}
		t, ok := s.pages.byName[name]
		if !ok {
			return nil, fmt.Errorf("web: no such template %q", name)
		}
		page := view{User: currentUser(r), Version: s.opts.Version, Page: d}
		var title, content bytes.Buffer
		if err := t.ExecuteTemplate(&title, "title", page); err != nil {
			return nil, fmt.Errorf("web: render %s: %w", name, err)
		}
		if err := t.ExecuteTemplate(&content, "content", page); err != nil {
			return nil, fmt.Errorf("web: render %s: %w", name, err)
		}
		p := kept{Title: title.String(), HTML: content.Bytes()}
		s.fragments.Put(key, p, nil)
		return p, nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderKept(w, r, v.(kept))
}

// isAPI reports whether the request is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// keptJSON answers with the JSON of what build returns, encoded once per
// key and figures version and kept: key must name everything the answer
// depends on besides the data, and build must read nothing a submission or
// a return changes (the figures version, added here, does not move for
// those). The version is read before build reads anything, so what is
// kept under a version is never older than it. Concurrent requests for an answer not yet
// kept share one build, which a requester giving up does not cancel.
func (s *Server) keptJSON(w http.ResponseWriter, r *http.Request, key string, build func(context.Context) (any, error)) {
	v, err := s.progress.Versions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key = key + "|" + strconv.FormatInt(v.Figures, 10)
	body, ok := s.answers.Get(key)
	if !ok {
		ch := s.answerGroup.DoChan(key, func() (any, error) {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), keptTimeout)
			defer cancel()
			data, err := build(ctx)
			if err != nil {
				return nil, err
			}
			body, err := encodeJSON(data)
			if err != nil {
				return nil, fmt.Errorf("web: encode %s: %w", key, err)
			}
			s.answers.Put(key, body, nil)
			return body, nil
		})
		select {
		case <-r.Context().Done():
			s.fail(w, r, r.Context().Err())
			return
		case res := <-ch:
			if res.Err != nil {
				s.fail(w, r, res.Err)
				return
			}
			body = res.Val.([]byte)
		}
	}
	writeJSONBody(w, http.StatusOK, body)
}

// keptTimeout bounds a build shared by several requests.
const keptTimeout = 30 * time.Second

// writeJSON answers with v as JSON. The API's answers are compact: what
// reads them is a program (or jq), and indenting them cost a quarter of a
// form's answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		http.Error(w, "JSON 编码失败", http.StatusInternalServerError)
		return
	}
	writeJSONBody(w, status, body)
}

// encodeJSON is v as writeJSON writes it.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSONBody answers with JSON already encoded (encodeJSON).
func writeJSONBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
