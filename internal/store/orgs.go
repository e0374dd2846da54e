package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
)

// Scope is the organisations a caller reaches: the one it acts in, where
// what it creates goes (a district admin's district, or the one a city
// admin picked), and every organisation its lists and reads take in. The
// web layer puts the signed-in user's scope on every request's context
// (WithScope); lists are filtered by it and reads by ID of an object
// outside it answer not found. A context without a scope is the CLI's,
// which reaches everything and creates in the root organisation unless
// told otherwise (--org).
type Scope struct {
	Org  int64   // where new objects go
	Orgs []int64 // the organisations reached, Org among them
}

type scopeKey struct{}

// WithScope returns ctx with the caller's scope.
func WithScope(ctx context.Context, sc Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, sc)
}

// ScopeFrom returns the scope on ctx, if any.
func ScopeFrom(ctx context.Context) (Scope, bool) {
	sc, ok := ctx.Value(scopeKey{}).(Scope)
	return sc, ok
}

// reaches reports whether the context's scope takes in org.
func reaches(ctx context.Context, org int64) bool {
	sc, ok := ScopeFrom(ctx)
	return !ok || slices.Contains(sc.Orgs, org)
}

// scopeFilter is the condition " AND col IN (…)" that holds a query to the
// context's scope, its placeholders numbered after args; "" without one.
func scopeFilter(ctx context.Context, col string, args []any) (string, []any) {
	sc, ok := ScopeFrom(ctx)
	if !ok {
		return "", args
	}
	if len(sc.Orgs) == 0 {
		return " AND 1 = 0", args
	}
	marks := make([]string, len(sc.Orgs))
	for i, o := range sc.Orgs {
		args = append(args, o)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	return " AND " + col + " IN (" + strings.Join(marks, ", ") + ")", args
}

// orgOnly holds ctx to exactly one organisation: what is created goes to
// it, and what is read is its own, not beneath it — a directory, whose
// names are unique within one organisation only.
func orgOnly(ctx context.Context, org int64) context.Context {
	return WithScope(ctx, Scope{Org: org, Orgs: []int64{org}})
}

// planOrg holds ctx to the organisation of plan id: its directory is the
// one its names resolve against.
func planOrg(ctx context.Context, q queryer, id int64) (context.Context, error) {
	org, err := planOrgID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return orgOnly(ctx, org), nil
}

// unscoped lifts the context's scope, for reads the caller is entitled to
// through an object it reached: a plan's links to the plans above it, a
// city plan's roll-up of its districts' plans.
func unscoped(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopeKey{}, nil)
}

// linkableOrgs are the organisations whose plans a plan's goals may be
// linked to: its own (a three-year plan above its yearly points) and those
// above it (the city's split, the province's), never a sibling's.
func linkableOrgs(ctx context.Context, q queryer, planID int64) ([]int64, error) {
	org, err := planOrgID(ctx, q, planID)
	if err != nil {
		return nil, err
	}
	tree, err := loadOrgs(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, o := range tree.Path(org) {
		out = append(out, o.ID)
	}
	return out, nil
}

// planOrgID is the organisation of plan id: whose directory its names
// resolve against and whose registers its computed goals read.
func planOrgID(ctx context.Context, q queryer, id int64) (int64, error) {
	var org int64
	err := q.QueryRowContext(ctx, `SELECT org_id FROM plans WHERE id = $1`, id).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, plan.Errorf(plan.ENOTFOUND, "方案不存在（编号 %d）", id)
	}
	if err != nil {
		return 0, wrap(err, "find the organisation of plan %d", id)
	}
	return org, nil
}

// RootOrg is the root organisation: the deployment's own, which holds what
// is deployment-wide (the metrics).
func (s *Store) RootOrg(ctx context.Context) (int64, error) {
	return homeOrg(context.WithValue(ctx, scopeKey{}, nil), s.read)
}

// Orgs returns every organisation of the deployment as a tree (the tree is
// small: a province's cities and their districts), kept in memory while it
// holds (authcache.go). Callers must not change the tree they are given.
func (s *Store) Orgs(ctx context.Context) (*plan.OrgTree, error) {
	return s.cachedOrgs(ctx)
}

