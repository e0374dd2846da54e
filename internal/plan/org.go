package plan

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// OrgKind is the level of government an organisation is.
type OrgKind string

const (
	OrgProvince OrgKind = "province" // 省
	OrgCity     OrgKind = "city"     // 市
	OrgDistrict OrgKind = "district" // 区
	OrgCounty   OrgKind = "county"   // 县
)

// OrgKinds lists the kinds in the order forms offer them.
var OrgKinds = []OrgKind{OrgProvince, OrgCity, OrgDistrict, OrgCounty}

// Valid reports whether k is one of the kinds above.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// Label is the Chinese name of the kind.
func (k OrgKind) Label() string {
	switch k {
	case OrgProvince:
		return "省"
	case OrgCity:
		return "市"
	case OrgDistrict:
		return "区"
	case OrgCounty:
		return "县"
	}
	return string(k)
}

// Org is an organisation on the deployment: a city, a district beneath it.
// Each has its own directory, plans, users and registers; its users see it
// and every organisation beneath it.
type Org struct {
	ID       int64
	Name     string
	Kind     OrgKind
	ParentID int64 // 0 for the root
	Position int
}

// CheckOrg checks what a user typed for a new organisation.
func CheckOrg(o Org) error {
	name := strings.TrimSpace(o.Name)
	switch {
	case name == "":
		return Errorf(EINVALID, "组织名称不能为空。")
	case utf8.RuneCountInString(name) > 64:
		return Errorf(EINVALID, "组织名称“%s”过长（最多 64 个字）。", name)
	case !o.Kind.Valid():
		return Errorf(EINVALID, "组织类型“%s”无效，应为 province、city、district 或 county。", o.Kind)
	}
	return nil
}

// OrgTree is every organisation of a deployment, for walking it.
type OrgTree struct {
	Orgs     []Org // in tree order: each organisation before its children, siblings by position
	byID     map[int64]int
	children map[int64][]int64
}

// NewOrgTree builds the tree from the organisations in any order. An
// organisation whose parent is missing is taken as a root.
func NewOrgTree(orgs []Org) *OrgTree {
	t := &OrgTree{byID: map[int64]int{}, children: map[int64][]int64{}}
	in := slices.Clone(orgs)
	slices.SortStableFunc(in, func(a, b Org) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return int(a.ID - b.ID)
	})
	known := map[int64]bool{}
	for _, o := range in {
		known[o.ID] = true
	}
	var roots []Org
	byID := map[int64]Org{}
	for _, o := range in {
		byID[o.ID] = o
		if o.ParentID == 0 || !known[o.ParentID] {
			roots = append(roots, o)
		} else {
			t.children[o.ParentID] = append(t.children[o.ParentID], o.ID)
		}
	}
	var walk func(o Org)
	seen := map[int64]bool{}
	walk = func(o Org) {
		if seen[o.ID] {
			return
		}
		seen[o.ID] = true
		t.byID[o.ID] = len(t.Orgs)
		t.Orgs = append(t.Orgs, o)
		for _, c := range t.children[o.ID] {
			walk(byID[c])
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return t
}

// Org returns the organisation with the ID.
func (t *OrgTree) Org(id int64) (Org, bool) {
	i, ok := t.byID[id]
	if !ok {
		return Org{}, false
	}
	return t.Orgs[i], true
}

// Children are the organisations directly beneath id, by position.
func (t *OrgTree) Children(id int64) []Org {
	var out []Org
	for _, c := range t.children[id] {
		o, _ := t.Org(c)
		out = append(out, o)
	}
	return out
}

// Descendants is id and every organisation beneath it, in tree order; nil
// when there is no such organisation.
func (t *OrgTree) Descendants(id int64) []int64 {
	if _, ok := t.byID[id]; !ok {
		return nil
	}
	out := []int64{id}
	for _, c := range t.children[id] {
		out = append(out, t.Descendants(c)...)
	}
	return out
}

// Path is the organisations from the root down to id, id last.
func (t *OrgTree) Path(id int64) []Org {
	var out []Org
	for seen := map[int64]bool{}; !seen[id]; {
		o, ok := t.Org(id)
		if !ok {
			break
		}
		seen[id] = true
		out = append(out, o)
		id = o.ParentID
	}
	slices.Reverse(out)
	return out
}

// Depth is how far beneath its root the organisation is (0 for a root).
func (t *OrgTree) Depth(id int64) int { return max(len(t.Path(id))-1, 0) }

// Root is the first root organisation: where data without an organisation
// of its own goes (0 when there is none).
func (t *OrgTree) Root() int64 {
	if len(t.Orgs) == 0 {
		return 0
	}
	return t.Orgs[0].ID
}

// ByName finds an organisation by its name.
func (t *OrgTree) ByName(name string) (Org, bool) {
	name = strings.TrimSpace(name)
	for _, o := range t.Orgs {
		if o.Name == name {
			return o, true
		}
	}
	return Org{}, false
}
