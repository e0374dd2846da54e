package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("青云谱2022kechuang")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("hash %q is not argon2id PHC", h)
	}
	tests := []struct {
		name string
		hash string
		pw   string
		want bool
	}{
		{"right password", h, "青云谱2022kechuang", true},
		{"wrong password", h, "青云谱2022kechuanG", false},
		{"empty password", h, "", false},
		{"empty hash", "", "x", false},
		{"bcrypt-looking hash", "$2a$10$abcdefghijklmnopqrstuv", "x", false},
		{"absurd memory", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA", "x", false},
		{"truncated", h[:len(h)-10] + "$", "青云谱2022kechuang", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyPassword(tt.hash, tt.pw); got != tt.want {
				t.Errorf("VerifyPassword = %v, want %v", got, tt.want)
			}
		})
	}
	h2, _ := HashPassword("青云谱2022kechuang")
	if h2 == h {
		t.Error("two hashes of one password are equal: salt missing")
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short1a":       false,
		"onlyletterss":  false,
		"1234567890":    false,
		"letters123456": true,
		"科创科创科创科创科1":    true,
	} {
		if err := CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}

func TestAllowed(t *testing.T) {
	admin := &User{Role: RoleAdmin}
	leader := &User{Role: RoleLeader}
	reporter := &User{Role: RoleReporter, UnitID: 3}
	disabled := &User{Role: RoleAdmin, Disabled: true}
	tests := []struct {
		user *User
		perm Perm
		want bool
	}{
		{nil, PermPublic, true},
		{nil, PermView, false},
		{nil, PermAdmin, false},
		{reporter, PermView, true},
		{reporter, PermAdmin, false},
		{leader, PermView, true},
		{leader, PermAdmin, false},
		{admin, PermAdmin, true},
		{disabled, PermView, false},
		{disabled, PermAdmin, false},
		{admin, Perm(99), false},
	}
	for _, tt := range tests {
		if got := Allowed(tt.user, tt.perm); got != tt.want {
			t.Errorf("Allowed(%v, %v) = %v, want %v", tt.user, tt.perm, got, tt.want)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, b := NewAPIToken(), NewAPIToken()
	if a == b || !strings.HasPrefix(a, APITokenPrefix) || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if HashSecret(a) == HashSecret(b) || len(HashSecret(a)) != 64 {
		t.Fatal("hashes")
	}
}

func TestCanOnForms(t *testing.T) {
	admin := &User{Role: RoleAdmin}
	leader := &User{Role: RoleLeader}
	own := &User{Role: RoleReporter, UnitID: 3}   // 三家店街道, whose form it is
	lead := &User{Role: RoleReporter, UnitID: 2}  // 区科工局, leads a task on it
	other := &User{Role: RoleReporter, UnitID: 4} // 洪都街道
	unbound := &User{Role: RoleReporter}
	form := &Resource{UnitID: 3, Leads: map[int64][]int64{2: {10}}}
	tests := []struct {
		user *User
		perm Perm
		want bool
	}{
		{admin, PermFormRead, true}, {admin, PermFormWrite, true}, {admin, PermFormComment, true},
		{leader, PermFormRead, true}, {leader, PermFormWrite, false}, {leader, PermFormComment, false},
		{own, PermFormRead, true}, {own, PermFormWrite, true}, {own, PermFormComment, false},
		{lead, PermFormRead, true}, {lead, PermFormWrite, false}, {lead, PermFormComment, true},
		{other, PermFormRead, false}, {other, PermFormWrite, false}, {other, PermFormComment, false},
		{unbound, PermFormRead, false},
		{nil, PermFormRead, false},
		{&User{Role: RoleReporter, UnitID: 3, Disabled: true}, PermFormRead, false},
	}
	for _, tt := range tests {
		if got := Can(tt.user, tt.perm, form); got != tt.want {
			t.Errorf("Can(%+v, %v) = %v, want %v", tt.user, tt.perm, got, tt.want)
		}
	}
	if Can(admin, PermFormRead, nil) {
		t.Error("an object-level permission without its object was granted")
	}
	// Evidence on a task: the lead unit reaches what hangs on the task it
	// leads (10), not on another (11).
	for _, tt := range []struct {
		user *User
		task int64
		want bool
	}{
		{lead, 10, true}, {lead, 11, false}, {own, 11, true}, {leader, 11, true}, {other, 10, false},
	} {
		res := &Resource{UnitID: 3, Leads: form.Leads, TaskID: tt.task}
		if got := Can(tt.user, PermFormRead, res); got != tt.want {
			t.Errorf("Can(%+v, read, task %d) = %v, want %v", tt.user, tt.task, got, tt.want)
		}
	}
}

func TestSight(t *testing.T) {
	tests := []struct {
		name   string
		user   *User
		hide   bool
		unit   int64
		sees   bool
		ranked bool
	}{
		{"admin", &User{Role: RoleAdmin}, true, 4, true, true},
		{"leader", &User{Role: RoleLeader}, false, 4, true, true},
		{"leader, ranking hidden", &User{Role: RoleLeader}, true, 4, true, false},
		{"reporter, own unit", &User{Role: RoleReporter, UnitID: 3}, false, 3, true, false},
		{"reporter, another unit", &User{Role: RoleReporter, UnitID: 3}, false, 4, false, false},
		{"unbound reporter", &User{Role: RoleReporter}, false, 0, false, false},
		{"public", nil, false, 4, false, false},
		{"disabled", &User{Role: RoleAdmin, Disabled: true}, false, 4, false, false},
	}
	for _, tt := range tests {
		s := SightOf(tt.user, tt.hide)
		if s.Sees(tt.unit) != tt.sees || s.Ranking != tt.ranked {
			t.Errorf("%s: sees %v ranking %v, want %v %v", tt.name, s.Sees(tt.unit), s.Ranking, tt.sees, tt.ranked)
		}
	}
}

func TestFormSight(t *testing.T) {
	form := &Resource{UnitID: 3, Leads: map[int64][]int64{2: {10}}}
	tests := []struct {
		name           string
		user           *User
		whole, drafts  bool
		task10, task11 bool
	}{
		{"admin", &User{Role: RoleAdmin}, true, true, true, true},
		{"own reporter", &User{Role: RoleReporter, UnitID: 3}, true, true, true, true},
		{"leader", &User{Role: RoleLeader}, true, false, true, true},
		{"lead unit", &User{Role: RoleReporter, UnitID: 2}, false, false, true, false},
		{"other unit", &User{Role: RoleReporter, UnitID: 4}, false, false, false, false},
	}
	for _, tt := range tests {
		fs := FormSightOf(tt.user, form)
		if fs.Whole != tt.whole || fs.Drafts != tt.drafts || fs.Task(10) != tt.task10 || fs.Task(11) != tt.task11 {
			t.Errorf("%s: %+v", tt.name, fs)
		}
	}
}

// TestDummyHashCosts: the hash spent on unknown users is read as a real
// one (so it is computed), and matches nothing.
func TestDummyHashCosts(t *testing.T) {
	if ok, valid := verify(dummyHash, ""); ok || !valid {
		t.Fatalf("dummy hash: ok %v, valid %v; want a computed mismatch", ok, valid)
	}
	h, _ := HashPassword("青云谱2022kechuang")
	if want := strings.Join(strings.Split(h, "$")[:4], "$"); !strings.HasPrefix(dummyHash, want+"$") {
		t.Errorf("dummy hash %q has other parameters than %q", dummyHash, want)
	}
	long := strings.Repeat("a1", MaxPasswordLength)
	if CheckPassword(long) == nil {
		t.Error("a password of 256 characters was accepted")
	}
	if VerifyPassword(h, strings.Repeat("青", 1<<12)) {
		t.Error("a 12 KB password matched")
	}
}

func TestOverseeAndReport(t *testing.T) {
	admin := &User{Role: RoleAdmin}
	leader := &User{Role: RoleLeader}
	reporter := &User{Role: RoleReporter, UnitID: 3}
	unbound := &User{Role: RoleReporter}
	tests := []struct {
		user *User
		perm Perm
		want bool
	}{
		{admin, PermOversee, true}, {leader, PermOversee, true}, {reporter, PermOversee, false}, {nil, PermOversee, false},
		{admin, PermReport, false}, {leader, PermReport, false}, {reporter, PermReport, true}, {unbound, PermReport, false}, {nil, PermReport, false},
		{&User{Role: RoleLeader, Disabled: true}, PermOversee, false},
	}
	for _, tt := range tests {
		if got := Allowed(tt.user, tt.perm); got != tt.want {
			t.Errorf("Allowed(%+v, %v) = %v, want %v", tt.user, tt.perm, got, tt.want)
		}
	}
}

// TestSightOfRecords: the records behind a figure are seen as the figure's
// units are, and the district's records only by a sight of all units.
func TestSightOfRecords(t *testing.T) {
	tests := []struct {
		user *User
		unit int64
		want bool
	}{
		{&User{Role: RoleAdmin}, 0, true},
		{&User{Role: RoleAdmin}, 4, true},
		{&User{Role: RoleLeader}, 0, true},
		{&User{Role: RoleLeader}, 4, true},
		{&User{Role: RoleReporter, UnitID: 3}, 3, true},
		{&User{Role: RoleReporter, UnitID: 3}, 4, false},
		{&User{Role: RoleReporter, UnitID: 3}, 0, false},
		{&User{Role: RoleReporter}, 0, false},
		{nil, 0, false},
		{nil, 3, false},
	}
	for _, tt := range tests {
		if got := SightOf(tt.user, true).Records(tt.unit); got != tt.want {
			t.Errorf("SightOf(%+v).Records(%d) = %v, want %v", tt.user, tt.unit, got, tt.want)
		}
	}
}

// TestSupervisionPermissions: admins and leaders instruct; what is
// addressed to a unit is read by admins, leaders and the unit's reporters,
// and answered by the unit's reporters only — not by a unit that leads
// tasks of its forms, nor by an admin.
func TestSupervisionPermissions(t *testing.T) {
	admin := &User{Role: RoleAdmin}
	leader := &User{Role: RoleLeader}
	own := &User{Role: RoleReporter, UnitID: 3}
	lead := &User{Role: RoleReporter, UnitID: 2}
	other := &User{Role: RoleReporter, UnitID: 4}
	res := &Resource{UnitID: 3, Leads: map[int64][]int64{2: {10}}}
	tests := []struct {
		user *User
		perm Perm
		res  *Resource
		want bool
	}{
		{admin, PermInstruct, nil, true}, {leader, PermInstruct, nil, true}, {own, PermInstruct, nil, false}, {nil, PermInstruct, nil, false},
		{admin, PermUnitRead, res, true}, {leader, PermUnitRead, res, true}, {own, PermUnitRead, res, true},
		{lead, PermUnitRead, res, false}, {other, PermUnitRead, res, false}, {nil, PermUnitRead, res, false},
		{own, PermUnitReply, res, true}, {admin, PermUnitReply, res, false}, {leader, PermUnitReply, res, false}, {lead, PermUnitReply, res, false},
		{own, PermUnitRead, nil, false}, // no resource, no access
		{&User{Role: RoleReporter, UnitID: 3, Disabled: true}, PermUnitReply, res, false},
	}
	for _, tt := range tests {
		if got := Can(tt.user, tt.perm, tt.res); got != tt.want {
			t.Errorf("Can(%+v, %v) = %v, want %v", tt.user, tt.perm, got, tt.want)
		}
	}
}

// TestCanHoldsToScope: whatever the permission, an object of an
// organisation outside the user's scope is refused; inside it (the user's
// own or one beneath) the role decides as before.
func TestCanHoldsToScope(t *testing.T) {
	city := &User{Role: RoleLeader, OrgID: 1, Scope: []int64{1, 2, 3}}
	district := &User{Role: RoleAdmin, OrgID: 2, Scope: []int64{2}}
	reporter := &User{Role: RoleReporter, UnitID: 7, OrgID: 3, Scope: []int64{3}}
	tests := []struct {
		u    *User
		p    Perm
		res  *Resource
		want bool
	}{
		{district, PermAdmin, &Resource{Org: 2}, true},
		{district, PermAdmin, &Resource{Org: 3}, false},
		{district, PermView, &Resource{Org: 1}, false}, // the city above is outside too
		{district, PermFormRead, &Resource{Org: 3, UnitID: 7}, false},
		{city, PermFormRead, &Resource{Org: 3, UnitID: 7}, true},
		{city, PermOversee, &Resource{Org: 2}, true},
		{city, PermAdmin, &Resource{Org: 2}, false}, // the role still decides
		{reporter, PermFormWrite, &Resource{Org: 3, UnitID: 7}, true},
		{reporter, PermFormWrite, &Resource{Org: 2, UnitID: 7}, false},
		{reporter, PermView, nil, true},
	}
	for i, tt := range tests {
		if got := Can(tt.u, tt.p, tt.res); got != tt.want {
			t.Errorf("%d: Can(%s in %d, %s, %+v) = %v, want %v", i, tt.u.Role, tt.u.OrgID, tt.p, tt.res, got, tt.want)
		}
	}
}