func loadOrgs(ctx context.Context, q queryer) (*plan.OrgTree, error) {
	var orgs []plan.Org
	err := eachRow(ctx, q, `SELECT id, name, kind, COALESCE(parent_id, 0), position FROM orgs ORDER BY position, id`, func(r *sql.Rows) error {
		var o plan.Org
		if err := r.Scan(&o.ID, &o.Name, &o.Kind, &o.ParentID, &o.Position); err != nil {
			return err
		}
		orgs = append(orgs, o)
		return nil
	})
	if err != nil {
		return nil, wrap(err, "list organisations")
	}
	return plan.NewOrgTree(orgs), nil
}

// OrgByName finds an organisation by name, with a Chinese error naming it
// when there is none.
func (s *Store) OrgByName(ctx context.Context, name string) (plan.Org, error) {
	tree, err := s.Orgs(ctx)
	if err != nil {
		return plan.Org{}, err
	}
	o, ok := tree.ByName(name)
	if !ok {
		var known []string
		for _, o := range tree.Orgs {
			known = append(known, o.Name)
		}
		return plan.Org{}, plan.Errorf(plan.ENOTFOUND, "组织“%s”不存在（现有：%s）。", strings.TrimSpace(name), strings.Join(known, "、"))
	}
	return o, nil
}

// ScopeOf is the scope of acting in org: it and every organisation beneath.
func (s *Store) ScopeOf(ctx context.Context, org int64) (Scope, error) {
	tree, err := s.Orgs(ctx)
	if err != nil {
		return Scope{}, err
	}
	orgs := tree.Descendants(org)
	if orgs == nil {
		return Scope{}, plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", org)
	}
	return Scope{Org: org, Orgs: orgs}, nil
}

// AddOrg adds an organisation beneath parent (0: a new root, allowed only
// while there is none or to the unrestricted caller, such as the CLI).
// Within a scope, the parent must be in it.
func (s *Store) AddOrg(ctx context.Context, o plan.Org) (int64, error) {
	o.Name = strings.TrimSpace(o.Name)
	if err := plan.CheckOrg(o); err != nil {
		return 0, err
	}
	if o.ParentID == 0 {
		if _, scoped := ScopeFrom(ctx); scoped {
			return 0, plan.Errorf(plan.EFORBIDDEN, "只能在本组织之下添加组织。")
		}
	} else if !reaches(ctx, o.ParentID) {
		return 0, plan.Errorf(plan.ENOTFOUND, "上级组织不存在（编号 %d）。", o.ParentID)
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE name = $1`, o.Name).Scan(&n); err != nil {
			return wrap(err, "check organisation %q", o.Name)
		}
		if n > 0 {
			return plan.Errorf(plan.ECONFLICT, "组织“%s”已存在。", o.Name)
		}
		if o.ParentID != 0 {
			if err := mustExist(ctx, tx, "orgs", o.ParentID, "上级组织"); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO orgs (name, kind, parent_id, position)
			VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM orgs))
			RETURNING id`, o.Name, string(o.Kind), nullID(o.ParentID)).Scan(&id); err != nil {
			return wrap(err, "add organisation %q", o.Name)
		}
		o.ID = id
		return s.audit(ctx, tx, "org.create", orgObject(id), nil, o)
	})
	return id, err
}

func orgObject(id int64) string { return "org:" + strconv.FormatInt(id, 10) }

