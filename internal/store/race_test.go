package store_test

import (
	"context"
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
