package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// auditOf returns the entries of one action, oldest first.
func auditOf(t *testing.T, s *store.Store, f store.AuditFilter) []store.AuditEntry {
	t.Helper()
	f.Limit = store.MaxAuditPage
	list, total, err := s.AuditLog(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(list) {
		t.Fatalf("AuditLog(%+v): %d entries of %d", f, len(list), total)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	if s == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not a JSON object: %s", s)
	}
	return m
}

func verifyIntact(t *testing.T, s *store.Store) int {
	t.Helper()
	checked, bad, err := s.VerifyAuditLog(context.Background())
	if err != nil || bad != 0 {
		t.Fatalf("VerifyAuditLog = %d, first bad %d, %v; want intact", checked, bad, err)
	}
	return checked
}

func TestAuditRecordsChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// Loading the example has no actor: it is the system's doing.
		planID, _ := loadExample(t, s)
		ctx := store.WithActor(context.Background(), store.Actor{UserID: 0, Username: "admin", Remote: "10.0.0.7"})
		sys := auditOf(t, s, store.AuditFilter{Username: "system"})
		if len(sys) != 3 || sys[0].Action != "directory.import" || sys[1].Action != "plan.create" || sys[1].Object != fmt.Sprintf("plan:%d", planID) ||
			sys[2].Action != "plan.definition.default" {
			t.Fatalf("loading the example recorded %+v", sys)
		}
		if doc := decode(t, sys[1].After); doc["doc_number"] != "青政办发〔2022〕16号" || sys[1].Before != "" {
			t.Errorf("plan.create does not record the plan after: %.200s", sys[1].After)
		}

		hash, _ := auth.HashPassword("correct horse 1")
		u, err := s.CreateUser(ctx, store.NewUser{Username: "sjd", DisplayName: "张三", Role: auth.RoleReporter,
			UnitID: unitID(t, s, "三家店街道"), Email: "zs@example.cn", PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{DisplayName: "张三", Role: auth.RoleReporter, UnitID: unitID(t, s, "洪都街道"), Email: "zs@example.cn"}); err != nil {
			t.Fatal(err)
		}
		hash2, _ := auth.HashPassword("correct horse 2")
		if err := s.SetPasswordHashByID(ctx, u.ID, hash2); err != nil {
			t.Fatal(err)
		}
		users := auditOf(t, s, store.AuditFilter{Object: fmt.Sprintf("user:%d", u.ID)})
		if len(users) != 3 {
			t.Fatalf("user entries: %+v", users)
		}
		create, update, pw := users[0], users[1], users[2]
		if create.Action != "user.create" || create.Username != "admin" || create.Remote != "10.0.0.7" || create.Before != "" ||
			decode(t, create.After)["unit"] != "三家店街道" || decode(t, create.After)["email"] != "zs@example.cn" {
			t.Errorf("user.create = %+v", create)
		}
		if update.Action != "user.update" || decode(t, update.Before)["unit"] != "三家店街道" || decode(t, update.After)["unit"] != "洪都街道" {
			t.Errorf("user.update = %+v", update)
		}
		if pw.Action != "user.password" || pw.Before != "" || pw.After != "" {
			t.Errorf("user.password = %+v", pw)
		}

		// Plan edits record the part changed, addressed inside the plan.
		doc, _ := s.Plan(ctx, planID)
		g := doc.Goals[1]
		old := g.Target.String()
		g.Target = plan.NewDecimal(150)
		if _, err := s.SaveGoal(ctx, planID, g); err != nil {
			t.Fatal(err)
		}
		goal := auditOf(t, s, store.AuditFilter{Action: "plan.goal"})
		if len(goal) != 1 || goal[0].Action != "plan.goal.update" || goal[0].Object != fmt.Sprintf("plan:%d/goal:%d", planID, g.ID) ||
			fmt.Sprint(decode(t, goal[0].Before)["target"]) != old || fmt.Sprint(decode(t, goal[0].After)["target"]) != "150" {
			t.Errorf("goal edit recorded %+v", goal)
		}
		newTask := plan.DocTask{Number: "14", Title: "新增任务", LeadUnits: []string{"区科工局"}}
		taskID, err := s.SaveTask(ctx, planID, doc.Sections[0].ID, newTask)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTask(ctx, planID, taskID); err != nil {
			t.Fatal(err)
		}
		tasks := auditOf(t, s, store.AuditFilter{Object: fmt.Sprintf("plan:%d/task:%d", planID, taskID)})
		if len(tasks) != 2 || tasks[0].Action != "plan.task.create" || tasks[0].Before != "" || decode(t, tasks[0].After)["title"] != "新增任务" ||
			tasks[1].Action != "plan.task.delete" || tasks[1].After != "" || decode(t, tasks[1].Before)["title"] != "新增任务" {
			t.Errorf("task create/delete recorded %+v", tasks)
		}
		unitEntries := auditOf(t, s, store.AuditFilter{Action: "unit"})
		if _, err := s.SaveUnit(ctx, plan.Unit{Name: "青云谱区数据局", ShortName: "区数据局", Kind: plan.UnitDepartment}); err != nil {
			t.Fatal(err)
		}
		if got := auditOf(t, s, store.AuditFilter{Action: "unit"}); len(got) != len(unitEntries)+1 || decode(t, got[len(got)-1].After)["short_name"] != "区数据局" {
			t.Errorf("SaveUnit recorded %+v", got)
		}
		if err := s.DeletePlan(ctx, planID); err != nil {
			t.Fatal(err)
		}
		del := auditOf(t, s, store.AuditFilter{Action: "plan.delete"})
		if len(del) != 1 || decode(t, del[0].Before)["title"] != "2022年青云谱区科技创新基础大提升工作要点" || del[0].After != "" {
			t.Errorf("plan.delete recorded %+v", del)
		}

		// Secrets never reach the log.
		all := auditOf(t, s, store.AuditFilter{})
		for _, e := range all {
			if strings.Contains(e.Before+e.After, "argon2") || strings.Contains(e.Before+e.After, hash) {
				t.Errorf("entry %d (%s) holds a password hash", e.ID, e.Action)
			}
		}
		if n := verifyIntact(t, s); n != len(all) {
			t.Errorf("verified %d of %d entries", n, len(all))
		}
	})
}

func TestAuditChainShowsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := store.WithActor(context.Background(), store.Actor{UserID: 1, Username: "admin"})
		for i := range 5 {
			if _, err := s.CreateUser(ctx, store.NewUser{Username: fmt.Sprintf("u%d", i), Role: auth.RoleLeader}); err != nil {
				t.Fatal(err)
			}
		}
		if n := verifyIntact(t, s); n != 5 {
			t.Fatalf("verified %d entries, want 5", n)
		}
		all := auditOf(t, s, store.AuditFilter{})
		third, fourth := all[2], all[3]

		// Someone edits an entry in place: that entry is the first bad one.
		if err := s.ExecForTest(ctx, `UPDATE audit_log SET username = 'nobody' WHERE id = $1`, third.ID); err != nil {
			t.Fatal(err)
		}
		checked, bad, err := s.VerifyAuditLog(ctx)
		if err != nil || bad != third.ID || checked != 2 {
			t.Fatalf("after editing entry %d: checked %d, first bad %d, %v", third.ID, checked, bad, err)
		}
		if err := s.ExecForTest(ctx, `UPDATE audit_log SET username = $1 WHERE id = $2`, third.Username, third.ID); err != nil {
			t.Fatal(err)
		}
		verifyIntact(t, s)

		// Someone removes an entry: the one after it no longer links.
		if err := s.ExecForTest(ctx, `DELETE FROM audit_log WHERE id = $1`, third.ID); err != nil {
			t.Fatal(err)
		}
		if _, bad, _ := s.VerifyAuditLog(ctx); bad != fourth.ID {
			t.Errorf("after removing entry %d: first bad %d, want %d", third.ID, bad, fourth.ID)
		}
	})
}

func TestAuditFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		day := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		now := day
		s.SetClockForTest(func() time.Time { return now })
		admin := store.WithActor(context.Background(), store.Actor{UserID: 1, Username: "admin", Remote: "10.0.0.1"})
		other := store.WithActor(context.Background(), store.Actor{UserID: 2, Username: "ops"})
		var ids []int64
		for i := range 12 {
			now = day.Add(time.Duration(i) * 24 * time.Hour)
			ctx := admin
			if i%3 == 0 {
				ctx = other
			}
			u, err := s.CreateUser(ctx, store.NewUser{Username: fmt.Sprintf("user%02d", i), Role: auth.RoleLeader})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		if ids[0] != 1 {
			t.Fatalf("first user has ID %d, want 1", ids[0])
		}
		if _, err := s.UpdateUser(admin, ids[0], store.UserUpdate{Role: auth.RoleLeader, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		count := func(f store.AuditFilter) int {
			t.Helper()
			_, total, err := s.AuditLog(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			return total
		}
		tests := []struct {
			name string
			f    store.AuditFilter
			want int
		}{
			{"all", store.AuditFilter{}, 13},
			{"by user", store.AuditFilter{Username: "ops"}, 4},
			{"by action", store.AuditFilter{Action: "user.create"}, 12},
			{"by action prefix", store.AuditFilter{Action: "user"}, 13},
			{"prefix is whole words", store.AuditFilter{Action: "user.cre"}, 0},
			{"by object", store.AuditFilter{Object: fmt.Sprintf("user:%d", ids[0])}, 2},
			{"object prefix stops at the id", store.AuditFilter{Object: "user:1"}, 2}, // not user:10, user:11, user:12
			{"object kind", store.AuditFilter{Object: "user"}, 13},
			{"LIKE wildcards are literal", store.AuditFilter{Object: "user_%"}, 0},
			{"from", store.AuditFilter{From: day.Add(10 * 24 * time.Hour)}, 3},
			{"to is exclusive", store.AuditFilter{To: day.Add(2 * 24 * time.Hour)}, 2},
			{"range and user", store.AuditFilter{Username: "admin", From: day.Add(24 * time.Hour), To: day.Add(6 * 24 * time.Hour)}, 4},
		}
		for _, tt := range tests {
			if got := count(tt.f); got != tt.want {
				t.Errorf("%s: %d entries, want %d", tt.name, got, tt.want)
			}
		}
		page, total, err := s.AuditLog(context.Background(), store.AuditFilter{Limit: 5, Offset: 10})
		if err != nil || total != 13 || len(page) != 3 || page[0].Object != fmt.Sprintf("user:%d", ids[2]) {
			t.Errorf("third page of 5: %d entries of %d, %v", len(page), total, err)
		}
		if page[0].At.Location() != time.UTC || !page[0].At.Equal(day.Add(2*24*time.Hour)) {
			t.Errorf("entry time %v", page[0].At)
		}
	})
}

// TestAuditConcurrentAppends appends from many goroutines at once (on
// PostgreSQL, through many connections, as several app instances would):
// the chain stays one line.
func TestAuditConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const workers, each = 8, 6
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := store.WithActor(context.Background(), store.Actor{Username: fmt.Sprintf("worker%d", w)})
				for i := range each {
					if _, err := s.CreateUser(ctx, store.NewUser{Username: fmt.Sprintf("w%d-%d", w, i), Role: auth.RoleLeader}); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := verifyIntact(t, s); n != workers*each {
			t.Errorf("verified %d entries, want %d", n, workers*each)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadExample(t, s)
		sjd := unitID(t, s, "三家店街道")
		admin, err := s.CreateUser(ctx, store.NewUser{Username: "admin", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, store.NewUser{Username: "sjd", Role: auth.RoleReporter, UnitID: sjd, Email: "sjd@example.cn"})
		if err != nil || u.Email != "sjd@example.cn" {
			t.Fatalf("CreateUser = %+v, %v", u, err)
		}
		if _, err := s.CreateUser(ctx, store.NewUser{Username: "x", Role: auth.RoleLeader, Email: "not an address"}); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("bad email: %v", err)
		}
		if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{Role: auth.RoleReporter}); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("enabled reporter without a unit: %v", err)
		}
		if _, err := s.UpdateUser(ctx, 9999, store.UserUpdate{Role: auth.RoleLeader}); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("missing user: %v", err)
		}
		if _, err := s.UpdateUser(ctx, admin.ID, store.UserUpdate{Role: auth.RoleAdmin, Disabled: true}); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("disabling the last administrator: %v", err)
		}
		got, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{DisplayName: " 三家店 ", Role: auth.RoleLeader, Email: ""})
		if err != nil || got.Role != auth.RoleLeader || got.DisplayName != "三家店" || got.Email != "" || got.UnitID != 0 {
			t.Fatalf("UpdateUser = %+v, %v", got, err)
		}

		// Disabling ends the user's sessions; a password reset does too.
		secret, _ := s.CreateSession(ctx, u.ID, time.Hour)
		if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{Role: auth.RoleLeader, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, secret); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("session of a disabled user: %v", err)
		}
		secret, _ = s.CreateSession(ctx, admin.ID, time.Hour)
		if err := s.SetPasswordHashByID(ctx, admin.ID, "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, secret); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("session after a password reset: %v", err)
		}
		if err := s.SetPasswordHashByID(ctx, 9999, "x"); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("password of a missing user: %v", err)
		}
		verifyIntact(t, s)
	})
}

func TestAuditLoginLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := store.WithActor(context.Background(), store.Actor{Remote: "192.0.2.9"})
		for range 6 {
			s.Authenticate(ctx, store.Login{Username: "admin", Password: "guess"})
		}
		got := auditOf(t, s, store.AuditFilter{Action: "user.login.locked"})
		if len(got) != 1 || got[0].Action != "user.login.locked" || got[0].Object != "login:admin" ||
			got[0].Username != "anonymous" || got[0].Remote != "192.0.2.9" || decode(t, got[0].After)["failures"] != float64(5) {
			t.Errorf("lockout recorded %+v", got)
		}
		// Every attempt is in the log: five checked and failed, the sixth
		// refused during the lock.
		if n := len(auditOf(t, s, store.AuditFilter{Action: "user.login.failed"})); n != 5 {
			t.Errorf("%d failed logins recorded, want 5", n)
		}
		if n := len(auditOf(t, s, store.AuditFilter{Action: "user.login.refused"})); n != 1 {
			t.Errorf("%d refused logins recorded, want 1", n)
		}
	})
}

// TestAuditLogins: a successful login is recorded as the user's own entry,
// a failed one as the address's, with why; neither moves the data version.
func TestAuditLogins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := store.WithActor(context.Background(), store.Actor{Remote: "192.0.2.10"})
		hash, _ := auth.HashPassword("right-password-1")
		u, err := s.CreateUser(ctx, store.NewUser{Username: "ldr", Role: auth.RoleLeader, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		v0, _ := s.Versions(ctx)
		for _, l := range []store.Login{
			{Username: "ldr", Password: "wrong-password-1", Address: "192.0.2.10"},
			{Username: "nobody", Password: "x", Address: "192.0.2.10"},
			{Username: "ldr", Password: "right-password-1", Address: "192.0.2.10"},
		} {
			s.Authenticate(ctx, l)
		}
		failed := auditOf(t, s, store.AuditFilter{Action: "user.login.failed"})
		reasons := map[string]string{}
		for _, e := range failed {
			reasons[e.Object] = decode(t, e.After)["reason"].(string)
			if e.Username != "anonymous" || e.Remote != "192.0.2.10" {
				t.Errorf("failed login by %q from %q", e.Username, e.Remote)
			}
		}
		if reasons["login:ldr"] != "wrong_password" || reasons["login:nobody"] != "unknown_user" {
			t.Errorf("failed logins recorded %v", reasons)
		}
		ok := auditOf(t, s, store.AuditFilter{Action: "user.login.ok"})
		if len(ok) != 1 || ok[0].UserID != u.ID || ok[0].Username != "ldr" || ok[0].Remote != "192.0.2.10" || ok[0].Object != fmt.Sprintf("user:%d", u.ID) {
			t.Errorf("successful login recorded %+v", ok)
		}
		if v1, _ := s.Versions(ctx); v1.Data != v0.Data {
			t.Errorf("logins moved the data version %d → %d", v0, v1)
		}
		verifyIntact(t, s)
	})
}
