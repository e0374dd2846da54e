package plan_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
)

func TestJudgeCell(t *testing.T) {
	m := func(desc, due string) plan.Milestone { return plan.Milestone{Description: desc, DueOn: due} }
	june := m("6月底前出台方案", "2022-06-30")
	august := m("8月底前完成首批认定", "2022-08-31")
	for _, c := range []struct {
		name   string
		in     plan.CellInput
		want   plan.Signal
		reason string // a part of the reason
	}{
		{"closed beats everything", plan.CellInput{AsOf: "2022-07-31", Status: plan.TaskLagging, Milestones: []plan.Milestone{june}, Closed: true}, plan.SignalGreen, "已销号"},
		{"done beats an overdue milestone", plan.CellInput{AsOf: "2022-07-31", Status: plan.TaskDone, Milestones: []plan.Milestone{june}}, plan.SignalGreen, "已完成"},
		{"lagging as reported", plan.CellInput{AsOf: "2022-07-31", Status: plan.TaskLagging}, plan.SignalRed, "自报滞后"},
		{"milestone passed, in progress", plan.CellInput{AsOf: "2022-07-31", Status: plan.TaskInProgress, Milestones: []plan.Milestone{june}}, plan.SignalRed, "6月底前出台方案"},
		{"milestone passed, nothing reported", plan.CellInput{AsOf: "2022-07-31", Milestones: []plan.Milestone{june}}, plan.SignalRed, "2022-06-30 已到期"},
		{"due on the data date is not yet overdue", plan.CellInput{AsOf: "2022-06-30", WarnDays: 15, Status: plan.TaskInProgress, Milestones: []plan.Milestone{june}}, plan.SignalYellow, "将于 2022-06-30 到期"},
		{"the earliest overdue milestone is named", plan.CellInput{AsOf: "2022-09-30", Status: plan.TaskInProgress, Milestones: []plan.Milestone{august, june}}, plan.SignalRed, "6月底前"},
		{"due in exactly the window", plan.CellInput{AsOf: "2022-08-16", WarnDays: 15, Status: plan.TaskInProgress, Milestones: []plan.Milestone{august}}, plan.SignalYellow, "8月底前"},
		{"due a day past the window", plan.CellInput{AsOf: "2022-08-15", WarnDays: 15, Status: plan.TaskInProgress, Milestones: []plan.Milestone{august}}, plan.SignalGreen, "下一节点 2022-08-31"},
		{"not started near a milestone", plan.CellInput{AsOf: "2022-08-01", WarnDays: 15, Status: plan.TaskNotStarted, Milestones: []plan.Milestone{august}}, plan.SignalYellow, "尚未启动"},
		{"not started, milestone far", plan.CellInput{AsOf: "2022-07-31", WarnDays: 15, Status: plan.TaskNotStarted, Milestones: []plan.Milestone{m("年底前", "2022-12-31")}}, plan.SignalGreen, "按计划推进"},
		{"not started, no milestone", plan.CellInput{AsOf: "2022-07-31", WarnDays: 15, Status: plan.TaskNotStarted}, plan.SignalGreen, "按计划推进"},
		{"nothing reported, nothing near", plan.CellInput{AsOf: "2022-07-31", WarnDays: 15, Milestones: []plan.Milestone{m("年底前", "2022-12-31")}}, plan.SignalNone, "暂无填报"},
		{"nothing reported, a milestone near", plan.CellInput{AsOf: "2022-08-20", WarnDays: 15, Milestones: []plan.Milestone{august}}, plan.SignalYellow, "8月底前"},
		{"a bad milestone date is left out", plan.CellInput{AsOf: "2022-07-31", Status: plan.TaskInProgress, Milestones: []plan.Milestone{m("某时", "某日")}}, plan.SignalGreen, "按计划推进"},
		{"window 0: only the day itself", plan.CellInput{AsOf: "2022-08-31", Status: plan.TaskInProgress, Milestones: []plan.Milestone{august}}, plan.SignalYellow, "8月底前"},
	} {
		got := plan.JudgeCell(c.in)
		if got.Signal != c.want || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s: %s %q, want %s with %q", c.name, got.Signal, got.Reason, c.want, c.reason)
		}
	}
}