// homeOrg is where the context's caller creates: its scope's organisation,
// or the root organisation for the unrestricted caller.
func homeOrg(ctx context.Context, q queryer) (int64, error) {
	if sc, ok := ScopeFrom(ctx); ok {
		return sc.Org, nil
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY position, id LIMIT 1`).Scan(&id)
	if err != nil {
		return 0, wrap(err, "find the root organisation")
	}
	return id, nil
}

// fillScope sets what a signed-in user reaches: its organisation and every
// one beneath.
func (s *Store) fillScope(ctx context.Context, u *auth.User) error {
	tree, err := s.Orgs(ctx)
	if err != nil {
		return err
	}
	u.Scope = tree.Descendants(u.OrgID)
	return nil
}

// objectOrgQueries find the organisation of an object named in a route by
// the path value naming it; every route's {name} that names an object by
// ID is here, so that the authorization check finds its organisation.
var objectOrgQueries = map[string]objectQuery{
	"plan":        {query: `SELECT org_id FROM plans WHERE id = $1`, kept: true},
	"goal":        {query: `SELECT p.org_id FROM goals g JOIN plans p ON p.id = g.plan_id WHERE g.id = $1`, kept: true},
	"section":     {query: `SELECT p.org_id FROM sections x JOIN plans p ON p.id = x.plan_id WHERE x.id = $1`, kept: true},
	"task":        {query: `SELECT p.org_id FROM tasks x JOIN plans p ON p.id = x.plan_id WHERE x.id = $1`, kept: true},
	"row":         {query: `SELECT p.org_id FROM task_rows x JOIN plans p ON p.id = x.plan_id WHERE x.id = $1`, kept: true},
	"table":       {query: `SELECT p.org_id FROM split_tables x JOIN plans p ON p.id = x.plan_id WHERE x.id = $1`, kept: true},
	"round":       {query: `SELECT p.org_id FROM rounds x JOIN plans p ON p.id = x.plan_id WHERE x.id = $1`, kept: true},
	"form":        {query: `SELECT p.org_id FROM forms f JOIN rounds x ON x.id = f.round_id JOIN plans p ON p.id = x.plan_id WHERE f.public_id = $1`, text: true, kept: true},
	"attachment":  {query: `SELECT p.org_id FROM attachments a JOIN forms f ON f.id = a.form_id JOIN rounds x ON x.id = f.round_id JOIN plans p ON p.id = x.plan_id WHERE a.public_id = $1`, text: true, kept: true},
	"notice":      {query: `SELECT p.org_id FROM supervision_notices n JOIN plans p ON p.id = n.plan_id WHERE n.public_id = $1`, text: true, kept: true},
	"instruction": {query: `SELECT u.org_id FROM supervision_instructions i JOIN units u ON u.id = i.unit_id WHERE i.public_id = $1`, text: true, kept: true},
	"unit":        {query: `SELECT org_id FROM units WHERE id = $1`, kept: true},
	"group":       {query: `SELECT org_id FROM unit_groups WHERE id = $1`, kept: true},
	"keyword":     {query: `SELECT u.org_id FROM attribution_keywords k JOIN units u ON u.id = k.unit_id WHERE k.id = $1`},
	"user":        {query: `SELECT org_id FROM users WHERE id = $1`, kept: true},
	"upload":      {query: `SELECT org_id FROM register_uploads WHERE id = $1`, text: true},
	"batch":       {query: `SELECT org_id FROM import_batches WHERE id = $1`},
	"dispute":     {query: `SELECT u.org_id FROM register_disputes d JOIN units u ON u.id = d.unit_id WHERE d.id = $1`},
	"org":         {query: `SELECT id FROM orgs WHERE id = $1`, kept: true},
}

// objectQuery is how ObjectOrg finds an object's organisation.
//
// kept says ObjectOrg keeps the answer in memory, as the form resources
// are kept (authcache.go): for objects whose organisation is fixed when
// they are made and whose number names no other object until an audited
// change has moved the auth version — plans and their parts, rounds,
// units, groups, users and organisations are changed and deleted only by
// such changes — or whose ID is random (forms, evidence, notices,
// instructions). Register objects (keywords, uploads, batches, disputes)
// are deleted without one, and SQLite may give a deleted row's number to
// the next: theirs is read each time.
type objectQuery struct {
	query string
	text  bool // the path value is text (a public ID), not a number
	kept  bool
}

// objectNames are objectOrgQueries' names, sorted once: every request
// walks them.
var objectNames = slices.Sorted(maps.Keys(objectOrgQueries))

// ObjectNames are the path values ObjectOrg knows, in a fixed order. The
// slice is shared: callers only read it.
func ObjectNames() []string { return objectNames }

// ObjectOrg is the organisation of the object a route names by the path
// value name ("plan", "form", …) and its value; ENOTFOUND when there is no
// such object (a number that is no number included).
func (s *Store) ObjectOrg(ctx context.Context, name, value string) (int64, error) {
	oq, ok := objectOrgQueries[name]
	if !ok {
		return 0, fmt.Errorf("store: no organisation query for %q", name)
	}
	var arg any = value
	if !oq.text {
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil || id <= 0 {
			return 0, plan.Errorf(plan.ENOTFOUND, "页面不存在。")
		}
		arg = id
	}
	key := name + "|" + value
	var gen int64
	if oq.kept {
		var err error
		if gen, err = s.authGen(ctx); err != nil {
			return 0, err
		}
		if o, ok := s.auth.objects.Get(key); ok && o.gen == gen {
			return o.org, nil
		}
	}
	var org int64
	err := s.read.QueryRowContext(ctx, oq.query, arg).Scan(&org)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, plan.Errorf(plan.ENOTFOUND, "页面不存在。")
	}
	if err != nil {
		return 0, wrap(err, "find the organisation of %s %q", name, value)
	}
	if oq.kept {
		s.auth.objects.Put(key, objectOrg{gen, org}, func(old objectOrg) bool { return old.gen > gen })
	}
	return org, nil
}

// objectOrg is an object's organisation as read at a generation.
type objectOrg struct {
	gen int64
	org int64
}

// MoveOrg puts an organisation beneath another: a district that ran alone
// joins its city. An organisation cannot move beneath itself or one of its
// own.
func (s *Store) MoveOrg(ctx context.Context, id, parent int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		tree, err := loadOrgs(ctx, tx)
		if err != nil {
			return err
		}
		o, ok := tree.Org(id)
		if !ok || !reaches(ctx, id) {
			return plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", id)
		}
		if _, ok := tree.Org(parent); !ok || !reaches(ctx, parent) {
			return plan.Errorf(plan.ENOTFOUND, "上级组织不存在（编号 %d）。", parent)
		}
		if slices.Contains(tree.Descendants(id), parent) {
			return plan.Errorf(plan.EINVALID, "组织“%s”不能移到自己或下级组织之下。", o.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET parent_id = $1 WHERE id = $2`, parent, id); err != nil {
			return wrap(err, "move organisation %d", id)
		}
		after := o
		after.ParentID = parent
		return s.audit(ctx, tx, "org.move", orgObject(id), o, after)
	})
}

