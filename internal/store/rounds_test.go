package store_test

import (
	"context"
	"strings"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// openJulyRound loads the 2022 plan and opens its July round.
func openJulyRound(t *testing.T, s *store.Store) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	planID, _ := loadExample(t, s)
	// The reporting path: the goals the plan binds to register definitions
	// are made reported again (the admin's choice), so forms ask for them.
	storetest.UnbindAll(t, s, planID)
	id, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.OpenRound(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	return planID, id
}

func formOf(t *testing.T, s *store.Store, roundID int64, unit string) *plan.Form {
	t.Helper()
	forms, err := s.RoundForms(context.Background(), roundID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		if f.UnitName == unit {
			form, err := s.Form(context.Background(), f.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			return form
		}
	}
	t.Fatalf("no form for %s", unit)
	return nil
}

// fill answers every entry of a form.
func fill(f *plan.Form, value map[string]string) store.FormEdit {
	e := store.FormEdit{Version: f.Version, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}, Seconds: 300}
	for _, t := range f.Tasks {
		e.Tasks[t.TaskID] = plan.FormTask{Status: plan.TaskInProgress, Progress: "按计划推进" + t.Number, Problems: "无"}
	}
	for _, v := range f.Values {
		d := plan.MustDecimal(value[v.Indicator])
		e.Values[v.GoalID] = plan.FormValue{Value: &d, Note: "台账"}
	}
	return e
}

func TestRoundLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, roundID := openJulyRound(t, s)
		admin := &auth.User{ID: 0, Username: "admin", Role: auth.RoleAdmin}

		forms, err := s.RoundForms(ctx, roundID)
		if err != nil {
			t.Fatal(err)
		}
		// 11 departments and 7 sub-units lead, share or are allocated something.
		if len(forms) != 18 {
			t.Errorf("%d forms, want 18", len(forms))
		}
		f := formOf(t, s, roundID, "徐家坊街道")
		if len(f.Tasks) != 11 || len(f.Values) != 3 || f.State != plan.FormEmpty || f.Version != 0 {
			t.Fatalf("徐家坊街道's form: %d tasks, %d values, %s v%d", len(f.Tasks), len(f.Values), f.State, f.Version)
		}
		if f.Values[1].Indicator != "高新技术企业" || f.Values[1].Target.String() != "19" {
			t.Errorf("allocated target %s %s, want 高新技术企业 19", f.Values[1].Indicator, f.Values[1].Target)
		}

		// Submitting an incomplete form writes nothing.
		e := fill(f, map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "1.25"})
		bad := e
		bad.Values = map[int64]plan.FormValue{f.Values[1].GoalID: {Value: ptr(plan.MustDecimal("12.5"))}}
		bad.Submit = true
		if _, err := s.SaveForm(ctx, f.PublicID, bad, admin); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "应为整数") {
			t.Fatalf("12.5 enterprises: %v", err)
		}
		if again := formOf(t, s, roundID, "徐家坊街道"); again.Version != 0 || again.Values[1].Value != nil {
			t.Fatal("a refused submission left changes")
		}

		// Save a draft, then a stale save is a conflict.
		saved, err := s.SaveForm(ctx, f.PublicID, e, admin)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != 1 || saved.State != plan.FormDraft || saved.TypedFields == 0 {
			t.Errorf("draft: v%d %s typed %d", saved.Version, saved.State, saved.TypedFields)
		}
		if _, err := s.SaveForm(ctx, f.PublicID, e, admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("stale save: %v, want ECONFLICT", err)
		}
		e.Version, e.Submit = 1, true
		if _, err := s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
			t.Fatal(err)
		}
		e.Version = 2
		if _, err := s.SaveForm(ctx, f.PublicID, e, admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("editing a submitted form: %v", err)
		}

		// Returned, resubmitted, approved: values reach the plan.
		if err := s.ReviewForm(ctx, f.PublicID, 2, store.Return, "", admin); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("return without a reason: %v", err)
		}
		if err := s.ReviewForm(ctx, f.PublicID, 2, store.Return, "高新技术企业数请附名单", admin); err != nil {
			t.Fatal(err)
		}
		e.Version = 3
		if _, err := s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
			t.Fatalf("resubmit after return: %v", err)
		}
		lead := &auth.User{Username: "kgj", Role: auth.RoleReporter, UnitID: 2}
		if err := s.ReviewForm(ctx, f.PublicID, 4, store.Approve, "", lead); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("a lead unit approving: %v", err)
		}
		if err := s.ReviewForm(ctx, f.PublicID, 4, store.Approve, "", admin); err != nil {
			t.Fatal(err)
		}
		versions, _ := s.FormVersions(ctx, f.PublicID)
		if len(versions) != 6 || versions[0].State != plan.FormApproved || versions[2].Comment != "高新技术企业数请附名单" {
			t.Errorf("versions %+v", versions)
		}
		v0, err := s.FormVersion(ctx, f.PublicID, 0)
		if err != nil || v0.Values[1].Value != nil {
			t.Errorf("version 0 should be the empty prefill: %v", err)
		}
		progress, err := s.ProgressSource(ctx, planID, 0)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := s.Plan(ctx, planID)
		if got, ok := plan.GoalActual(doc.Goals[2], progress.Values); !ok || got.String() != "12" {
			t.Errorf("高新技术企业 actual = %s, %v; want 12 from 徐家坊街道", got, ok)
		}
		if _, ok := plan.GoalActual(doc.Goals[0], progress.Values); ok {
			t.Error("the R&D ratio is not a sum of units")
		}
		comments, _ := s.FormComments(ctx, f.PublicID)
		if len(comments) != 1 {
			t.Errorf("comments %+v", comments)
		}

		// The next round opens prefilled from the approved report.
		aug, _ := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
		if err := s.OpenRound(ctx, aug, nil); err != nil {
			t.Fatal(err)
		}
		next := formOf(t, s, aug, "徐家坊街道")
		if next.Values[1].Value == nil || next.Values[1].Value.String() != "12" || next.Tasks[0].Progress == "" || next.CarriedFields == 0 {
			t.Errorf("August form not prefilled: %+v", next.Values[1])
		}
		e2 := store.FormEdit{Version: next.Version, Values: map[int64]plan.FormValue{next.Values[1].GoalID: {Value: ptr(plan.NewDecimal(14)), Note: "台账"}}, Seconds: 60}
		after, err := s.SaveForm(ctx, next.PublicID, e2, admin)
		if err != nil {
			t.Fatal(err)
		}
		if after.TypedFields != 1 {
			t.Errorf("changing one value typed %d fields, want 1 (the rest carried: %d)", after.TypedFields, after.CarriedFields)
		}
		if err := s.OpenRound(ctx, aug, nil); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("opening twice: %v", err)
		}
		if err := s.CloseRound(ctx, roundID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAttachment(ctx, f.PublicID, f.Tasks[0].TaskID, "a.pdf", "application/pdf", []byte("%PDF"), admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("attachment on a closed round: %v", err)
		}
	})
}

func TestFormResourceAndAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, roundID := openJulyRound(t, s)
		f := formOf(t, s, roundID, "三家店街道")
		res, err := s.FormResource(ctx, f.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		kgj := unitID(t, s, "区科工局")
		leads := map[int64]bool{}
		for id, tasks := range res.Leads {
			leads[id] = len(tasks) > 0
		}
		if res.UnitID != unitID(t, s, "三家店街道") || !leads[kgj] || !leads[unitID(t, s, "区金融办")] || leads[unitID(t, s, "洪都街道")] {
			t.Errorf("resource %+v", res)
		}
		if _, err := s.FormResource(ctx, "0000"); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("unknown form: %v", err)
		}
		id, err := s.AddAttachment(ctx, f.PublicID, f.Tasks[0].TaskID, "名单.pdf", "application/pdf", []byte("%PDF-1.4 test"), nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.AttachmentData(ctx, id)
		if err != nil || string(a.Data) != "%PDF-1.4 test" || a.FormID != f.PublicID || len(a.SHA256) != 64 {
			t.Fatalf("attachment %+v %v", a, err)
		}
		again, _ := s.Form(ctx, f.PublicID)
		if again.Tasks[0].Attachments != 1 {
			t.Errorf("attachment count %d", again.Tasks[0].Attachments)
		}
		if _, err := s.AddAttachment(ctx, f.PublicID, 999999, "x.pdf", "application/pdf", []byte("x"), nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("attachment on a task not on the form: %v", err)
		}
		if err := s.DeleteAttachment(ctx, id); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Attachments(ctx, f.PublicID); len(list) != 0 {
			t.Errorf("%d attachments after delete", len(list))
		}
	})
}

func ptr[T any](v T) *T { return &v }
