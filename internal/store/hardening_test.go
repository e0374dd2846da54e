package store_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestTextLimits: every text a user sends is held to its limit by the
// store (through the domain checks), with a message naming the field, and
// nothing is written.
func TestTextLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, roundID := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		long := func(n int) string { return strings.Repeat("长", n) }
		f := formOf(t, s, roundID, "三家店街道")
		e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})
		task := e.Tasks[f.Tasks[0].TaskID]
		task.Progress = strings.Repeat("x", 4<<20)
		e.Tasks[f.Tasks[0].TaskID] = task
		doc, _ := s.Plan(ctx, planID)
		unit := doc.Sections[0].Tasks[0]
		for _, tc := range []struct {
			name, want string
			do         func() error
		}{
			{"a 4 MB 进展情况 in a draft", "任务" + f.Tasks[0].Number + "：“进展情况”最多 3000 字", func() error {
				_, err := s.SaveForm(ctx, f.PublicID, e, admin)
				return err
			}},
			{"a 4 MB 进展情况 submitted", "“进展情况”最多 3000 字", func() error {
				e.Submit = true
				defer func() { e.Submit = false }()
				_, err := s.SaveForm(ctx, f.PublicID, e, admin)
				return err
			}},
			{"a long comment", "意见应在 1 到 2000 字之间", func() error {
				return s.AddFormComment(ctx, f.PublicID, 0, long(2001), admin)
			}},
			{"a long round label", "“名称”最多 100 字", func() error {
				_, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: long(101), AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
				return err
			}},
			{"a long unit alias", "“名称”最多 100 字", func() error {
				_, err := s.SaveUnit(ctx, plan.Unit{Name: "新单位", Kind: plan.UnitDepartment, Aliases: []string{long(101)}})
				return err
			}},
			{"a long group name", "“名称”最多 100 字", func() error {
				_, err := s.SaveGroup(ctx, plan.Group{Name: long(101)})
				return err
			}},
			{"a long task text", "sections[0].tasks[0].text：“任务内容”最多 20000 字", func() error {
				t := unit
				t.Text = long(20001)
				_, err := s.SaveTask(ctx, planID, doc.Sections[0].ID, t)
				return err
			}},
			{"a long plan title", "title：“标题”最多 200 字", func() error {
				return s.UpdatePlanHeader(ctx, planID, store.PlanHeader{Title: long(201)})
			}},
			{"a long parent title", "parent_title：“上位方案”最多 200 字", func() error {
				return s.UpdatePlanHeader(ctx, planID, store.PlanHeader{Title: "方案", ParentTitle: long(201)})
			}},
			{"a long display name", "“姓名”最多 100 字", func() error {
				_, err := s.CreateUser(ctx, store.NewUser{Username: "x", Role: auth.RoleLeader, DisplayName: long(101)})
				return err
			}},
			{"a long username", "“用户名”最多 64 字", func() error {
				_, err := s.CreateUser(ctx, store.NewUser{Username: long(65), Role: auth.RoleLeader})
				return err
			}},
			{"a NaN weight", "权重应在 0 到 100 之间", func() error {
				return s.SaveProgressSettings(ctx, planID, plan.ProgressSettings{Weights: map[int64]float64{doc.Goals[0].ID: math.NaN()}})
			}},
			{"an infinite weight", "权重应在 0 到 100 之间", func() error {
				return s.SaveProgressSettings(ctx, planID, plan.ProgressSettings{Weights: map[int64]float64{doc.Goals[0].ID: math.Inf(1)}})
			}},
			{"a long bulletin issuer", "“通报发文机关”最多 100 字", func() error {
				return s.SaveProgressSettings(ctx, planID, plan.ProgressSettings{Issuer: long(101)})
			}},
		} {
			err := tc.do()
			if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(plan.ErrorMessage(err), tc.want) {
				t.Errorf("%s: %v, want EINVALID saying %q", tc.name, err, tc.want)
			}
		}
		// Nothing was written: the form is as opened.
		if got := formOf(t, s, roundID, "三家店街道"); got.Version != 0 || got.Tasks[0].Progress != "" {
			t.Errorf("after refused saves the form is version %d with %d bytes of progress", got.Version, len(got.Tasks[0].Progress))
		}

		// A return reason: the form is submitted first.
		e.Tasks[f.Tasks[0].TaskID] = plan.FormTask{Status: plan.TaskInProgress, Progress: "按计划推进"}
		e.Submit = true
		saved, err := s.SaveForm(ctx, f.PublicID, e, admin)
		if err != nil {
			t.Fatal(err)
		}
		err = s.ReviewForm(ctx, f.PublicID, saved.Version, store.Return, long(10<<20/3), admin)
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(plan.ErrorMessage(err), "“退回原因”最多 2000 字") {
			t.Errorf("a 10 MB return reason: %v", err)
		}
		if got := formOf(t, s, roundID, "三家店街道"); got.State != plan.FormSubmitted {
			t.Errorf("after a refused return the form is %s", got.State)
		}
	})
}

