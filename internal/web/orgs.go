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

// objectOrg finds the organisation of every object the route names by ID
// and answers not found unless each is in the request's scope; it returns
// the organisation of the last (0 when the route names none). The
// registers, one set for the deployment, are the root organisation's.
func (s *Server) objectOrg(r *http.Request) (int64, error) {
	ctx := r.Context()
	sc, _ := store.ScopeFrom(ctx)
	notFound := plan.Errorf(plan.ENOTFOUND, "页面不存在。")
	var org int64
	for _, name := range store.ObjectNames() {
		v := r.PathValue(name)
		if v == "" {
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
	if _, path, _ := strings.Cut(r.Pattern, " "); strings.HasPrefix(path, "/registers") || strings.HasPrefix(path, "/disputes") {
		o, err := s.store.RegisterOrg(ctx)
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
