package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// definitionsCycle binds a plan's goals to every kind of definition in
// turn, so that each way a goal is computed from the registers is read.
var definitionsCycle = []plan.Definition{
	{Kind: plan.DefSMECount},
	{Kind: plan.DefHighTechCount},
	{Kind: plan.DefContractSum, Params: plan.DefinitionParams{Side: plan.SideBuyer}},
	{Kind: plan.DefPatentDensity},
	{Kind: plan.DefRDIntensity},
	{Kind: plan.DefNewPlatforms},
}

// TestProgressStatements pins how many statements reading a plan's
// progress sends (each a round trip on PostgreSQL): the same at any size —
// units, goals computed from the registers, rounds before the one judged —
// so that no per-goal or per-round loop creeps back in.
func TestProgressStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		type count struct{ open, closed int }
		sizes := []struct{ units, goals, rounds int }{{3, 6, 3}, {6, 12, 5}}
		var counts []count
		for _, size := range sizes {
			planID, last, err := storetest.SeedProvince(s, size.units, size.goals, size.rounds)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := s.Plan(ctx, planID)
			if err != nil {
				t.Fatal(err)
			}
			for j, g := range doc.Goals {
				if err := s.BindGoal(ctx, g.ID, definitionsCycle[j%len(definitionsCycle)]); err != nil {
					t.Fatal(err)
				}
			}
			rounds, err := s.Rounds(ctx, planID)
			if err != nil {
				t.Fatal(err)
			}
			var c count
			src, n, err := s.ProgressSourceStatementsForTest(ctx, planID, last, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(src.Computed) != size.goals*size.rounds {
				t.Errorf("%d computed figures, want %d", len(src.Computed), size.goals*size.rounds)
			}
			c.open = n
			if _, c.closed, err = s.ProgressSourceStatementsForTest(ctx, planID, rounds[1].ID, nil); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d units × %d goals × %d rounds: %d statements at the open round, %d at a closed one", size.units, size.goals, size.rounds, c.open, c.closed)
			counts = append(counts, c)
		}
		if counts[0] != counts[1] {
			t.Errorf("statements grow with the plan: %v", fmt.Sprint(counts))
		}
	})
}

// TestProgressStatementsSeed is the same on the seed plan, whose goals are
// bound to their indicators' default definitions: one round or three.
func TestProgressStatementsSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		var counts []int
		for _, asOf := range []string{"2022-06-30", "2022-07-31", "2022-08-31"} {
			id, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: asOf, AsOf: asOf, OpensOn: asOf, DueOn: asOf})
			if err == nil {
				err = s.OpenRound(ctx, id, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			src, n, err := s.ProgressSourceStatementsForTest(ctx, planID, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(src.Bindings) == 0 || len(src.Computed) != len(src.Bindings)*(len(counts)+1) {
				t.Errorf("%d computed figures of %d bound goals", len(src.Computed), len(src.Bindings))
			}
			counts = append(counts, n)
		}
		t.Logf("seed plan, 1 to 3 rounds: %v statements", counts)
		if counts[0] != counts[2] {
			t.Errorf("statements grow with the rounds: %v", counts)
		}
	})
}

// TestProgressStatementsRollUp is the same on a city plan whose rows roll
// up from a district's own plan: the district's plan is read once however
// many round dates the city's trend has.
func TestProgressStatementsRollUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := loadChain(t, s)
		c.linkToCity(t, s, "科技型中小企业", "技术合同成交额")
		var counts []int
		for _, asOf := range []string{"2022-06-30", "2022-07-31", "2022-08-31"} {
			openRound(t, s, c.district, asOf, asOf[:8]+"20")
			id := openRound(t, s, c.city, asOf, asOf)
			src, n, err := s.ProgressSourceStatementsForTest(ctx, c.city, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if src.LinkedPlans[c.district] == "" {
				t.Fatalf("linked plans %v", src.LinkedPlans)
			}
			counts = append(counts, n)
		}
		t.Logf("city plan rolled up from a district's, 1 to 3 rounds: %v statements", counts)
		if counts[0] != counts[2] {
			t.Errorf("statements grow with the rounds: %v", counts)
		}
	})
}

// TestProgressSourceSinceASubmission: given the source read before a
// submission, the read after it takes the figures from it and sends four
// statements (the versions, the plan's reach, the reports, the forms),
// and gives what a fresh read gives; after an approval it reads everything.
func TestProgressSourceSinceASubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, july := openJulyRound(t, s)
		before, full, err := s.ProgressSourceStatementsForTest(ctx, planID, july, nil)
		if err != nil {
			t.Fatal(err)
		}
		f := formOf(t, s, july, "三家店街道")
		e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})
		e.Submit = true
		saved, err := s.SaveForm(ctx, f.PublicID, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		same := func(stage string, got *store.ProgressSource) {
			t.Helper()
			fresh, err := s.ProgressSource(ctx, planID, july)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(fresh)
			if string(g) != string(w) || got.Version != fresh.Version || got.Figures != fresh.Figures {
				t.Errorf("%s: the source differs from a fresh read", stage)
			}
		}
		after, n, err := s.ProgressSourceStatementsForTest(ctx, planID, july, before)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 || after.Figures != before.Figures || after.Version == before.Version {
			t.Errorf("after a submission: %d statements (a full read: %d), figures %d → %d, version %d → %d", n, full, before.Figures, after.Figures, before.Version, after.Version)
		}
		same("after a submission", after)
		if err := s.ReviewForm(ctx, f.PublicID, saved.Version, store.Approve, "", &auth.User{Username: "admin", Role: auth.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		approved, n, err := s.ProgressSourceStatementsForTest(ctx, planID, july, after)
		if err != nil {
			t.Fatal(err)
		}
		if n != full || approved.Figures == after.Figures || len(approved.Values) == len(after.Values) {
			t.Errorf("after an approval: %d statements (a full read: %d), figures %d → %d, %d values", n, full, after.Figures, approved.Figures, len(approved.Values))
		}
		same("after an approval", approved)
	})
}