func TestBuildGrid(t *testing.T) {
	dir := &plan.Directory{Units: []plan.Unit{
		{ID: 2, Name: "区科工局"}, {ID: 3, Name: "三家店街道"}, {ID: 4, Name: "青云谱镇"}, {ID: 5, Name: "区发改委", Archived: true},
	}, Groups: []plan.Group{{ID: 1, Name: "各街道、镇", Members: []string{"三家店街道", "青云谱镇"}}}}
	doc := &plan.Document{Year: 2022, Sections: []plan.DocSection{{ID: 1, Number: "一", Title: "行动", Tasks: []plan.DocTask{
		{ID: 10, Number: "1", Title: "出台方案", LeadUnits: []string{"区科工局"}, ResponsibleUnits: []string{"各街道、镇"}, Deadline: "6月底前"},
		{ID: 11, Number: "2", Title: "认定企业", LeadUnits: []string{"区科工局"}, ResponsibleUnits: []string{"三家店街道"}},
		{ID: 12, Number: "3", Title: "旧任务", LeadUnits: []string{"区发改委"}, Archived: true},
	}}},
		TaskTable: []plan.DocTaskRow{{Number: "2", MapsToTask: "2", ResponsibleUnits: []string{"三家店街道"}, Deadline: "7月15日前"}},
	}
	reports := []plan.TaskReport{
		{TaskID: 10, UnitID: 2, Status: plan.TaskDone},
		{TaskID: 10, UnitID: 3, Status: plan.TaskInProgress},
		{TaskID: 11, UnitID: 2, Status: plan.TaskInProgress},
		{TaskID: 11, UnitID: 3, Status: plan.TaskInProgress},
	}
	milestones := []plan.Milestone{{TaskID: 11, UnitID: 2, Description: "8月10日前完成申报", DueOn: "2022-08-10"}}
	g := plan.BuildGrid(plan.GridInput{Doc: doc, Directory: dir, Reports: reports, Milestones: milestones, AsOf: "2022-07-31", WarnDays: 15})
	if len(g.Units) != 3 || g.Units[0].ID != 2 || g.Units[2].ID != 4 {
		t.Fatalf("columns %+v: want 区科工局, 三家店街道, 青云谱镇 (an archived unit and an archived task's unit left out)", g.Units)
	}
	if len(g.Rows) != 2 {
		t.Fatalf("%d rows, want the 2 tasks not archived", len(g.Rows))
	}
	cell := func(row, col int) plan.GridCell { return g.Rows[row].Cells[col] }
	// Task 1's deadline (6月底前) is past on 07-31: done is green, in
	// progress red, not reported red as well.
	if c := cell(0, 0); c.Signal != plan.SignalGreen || c.Role != plan.RoleLead {
		t.Errorf("task 1, 区科工局: %+v", c)
	}
	if c := cell(0, 1); c.Signal != plan.SignalRed || !strings.Contains(c.Reason, "完成时限：6月底前") {
		t.Errorf("task 1, 三家店街道: %+v", c)
	}
	if c := cell(0, 2); c.Signal != plan.SignalRed || c.Report != nil {
		t.Errorf("task 1, 青云谱镇 (not reported): %+v", c)
	}
	if g.Rows[0].Deadline != "2022-06-30" || g.Rows[0].Worst != plan.SignalRed {
		t.Errorf("task 1 row: deadline %q, worst %s", g.Rows[0].Deadline, g.Rows[0].Worst)
	}
	// Task 2: 区科工局's own milestone is 10 days away (yellow); 三家店街道's
	// 附件1 row time limit (07-15) has passed (red); 青云谱镇 has no part.
	if c := cell(1, 0); c.Signal != plan.SignalYellow || !strings.Contains(c.Reason, "8月10日前完成申报") {
		t.Errorf("task 2, 区科工局: %+v", c)
	}
	if c := cell(1, 1); c.Signal != plan.SignalRed || !strings.Contains(c.Reason, "附件1第2行时限") {
		t.Errorf("task 2, 三家店街道: %+v", c)
	}
	if c := cell(1, 2); c.Assigned {
		t.Errorf("task 2, 青云谱镇 has no part: %+v", c)
	}
	if g.Counts[plan.SignalRed] != 3 || g.Counts[plan.SignalYellow] != 1 || g.Counts[plan.SignalGreen] != 1 {
		t.Errorf("counts %v", g.Counts)
	}

	// Closing task 1 turns its cells green; a reporter's sight keeps one column.
	g = plan.BuildGrid(plan.GridInput{Doc: doc, Directory: dir, Reports: reports, Milestones: milestones, AsOf: "2022-07-31", WarnDays: 15,
		Closures: []plan.TaskClosure{{TaskID: 10}}, Sees: func(id int64) bool { return id == 3 }})
	if len(g.Units) != 1 || g.Units[0].ID != 3 {
		t.Fatalf("a reporter's columns: %+v", g.Units)
	}
	if c := g.Rows[0].Cells[0]; c.Signal != plan.SignalGreen || c.Reason != "已销号" || g.Rows[0].Closure == nil {
		t.Errorf("closed task 1, 三家店街道: %+v", c)
	}
}

