package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// taskNumbered finds a task of the stored plan by its number.
func taskNumbered(t *testing.T, s *store.Store, planID int64, number string) plan.DocTask {
	t.Helper()
	doc, err := s.Plan(context.Background(), planID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range doc.Sections {
		for _, tk := range sec.Tasks {
			if tk.Number == number {
				return tk
			}
		}
	}
	t.Fatalf("no task %s", number)
	return plan.DocTask{}
}

func formHas(f *plan.Form, taskID int64) bool {
	for _, t := range f.Tasks {
		if t.TaskID == taskID {
			return true
		}
	}
	return false
}

func auditCount(t *testing.T, s *store.Store, action string) int {
	t.Helper()
	entries, _, err := s.AuditLog(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestMilestones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := loadExample(t, s)
		task := taskNumbered(t, s, planID, "7")
		sjd, kgj, fgw := unitID(t, s, "三家店街道"), unitID(t, s, "区科工局"), unitID(t, s, "区发改委")
		ms := []plan.Milestone{
			{Description: "6月底前出台培育方案", UnitID: kgj},
			{Description: "完成首批入库", DueOn: "2022-09-30", UnitID: sjd},
			{Description: "年底前认定76家"},
		}
		if err := s.SaveMilestones(ctx, planID, task.ID, ms); err != nil {
			t.Fatal(err)
		}
		got, err := s.TaskMilestones(ctx, planID, task.ID)
		if err != nil || len(got) != 3 {
			t.Fatalf("milestones %+v %v", got, err)
		}
		if got[0].DueOn != "2022-06-30" || got[0].UnitID != kgj || got[1].DueOn != "2022-09-30" || got[2].DueOn != "2022-12-31" || got[2].UnitID != 0 {
			t.Errorf("stored %+v", got)
		}
		if n := auditCount(t, s, "plan.task.milestones"); n != 1 {
			t.Errorf("%d audit entries", n)
		}
		// A unit with no part in the task, and an empty description, are
		// refused with their places; nothing changes.
		bad := []plan.Milestone{{Description: "x", DueOn: "2022-06-30", UnitID: fgw}, {DueOn: "2022-06-30"}}
		err = s.SaveMilestones(ctx, planID, task.ID, bad)
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "第1个节点：“责任单位”") || !strings.Contains(err.Error(), "第2个节点：“节点内容”") {
			t.Errorf("bad milestones: %v", err)
		}
		if again, _ := s.TaskMilestones(ctx, planID, task.ID); len(again) != 3 {
			t.Errorf("a refused save left %d milestones", len(again))
		}
		// A task of another plan is not found; replacing with none clears.
		if err := s.SaveMilestones(ctx, planID+1, task.ID, nil); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("another plan's task: %v", err)
		}
		if err := s.SaveMilestones(ctx, planID, task.ID, ms[:1]); err != nil {
			t.Fatal(err)
		}
		if all, _ := s.Milestones(ctx, planID); len(all) != 1 {
			t.Errorf("after replacing: %+v", all)
		}
	})
}

func TestNoticesRepliesAndEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, _ := openJulyRound(t, s)
		now := time.Date(2022, 8, 10, 1, 0, 0, 0, time.UTC) // 09:00 in Beijing
		s.SetClockForTest(func() time.Time { return now })
		task := taskNumbered(t, s, planID, "7")
		sjd, hd := unitID(t, s, "三家店街道"), unitID(t, s, "洪都街道")
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		reporter := &auth.User{ID: 0, Username: "sjd", Role: auth.RoleReporter, UnitID: sjd}
		other := &auth.User{Username: "hd", Role: auth.RoleReporter, UnitID: hd}

		draft := store.NoticeDraft{PlanID: planID, TaskID: task.ID, UnitID: sjd, Reason: "高新技术企业培育连续两期滞后", Requirement: "报送整改措施和培育名单", ReplyBy: "2022-08-20"}
		id, err := s.IssueNotice(ctx, draft, admin)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Notice(ctx, id)
		if err != nil || n.UnitName != "三家店街道" || n.TaskNumber != "7" || n.Replied() || n.IssuedBy != "admin" {
			t.Fatalf("notice %+v %v", n, err)
		}
		if res, err := s.NoticeResource(ctx, id); err != nil || res.UnitID != sjd {
			t.Errorf("resource %+v %v", res, err)
		}
		// The unit has a reminder pointing at the notice.
		notes, _ := s.Notifications(ctx, sjd, 10)
		if len(notes) != 1 || !strings.Contains(notes[0].Message, "督办单：任务7") || !strings.HasSuffix(notes[0].Message, store.NoticeLink(id)) {
			t.Errorf("notifications %+v", notes)
		}
		// Refused: a unit with no part in task 1, a reply-by date past, a
		// task of another plan.
		bad := draft
		bad.TaskID = taskNumbered(t, s, planID, "1").ID
		if _, err := s.IssueNotice(ctx, bad, admin); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "不是任务1的牵头或责任单位") {
			t.Errorf("unit not of the task: %v", err)
		}
		bad = draft
		bad.ReplyBy = "2022-08-09"
		if _, err := s.IssueNotice(ctx, bad, admin); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("reply-by date past: %v", err)
		}
		bad = draft
		bad.PlanID = planID + 1
		if _, err := s.IssueNotice(ctx, bad, admin); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("another plan: %v", err)
		}

		// On the 21st (Beijing) the unreplied notice is overdue; on the
		// 20th it is not.
		if n.Overdue(time.Date(2022, 8, 20, 15, 59, 0, 0, time.UTC)) || !n.Overdue(time.Date(2022, 8, 20, 16, 0, 0, 0, time.UTC)) {
			t.Error("overdue at the wrong time")
		}
		open, _ := s.Notices(ctx, store.NoticeFilter{PlanID: planID, Open: true})
		if len(open) != 1 {
			t.Errorf("%d open notices", len(open))
		}

		// Only the unit's reporters reply, once; a late reply is marked.
		reply := store.NoticeReply{Text: "已制定整改方案，新增入库企业5家。", File: &store.NoticeFile{Name: "整改方案.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 方案")}}
		if err := s.ReplyNotice(ctx, id, reply, other); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("another unit replies: %v", err)
		}
		if err := s.ReplyNotice(ctx, id, reply, admin); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("an admin replies: %v", err)
		}
		if err := s.ReplyNotice(ctx, id, store.NoticeReply{Text: " "}, reporter); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("an empty reply: %v", err)
		}
		now = time.Date(2022, 8, 21, 2, 0, 0, 0, time.UTC)
		if err := s.ReplyNotice(ctx, id, reply, reporter); err != nil {
			t.Fatal(err)
		}
		n, _ = s.Notice(ctx, id)
		if !n.Replied() || n.Reply != reply.Text || !n.LateReply() || n.Overdue(now) || n.File == nil || n.File.Name != "整改方案.pdf" || n.File.Data != nil {
			t.Errorf("after the reply: %+v", n)
		}
		file, err := s.NoticeFileData(ctx, id)
		if err != nil || string(file.Data) != "%PDF-1.4 方案" || file.Size != int64(len(file.Data)) {
			t.Errorf("reply file %+v %v", file, err)
		}
		if err := s.ReplyNotice(ctx, id, reply, reporter); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("a second reply: %v", err)
		}
		if open, _ := s.Notices(ctx, store.NoticeFilter{PlanID: planID, Open: true}); len(open) != 0 {
			t.Errorf("still open: %+v", open)
		}
		if all, _ := s.Notices(ctx, store.NoticeFilter{UnitID: sjd}); len(all) != 1 {
			t.Errorf("the unit's notices: %+v", all)
		}
		if n := auditCount(t, s, "supervision.notice.issue") + auditCount(t, s, "supervision.notice.reply"); n != 2 {
			t.Errorf("%d audit entries", n)
		}
		if _, err := s.Notice(ctx, "0123456789abcdef0123"); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("no such notice: %v", err)
		}
	})
}

func TestCloseTaskLeavesLaterForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, july := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		task := taskNumbered(t, s, planID, "7")
		if err := s.CloseTask(ctx, planID, task.ID, "已认定", false, admin); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("closing without the evidence reviewed: %v", err)
		}
		if err := s.CloseTask(ctx, planID, task.ID, "佐证材料齐全，认定名单已公示", true, admin); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseTask(ctx, planID, task.ID, "", true, admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("closing twice: %v", err)
		}
		cs, _ := s.TaskClosures(ctx, planID)
		if len(cs) != 1 || cs[0].TaskID != task.ID || cs[0].ClosedBy != "admin" || cs[0].Note != "佐证材料齐全，认定名单已公示" {
			t.Errorf("closures %+v", cs)
		}
		// The open round's forms keep the task; the next round's leave it.
		if !formHas(formOf(t, s, july, "三家店街道"), task.ID) {
			t.Error("the open round's form lost the closed task")
		}
		august, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, august, admin); err != nil {
			t.Fatal(err)
		}
		aug := formOf(t, s, august, "三家店街道")
		if formHas(aug, task.ID) || len(aug.Tasks) != 10 {
			t.Errorf("the next round's form has %d tasks (closed one: %v), want the 10 not closed", len(aug.Tasks), formHas(aug, task.ID))
		}
		// Notices on a closed task are refused.
		if _, err := s.IssueNotice(ctx, store.NoticeDraft{PlanID: planID, TaskID: task.ID, UnitID: unitID(t, s, "三家店街道"), Reason: "a", Requirement: "b", ReplyBy: "2099-01-01"}, admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("a notice on a closed task: %v", err)
		}

		// Reopened with a reason, it comes back on the round after.
		if err := s.ReopenTask(ctx, planID, task.ID, "", admin); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("reopening without a reason: %v", err)
		}
		if err := s.ReopenTask(ctx, planID, task.ID, "复核发现2家企业资料不全", admin); err != nil {
			t.Fatal(err)
		}
		if err := s.ReopenTask(ctx, planID, task.ID, "again", admin); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("reopening an open task: %v", err)
		}
		hist, _ := s.ClosureHistory(ctx, planID, task.ID)
		if len(hist) != 1 || hist[0].ReopenedAt == nil || hist[0].ReopenReason != "复核发现2家企业资料不全" {
			t.Errorf("history %+v", hist)
		}
		sept, err := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年9月调度", AsOf: "2022-09-30", OpensOn: "2022-10-01", DueOn: "2022-10-08"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenRound(ctx, sept, admin); err != nil {
			t.Fatal(err)
		}
		if !formHas(formOf(t, s, sept, "三家店街道"), task.ID) {
			t.Error("the reopened task is not on the round after")
		}
		// Closed again: one closure in force, two in history.
		if err := s.CloseTask(ctx, planID, task.ID, "", true, admin); err != nil {
			t.Fatal(err)
		}
		if hist, _ := s.ClosureHistory(ctx, planID, task.ID); len(hist) != 2 {
			t.Errorf("history of %d closures", len(hist))
		}
		if n := auditCount(t, s, "plan.task.close"); n != 2 {
			t.Errorf("%d closures audited", n)
		}
		if n := auditCount(t, s, "plan.task.reopen"); n != 1 {
			t.Errorf("%d reopenings audited", n)
		}
	})
}

