package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// Whatever changes what FormAs answers for a viewer moves the form's stamp
// (FormStamp), so that a kept answer is never served past it: on the
// instance that made the change at once, and on another sharing the
// database once it reads the auth version. Each change is made on a and
// judged on a and on b; changes that show nothing on the form (a closure,
// milestones) may leave the stamp alone.
func TestFormStampMovesWithWhatFormAsShows(t *testing.T) {
	ctx := context.Background()
	type change struct {
		name string
		do   func(t *testing.T, s *store.Store, planID int64, f *plan.Form)
	}
	findTask := func(t *testing.T, s *store.Store, planID, taskID int64) (int64, plan.DocTask) {
		t.Helper()
		doc, err := s.Plan(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range doc.Sections {
			for _, tk := range sec.Tasks {
				if tk.ID == taskID {
					return sec.ID, tk
				}
			}
		}
		t.Fatalf("no task %d", taskID)
		return 0, plan.DocTask{}
	}
	admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
	changes := []change{
		{"unit renamed", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			dir, err := s.Directory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range dir.Units {
				if u.ID == f.UnitID {
					u.ShortName = "三家店"
					if _, err := s.SaveUnit(ctx, u); err != nil {
						t.Fatal(err)
					}
				}
			}
		}},
		{"task reworded", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			sec, tk := findTask(t, s, planID, f.Tasks[0].TaskID)
			tk.Title, tk.Text = "改写后的任务", "改写后的任务内容"
			if _, err := s.SaveTask(ctx, planID, sec, tk); err != nil {
				t.Fatal(err)
			}
		}},
		{"section retitled", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			doc, _ := s.Plan(ctx, planID)
			sec, _ := findTask(t, s, planID, f.Tasks[0].TaskID)
			for _, x := range doc.Sections {
				if x.ID == sec {
					x.Title = "改写后的行动"
					if _, err := s.SaveSection(ctx, planID, x); err != nil {
						t.Fatal(err)
					}
				}
			}
		}},
		{"goal reworded", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			doc, _ := s.Plan(ctx, planID)
			for _, g := range doc.Goals {
				if len(f.Values) > 0 && g.ID == f.Values[0].GoalID {
					g.Text = g.Text + "（改）"
					if _, err := s.SaveGoal(ctx, planID, g); err != nil {
						t.Fatal(err)
					}
				}
			}
		}},
		{"lead changed", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			sec, tk := findTask(t, s, planID, f.Tasks[0].TaskID)
			tk.LeadUnits, tk.ResponsibleUnits = tk.ResponsibleUnits, tk.LeadUnits
			if len(tk.LeadUnits) == 0 {
				tk.LeadUnits = []string{"三家店街道"}
			}
			if _, err := s.SaveTask(ctx, planID, sec, tk); err != nil {
				t.Fatal(err)
			}
		}},
		{"evidence added", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			if _, err := s.AddAttachment(ctx, f.PublicID, f.Tasks[0].TaskID, "a.pdf", "application/pdf", []byte("%PDF-1.4"), admin); err != nil {
				t.Fatal(err)
			}
		}},
		{"task archived", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			if err := s.SetTaskArchived(ctx, planID, f.Tasks[0].TaskID, true); err != nil {
				t.Fatal(err)
			}
		}},
		{"milestones", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			if err := s.SaveMilestones(ctx, planID, f.Tasks[0].TaskID, []plan.Milestone{{TaskID: f.Tasks[0].TaskID, Description: "完成方案", DueOn: "2022-09-30"}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"round edited", func(t *testing.T, s *store.Store, planID int64, f *plan.Form) {
			r, err := s.Round(ctx, f.RoundID)
			if err != nil {
				t.Fatal(err)
			}
			r.DueOn, r.ConfirmOutsideYear = "2022-08-20", true
			if err := s.UpdateRound(ctx, *r); err != nil {
				t.Fatal(err)
			}
		}},
	}
	// The changes every viewer's answer shows, at least one of them.
	shows := map[string]bool{"unit renamed": true, "task reworded": true, "section retitled": true, "goal reworded": true, "lead changed": true, "evidence added": true}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
				planID, july := openJulyRound(t, a)
				f := formOf(t, a, july, "三家店街道")
				viewers := []*auth.User{admin, {Username: "leader", Role: auth.RoleLeader},
					{Username: "sjd", Role: auth.RoleReporter, UnitID: unitID(t, a, "三家店街道")},
					{Username: "kgj", Role: auth.RoleReporter, UnitID: unitID(t, a, "区科工局")}}
				type seen struct {
					body  string
					stamp store.FormStamp
				}
				read := func(s *store.Store) []seen {
					t.Helper()
					res, err := s.FormResource(ctx, f.PublicID)
					if err != nil {
						t.Fatal(err)
					}
					var out []seen
					for _, u := range viewers {
						got, st, err := s.FormAs(ctx, f.PublicID, u, res)
						if err != nil {
							t.Fatal(err)
						}
						body, _ := json.Marshal(got)
						out = append(out, seen{string(body), st})
					}
					return out
				}
				a.SetAuthRecheckForTest(time.Hour)
				b.SetAuthRecheckForTest(0)
				read(b) // b has read the auth version
				b.SetAuthRecheckForTest(time.Hour)
				beforeA, beforeB := read(a), read(b)
				c.do(t, a, planID, f)
				stampA, err := a.FormStamp(ctx, f.PublicID)
				if err != nil {
					t.Fatal(err)
				}
				b.SetAuthRecheckForTest(0)
				stampB, err := b.FormStamp(ctx, f.PublicID)
				if err != nil {
					t.Fatal(err)
				}
				afterA := read(a)
				changed := false
				for i, u := range viewers {
					changed = changed || afterA[i].body != beforeA[i].body
					if afterA[i].body != beforeA[i].body && stampA == beforeA[i].stamp {
						t.Errorf("a, %s: the answer changed, the stamp %+v did not:\n%s\n%s", u.Username, stampA, beforeA[i].body, afterA[i].body)
					}
					if afterA[i].body != beforeB[i].body && stampB == beforeB[i].stamp {
						t.Errorf("b, %s: the answer changed, the stamp %+v did not", u.Username, stampB)
					}
				}
				if shows[c.name] && !changed {
					t.Errorf("no viewer's answer changed: the change was not made")
				}
			})
		})
	}
}
