package store_test

import (
	"context"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// TestInstancesRefuseWhatTheDatabaseWould: each instance answers a save it
// already knows to be stale from the last change it committed, without a
// read; with two instances on one database, what one knows may be older
// than what the other committed, and each answer is still the
// database's: a conflict where the database would refuse, and the save
// where it would take it. A refusal names the version the instance knows
// (the database's or an older one, which the next save gets past), and
// the state it committed only for a second.
func TestInstancesRefuseWhatTheDatabaseWould(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a := storetest.Open(t, dsn)
		_, july := openJulyRound(t, a)
		b := storetest.Open(t, dsn)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		f := formOf(t, a, july, "三家店街道")
		e := fillAll(f)
		save := func(s *store.Store, version int, submit bool) (*plan.Form, error) {
			e.Version, e.Submit = version, submit
			return s.SaveForm(ctx, f.PublicID, e, nil)
		}
		conflict := func(step string, err error, current *plan.Current) {
			t.Helper()
			if plan.ErrorCode(err) != plan.ECONFLICT {
				t.Fatalf("%s: %v, want a conflict", step, err)
			}
			if got := plan.CurrentOf(err); (got == nil) != (current == nil) || got != nil && *got != *current {
				t.Errorf("%s: names %+v, want %+v", step, got, current)
			}
		}
		if _, err := save(a, 0, false); err != nil { // a knows version 1
			t.Fatal(err)
		}
		if _, err := save(b, 1, false); err != nil { // b knows version 2
			t.Fatal(err)
		}
		_, err := save(a, 1, false)
		conflict("a on version 1, stored at 2 by b", err, &plan.Current{Version: 2, State: "draft"})
		_, err = save(a, 0, false)
		conflict("a on version 0, which a knows is stale", err, &plan.Current{Version: 1, State: "draft"})
		if _, err := save(b, 2, true); err != nil { // submitted: version 3
			t.Fatal(err)
		}
		_, err = save(a, 3, false)
		conflict("a on version 3, submitted on b", err, &plan.Current{Version: 3, State: "submitted"})
		if err := a.ReviewForm(ctx, f.PublicID, 2, store.Return, "请补充", admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Fatalf("a returns version 2: %v, want a conflict", err)
		}
		if err := a.ReviewForm(ctx, f.PublicID, 3, store.Return, "请补充", admin); err != nil { // returned: version 4
			t.Fatal(err)
		}
		_, err = save(b, 3, false)
		conflict("b on version 3, which b submitted a moment ago", err, &plan.Current{Version: 3, State: "submitted"})
		time.Sleep(time.Second) // store.turnKnown: b no longer takes the state it committed for the form's
		_, err = save(b, 3, false)
		conflict("b on version 3, returned on a", err, &plan.Current{Version: 4, State: "returned"})
		saved, err := save(b, 4, false)
		if err != nil || saved.Version != 5 {
			t.Fatalf("b on version 4, returned on a: %v, want version 5", err)
		}
		if stored, err := a.Form(ctx, f.PublicID); err != nil || stored.Version != 5 || stored.State != plan.FormDraft {
			t.Errorf("stored: %+v, %v; want version 5, a draft", stored, err)
		}
	})
}