// TestSupervisionFrozenWithTheRound: a closed round's grid judges by the
// milestones and closures kept when it closed.
func TestSupervisionFrozenWithTheRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, july := openJulyRound(t, s)
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		task := taskNumbered(t, s, planID, "7")
		if err := s.SaveMilestones(ctx, planID, task.ID, []plan.Milestone{{Description: "6月底前出台方案"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseRound(ctx, july); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMilestones(ctx, planID, task.ID, []plan.Milestone{{Description: "9月底前出台方案"}, {Description: "年底前"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseTask(ctx, planID, task.ID, "", true, admin); err != nil {
			t.Fatal(err)
		}
		src, err := s.ProgressSource(ctx, planID, july)
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Milestones) != 1 || src.Milestones[0].DueOn != "2022-06-30" || len(src.Closures) != 0 {
			t.Errorf("the closed round's supervision: %+v %+v", src.Milestones, src.Closures)
		}
		if ms, _ := s.Milestones(ctx, planID); len(ms) != 2 {
			t.Errorf("as it stands now: %+v", ms)
		}
		// A round closed before supervision was kept is judged by what
		// stands now.
		if err := s.ExecForTest(ctx, `UPDATE round_snapshots SET data = REPLACE(data, '"milestones":', '"kept_before":') WHERE round_id = $1`, july); err != nil {
			t.Fatal(err)
		}
		src, err = s.ProgressSource(ctx, planID, july)
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Milestones) != 2 || len(src.Closures) != 1 || src.Frozen == nil {
			t.Errorf("an older snapshot's supervision: %+v %+v", src.Milestones, src.Closures)
		}
	})
}

func TestInstructionsAndAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, july := openJulyRound(t, s)
		sjd, kgj, hd := unitID(t, s, "三家店街道"), unitID(t, s, "区科工局"), unitID(t, s, "洪都街道")
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		leader := &auth.User{Username: "leader", Role: auth.RoleLeader}
		reporter := &auth.User{Username: "sjd", Role: auth.RoleReporter, UnitID: sjd}
		lead := &auth.User{Username: "kgj", Role: auth.RoleReporter, UnitID: kgj}
		t7, t11 := taskNumbered(t, s, planID, "7"), taskNumbered(t, s, planID, "11")
		f := formOf(t, s, july, "三家店街道")

		// Not on a form that was never reported; nor by a reporter.
		if _, err := s.IssueInstruction(ctx, store.InstructionDraft{FormID: f.PublicID, Body: "请加快进度"}, leader); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("on an unreported form: %v", err)
		}
		if _, err := s.IssueInstruction(ctx, store.InstructionDraft{UnitID: sjd, Body: "x"}, reporter); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("by a reporter: %v", err)
		}
		e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})
		e.Submit = true
		if _, err := s.SaveForm(ctx, f.PublicID, e, reporter); err != nil {
			t.Fatal(err)
		}
		onForm, err := s.IssueInstruction(ctx, store.InstructionDraft{FormID: f.PublicID, Body: "数据来源要写清楚"}, leader)
		if err != nil {
			t.Fatal(err)
		}
		onFormTask, err := s.IssueInstruction(ctx, store.InstructionDraft{FormID: f.PublicID, TaskID: t7.ID, Body: "高企培育要抓紧"}, leader)
		if err != nil {
			t.Fatal(err)
		}
		onTask, err := s.IssueInstruction(ctx, store.InstructionDraft{PlanID: planID, TaskID: t11.ID, UnitID: sjd, Body: "上市后备企业要摸清"}, admin)
		if err != nil {
			t.Fatal(err)
		}
		onUnit, err := s.IssueInstruction(ctx, store.InstructionDraft{UnitID: sjd, Body: "街道要把科技创新摆在突出位置"}, leader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueInstruction(ctx, store.InstructionDraft{PlanID: planID, TaskID: t11.ID, UnitID: kgj, Body: "x"}, leader); plan.ErrorCode(err) != plan.EINVALID {
			t.Errorf("a task the unit has no part in: %v", err)
		}
		if _, err := s.IssueInstruction(ctx, store.InstructionDraft{FormID: f.PublicID, TaskID: taskNumbered(t, s, planID, "1").ID, Body: "x"}, leader); plan.ErrorCode(err) != plan.ENOTFOUND {
			t.Errorf("a task not on the form: %v", err)
		}
		in, err := s.Instruction(ctx, onFormTask)
		if err != nil || in.UnitID != sjd || in.FormID != f.PublicID || in.TaskNumber != "7" || in.RoundLabel != "2022年7月调度" || in.ByRole != auth.RoleLeader || in.PlanID != planID {
			t.Errorf("instruction %+v %v", in, err)
		}
		if notes, _ := s.Notifications(ctx, sjd, 10); len(notes) != 4 || !strings.HasSuffix(notes[0].Message, store.InstructionLink(onUnit)) {
			t.Errorf("reminders %+v", notes)
		}

		// The form shows all four to the unit and to admins; a lead unit's
		// reviewer sees the one on task 7, which it leads (task 11 it does not).
		for _, c := range []struct {
			who  *auth.User
			want int
		}{{reporter, 4}, {admin, 4}, {leader, 4}, {lead, 1}} {
			p, err := s.FormPage(ctx, f.PublicID, -1, c.who)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Instructions) != c.want {
				t.Errorf("%s sees %d instructions on the form, want %d", c.who.Username, len(p.Instructions), c.want)
			}
			if c.who == lead && p.Instructions[0].PublicID != onFormTask {
				t.Errorf("the lead unit sees %+v", p.Instructions[0])
			}
		}
		// Another unit's form shows none of them.
		if p, _ := s.FormPage(ctx, formOf(t, s, july, "洪都街道").PublicID, -1, admin); len(p.Instructions) != 0 {
			t.Errorf("洪都街道's form shows %d instructions", len(p.Instructions))
		}

		// The unit answers, each once; nobody else answers.
		if err := s.AnswerInstruction(ctx, onForm, "已补充数据来源", &auth.User{Role: auth.RoleReporter, UnitID: hd}); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("another unit answers: %v", err)
		}
		if err := s.AnswerInstruction(ctx, onForm, "已补充数据来源", leader); plan.ErrorCode(err) != plan.EFORBIDDEN {
			t.Errorf("a leader answers: %v", err)
		}
		for _, id := range []string{onForm, onTask} {
			if err := s.AnswerInstruction(ctx, id, "已落实", reporter); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AnswerInstruction(ctx, onForm, "再答", reporter); plan.ErrorCode(err) != plan.ECONFLICT {
			t.Errorf("a second answer: %v", err)
		}
		open, _ := s.Instructions(ctx, store.InstructionFilter{UnitID: sjd, Unanswered: true})
		if len(open) != 2 {
			t.Errorf("%d unanswered, want 2", len(open))
		}
		all, _ := s.Instructions(ctx, store.InstructionFilter{UnitID: sjd})
		if len(all) != 4 || all[0].Answered() || !all[3].Answered() {
			t.Errorf("the unanswered come first: %+v", all)
		}
		if onU, _ := s.Instructions(ctx, store.InstructionFilter{UnitID: sjd, OnUnit: true}); len(onU) != 1 || onU[0].PublicID != onUnit {
			t.Errorf("on the unit: %+v", onU)
		}
		if n := auditCount(t, s, "supervision.instruction.create"); n != 4 {
			t.Errorf("%d instructions audited", n)
		}
		if n := auditCount(t, s, "supervision.instruction.answer"); n != 2 {
			t.Errorf("%d answers audited", n)
		}
	})
}

