package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// authChange is a change to who is signed in, made on one store, and what a
// store must then answer for the session (and token) made before it.
type authChange struct {
	name   string
	change func(t *testing.T, s *store.Store, u *auth.User, secret, token string)
	check  func(t *testing.T, su *auth.User, sessionErr, tokenErr error)
}

func authChanges(ctx context.Context) []authChange {
	gone := func(t *testing.T, su *auth.User, sessionErr, tokenErr error) {
		t.Helper()
		if plan.ErrorCode(sessionErr) != plan.ENOTFOUND || plan.ErrorCode(tokenErr) != plan.ENOTFOUND {
			t.Errorf("session: %v, %v; token: %v", su, sessionErr, tokenErr)
		}
	}
	return []authChange{
		{"logout", func(t *testing.T, s *store.Store, u *auth.User, secret, token string) {
			if err := s.DeleteSession(ctx, secret); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeAPIToken(ctx, 0, tokenID(t, s, u.ID)); err != nil {
				t.Fatal(err)
			}
		}, gone},
		{"disabled", func(t *testing.T, s *store.Store, u *auth.User, secret, token string) {
			if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{Role: u.Role, UnitID: u.UnitID, Disabled: true}); err != nil {
				t.Fatal(err)
			}
		}, gone},
		{"new password", func(t *testing.T, s *store.Store, u *auth.User, secret, token string) {
			hash, _ := auth.HashPassword("another horse 2")
			if err := s.SetPasswordHash(ctx, u.Username, hash); err != nil {
				t.Fatal(err)
			}
		}, gone},
		{"role and unit", func(t *testing.T, s *store.Store, u *auth.User, secret, token string) {
			if _, err := s.UpdateUser(ctx, u.ID, store.UserUpdate{Role: auth.RoleLeader, DisplayName: "改任领导"}); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, su *auth.User, sessionErr, tokenErr error) {
			t.Helper()
			if sessionErr != nil || tokenErr != nil || su.Role != auth.RoleLeader || su.UnitID != 0 || su.DisplayName != "改任领导" {
				t.Errorf("after the change: %+v, %v; token: %v", su, sessionErr, tokenErr)
			}
		}},
		{"organisation added beneath", func(t *testing.T, s *store.Store, u *auth.User, secret, token string) {
			if _, err := s.AddOrg(ctx, plan.Org{Name: "新设园区", Kind: plan.OrgDistrict, ParentID: u.OrgID}); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, su *auth.User, sessionErr, tokenErr error) {
			t.Helper()
			if sessionErr != nil || tokenErr != nil || len(su.Scope) != 2 {
				t.Errorf("after the change: %+v, %v; token: %v", su, sessionErr, tokenErr)
			}
		}},
	}
}

func tokenID(t *testing.T, s *store.Store, userID int64) int64 {
	t.Helper()
	ts, err := s.APITokens(context.Background(), userID)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens: %v, %v", ts, err)
	}
	return ts[0].ID
}

// signIn makes a reporter with a session and a token, and reads both once
// on each store given, so that each keeps the identity.
func signIn(t *testing.T, s *store.Store, name string, readers ...*store.Store) (*auth.User, string, string) {
	t.Helper()
	ctx := context.Background()
	u, err := s.CreateUser(ctx, store.NewUser{Username: name, Role: auth.RoleReporter, UnitID: unitID(t, s, "三家店街道")})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := s.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	token, err := s.CreateAPIToken(ctx, name, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readers {
		if su, err := r.SessionUser(ctx, secret); err != nil || su.ID != u.ID || !slices.Equal(su.Scope, []int64{u.OrgID}) {
			t.Fatalf("SessionUser = %+v, %v", su, err)
		}
		if tu, err := r.TokenUser(ctx, token); err != nil || tu.ID != u.ID {
			t.Fatalf("TokenUser = %+v, %v", tu, err)
		}
	}
	return u, secret, token
}

// On the instance that makes it, a change to who is signed in takes effect
// at once, without reading the auth version again.
func TestAuthCacheSameInstance(t *testing.T) {
	ctx := context.Background()
	for i, c := range authChanges(ctx) {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				loadExample(t, s)
				s.SetAuthRecheckForTest(time.Hour)
				u, secret, token := signIn(t, s, "user"+string(rune('a'+i)), s)
				c.change(t, s, u, secret, token)
				su, err := s.SessionUser(ctx, secret)
				_, terr := s.TokenUser(ctx, token)
				c.check(t, su, err, terr)
			})
		})
	}
}

