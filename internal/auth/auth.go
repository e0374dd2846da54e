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
	OrgID       int64 // the organisation the user belongs to (a reporter's: its unit's)
	// Scope is every organisation the user reaches: OrgID and all beneath
	// it, filled in by the store when the user signs in or is identified.
	Scope     []int64
	Email     string
	Disabled  bool
	CreatedAt time.Time
}

// Reaches reports whether org is in the user's scope: its own
// organisation or one beneath it.
func (u *User) Reaches(org int64) bool {
	for _, o := range u.Scope {
		if o == org {
			return true
		}
	}
	return false
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

	PermOversee // admins and leaders: every unit's data, such as the registers and their 待归属 and 异议 lists
	PermReport  // reporters of a unit (填报员): what a unit does in its own name, such as disputing a register record

	PermInstruct // admins and leaders: instruct (领导批示) on a task, a unit or a report, editing nothing

	// Permissions on what is addressed to one unit (督办单, 领导批示),
	// decided against a Resource whose UnitID is that unit.
	PermUnitRead  // admins, leaders, and the unit's reporters
	PermUnitReply // the unit's reporters: its reply or answer, in its own name
)

// Resource is what an object-level permission is decided on: whose form it
// is, which tasks of it each other unit leads, and — for an object on one
// task of the form, such as an evidence file — that task.
type Resource struct {
	Org    int64 // the organisation the object belongs to; 0 when it is no organisation's
	UnitID int64
	Leads  map[int64][]int64 // unit ID → the tasks of the form it leads
	TaskID int64             // the task the object is on; 0 for the form as a whole
}

func (r *Resource) leads(unitID int64) bool { return len(r.Leads[unitID]) > 0 }

func (r *Resource) leadsTask(unitID, taskID int64) bool {
	for _, t := range r.Leads[unitID] {
		if t == taskID {
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
	case PermOversee:
		return "oversee"
	case PermReport:
		return "report"
	case PermInstruct:
		return "instruct"
	case PermUnitRead:
		return "unit-read"
	case PermUnitReply:
		return "unit-reply"
	}
	return "unknown"
}

// ObjectLevel reports whether the permission is decided on a Resource.
func (p Perm) ObjectLevel() bool {
	return p == PermFormRead || p == PermFormWrite || p == PermFormComment || p == PermUnitRead || p == PermUnitReply
}

// Allowed reports whether u (nil when not logged in) has permission p, for
// permissions that concern no particular object.
func Allowed(u *User, p Perm) bool { return Can(u, p, nil) }

// Can is the one authorization rule: whether u (nil when not logged in) has
// permission p on res (nil for permissions that concern no object; an
// object-level permission without a resource is refused). An object of an
// organisation outside the user's scope is refused whatever p is.
func Can(u *User, p Perm, res *Resource) bool {
	if p == PermPublic {
		return true
	}
	if u == nil || u.Disabled {
		return false
	}
	// Nothing outside the user's organisation and those beneath it.
	if res != nil && res.Org != 0 && !u.Reaches(res.Org) {
		return false
	}
	switch p {
	case PermView:
		return true
	case PermAdmin:
		return u.Role == RoleAdmin
	case PermOversee:
		return u.Role == RoleAdmin || u.Role == RoleLeader
	case PermReport:
		return u.Role == RoleReporter && u.UnitID != 0
	case PermInstruct:
		return u.Role == RoleAdmin || u.Role == RoleLeader
	}
	if res == nil || !p.ObjectLevel() {
		return false
	}
	own := u.Role == RoleReporter && u.UnitID != 0 && u.UnitID == res.UnitID
	// A lead unit's reviewer reaches the form, and of what hangs on one task
	// only what hangs on a task it leads.
	leads := u.Role == RoleReporter && u.UnitID != 0 && !own &&
		(res.TaskID == 0 && res.leads(u.UnitID) || res.TaskID != 0 && res.leadsTask(u.UnitID, res.TaskID))
	switch p {
	case PermFormRead:
		return u.Role == RoleAdmin || u.Role == RoleLeader || own || leads
	case PermFormWrite:
		return u.Role == RoleAdmin || own
	case PermFormComment:
		return u.Role == RoleAdmin || leads
	case PermUnitRead:
		return u.Role == RoleAdmin || u.Role == RoleLeader || own
	case PermUnitReply:
		return own
	}
	return false
}

// Sight is what a user may see of a plan's figures and of units' words: the
// one visibility rule behind the dashboard, the goal drill-down, the plan,
// unit and round pages, the API and the bulletin.
type Sight struct {
	All     bool  // every unit's figures, words (存在问题) and form links
	Own     int64 // else this unit's only (0: none, as for the public)
	Ranking bool  // the ranking of units
}

// SightOf is a user's sight (nil: an anonymous visitor of the public page).
// Administrators see everything; leaders see every unit, and the ranking
// unless the plan hides it from them; a reporter sees the district's
// figures and its own unit's, never another unit's; the public sees the
// district's figures only.
func SightOf(u *User, hideRanking bool) Sight {
	switch {
	case u == nil || u.Disabled:
		return Sight{}
	case u.Role == RoleAdmin:
		return Sight{All: true, Ranking: true}
	case u.Role == RoleLeader:
		return Sight{All: true, Ranking: !hideRanking}
	case u.Role == RoleReporter:
		return Sight{Own: u.UnitID}
	}
	return Sight{}
}

// Sees reports whether the sight takes in the unit's figures and words.
func (s Sight) Sees(unitID int64) bool { return s.All || s.Own != 0 && s.Own == unitID }

// Records reports whether the sight takes in the register records behind a
// computed figure: a unit's (unitID), or the district's (0). The district's
// records are every unit's and those attributed to none, so only a sight
// of all units takes them in: a reporter drills into its own unit's
// records, though it sees the district's figure; the public into none.
func (s Sight) Records(unitID int64) bool {
	if unitID == 0 {
		return s.All
	}
	return s.Sees(unitID)
}

// FormSight is what a user who may read a form sees of it.
type FormSight struct {
	Whole  bool           // every task entry and value; else only Tasks' entries, no values
	Tasks  map[int64]bool // the tasks a lead unit's reviewer leads
	Drafts bool           // what the unit has saved but not reported; else its last reported version only
}

// FormSightOf is u's sight of the form res (u may read it: Can PermFormRead).
// The unit's own reporters and administrators see the form whole, drafts
// included; leaders see it whole as last reported; a lead unit's reviewer
// sees the entries of the tasks it leads as last reported, and no values.
func FormSightOf(u *User, res *Resource) FormSight {
	switch {
	case u == nil || res == nil:
		return FormSight{}
	case u.Role == RoleAdmin, u.Role == RoleReporter && u.UnitID != 0 && u.UnitID == res.UnitID:
		return FormSight{Whole: true, Drafts: true}
	case u.Role == RoleLeader:
		return FormSight{Whole: true}
	}
	fs := FormSight{Tasks: map[int64]bool{}}
	if u.Role == RoleReporter && u.UnitID != 0 {
		for _, t := range res.Leads[u.UnitID] {
			fs.Tasks[t] = true
		}
	}
	return fs
}

// Task reports whether the sight takes in the entry (and what hangs on it)
// of a task.
func (fs FormSight) Task(taskID int64) bool { return fs.Whole || fs.Tasks[taskID] }
