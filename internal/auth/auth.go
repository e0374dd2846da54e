// Package auth holds who may do what in kechuang: users and their roles,
// the permissions routes ask for, password hashing and secret tokens.
package auth

import (
	"time"
)

// Role is what a user is to the plan.
type Role string

const (
	RoleAdmin    Role = "admin"    // 管理员: the bureau staff who run the plan
	RoleLeader   Role = "leader"   // 领导: reads everything, changes nothing
	RoleReporter Role = "reporter" // 填报员: reports for one unit
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{RoleAdmin, RoleLeader, RoleReporter}

// Valid reports whether r is one of the roles above.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleLeader || r == RoleReporter }

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "管理员"
	case RoleLeader:
		return "领导"
	case RoleReporter:
		return "填报员"
	}
	return string(r)
}

// User is a person (or a program, through an API token) using kechuang.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	UnitID      int64 // the unit a reporter reports for; 0 for others
	Email       string
	Disabled    bool
	CreatedAt   time.Time
}

// Name is what the UI calls the user.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Perm is what a route asks of whoever calls it. Every route declares one,
// and Allowed is the one check that decides.
type Perm int

const (
	PermPublic Perm = iota // anyone, logged in or not: login page, published pages, health
	PermView               // any logged-in user: read the plan and the directory
	PermAdmin              // administrators: change plans, units, users

	// Permissions on one unit's form, decided against the form's Resource.
	PermFormRead    // admins, leaders, the form's unit, and units leading a task on it
	PermFormWrite   // the form's unit (its reporters), and admins on its behalf
	PermFormComment // admins, and units leading a task on it (牵头单位 reviewers)
)

// Resource is what an object-level permission is decided on: whose form it
// is and which units lead tasks on it.
type Resource struct {
	UnitID      int64
	LeadUnitIDs []int64
}

func (r *Resource) leads(unitID int64) bool {
	for _, id := range r.LeadUnitIDs {
		if id == unitID {
			return true
		}
	}
	return false
}

// String names the permission for tests and logs.
func (p Perm) String() string {
	switch p {
	case PermPublic:
		return "public"
	case PermView:
		return "view"
	case PermAdmin:
		return "admin"
	case PermFormRead:
		return "form-read"
	case PermFormWrite:
		return "form-write"
	case PermFormComment:
		return "form-comment"
	}
	return "unknown"
}

// ObjectLevel reports whether the permission is decided on a Resource.
func (p Perm) ObjectLevel() bool {
	return p == PermFormRead || p == PermFormWrite || p == PermFormComment
}

// Allowed reports whether u (nil when not logged in) has permission p, for
// permissions that concern no particular object.
func Allowed(u *User, p Perm) bool { return Can(u, p, nil) }

// Can is the one authorization rule: whether u (nil when not logged in) has
// permission p on res (nil for permissions that concern no object; an
// object-level permission without a resource is refused).
func Can(u *User, p Perm, res *Resource) bool {
	if p == PermPublic {
		return true
	}
	if u == nil || u.Disabled {
		return false
	}
	switch p {
	case PermView:
		return true
	case PermAdmin:
		return u.Role == RoleAdmin
	}
	if res == nil || !p.ObjectLevel() {
		return false
	}
	own := u.Role == RoleReporter && u.UnitID != 0 && u.UnitID == res.UnitID
	leads := u.Role == RoleReporter && u.UnitID != 0 && res.leads(u.UnitID)
	switch p {
	case PermFormRead:
		return u.Role == RoleAdmin || u.Role == RoleLeader || own || leads
	case PermFormWrite:
		return u.Role == RoleAdmin || own
	case PermFormComment:
		return u.Role == RoleAdmin || leads
	}
	return false
}
