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
)

// String names the permission for tests and logs.
func (p Perm) String() string {
	switch p {
	case PermPublic:
		return "public"
	case PermView:
		return "view"
	case PermAdmin:
		return "admin"
	}
	return "unknown"
}

// Allowed reports whether u (nil when not logged in) has permission p.
func Allowed(u *User, p Perm) bool {
	switch p {
	case PermPublic:
		return true
	case PermView:
		return u != nil && !u.Disabled
	case PermAdmin:
		return u != nil && !u.Disabled && u.Role == RoleAdmin
	}
	return false
}