// RenameOrg gives an organisation another name: a database migrated before
// its directory was imported holds its data in 本级 until it is named.
func (s *Store) RenameOrg(ctx context.Context, id int64, name string) error {
	name = strings.TrimSpace(name)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		tree, err := loadOrgs(ctx, tx)
		if err != nil {
			return err
		}
		o, ok := tree.Org(id)
		if !ok || !reaches(ctx, id) {
			return plan.Errorf(plan.ENOTFOUND, "组织不存在（编号 %d）。", id)
		}
		after := o
		after.Name = name
		if err := plan.CheckOrg(after); err != nil {
			return err
		}
		if other, ok := tree.ByName(name); ok && other.ID != id {
			return plan.Errorf(plan.ECONFLICT, "组织“%s”已存在。", name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET name = $1 WHERE id = $2`, name, id); err != nil {
			return wrap(err, "rename organisation %d", id)
		}
		return s.audit(ctx, tx, "org.rename", orgObject(id), o, after)
	})
}

// PlanDirectory is the directory of the plan's organisation: what its names
// resolve against, and the units its pages list.
func (s *Store) PlanDirectory(ctx context.Context, planID int64) (*plan.Directory, error) {
	return loadPlanDirectory(ctx, s.read, planID)
}

// HomeDirectory is the directory of the organisation the caller works in
// (Scope.Org), without those beneath: where a plan it imports resolves its
// names.
func (s *Store) HomeDirectory(ctx context.Context) (*plan.Directory, error) {
	org, err := homeOrg(ctx, s.read)
	if err != nil {
		return nil, err
	}
	return loadDirectory(orgOnly(ctx, org), s.read)
}
