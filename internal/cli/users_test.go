package cli

import (
	"context"
	"strings"
	"testing"

	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

func TestUserListDisable(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	for _, name := range []string{"admin", "ops"} {
		if code, _, errOut := kc(t, dsn, "good password 1\n", "user", "add", name, "--role", "admin", "--password-stdin"); code != 0 {
			t.Fatalf("user add %s: %s", name, errOut)
		}
	}
	code, out, _ := kc(t, dsn, "", "user", "list")
	if code != 0 || !strings.Contains(out, "admin") || !strings.Contains(out, "管理员") || !strings.Contains(out, "正常") {
		t.Fatalf("user list: %d %q", code, out)
	}
	if code, out, errOut := kc(t, dsn, "", "user", "disable", "ops"); code != 0 || !strings.Contains(out, "已停用") {
		t.Fatalf("user disable: %d %s %s", code, out, errOut)
	}
	if _, out, _ := kc(t, dsn, "", "user", "list"); !strings.Contains(out, "已停用") {
		t.Errorf("user list after disable: %q", out)
	}
	if code, _, errOut := kc(t, dsn, "", "user", "disable", "admin"); code == 0 || !strings.Contains(errOut, "至少要保留一个可用的管理员") {
		t.Errorf("disabling the last admin: %d %s", code, errOut)
	}
	if code, _, errOut := kc(t, dsn, "", "user", "disable", "nobody"); code == 0 || !strings.Contains(errOut, "nobody") {
		t.Errorf("disabling a missing user: %d %s", code, errOut)
	}

	// The command line's changes are recorded as "cli".
	s := storetest.Open(t, dsn)
	entries, _, err := s.AuditLog(context.Background(), store.AuditFilter{Action: "user"})
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if e.Username != "cli" {
			t.Errorf("entry %s by %q, want cli", e.Action, e.Username)
		}
	}
}
