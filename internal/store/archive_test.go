package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// approvedForm fills, submits and approves 三家店街道's form in the round,
// with an evidence file and a comment on its first task.
func approvedForm(t *testing.T, s *store.Store, roundID int64) *plan.Form {
	t.Helper()
	ctx := context.Background()
	admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
	f := formOf(t, s, roundID, "三家店街道")
	if _, err := s.AddAttachment(ctx, f.PublicID, f.Tasks[0].TaskID, "名单.pdf", "application/pdf", []byte("%PDF-1.4 名单"), nil); err != nil {
		t.Fatal(err)
	}
	e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})
	e.Submit = true
	if _, err := s.SaveForm(ctx, f.PublicID, e, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.ReviewForm(ctx, f.PublicID, 1, store.Approve, "", admin); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFormComment(ctx, f.PublicID, f.Tasks[0].TaskID, "进展清楚", admin); err != nil {
		t.Fatal(err)
	}
	return formOf(t, s, roundID, "三家店街道")
}

// sectionOf returns the action holding a task.
func sectionOf(t *testing.T, doc *plan.Document, taskID int64) plan.DocSection {
	t.Helper()
	for _, sec := range doc.Sections {
		for _, task := range sec.Tasks {
			if task.ID == taskID {
				return sec
			}
		}
	}
	t.Fatalf("task %d is in no section", taskID)
	return plan.DocSection{}
}

// TestNothingReportedIsDestroyed: once a unit has reported, neither the
// store nor plain SQL can delete the unit, its round, or the tasks and
// goals of its form; the form stays approved with everything on it.
func TestNothingReportedIsDestroyed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, roundID := openJulyRound(t, s)
		f := approvedForm(t, s, roundID)
		if f.State != plan.FormApproved {
			t.Fatalf("form is %s, want approved", f.State)
		}
		sjd := unitID(t, s, "三家店街道")
		task, goal := f.Tasks[0], f.Values[0]
		doc, _ := s.Plan(ctx, planID)
		sec := sectionOf(t, doc, task.TaskID)

		refusals := []struct {
			name string
			del  func() error
			want []string
		}{
			{"unit", func() error { return s.DeleteUnit(ctx, sjd) },
				[]string{"三家店街道已有 1 份填报表（2022年7月调度），不能删除；可改为归档：归档后不再出现在新的调度中，历史填报和数据保留。"}},
			{"task", func() error { return s.DeleteTask(ctx, planID, task.TaskID) },
				[]string{"任务 " + task.Number + "“" + task.Title + "”已在 ", " 份填报表中（2022年7月调度），不能删除；可改为归档"}},
			{"goal", func() error { return s.DeleteGoal(ctx, planID, goal.GoalID) },
				[]string{"目标“" + goal.Indicator + "”已在 ", "份填报表中（2022年7月调度），不能删除；可改为归档"}},
			{"section", func() error { return s.DeleteSection(ctx, planID, sec.ID) },
				[]string{"行动“（" + sec.Number + "）" + sec.Title + "”下的任务 ", task.Number, "不能删除；可把这些任务改为归档"}},
			{"plan", func() error { return s.DeletePlan(ctx, planID) },
				[]string{"方案“2022年青云谱区科技创新基础大提升工作要点”已有 18 份填报表（2022年7月调度），不能删除", "已结束"}},
		}
		for _, r := range refusals {
			err := r.del()
			if plan.ErrorCode(err) != plan.ECONFLICT {
				t.Errorf("delete the %s: %v, want ECONFLICT", r.name, err)
				continue
			}
			for _, w := range r.want {
				if !strings.Contains(plan.ErrorMessage(err), w) {
					t.Errorf("delete the %s: %q lacks %q", r.name, plan.ErrorMessage(err), w)
				}
			}
		}

		// The database refuses as well, whoever asks.
		raw := []struct {
			name, query string
			id          int64
		}{
			{"unit", `DELETE FROM units WHERE id = $1`, sjd},
			{"task", `DELETE FROM tasks WHERE id = $1`, task.TaskID},
			{"goal", `DELETE FROM goals WHERE id = $1`, goal.GoalID},
			{"section", `DELETE FROM sections WHERE id = $1`, sec.ID},
			{"round", `DELETE FROM rounds WHERE id = $1`, roundID},
			{"plan", `DELETE FROM plans WHERE id = $1`, planID},
		}
		for _, r := range raw {
			err := s.ExecForTest(ctx, r.query, r.id)
			if err == nil {
				t.Errorf("plain SQL deleted the %s", r.name)
				continue
			}
			if mapped := store.ConstraintErrorForTest(err); plan.ErrorCode(mapped) != plan.ECONFLICT || !strings.Contains(plan.ErrorMessage(mapped), "仍被填报表等记录引用") {
				t.Errorf("plain SQL delete of the %s: %v, want a foreign key violation", r.name, err)
			}
		}

		after := formOf(t, s, roundID, "三家店街道")
		if !reflect.DeepEqual(after, f) {
			t.Errorf("the approved form changed:\n got %+v\nwant %+v", after, f)
		}
		if list, _ := s.Attachments(ctx, f.PublicID); len(list) != 1 {
			t.Errorf("%d attachments, want 1", len(list))
		}
		if cs, _ := s.FormComments(ctx, f.PublicID); len(cs) != 1 {
			t.Errorf("%d comments, want 1", len(cs))
		}
		if vs, _ := s.FormVersions(ctx, f.PublicID); len(vs) != 3 {
			t.Errorf("%d versions, want 3 (prefilled, submitted, approved)", len(vs))
		}
		if forms, _ := s.RoundForms(ctx, roundID); len(forms) != 18 {
			t.Errorf("%d forms in the round, want 18", len(forms))
		}
		p, err := s.ProgressSource(ctx, planID, 0)
		if err != nil {
			t.Fatal(err)
		}
		reported := 0
		for _, v := range p.Values {
			if v.UnitID == sjd {
				reported++
			}
		}
		if reported != 3 {
			t.Errorf("the plan's progress has %d approved values of 三家店街道, want 3", reported)
		}

		// A form nobody filled in can still go, its rows first and then
		// its round: what has not been reported is not protected.
		draft, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, draft, nil); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`DELETE FROM forms WHERE round_id = $1`, `DELETE FROM rounds WHERE id = $1`} {
			if err := s.ExecForTest(ctx, q, draft); err != nil {
				t.Fatalf("deleting an untouched round child-first: %v", err)
			}
		}
	})
}