// Two instances on one database: a change made on one takes effect on the
// other once it reads the auth version (at most authRecheck after it last
// did); until then the other answers from what it keeps.
func TestAuthCacheTwoInstances(t *testing.T) {
	ctx := context.Background()
	for i, c := range authChanges(ctx) {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
				loadExample(t, a)
				b.SetAuthRecheckForTest(time.Hour)
				u, secret, token := signIn(t, a, "user"+string(rune('a'+i)), a, b)
				c.change(t, a, u, secret, token)
				// b has not read the auth version since: it still answers
				// as before the change.
				if su, err := b.SessionUser(ctx, secret); err != nil || su.Role != auth.RoleReporter || len(su.Scope) != 1 {
					t.Fatalf("b before it reads the version: %+v, %v", su, err)
				}
				b.SetAuthRecheckForTest(0)
				su, err := b.SessionUser(ctx, secret)
				_, terr := b.TokenUser(ctx, token)
				c.check(t, su, err, terr)
			})
		})
	}
}

// An identity kept in memory still expires when its session does.
func TestAuthCacheExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadExample(t, s)
		now := time.Date(2022, 7, 1, 9, 0, 0, 0, time.UTC)
		s.SetClockForTest(func() time.Time { return now })
		s.SetAuthRecheckForTest(time.Hour)
		u, secret, _ := signIn(t, s, "sjd", s)
		if su, err := s.SessionUser(ctx, secret); err != nil || su.ID != u.ID {
			t.Fatalf("SessionUser = %+v, %v", su, err)
		}
		now = now.Add(time.Hour)
		if _, err := s.SessionUser(ctx, secret); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("session at its expiry: %v", err)
		}
	})
}

// A form's authorization resource (which units lead its tasks) is kept in
// memory too: a plan edit giving a task another lead unit takes effect at
// once on the instance that makes it, and on another once it reads the
// auth version.
func TestFormResourceFollowsPlanEdits(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
		planID, july := openJulyRound(t, a)
		a.SetAuthRecheckForTest(time.Hour)
		b.SetAuthRecheckForTest(time.Hour)
		f := formOf(t, a, july, "三家店街道")
		kgj, jrb := unitID(t, a, "区科工局"), unitID(t, a, "区金融办")
		before, err := a.FormResource(ctx, f.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.FormResource(ctx, f.PublicID); err != nil {
			t.Fatal(err)
		}
		led := before.Leads[kgj]
		if len(led) == 0 {
			t.Fatalf("区科工局 leads no task of the form: %+v", before)
		}
		doc, err := a.Plan(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		var task plan.DocTask
		var section int64
		for _, sec := range doc.Sections {
			for _, tk := range sec.Tasks {
				if tk.ID == led[0] {
					task, section = tk, sec.ID
				}
			}
		}
		if slices.Contains(before.Leads[jrb], task.ID) {
			t.Fatalf("区金融办 leads task %s already", task.Number)
		}
		task.LeadUnits = append(task.LeadUnits, "区金融办")
		if _, err := a.SaveTask(ctx, planID, section, task); err != nil {
			t.Fatal(err)
		}
		leads := func(s *store.Store, unit int64) bool {
			t.Helper()
			res, err := s.FormResource(ctx, f.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			return slices.Contains(res.Leads[unit], task.ID)
		}
		if !leads(a, jrb) || !leads(a, kgj) {
			t.Errorf("a: the task's new lead unit is not there at once")
		}
		if leads(b, jrb) {
			t.Errorf("b has the new lead unit before it read the auth version")
		}
		b.SetAuthRecheckForTest(0)
		if !leads(b, jrb) || !leads(b, kgj) {
			t.Errorf("b: the task's new lead unit is not there once it read the auth version")
		}
	})
}

// The organisation of an object a route names is kept like a form's
// resource: a plan deleted on one instance is gone there at once, and on
// another once it reads the auth version; a register object's organisation
// (a keyword, deleted without moving the auth version) is never kept.
func TestObjectOrgFollowsDeletion(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
		planID, _ := loadExample(t, a)
		a.SetAuthRecheckForTest(time.Hour)
		b.SetAuthRecheckForTest(time.Hour)
		id := strconv.FormatInt(planID, 10)
		for _, s := range []*store.Store{a, b} {
			if _, err := s.ObjectOrg(ctx, "plan", id); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.DeletePlan(ctx, planID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ObjectOrg(ctx, "plan", id); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a, the plan deleted: %v, want ENOTFOUND at once", err)
		}
		if _, err := b.ObjectOrg(ctx, "plan", id); err != nil {
			t.Errorf("b before it read the auth version: %v (kept for up to authRecheck)", err)
		}
		b.SetAuthRecheckForTest(0)
		if _, err := b.ObjectOrg(ctx, "plan", id); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("b once it read the auth version: %v, want ENOTFOUND", err)
		}

		b.SetAuthRecheckForTest(time.Hour)
		kw, err := a.AddAttributionKeyword(ctx, unitID(t, a, "三家店街道"), "青云谱")
		if err != nil {
			t.Fatal(err)
		}
		kid := strconv.FormatInt(kw, 10)
		if _, err := b.ObjectOrg(ctx, "keyword", kid); err != nil {
			t.Fatal(err)
		}
		if err := a.DeleteAttributionKeyword(ctx, kw); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ObjectOrg(ctx, "keyword", kid); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("b, the keyword deleted on a: %v, want ENOTFOUND at once", err)
		}
	})
}
