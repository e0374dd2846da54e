package plan

import (
	"fmt"
	"strings"
	"unicode"
)

// UnitKind is the sort of body a unit (单位) is.
type UnitKind string

const (
	UnitGovernment  UnitKind = "government"  // 政府: the district (or province) itself
	UnitDepartment  UnitKind = "department"  // 区直部门
	UnitSubdistrict UnitKind = "subdistrict" // 街道
	UnitTown        UnitKind = "town"        // 镇
	UnitZone        UnitKind = "zone"        // 集聚区, 园区
	UnitDistrict    UnitKind = "district"    // 县区: a district of a city, a unit of the city's plan
)

// UnitKinds lists the kinds in the order forms offer them.
var UnitKinds = []UnitKind{UnitDepartment, UnitSubdistrict, UnitTown, UnitZone, UnitDistrict, UnitGovernment}

// Valid reports whether k is one of the kinds above.
func (k UnitKind) Valid() bool {
	for _, v := range UnitKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Label is the Chinese name of the kind.
func (k UnitKind) Label() string {
	switch k {
	case UnitGovernment:
		return "政府"
	case UnitDepartment:
		return "区直部门"
	case UnitSubdistrict:
		return "街道"
	case UnitTown:
		return "镇"
	case UnitZone:
		return "集聚区"
	case UnitDistrict:
		return "县区"
	}
	return string(k)
}

// Unit is a body that leads, shares or reports on tasks: a department, a
// sub-district, a town, a zone, or the district itself.
type Unit struct {
	ID        int64    `json:"id,omitempty"`
	Name      string   `json:"name"`                 // official name: 区科学技术和工业信息化局
	ShortName string   `json:"short_name,omitempty"` // the name documents use: 区科工局
	Kind      UnitKind `json:"kind"`
	Parent    string   `json:"parent,omitempty"` // name of the unit above it (the district)
	ParentID  int64    `json:"-"`
	Aliases   []string `json:"aliases,omitempty"`
	// The person who reports for the unit and how to reach them: what
	// staff chasing a late report need at hand.
	Contact string `json:"contact,omitempty"`
	Phone   string `json:"phone,omitempty"`
	// Archived (已归档): the unit stays in the directory, so plans and
	// history still resolve its names, but new rounds leave it out. Set
	// by archiving only; imports and edits leave it as it is.
	Archived bool `json:"archived,omitempty"`
}

// MaxPhone is the longest phone field: a few numbers with an extension.
const MaxPhone = 40

// CheckContact checks a unit's contact person and phone: a name of at most
// MaxName characters; a phone of digits, spaces, + - ( ) , ， / 、 and 转 (an
// extension), at most MaxPhone characters.
func CheckContact(u Unit) error {
	if p := tooLong("联系人", u.Contact, MaxName); p != "" {
		return Errorf(EINVALID, "%s", p)
	}
	if p := tooLong("联系电话", u.Phone, MaxPhone); p != "" {
		return Errorf(EINVALID, "%s", p)
	}
	for _, r := range u.Phone {
		if !(r >= '0' && r <= '9' || strings.ContainsRune(" +-()（）,，/、转", r)) {
			return Errorf(EINVALID, "“联系电话”只能填数字，多个号码用“、”分开，分机用“转”（不能含“%c”）", r)
		}
	}
	return nil
}

// ContactLine is how a unit's contact is written beside its name where it
// is chased: "张三 0791-88888888", "" when none is kept.
func (u Unit) ContactLine() string {
	return strings.TrimSpace(u.Contact + " " + u.Phone)
}

// Label is the name to show: the short name documents use when there is one.
func (u Unit) Label() string {
	if u.ShortName != "" {
		return u.ShortName
	}
	return u.Name
}

// Group is a phrase standing for a set of units, as notices write them:
// 各街道、镇、集聚区 stands for the district's seven sub-districts, towns and zones.
type Group struct {
	ID      int64    `json:"id,omitempty"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Members []string `json:"members"` // unit names
}

// Directory is the set of units and groups plan names resolve against.
type Directory struct {
	Units  []Unit  `json:"units"`
	Groups []Group `json:"groups"`
}

// Ref is what a name as written resolves to: a unit, a group, or nothing.
type Ref struct {
	Name    string // as written
	UnitID  int64
	GroupID int64
}

// Known reports whether the name resolved to a unit or a group.
func (r Ref) Known() bool { return r.UnitID != 0 || r.GroupID != 0 }

// CleanName removes the spaces that PDF extraction leaves inside names
// ("区 商务局") and surrounding punctuation, so names compare as written.
func CleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Trim(s, "、，,;；。")
}

// Index returns a lookup from every cleaned name, short name and alias to
// what it stands for. Names must be unique across units and groups; Validate
// reports clashes.
func (d *Directory) Index() map[string]Ref {
	idx := make(map[string]Ref, len(d.Units)*2+len(d.Groups))
	for _, u := range d.Units {
		for _, n := range u.names() {
			idx[n] = Ref{Name: n, UnitID: u.ID}
		}
	}
	for _, g := range d.Groups {
		for _, n := range append([]string{g.Name}, g.Aliases...) {
			if n = CleanName(n); n != "" {
				idx[n] = Ref{Name: n, GroupID: g.ID}
			}
		}
	}
	return idx
}

func (u Unit) names() []string {
	var out []string
	for _, n := range append([]string{u.Name, u.ShortName}, u.Aliases...) {
		if n = CleanName(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Unit returns the unit with the given ID.
func (d *Directory) Unit(id int64) (Unit, bool) {
	for _, u := range d.Units {
		if u.ID == id {
			return u, true
		}
	}
	return Unit{}, false
}

// Group returns the group with the given ID.
func (d *Directory) Group(id int64) (Group, bool) {
	for _, g := range d.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// Expand returns the IDs of the units a name stands for: one unit, a group's
// members, or none when the name is unknown.
func (d *Directory) Expand(idx map[string]Ref, name string) []int64 {
	ref, ok := idx[CleanName(name)]
	if !ok {
		return nil
	}
	if ref.UnitID != 0 {
		return []int64{ref.UnitID}
	}
	g, _ := d.Group(ref.GroupID)
	var ids []int64
	for _, m := range g.Members {
		if r, ok := idx[CleanName(m)]; ok && r.UnitID != 0 {
			ids = append(ids, r.UnitID)
		}
	}
	return ids
}

// Validate checks that every unit has a name and a valid kind, that names,
// short names and aliases are unique across units and groups, that parents
// exist, and that group members are units. Errors name the unit or group.
func (d *Directory) Validate() error {
	seen := map[string]string{}
	claim := func(name, owner string) error {
		if name == "" {
			return nil
		}
		if prev, ok := seen[name]; ok && prev != owner {
			return fmt.Errorf("名称“%s”同时属于%s和%s", name, prev, owner)
		}
		seen[name] = owner
		return nil
	}
	for i, u := range d.Units {
		owner := fmt.Sprintf("单位“%s”", u.Name)
		if CleanName(u.Name) == "" {
			return fmt.Errorf("第%d个单位：名称不能为空", i+1)
		}
		if err := checkNameLengths(fmt.Sprintf("单位“%s”", clip(u.Name, 20)), append([]string{u.Name, u.ShortName, u.Parent}, u.Aliases...)); err != nil {
			return err
		}
		if !u.Kind.Valid() {
			return fmt.Errorf("%s：类型“%s”无效", owner, u.Kind)
		}
		if err := CheckContact(u); err != nil {
			return fmt.Errorf("%s：%s", owner, ErrorMessage(err))
		}
		for _, n := range u.names() {
			if err := claim(n, owner); err != nil {
				return err
			}
		}
	}
	for _, u := range d.Units {
		if u.Parent != "" {
			if _, ok := seen[CleanName(u.Parent)]; !ok {
				return fmt.Errorf("单位“%s”：上级单位“%s”不在名录中", u.Name, u.Parent)
			}
		}
	}
	for i, g := range d.Groups {
		owner := fmt.Sprintf("单位组“%s”", g.Name)
		if CleanName(g.Name) == "" {
			return fmt.Errorf("第%d个单位组：名称不能为空", i+1)
		}
		if err := checkNameLengths(fmt.Sprintf("单位组“%s”", clip(g.Name, 20)), append([]string{g.Name}, g.Aliases...)); err != nil {
			return err
		}
		for _, n := range append([]string{g.Name}, g.Aliases...) {
			if err := claim(CleanName(n), owner); err != nil {
				return err
			}
		}
	}
	units := d.unitNames()
	for _, g := range d.Groups {
		for _, m := range g.Members {
			if !units[CleanName(m)] {
				return fmt.Errorf("单位组“%s”：成员“%s”不是名录中的单位", g.Name, m)
			}
		}
	}
	return nil
}

// maxAliases bounds the aliases of one unit or group.
const maxAliases = 50

// checkNameLengths holds a unit's or group's names (name, short name,
// parent, aliases) to MaxName and their count to maxAliases.
func checkNameLengths(owner string, names []string) error {
	if len(names) > maxAliases+3 {
		return fmt.Errorf("%s：别名最多 %d 个", owner, maxAliases)
	}
	for _, n := range names {
		if p := tooLong("名称", n, MaxName); p != "" {
			return fmt.Errorf("%s：%s", owner, p)
		}
	}
	return nil
}

func (d *Directory) unitNames() map[string]bool {
	m := map[string]bool{}
	for _, u := range d.Units {
		for _, n := range u.names() {
			m[n] = true
		}
	}
	return m
}

// BulletinIssuer is who issues a plan's bulletins (通报发文机关): the one
// staff set in the progress settings; else the bureau that runs the rounds,
// the directory's department for science and technology (科学技术, 科技,
// 科工 in its name); else the plan's own issuer.
func BulletinIssuer(settings ProgressSettings, units []Unit, doc *Document) string {
	if settings.Issuer != "" {
		return settings.Issuer
	}
	for _, word := range []string{"科学技术", "科技", "科工"} {
		for _, u := range units {
			if u.Kind == UnitDepartment && !u.Archived && (strings.Contains(u.Name, word) || strings.Contains(u.ShortName, word)) {
				return u.Name
			}
		}
	}
	if doc != nil {
		return doc.Issuer
	}
	return ""
}