// TestArchive: archived units, tasks and goals are left out of new rounds
// and stay on the old ones; restoring brings them back.
func TestArchive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, july := openJulyRound(t, s)
		f := approvedForm(t, s, july)
		xjf := formOf(t, s, july, "徐家坊街道")
		sjd := unitID(t, s, "三家店街道")
		task, goal := f.Tasks[0], f.Values[0]

		if err := s.SetUnitArchived(ctx, sjd, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTaskArchived(ctx, planID, task.TaskID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGoalArchived(ctx, planID, goal.GoalID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTaskArchived(ctx, planID+100, task.TaskID, true); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("archive a task of another plan: %v, want ENOTFOUND", err)
		}
		if err := s.SetGoalArchived(ctx, planID, 999999, true); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("archive a missing goal: %v, want ENOTFOUND", err)
		}
		if err := s.SetUnitArchived(ctx, 999999, true); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("archive a missing unit: %v, want ENOTFOUND", err)
		}
		dir, _ := s.Directory(ctx)
		if u, _ := dir.Unit(sjd); !u.Archived {
			t.Error("the directory does not show 三家店街道 archived")
		}
		if ref := dir.Index()["三家店街道"]; ref.UnitID != sjd {
			t.Error("an archived unit's name no longer resolves")
		}
		doc, _ := s.Plan(ctx, planID)
		for _, g := range doc.Goals {
			if g.Archived != (g.ID == goal.GoalID) {
				t.Errorf("goal %s archived = %v", g.Indicator, g.Archived)
			}
		}
		for _, sec := range doc.Sections {
			for _, x := range sec.Tasks {
				if x.Archived != (x.ID == task.TaskID) {
					t.Errorf("task %s archived = %v", x.Number, x.Archived)
				}
			}
		}
		// Archiving does not make a delete possible.
		if err := s.DeleteUnit(ctx, sjd); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("delete an archived unit with forms: %v", err)
		}

		aug, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, aug, nil); err != nil {
			t.Fatal(err)
		}
		forms, _ := s.RoundForms(ctx, aug)
		if len(forms) != 17 {
			t.Errorf("August round: %d forms, want 17", len(forms))
		}
		for _, x := range forms {
			if x.UnitID == sjd {
				t.Error("the archived unit has a form in the August round")
			}
		}
		xjfAug := formOf(t, s, aug, "徐家坊街道")
		if len(xjfAug.Tasks) != len(xjf.Tasks)-1 || len(xjfAug.Values) != len(xjf.Values)-1 {
			t.Errorf("徐家坊街道 in August: %d tasks, %d values; want %d, %d", len(xjfAug.Tasks), len(xjfAug.Values), len(xjf.Tasks)-1, len(xjf.Values)-1)
		}
		for _, x := range xjfAug.Tasks {
			if x.TaskID == task.TaskID {
				t.Error("the archived task is on a new form")
			}
		}
		for _, v := range xjfAug.Values {
			if v.GoalID == goal.GoalID {
				t.Error("the archived goal is on a new form")
			}
		}
		// The July round keeps everything.
		if again := formOf(t, s, july, "三家店街道"); !reflect.DeepEqual(again, f) {
			t.Errorf("三家店街道's July form changed:\n got %+v\nwant %+v", again, f)
		}
		if again := formOf(t, s, july, "徐家坊街道"); !reflect.DeepEqual(again, xjf) {
			t.Error("徐家坊街道's July form changed")
		}

		_, err = s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "三家店街道专项", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05", UnitIDs: []int64{sjd}})
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "三家店街道已归档，不能参加新的调度") {
			t.Errorf("a round with an archived unit chosen: %v, want EINVALID", err)
		}

		if err := s.SetUnitArchived(ctx, sjd, false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTaskArchived(ctx, planID, task.TaskID, false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGoalArchived(ctx, planID, goal.GoalID, false); err != nil {
			t.Fatal(err)
		}
		sep, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年9月调度", AsOf: "2022-09-30", OpensOn: "2022-10-01", DueOn: "2022-10-08"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, sep, nil); err != nil {
			t.Fatal(err)
		}
		if forms, _ := s.RoundForms(ctx, sep); len(forms) != 18 {
			t.Errorf("September round after restoring: %d forms, want 18", len(forms))
		}
		back := formOf(t, s, sep, "三家店街道")
		if len(back.Tasks) != len(f.Tasks) || len(back.Values) != len(f.Values) {
			t.Errorf("三家店街道 in September: %d tasks, %d values; want %d, %d", len(back.Tasks), len(back.Values), len(f.Tasks), len(f.Values))
		}
		if back.Values[0].Value == nil || back.Values[0].Value.String() != f.Values[0].Value.String() {
			t.Errorf("the restored goal is not prefilled from the July report: %+v", back.Values[0])
		}

		for action, n := range map[string]int{"unit.archive": 1, "unit.unarchive": 1, "plan.task.archive": 1, "plan.task.unarchive": 1, "plan.goal.archive": 1, "plan.goal.unarchive": 1} {
			if got := auditOf(t, s, store.AuditFilter{Action: action}); len(got) != n {
				t.Errorf("%d audit entries %s, want %d", len(got), action, n)
			}
		}
		entry := auditOf(t, s, store.AuditFilter{Action: "unit.archive"})[0]
		if decode(t, entry.Before)["archived"] != nil || decode(t, entry.After)["archived"] != true {
			t.Errorf("unit.archive recorded %s → %s", entry.Before, entry.After)
		}
		verifyIntact(t, s)
	})
}

