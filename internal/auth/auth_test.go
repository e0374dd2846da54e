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
	form := &Resource{UnitID: 3, LeadUnitIDs: []int64{2}}
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