// TestRoundWithAUnitTwice: the same unit given twice is refused with a
// clear message and nothing is written (it was a 500: the second insert
// broke the primary key).
func TestRoundWithAUnitTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		sjd, hd := unitID(t, s, "三家店街道"), unitID(t, s, "洪都街道")
		_, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", UnitIDs: []int64{sjd, hd, sjd}})
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(plan.ErrorMessage(err), "出现了两次") {
			t.Fatalf("a unit twice: %v", err)
		}
		if rounds, _ := s.Rounds(ctx, planID); len(rounds) != 0 {
			t.Errorf("%d rounds written", len(rounds))
		}
	})
}

// TestLoginLockoutIsAtomic follows the finding: 24 concurrent wrong
// attempts all got a password check, and the right password got in during
// the lockout. Now five are checked, the rest are refused unchecked, and
// the right password waits out the lock like a wrong one.
func TestLoginLockoutIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		hash, _ := auth.HashPassword("correct horse 1")
		admin, err := s.CreateUser(ctx, store.NewUser{Username: "admin", Role: auth.RoleAdmin, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		stranger := store.Login{Username: "admin", Password: "guess", Address: "192.0.2.66"}
		codes := make(chan string, 24)
		var wg sync.WaitGroup
		for range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Authenticate(ctx, stranger)
				codes <- plan.ErrorCode(err)
			}()
		}
		wg.Wait()
		close(codes)
		count := map[string]int{}
		for c := range codes {
			count[c]++
		}
		if count[plan.EUNAUTHORIZED] != 5 || count[plan.EFORBIDDEN] != 19 {
			t.Errorf("24 concurrent attempts: %v; want 5 checked (unauthorized), 19 refused (forbidden)", count)
		}
		right := stranger
		right.Password = "correct horse 1"
		if _, err := s.Authenticate(ctx, right); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("the right password during the lockout: %v, want forbidden", err)
		}

		// The lockout is the stranger's: the admin at another address, or
		// in a browser that logged in before, still gets in.
		elsewhere := right
		elsewhere.Address = "192.0.2.1"
		if _, err := s.Authenticate(ctx, elsewhere); err != nil {
			t.Errorf("the admin at another address: %v", err)
		}
		device, err := s.RememberDevice(ctx, admin.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		own := right
		own.Device = device
		if _, err := s.Authenticate(ctx, own); err != nil {
			t.Errorf("the admin's own browser behind the stranger's address: %v", err)
		}
		// A device cookie of another user is just an address.
		other, _ := s.CreateUser(ctx, store.NewUser{Username: "leader", Role: auth.RoleLeader, PasswordHash: hash})
		otherDevice, _ := s.RememberDevice(ctx, other.ID, "")
		borrowed := right
		borrowed.Device = otherDevice
		if _, err := s.Authenticate(ctx, borrowed); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("another user's device cookie: %v, want forbidden", err)
		}

		// An administrator lifts the lock.
		locks, err := s.LoginLocks(ctx)
		if err != nil || locks["admin"].IsZero() {
			t.Fatalf("LoginLocks = %v, %v", locks, err)
		}
		if err := s.UnlockLogin(ctx, admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, right); err != nil {
			t.Errorf("after unlock: %v", err)
		}
		if locks, _ := s.LoginLocks(ctx); len(locks) != 0 {
			t.Errorf("locks after unlock: %v", locks)
		}
	})
}

