package store_test

import (
	"context"
	"math"
	"strings"
	"testing"

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

// TestRoundWithAUnitTwice: the same unit given twice is in scope once (it
// was a 500: the second insert broke the primary key).
func TestRoundWithAUnitTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		sjd, hd := unitID(t, s, "三家店街道"), unitID(t, s, "洪都街道")
		ids := []int64{sjd, hd, sjd}
		id, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", UnitIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		if ids[2] != sjd {
			t.Error("CreateRound changed the caller's slice")
		}
		r, err := s.Round(ctx, id)
		if err != nil || len(r.UnitIDs) != 2 {
			t.Fatalf("round units %v, %v; want 2", r.UnitIDs, err)
		}
		if err := s.OpenRound(ctx, id, nil); err != nil {
			t.Fatal(err)
		}
		if forms, _ := s.RoundForms(ctx, id); len(forms) != 2 {
			t.Errorf("%d forms, want 2", len(forms))
		}
	})
}
