package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
)

// orgCookie keeps the organisation a city's user picked to work in (the
// org switcher); without it a user works in its own organisation.
const orgCookie = "kechuang_org"

// viewScope is the scope of u's request: the organisation it picked when
// that is within its own scope, else its own, with every organisation
// beneath. What the user creates goes to that organisation; lists show
// what is in the scope.
func (s *Server) viewScope(r *http.Request, u *auth.User) (store.Scope, error) {
	org := u.OrgID
	if c, err := r.Cookie(orgCookie); err == nil {
		if id, err := strconv.ParseInt(c.Value, 10, 64); err == nil && u.Reaches(id) {
			org = id
		}
	}
	sc, err := s.store.ScopeOf(r.Context(), org)
	if err != nil {
		return store.Scope{}, err
	}
	// Never beyond the user's own scope.
	sc.Orgs = slices.DeleteFunc(sc.Orgs, func(o int64) bool { return !u.Reaches(o) })
	return sc, nil
}

// workOrg is the organisation the request works in (the scope authorize
// set; every signed-in request has one).
func workOrg(r *http.Request) int64 {
	sc, _ := store.ScopeFrom(r.Context())
	return sc.Org
}

// objectOrg finds the organisation of every object the route names by ID
// (but the one named by done, which the caller has found in scope) and
// answers not found unless each is in the request's scope; it returns the
// organisation of the last (0 when the route names none). The
// deployment-wide metrics are the root organisation's.
func (s *Server) objectOrg(r *http.Request, done string) (int64, error) {
	ctx := r.Context()
	sc, _ := store.ScopeFrom(ctx)
	notFound := plan.Errorf(plan.ENOTFOUND, "页面不存在。")
	var org int64
	for _, name := range store.ObjectNames() {
		v := r.PathValue(name)
		if v == "" || name == done {
			continue
		}
		o, err := s.store.ObjectOrg(ctx, name, v)
		if err != nil {
			return 0, err
		}
		if !slices.Contains(sc.Orgs, o) {
			return 0, notFound
		}
		org = o
	}
	_, path, _ := strings.Cut(r.Pattern, " ")
	if path == "/metrics" {
		o, err := s.store.RootOrg(ctx)
		if err != nil {
			return 0, err
		}
		if !slices.Contains(sc.Orgs, o) {
			return 0, notFound
		}
		org = o
	}
	return org, nil
}

// orgBar is what the top bar shows of organisations: the one the user
// works in, and, for a user over several (a city's), the ones it may pick.
type orgBar struct {
	Name    string
	Choices []orgChoice
}

type orgChoice struct {
	ID       int64
	Label    string // indented by depth
	Selected bool
}

// orgBarOf is the top bar's organisation part for the request.
func (s *Server) orgBarOf(r *http.Request, u *auth.User) *orgBar {
	sc, ok := store.ScopeFrom(r.Context())
	if u == nil || !ok {
		return nil
	}
	tree, err := s.store.Orgs(r.Context())
	if err != nil {
		s.log.Error("organisations for the top bar", "err", err)
		return nil
	}
	o, _ := tree.Org(sc.Org)
	bar := &orgBar{Name: o.Name}
	if len(u.Scope) > 1 {
		base := tree.Depth(u.OrgID)
		for _, id := range u.Scope {
			c, _ := tree.Org(id)
			bar.Choices = append(bar.Choices, orgChoice{ID: id, Label: strings.Repeat("　", tree.Depth(id)-base) + c.Name, Selected: id == sc.Org})
		}
	}
	return bar
}

// orgSwitch keeps the organisation a city's user picked to work in, and
// goes back to where the user was (a page of this site only).
func (s *Server) orgSwitch(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	id, err := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	if err != nil || !u.Reaches(id) {
		s.fail(w, r, plan.Errorf(plan.ENOTFOUND, "组织不存在。"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: orgCookie, Value: strconv.FormatInt(id, 10), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// orgRow is an organisation in the tree the /orgs page shows.
type orgRow struct {
	plan.Org
	Depth  int
	Parent string
}

// orgList shows the organisations the user reaches, as a tree; an admin
// adds one beneath any of them.
func (s *Server) orgList(w http.ResponseWriter, r *http.Request) {
	s.renderOrgs(w, r, http.StatusOK, "", plan.Org{})
}

func (s *Server) renderOrgs(w http.ResponseWriter, r *http.Request, status int, errMsg string, typed plan.Org) {
	u := currentUser(r)
	tree, err := s.store.Orgs(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []orgRow
	base := tree.Depth(u.OrgID)
	for _, o := range tree.Orgs {
		if !u.Reaches(o.ID) {
			continue
		}
		row := orgRow{Org: o, Depth: tree.Depth(o.ID) - base}
		if p, ok := tree.Org(o.ParentID); ok && u.Reaches(p.ID) {
			row.Parent = p.Name // the parent above the user's own is not the user's to see
		}
		rows = append(rows, row)
	}
	s.render(w, r, status, "orgs", map[string]any{
		"Orgs": rows, "Kinds": plan.OrgKinds, "Error": errMsg, "Typed": typed,
		"CanAdd": auth.Allowed(u, auth.PermAdmin),
	})
}

// orgCreate adds an organisation beneath one the admin reaches.
func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) {
	parent, _ := strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	o := plan.Org{Name: r.PostFormValue("name"), Kind: plan.OrgKind(r.PostFormValue("kind")), ParentID: parent}
	if parent == 0 {
		s.renderOrgs(w, r, http.StatusBadRequest, "请选择上级组织。", o)
		return
	}
	if _, err := s.store.AddOrg(r.Context(), o); err != nil {
		if code := plan.ErrorCode(err); code == plan.EINVALID || code == plan.ECONFLICT {
			s.renderOrgs(w, r, status(code), plan.ErrorMessage(err), o)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orgs?saved=1", http.StatusSeeOther)
}