// TestLoginAnswers: unknown and disabled users get a wrong password's
// answer and its count; absurd input is refused; old failures are
// forgotten.
func TestLoginAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 8, 1, 9, 0, 0, 0, time.UTC)
		s.SetClockForTest(func() time.Time { return now })
		hash, _ := auth.HashPassword("correct horse 1")
		u, _ := s.CreateUser(ctx, store.NewUser{Username: "gone", Role: auth.RoleLeader, PasswordHash: hash})
		if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{Role: auth.RoleLeader, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		for _, l := range []store.Login{
			{Username: "gone", Password: "correct horse 1"},
			{Username: "nobody", Password: "correct horse 1"},
			{Username: strings.Repeat("a", 65), Password: "x"},
			{Username: "", Password: "x"},
			{Username: "gone", Password: strings.Repeat("x", 1<<20)},
		} {
			if _, err := s.Authenticate(ctx, l); plan.ErrorCode(err) != plan.EUNAUTHORIZED || plan.ErrorMessage(err) != "用户名或密码错误。" {
				t.Errorf("login %.20q: %v", l.Username, err)
			}
		}
		// An unknown username locks like a known one: no telling them apart.
		for range 5 {
			s.Authenticate(ctx, store.Login{Username: "nobody", Password: "x"})
		}
		if _, err := s.Authenticate(ctx, store.Login{Username: "nobody", Password: "x"}); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("sixth attempt on an unknown user: %v, want forbidden", err)
		}
		// An hour and more after the last failure, the count is forgotten.
		now = now.Add(61 * time.Minute)
		if _, err := s.Authenticate(ctx, store.Login{Username: "nobody", Password: "x"}); plan.ErrorCode(err) != plan.EUNAUTHORIZED {
			t.Errorf("an hour later: %v, want a fresh count", err)
		}
		if n := countRows(t, s, "login_failures"); n != 1 {
			t.Errorf("%d login_failures rows, want 1 (older ones pruned)", n)
		}
	})
}