// TestFormPageShowsChangesToReviewers: beside each task entry, reviewers
// (administrators, lead units' reviewers) see what moved since the unit's
// previous reported entry on it; the unit itself does not get them.
func TestFormPageShowsChangesToReviewers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		planID, july := openJulyRound(t, s)
		sjd, kgj := unitID(t, s, "三家店街道"), unitID(t, s, "区科工局")
		admin := &auth.User{Username: "admin", Role: auth.RoleAdmin}
		reporter := &auth.User{Username: "sjd", Role: auth.RoleReporter, UnitID: sjd}
		lead := &auth.User{Username: "kgj", Role: auth.RoleReporter, UnitID: kgj}
		t7 := taskNumbered(t, s, planID, "7")
		f := formOf(t, s, july, "三家店街道")
		e := fill(f, map[string]string{"科技型中小企业": "21", "高新技术企业": "14", "技术合同成交额": "3"})
		e.Tasks[t7.ID] = plan.FormTask{Status: plan.TaskNotStarted, Progress: "已摸底。正在起草方案。", Problems: "无"}
		e.Submit = true
		saved, err := s.SaveForm(ctx, f.PublicID, e, reporter)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewForm(ctx, f.PublicID, saved.Version, store.Approve, "", admin); err != nil {
			t.Fatal(err)
		}
		// In July, a first report: no previous entry.
		p, _ := s.FormPage(ctx, f.PublicID, -1, admin)
		if c := p.Changes[t7.ID]; !c.First {
			t.Errorf("July, task 7: %+v", c)
		}
		if err := s.CloseRound(ctx, july); err != nil {
			t.Fatal(err)
		}
		august, _ := s.CreateRound(ctx, plan.Round{PlanID: planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
		if err := s.OpenRound(ctx, august, admin); err != nil {
			t.Fatal(err)
		}
		af := formOf(t, s, august, "三家店街道")
		e = store.FormEdit{Version: af.Version, Submit: true, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
		for _, tk := range af.Tasks {
			e.Tasks[tk.TaskID] = tk
		}
		for _, v := range af.Values {
			e.Values[v.GoalID] = v
		}
		e.Tasks[t7.ID] = plan.FormTask{Status: plan.TaskInProgress, Progress: "已摸底。方案已报区政府。", Problems: "无"}
		if _, err := s.SaveForm(ctx, af.PublicID, e, reporter); err != nil {
			t.Fatal(err)
		}
		for _, who := range []*auth.User{admin, lead} {
			p, err := s.FormPage(ctx, af.PublicID, -1, who)
			if err != nil {
				t.Fatal(err)
			}
			c, ok := p.Changes[t7.ID]
			if !ok || c.First || !c.StatusChanged() || c.StatusFrom != plan.TaskNotStarted || c.RoundLabel != "2022年7月调度" || len(c.Fields) != 1 || c.Previous.Progress != "已摸底。正在起草方案。" {
				t.Errorf("%s sees task 7's change as %+v", who.Username, c)
			}
			// Other tasks were carried unchanged.
			other := p.Form.Tasks[0].TaskID
			if other == t7.ID {
				other = p.Form.Tasks[1].TaskID
			}
			if c := p.Changes[other]; !c.Unchanged() {
				t.Errorf("%s: an unchanged task shows %+v", who.Username, c)
			}
		}
		if p, _ := s.FormPage(ctx, af.PublicID, -1, reporter); p.Changes != nil {
			t.Errorf("the unit itself gets changes: %d", len(p.Changes))
		}
	})
}