func TestCheckMilestones(t *testing.T) {
	units := map[int64]bool{2: true, 3: true}
	ms := []plan.Milestone{
		{Description: " 6月底前出台方案 ", UnitID: 2},
		{Description: "完成首批认定", DueOn: "2022-09-30"},
	}
	if err := plan.CheckMilestones(ms, 2022, units); err != nil {
		t.Fatal(err)
	}
	if ms[0].DueOn != "2022-06-30" || ms[0].Description != "6月底前出台方案" {
		t.Errorf("the due date taken from the description: %+v", ms[0])
	}
	bad := []plan.Milestone{{Description: "", DueOn: "2022-06-30"}, {Description: "择机推进"}, {Description: "x", DueOn: "2022-06-30", UnitID: 9}}
	err := plan.CheckMilestones(bad, 2022, units)
	for _, want := range []string{"第1个节点：“节点内容”不能为空", "第2个节点：“完成日期”应为", "第3个节点：“责任单位”不是本任务的"} {
		if plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func TestCheckNotice(t *testing.T) {
	now := beijing("2022-08-10 09:00")
	if err := plan.CheckNotice("连续两期滞后", "8月20日前报送整改措施", "2022-08-10", now); err != nil {
		t.Errorf("reply by today: %v", err)
	}
	err := plan.CheckNotice(" ", "", "2022-08-09", now)
	for _, want := range []string{"请填写“督办事由”", "请填写“工作要求”", "不能早于今天（2022-08-10）"} {
		if !strings.Contains(plan.ErrorMessage(err), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if err := plan.CheckNotice("a", "b", "8月20日", now); !strings.Contains(plan.ErrorMessage(err), "YYYY-MM-DD") {
		t.Errorf("a date in words: %v", err)
	}
	if err := plan.CheckNotice(strings.Repeat("滞", plan.MaxComment+1), "b", "2022-08-20", now); !strings.Contains(plan.ErrorMessage(err), "最多") {
		t.Errorf("a reason too long: %v", err)
	}
}

func TestNoticeOverdue(t *testing.T) {
	for _, c := range []struct {
		name    string
		replyBy string
		replied bool
		now     time.Time
		want    bool
	}{
		{"the reply-by date itself, late evening", "2022-08-20", false, beijing("2022-08-20 23:59"), false},
		{"the day after", "2022-08-20", false, beijing("2022-08-21 00:00"), true},
		{"UTC still on the date, Beijing the day after", "2022-08-20", false, time.Date(2022, 8, 20, 16, 30, 0, 0, time.UTC), true},
		{"replied is never overdue", "2022-08-20", true, beijing("2022-09-01 10:00"), false},
		{"no date", "", false, beijing("2022-09-01 10:00"), false},
	} {
		if got := plan.NoticeOverdue(c.replyBy, c.replied, c.now); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckClosure(t *testing.T) {
	if err := plan.CheckClosure("", true); err != nil {
		t.Errorf("closure with evidence reviewed: %v", err)
	}
	if err := plan.CheckClosure("已完成", false); plan.ErrorCode(err) != plan.EINVALID || !strings.Contains(err.Error(), "核验佐证材料") {
		t.Errorf("closure without evidence reviewed: %v", err)
	}
	if err := plan.CheckText("撤销原因", "  ", plan.MaxComment); !strings.Contains(plan.ErrorMessage(err), "请填写“撤销原因”") {
		t.Errorf("empty reason: %v", err)
	}
}

func TestCompareEntry(t *testing.T) {
	prev := plan.FormTask{Status: plan.TaskNotStarted, Progress: "已完成摸底。正在起草方案。", Problems: "无", NextSteps: "出台方案"}
	cur := plan.FormTask{Status: plan.TaskInProgress, Progress: "已完成摸底。方案已报区政府审定。", Problems: "无", NextSteps: "出台方案"}
	c := plan.CompareEntry(&prev, cur)
	if !c.StatusChanged() || c.StatusFrom != plan.TaskNotStarted || c.StatusTo != plan.TaskInProgress || c.Unchanged() {
		t.Errorf("status change: %+v", c)
	}
	if len(c.Fields) != 1 || c.Fields[0].Label != "进展情况" {
		t.Fatalf("changed fields: %+v", c.Fields)
	}
	want := []plan.DiffPart{{Op: plan.DiffSame, Text: "已完成摸底。"}, {Op: plan.DiffRemoved, Text: "正在起草方案"}, {Op: plan.DiffAdded, Text: "方案已报区政府审定"}, {Op: plan.DiffSame, Text: "。"}}
	if got := c.Fields[0].Parts; !slices.Equal(got, want) {
		t.Errorf("parts %+v, want %+v", got, want)
	}
	if c := plan.CompareEntry(&prev, prev); !c.Unchanged() {
		t.Errorf("the same entry again: %+v", c)
	}
	if c := plan.CompareEntry(nil, cur); !c.First || c.Unchanged() || c.StatusChanged() {
		t.Errorf("a first report: %+v", c)
	}
}

func TestDiffText(t *testing.T) {
	for _, c := range []struct {
		before, after string
		want          string // parts as =kept +added -removed
	}{
		{"", "新增内容。", "+新增内容。"},
		{"旧内容。", "", "-旧内容。"},
		{"甲。乙。丙。", "甲。丙。丁。", "=甲。-乙。=丙。+丁。"},
		{"第一句；第二句", "第一句；第二句（已完成）", "=第一句；第二句+（已完成）"},
		{"一行\n二行\n", "一行\n三行\n", "=一行\n-二+三=行\n"},
		{"按计划推进，已走访企业", "按计划推进，已走访企业新增12家。", "=按计划推进，已走访企业+新增12家。"},
		{"已完成", "未完成", "-已+未=完成"},
	} {
		var b strings.Builder
		for _, p := range plan.DiffText(c.before, c.after) {
			b.WriteString(map[plan.DiffOp]string{plan.DiffSame: "=", plan.DiffAdded: "+", plan.DiffRemoved: "-"}[p.Op] + p.Text)
		}
		if b.String() != c.want {
			t.Errorf("DiffText(%q, %q) = %q, want %q", c.before, c.after, b.String(), c.want)
		}
	}
}