// TestAPITokens: tokens expire, are listed and revoked, and stop working
// when their user is disabled or given a new password.
func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2022, 8, 1, 9, 0, 0, 0, time.UTC)
		s.SetClockForTest(func() time.Time { return now })
		hash, _ := auth.HashPassword("correct horse 1")
		leader, _ := s.CreateUser(ctx, store.NewUser{Username: "leader", Role: auth.RoleLeader, PasswordHash: hash})
		other, _ := s.CreateUser(ctx, store.NewUser{Username: "other", Role: auth.RoleLeader, PasswordHash: hash})

		short, err := s.CreateAPIToken(ctx, "leader", "报表", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		long, _ := s.CreateAPIToken(ctx, "leader", "", 0)
		if _, err := s.CreateAPIToken(ctx, "leader", "x", 400*24*time.Hour); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("a 400-day token: %v", err)
		}
		if _, err := s.CreateAPIToken(ctx, "leader", strings.Repeat("长", 101), 0); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("a long label: %v", err)
		}
		if _, err := s.TokenUser(ctx, short); err != nil {
			t.Fatal(err)
		}
		list, err := s.APITokens(ctx, leader.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("APITokens = %v, %v", list, err)
		}
		var shortTok store.APIToken
		for _, tk := range list {
			if tk.Label == "报表" {
				shortTok = tk
			}
		}
		if shortTok.LastUsedAt == nil || !shortTok.LastUsedAt.Equal(now) || !shortTok.ExpiresAt.Equal(now.Add(24*time.Hour)) || shortTok.Username != "leader" {
			t.Errorf("token listed as %+v", shortTok)
		}

		// Tokens made before expiry existed get one by migration 0003's
		// expression, which the store reads like its own timestamps.
		expr := map[store.Dialect]string{store.SQLite: `strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '+90 days')`, store.Postgres: `now() + interval '90 days'`}[s.Dialect()]
		if err := s.ExecForTest(ctx, `UPDATE api_tokens SET expires_at = `+expr+` WHERE label = ''`); err != nil {
			t.Fatal(err)
		}
		list, _ = s.APITokens(ctx, leader.ID)
		if d := time.Until(list[0].ExpiresAt); d < 89*24*time.Hour || d > 91*24*time.Hour {
			t.Errorf("migrated expiry %v", list[0].ExpiresAt)
		}

		// Expiry.
		now = now.Add(25 * time.Hour)
		if _, err := s.TokenUser(ctx, short); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("an expired token: %v", err)
		}
		if _, err := s.TokenUser(ctx, long); err != nil {
			t.Errorf("a 90-day token after a day: %v", err)
		}

		// Revoking: not another user's, one's own, anyone's for an admin.
		if err := s.RevokeAPIToken(ctx, other.ID, shortTok.ID); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("revoking another user's token: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, leader.ID, shortTok.ID); err != nil {
			t.Fatal(err)
		}
		if all, _ := s.APITokens(ctx, 0); len(all) != 1 {
			t.Errorf("%d tokens after revoking one, want 1", len(all))
		}

		// A new password revokes them all; so does disabling.
		if err := s.SetPasswordHashByID(ctx, leader.ID, hash); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, long); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a token after a password reset: %v", err)
		}
		tok, _ := s.CreateAPIToken(ctx, "other", "", 0)
		if _, err := s.UpdateUser(ctx, other.ID, store.UserUpdate{Role: auth.RoleLeader, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, tok); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a token of a disabled user: %v", err)
		}
		if _, err := s.CreateAPIToken(ctx, "other", "", 0); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("a token for a disabled user: %v", err)
		}
		if n := countRows(t, s, "api_tokens"); n != 0 {
			t.Errorf("%d token rows left", n)
		}
		got := auditOf(t, s, store.AuditFilter{Action: "user.token"})
		if len(got) != 4 { // 3 made, 1 revoked by hand
			t.Errorf("%d token audit entries, want 4", len(got))
		}
		for _, e := range got {
			if strings.Contains(e.After, "kc_") || strings.Contains(e.Before, "kc_") {
				t.Errorf("audit entry %s holds a token", e.Action)
			}
		}
	})
}

// BenchmarkAuthenticate compares a wrong password for a known user with an
// unknown and a disabled user: each costs one argon2id check, so their
// times are alike and do not tell which usernames exist.
func BenchmarkAuthenticate(b *testing.B) {
	s := storetest.Open(b, storetest.SQLiteDSN(b))
	ctx := context.Background()
	hash, _ := auth.HashPassword("correct horse 1")
	s.CreateUser(ctx, store.NewUser{Username: "known", Role: auth.RoleLeader, PasswordHash: hash})
	u, _ := s.CreateUser(ctx, store.NewUser{Username: "disabled", Role: auth.RoleLeader, PasswordHash: hash})
	s.UpdateUser(ctx, u.ID, store.UserUpdate{Role: auth.RoleLeader, Disabled: true})
	for _, name := range []string{"known", "unknown", "disabled"} {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++ // a new address each time: no lockout
				s.Authenticate(ctx, store.Login{Username: name, Password: "wrong password", Address: strconv.Itoa(i)})
			}
		})
	}
}
