package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestConcurrentSavesOfOneVersion: several people saving (or reviewing)
// the same version of a form at once — exactly one goes through, the others
// hear ECONFLICT; nobody gets an internal error, on either database.
func TestConcurrentSavesOfOneVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, roundID := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		for trial := 0; trial < 5; trial++ {
			f := formOf(t, s, roundID, "三家店街道")
			results := race(6, func(i int) error {
				e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"})
				e.Submit = trial == 4
				_, err := s.SaveForm(ctx, f.PublicID, e, admin)
				return err
			})
			checkOneWins(t, "save", results)
		}
		f := formOf(t, s, roundID, "三家店街道") // submitted in the last trial
		if f.State != plan.FormSubmitted {
			t.Fatalf("form is %s", f.State.Label())
		}
		results := race(6, func(i int) error {
			decision, comment := store.Approve, ""
			if i%2 == 1 {
				decision, comment = store.Return, "请补充"
			}
			return s.ReviewForm(ctx, f.PublicID, f.Version, decision, comment, admin)
		})
		checkOneWins(t, "review", results)
		versions, err := s.FormVersions(ctx, f.PublicID)
		if err != nil || len(versions) != 7 { // prefill, 5 saves, one review
			t.Errorf("%d versions, want 7: %v", len(versions), err)
		}
	})
}

// race runs n calls of fn at once and returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

func checkOneWins(t *testing.T, what string, errs []error) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch plan.ErrorCode(err) {
		case "":
			wins++
		case plan.ECONFLICT:
		default:
			t.Errorf("%s: %v, want success or ECONFLICT", what, err)
		}
	}
	if wins != 1 {
		t.Errorf("%s: %d succeeded, want exactly 1", what, wins)
	}
}

// TestFirstSavesBesideReviews: first saves (which count a change of the
// round's list themselves) and reviews (counted by the audit log) of
// different forms at once all go through — found by the load test as a
// PostgreSQL deadlock when the two took the data version's row and the
// audit lock in opposite orders.
func TestFirstSavesBesideReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, roundID := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		summaries, err := s.RoundForms(ctx, roundID)
		if err != nil {
			t.Fatal(err)
		}
		var forms []*plan.Form
		for _, sum := range summaries {
			f, err := s.Form(ctx, sum.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			forms = append(forms, f)
		}
		for trial := 0; trial < 3; trial++ {
			// Even forms are submitted and wait for review; odd ones are
			// untouched (or were returned): their save changes their state.
			for i, f := range forms {
				if i%2 == 0 {
					if f.State != plan.FormSubmitted {
						e := fillAll(f)
						e.Submit = true
						if forms[i], err = s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			errs := race(len(forms), func(i int) error {
				f := forms[i]
				if i%2 == 0 {
					return s.ReviewForm(ctx, f.PublicID, f.Version, store.Return, "请补充", admin)
				}
				_, err := s.SaveForm(ctx, f.PublicID, fillAll(f), admin)
				return err
			})
			for i, err := range errs {
				if err != nil {
					t.Errorf("trial %d, form %d: %v", trial, i, err)
				}
			}
			for i := range forms {
				if forms[i], err = s.Form(ctx, forms[i].PublicID); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// A save the transaction would refuse — made on a version since taken, or
// of a form already submitted, or in a round since closed — is refused by
// one read before any write begins, with the transaction's own words: the
// round's and the form's state come before the version, as in the
// transaction.
func TestSavesRefusedBeforeWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, roundID := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		f := formOf(t, s, roundID, "三家店街道")
		e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"})
		saved, err := s.SaveForm(ctx, f.PublicID, e, admin)
		if err != nil {
			t.Fatal(err)
		}
		refused := func(what string, version int, want string) {
			t.Helper()
			e.Version = version
			_, err := s.SaveForm(ctx, f.PublicID, e, admin)
			if plan.ErrorCode(err) != plan.ECONFLICT || !strings.Contains(plan.ErrorMessage(err), want) {
				t.Errorf("%s: %v, want ECONFLICT %q", what, err, want)
			}
		}
		refused("a version since taken", f.Version, "已被他人修改（您打开的是第 0 版，现为第 1 版）")
		e.Version, e.Submit = saved.Version, true
		if saved, err = s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
			t.Fatal(err)
		}
		e.Submit = false
		refused("the current version of a submitted form", saved.Version, "此表已报，不能再修改")
		refused("an old version of a submitted form", f.Version, "此表已报，不能再修改")
		if err := s.CloseRound(ctx, roundID); err != nil {
			t.Fatal(err)
		}
		refused("a closed round", saved.Version, "本轮调度已结束，不能再修改")
		if versions, _ := s.FormVersions(ctx, f.PublicID); len(versions) != 3 { // prefill, draft, submission
			t.Errorf("%d versions, want 3", len(versions))
		}
	})
}

// Two instances on one database racing one version: the turns each takes
// of the form are its own, and the database still lets exactly one win.
func TestConcurrentSavesOnTwoInstances(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
		_, roundID := openJulyRound(t, a)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		for trial := 0; trial < 3; trial++ {
			f := formOf(t, a, roundID, "三家店街道")
			results := race(6, func(i int) error {
				s := a
				if i%2 == 1 {
					s = b
				}
				e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"})
				_, err := s.SaveForm(ctx, f.PublicID, e, admin)
				return err
			})
			checkOneWins(t, "save", results)
		}
	})
}