// TestDeleteWhatNobodyReported: units, goals, tasks, actions and plans no
// form refers to are deleted as before, a draft round's scope included.
func TestDeleteWhatNobodyReported(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := openJulyRound(t, s)

		unit, err := s.SaveUnit(ctx, plan.Unit{Name: "青云谱区数据局", ShortName: "区数据局", Kind: plan.UnitDepartment})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "数据局专项", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05", UnitIDs: []int64{unit}}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUnit(ctx, unit); err != nil {
			t.Errorf("delete a unit without forms: %v", err)
		}

		goal, err := s.SaveGoal(ctx, planID, plan.DocGoal{Indicator: "数据企业", Comparator: plan.AtLeast, Target: plan.NewDecimal(5), Unit: "家"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteGoal(ctx, planID, goal); err != nil {
			t.Errorf("delete a new goal: %v", err)
		}
		sec, err := s.SaveSection(ctx, planID, plan.DocSection{Number: "八", Title: "数据要素行动"})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"14", "15"} {
			if _, err := s.SaveTask(ctx, planID, sec, plan.DocTask{Number: n, Title: "数据任务" + n, LeadUnits: []string{"区科工局"}}); err != nil {
				t.Fatal(err)
			}
		}
		doc, _ := s.Plan(ctx, planID)
		last := doc.Sections[len(doc.Sections)-1]
		if err := s.DeleteTask(ctx, planID, last.Tasks[0].ID); err != nil {
			t.Errorf("delete a new task: %v", err)
		}
		if err := s.DeleteSection(ctx, planID, sec); err != nil {
			t.Errorf("delete a new action: %v", err)
		}

		// A plan with a draft round and no forms goes whole.
		other, _ := loadExample(t, s)
		if _, err := s.CreateRound(ctx, plan.Round{PlanID: other, Label: "草稿", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05"}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePlan(ctx, other); err != nil {
			t.Errorf("delete a plan without forms: %v", err)
		}
		if rounds, _ := s.Rounds(ctx, other); len(rounds) != 0 {
			t.Errorf("%d rounds left of a deleted plan", len(rounds))
		}
	})
}
