package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// gridCell is a lit cell of the grid: its light and its unit.
var gridCell = regexp.MustCompile(`<td class="sv sv-([a-z]+)" title="[^"]*" data-unit="(\d+)">`)

func TestSupervisionGridByRole(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	t7 := f.task(t, "7")
	sjd, hd := f.users["sjd"].UnitID, f.users["hd"].UnitID
	// Task 7's milestone was due 06-30: on the July round (07-31) every unit
	// not done with it is red; 徐家坊街道 reports it done.
	if err := f.store.SaveMilestones(ctx, f.planID, t7.ID, []plan.Milestone{{Description: "6月底前出台培育方案"}}); err != nil {
		t.Fatal(err)
	}
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskDone, "")
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "21", "高新技术企业": "9", "技术合同成交额": "1"}, plan.TaskInProgress, "")

	grid := "/plans/" + itoa(f.planID) + "/supervision"
	code, body := get(t, f.client(t, "admin"), f.srv.URL+grid)
	if code != 200 {
		t.Fatalf("grid as admin: %d", code)
	}
	row := body[strings.Index(body, `id="task-`+itoa(t7.ID)+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	lights := map[string]string{}
	for _, m := range gridCell.FindAllStringSubmatch(row, -1) {
		lights[m[2]] = m[1]
	}
	dir, _ := f.store.Directory(ctx)
	xjf := dir.Index()["徐家坊街道"].UnitID
	if lights[itoa(xjf)] != "green" || lights[itoa(sjd)] != "red" || lights[itoa(hd)] != "red" || len(lights) != 9 {
		t.Errorf("task 7's lights %v: 徐家坊街道 green (done), 三家店街道 red (in progress past 06-30), 洪都街道 red (not reported), 9 units", lights)
	}
	for _, want := range []string{"截至 2022-07-31", "节点“6月底前出台培育方案”2022-06-30 已到期，未报完成", `href="/plans/` + itoa(f.planID) + `/tasks/` + itoa(t7.ID) + `/supervision?round=`} {
		if !strings.Contains(body, want) {
			t.Errorf("the grid lacks %q", want)
		}
	}
	// A leader sees every unit too; a reporter its own column only, and no
	// link to the task dossier; anonymous callers log in first.
	columns := func(body string) int { return strings.Count(strings.SplitN(body, "</thead>", 2)[0], `class="sv-unit"`) }
	all := columns(body)
	if _, body := get(t, f.client(t, "leader"), f.srv.URL+grid); all < 18 || columns(body) != all {
		t.Errorf("a leader's grid has %d columns, an admin's %d", columns(body), all)
	}
	_, body = get(t, f.client(t, "sjd"), f.srv.URL+grid)
	head := strings.SplitN(body, "</thead>", 2)[0]
	if n := strings.Count(head, `class="sv-unit"`); n != 1 || !strings.Contains(head, "三家店街道") {
		t.Errorf("a reporter's grid has %d columns: %s", n, head[strings.LastIndex(head, "<thead>"):])
	}
	if strings.Contains(body, "/supervision?round=") || strings.Contains(body, `data-unit="`+itoa(hd)+`"`) {
		t.Error("a reporter's grid shows another unit or the dossier links")
	}
	if code, _ := get(t, f.client(t, ""), f.srv.URL+grid); code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", code)
	}
	// The plan page and the dashboard link to it.
	for _, p := range []string{"/plans/" + itoa(f.planID), "/plans/" + itoa(f.planID) + "/dashboard"} {
		if _, body := get(t, f.client(t, "leader"), f.srv.URL+p); !strings.Contains(body, `href="`+grid+`"`) {
			t.Errorf("%s does not link to the grid", p)
		}
	}
}

func TestNoticeIssueReplyAndEscalation(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	t7 := f.task(t, "7")
	admin, sjd := f.client(t, "admin"), f.client(t, "sjd")
	dossier := f.srv.URL + "/plans/" + itoa(f.planID) + "/tasks/" + itoa(t7.ID)
	today := plan.CivilDate(time.Now())

	// Refused with its reason, what was typed kept.
	code, body, _ := postForm(t, admin, dossier+"/notices", url.Values{"unit": {itoa(f.users["sjd"].UnitID)}, "reason": {"高企培育滞后"}, "reply_by": {today}})
	if code != 400 || !strings.Contains(body, "请填写“工作要求”") || !strings.Contains(body, "高企培育滞后") {
		t.Fatalf("a notice without requirement: %d", code)
	}
	code, _, loc := postForm(t, admin, dossier+"/notices", url.Values{"unit": {itoa(f.users["sjd"].UnitID)}, "reason": {"高企培育滞后"}, "requirement": {"报送整改措施"}, "reply_by": {today}})
	if code != http.StatusSeeOther || !strings.HasSuffix(loc, "/supervision?saved#notices") {
		t.Fatalf("issue: %d %s", code, loc)
	}
	ns, _ := f.store.Notices(context.Background(), store.NoticeFilter{PlanID: f.planID})
	if len(ns) != 1 {
		t.Fatalf("%d notices", len(ns))
	}
	id := ns[0].PublicID
	notice := f.srv.URL + "/notices/" + id

	// The unit sees it in its inbox, on its form and in its reminders.
	for _, p := range []string{"/my", "/forms/" + f.forms["三家店街道"], "/notifications"} {
		if _, body := get(t, sjd, f.srv.URL+p); !strings.Contains(body, "/notices/"+id) {
			t.Errorf("%s does not show the notice to the unit", p)
		}
	}
	// Who may read and reply: the unit's reporters reply; admins and leaders
	// read; another unit, and a unit leading the task, neither.
	for _, c := range []struct {
		role       string
		read, post int
	}{{"hd", 403, 403}, {"kgj", 403, 403}, {"leader", 200, 403}, {"admin", 200, 403}, {"", 303, 401}} {
		cl := f.client(t, c.role)
		if code, _ := get(t, cl, notice); code != c.read {
			t.Errorf("GET the notice as %q: %d, want %d", c.role, code, c.read)
		}
		if code, _, _ := postForm(t, cl, notice+"/reply", url.Values{"reply": {"冒名反馈"}}); code != c.post {
			t.Errorf("reply as %q: %d, want %d", c.role, code, c.post)
		}
	}
	if code, _ := get(t, sjd, f.srv.URL+"/notices/0123456789abcdef0123"); code != 404 {
		t.Errorf("a notice that does not exist: %d", code)
	}

	// Not yet overdue today; three days on, the dashboard and the grid say so.
	dash := f.srv.URL + "/plans/" + itoa(f.planID) + "/dashboard"
	if _, body := get(t, admin, dash); !strings.Contains(body, "督办逾期（0）") {
		t.Error("the dashboard lists an overdue notice on its reply-by date")
	}
	f.later.Store(int64(72 * time.Hour))
	_, body = get(t, admin, dash)
	if !strings.Contains(body, "督办逾期（1）") || !strings.Contains(body, `href="/notices/`+id+`"`) {
		t.Error("the dashboard does not list the overdue notice")
	}
	if _, body := get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/supervision"); !strings.Contains(body, `class="sv-mark overdue"`) || !strings.Contains(body, "督办逾期（1）") {
		t.Error("the grid does not mark the overdue notice")
	}
	// Another unit's reporter sees no overdue notice of 三家店街道 on the dashboard.
	if _, body := get(t, f.client(t, "hd"), dash); !strings.Contains(body, "督办逾期（0）") {
		t.Error("洪都街道 sees 三家店街道's overdue notice")
	}

	// The reply, with evidence; an .exe is refused as evidence.
	code, body, _ = postFileWith(t, sjd, notice+"/reply", "file", "措施.exe", []byte("MZ\x90\x00"), url.Values{"reply": {"已整改"}})
	if code != 400 || !strings.Contains(body, "不是可接受的佐证材料") || !strings.Contains(body, "已整改") {
		t.Errorf("an .exe as evidence: %d", code)
	}
	code, _, loc = postFileWith(t, sjd, notice+"/reply", "file", "整改方案.pdf", []byte("%PDF-1.4 整改"), url.Values{"reply": {"已制定整改方案，新增入库5家"}})
	if code != http.StatusSeeOther || loc != "/notices/"+id+"?saved" {
		t.Fatalf("reply: %d %s", code, loc)
	}
	_, body = get(t, admin, notice)
	// (Lateness of a reply is judged by the store's clock: see the store's test.)
	for _, want := range []string{"已制定整改方案，新增入库5家", "整改方案.pdf", "已反馈"} {
		if !strings.Contains(body, want) {
			t.Errorf("the replied notice lacks %q", want)
		}
	}
	res, err := admin.Get(notice + "/file")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("the file: %d %v", res.StatusCode, res.Header)
	}
	if code, _ := get(t, f.client(t, "hd"), notice+"/file"); code != 403 {
		t.Errorf("another unit's file: %d", code)
	}
	if code, _, _ := postForm(t, sjd, notice+"/reply", url.Values{"reply": {"再次反馈"}}); code != 409 {
		t.Errorf("a second reply: %d", code)
	}
	if _, body := get(t, admin, dash); !strings.Contains(body, "督办逾期（0）") {
		t.Error("a replied notice is still overdue on the dashboard")
	}
}

func TestCloseTaskByHTTP(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	t8 := f.task(t, "8")
	admin := f.client(t, "admin")
	dossier := f.srv.URL + "/plans/" + itoa(f.planID) + "/tasks/" + itoa(t8.ID)
	if code, _, _ := postForm(t, f.client(t, "sjd"), dossier+"/close", url.Values{"evidence_reviewed": {"1"}}); code != 403 {
		t.Errorf("a reporter closes: %d", code)
	}
	if code, _, _ := postForm(t, f.client(t, "leader"), dossier+"/close", url.Values{"evidence_reviewed": {"1"}}); code != 403 {
		t.Errorf("a leader closes: %d", code)
	}
	code, body, _ := postForm(t, admin, dossier+"/close", url.Values{"note": {"认定名单已公示"}})
	if code != 400 || !strings.Contains(body, "请确认已核验佐证材料") || !strings.Contains(body, "认定名单已公示") {
		t.Errorf("closing unchecked: %d", code)
	}
	if code, _, loc := postForm(t, admin, dossier+"/close", url.Values{"note": {"认定名单已公示"}, "evidence_reviewed": {"1"}}); code != 303 || !strings.HasSuffix(loc, "#closure") {
		t.Fatalf("close: %d %s", code, loc)
	}
	_, body = get(t, admin, dossier+"/supervision")
	if !strings.Contains(body, `id="closed-tag"`) || !strings.Contains(body, "认定名单已公示") || !strings.Contains(body, `id="reopen-form"`) || strings.Contains(body, `id="notice-form"`) {
		t.Error("the dossier after 销号")
	}
	_, body = get(t, f.client(t, "leader"), f.srv.URL+"/plans/"+itoa(f.planID))
	if !strings.Contains(body, "已销号") {
		t.Error("the plan page does not say 已销号")
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/supervision")
	row := body[strings.Index(body, `id="task-`+itoa(t8.ID)+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "已销号") || strings.Contains(row, "sv-red") {
		t.Errorf("the grid's row of the closed task: %s", row)
	}
	if code, body, _ := postForm(t, admin, dossier+"/reopen", url.Values{}); code != 400 || !strings.Contains(body, "请填写“撤销原因”") {
		t.Errorf("reopen without a reason: %d", code)
	}
	if code, _, _ := postForm(t, admin, dossier+"/reopen", url.Values{"reason": {"复核发现材料不全"}}); code != 303 {
		t.Errorf("reopen: %d", code)
	}
	if _, body := get(t, admin, dossier+"/supervision"); strings.Contains(body, `id="closed-tag"`) || !strings.Contains(body, "复核发现材料不全") {
		t.Error("the dossier after reopening")
	}
}

func TestInstructionsByRole(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	leader, sjd, kgj := f.client(t, "leader"), f.client(t, "sjd"), f.client(t, "kgj")
	form := f.srv.URL + "/forms/" + f.forms["三家店街道"]
	t7 := f.task(t, "7")

	// Not on a form never reported (the page offers none): it says why.
	code, body, _ := postForm(t, leader, form+"/instructions", url.Values{"body": {"请加快进度"}})
	if code != 409 || !strings.Contains(body, "该单位尚未报送此表") {
		t.Errorf("on an unreported form: %d", code)
	}
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "21", "高新技术企业": "9", "技术合同成交额": "1"}, plan.TaskInProgress, "")
	for _, c := range []struct {
		role string
		want int
	}{{"sjd", 403}, {"kgj", 403}, {"hd", 403}} {
		if code, _, _ := postForm(t, f.client(t, c.role), form+"/instructions", url.Values{"body": {"x"}}); code != c.want {
			t.Errorf("a reporter (%s) instructs: %d", c.role, code)
		}
	}
	if code, _, _ := postForm(t, leader, form+"/instructions", url.Values{"body": {"数据来源要写清楚"}}); code != 303 {
		t.Fatalf("on the form: %d", code)
	}
	if code, _, _ := postForm(t, leader, form+"/instructions", url.Values{"body": {"高企培育要抓紧"}, "task": {itoa(t7.ID)}}); code != 303 {
		t.Fatalf("on task 7 of the form: %d", code)
	}
	list, _ := f.store.Instructions(context.Background(), store.InstructionFilter{UnitID: f.users["sjd"].UnitID})
	if len(list) != 2 {
		t.Fatalf("%d instructions", len(list))
	}
	var onForm, onTask string
	for _, in := range list {
		if in.TaskID == 0 {
			onForm = in.PublicID
		} else {
			onTask = in.PublicID
		}
	}
	// The unit sees both on its form; 区科工局, leading task 7, sees the one
	// on task 7 only (FormSightOf); 洪都街道 neither.
	_, body = get(t, sjd, form)
	if !strings.Contains(body, "数据来源要写清楚") || !strings.Contains(body, "高企培育要抓紧") || strings.Count(body, `class="stack answer-form"`) != 2 {
		t.Error("the unit's form does not show both instructions with answer forms")
	}
	_, body = get(t, kgj, form)
	if strings.Contains(body, "数据来源要写清楚") || !strings.Contains(body, "高企培育要抓紧") || strings.Contains(body, "answer-form") {
		t.Error("the lead unit's reviewer sees the wrong instructions, or may answer")
	}
	if code, _ := get(t, f.client(t, "hd"), f.srv.URL+"/instructions/"+onForm); code != 403 {
		t.Errorf("another unit opens the instruction: %d", code)
	}
	if code, _ := get(t, kgj, f.srv.URL+"/instructions/"+onTask); code != 403 {
		t.Errorf("the lead unit opens the instruction page: %d", code)
	}
	// Only the unit answers; back to the form it answered on.
	if code, _, _ := postForm(t, leader, f.srv.URL+"/instructions/"+onForm+"/answer", url.Values{"answer": {"x"}}); code != 403 {
		t.Errorf("a leader answers: %d", code)
	}
	code, _, loc := postForm(t, sjd, f.srv.URL+"/instructions/"+onForm+"/answer", url.Values{"answer": {"已补充数据来源"}, "next": {"/forms/" + f.forms["三家店街道"] + "?saved#instructions"}})
	if code != 303 || loc != "/forms/"+f.forms["三家店街道"]+"?saved#instructions" {
		t.Errorf("answer: %d %s", code, loc)
	}
	if code, _, loc := postForm(t, sjd, f.srv.URL+"/instructions/"+onTask+"/answer", url.Values{"answer": {"已落实"}, "next": {"//evil.example/"}}); code != 303 || loc != "/instructions/"+onTask+"?saved" {
		t.Errorf("answer with a foreign next: %d %s", code, loc)
	}
	// Leaders read the answers.
	_, body = get(t, leader, f.srv.URL+"/instructions")
	if !strings.Contains(body, "已补充数据来源") || !strings.Contains(body, "已落实") || !strings.Contains(body, "待答复 0 条，已答复 2 条") {
		t.Error("the leaders' list lacks the answers")
	}
	if code, _ := get(t, sjd, f.srv.URL+"/instructions"); code != 403 {
		t.Errorf("a reporter opens the leaders' list: %d", code)
	}

	// On a unit: from its page, seen by the unit and leaders, not by others.
	unit := f.srv.URL + "/units/" + itoa(f.users["sjd"].UnitID)
	if code, _, _ := postForm(t, leader, unit+"/instructions", url.Values{"body": {"街道要把科技创新摆在突出位置"}}); code != 303 {
		t.Errorf("on the unit: %d", code)
	}
	if _, body := get(t, sjd, unit); !strings.Contains(body, "街道要把科技创新摆在突出位置") || !strings.Contains(body, "answer-form") {
		t.Error("the unit's page does not show the instruction to answer")
	}
	if _, body := get(t, f.client(t, "hd"), unit); strings.Contains(body, "街道要把科技创新摆在突出位置") {
		t.Error("another unit sees the instruction on 三家店街道")
	}
	if _, body := get(t, sjd, f.srv.URL+"/my"); !strings.Contains(body, "街道要把科技创新摆在突出位置") {
		t.Error("the inbox does not list the instruction")
	}
}

func TestFormShowsChangesToReviewers(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	admin := f.users["admin"]
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "21", "高新技术企业": "9", "技术合同成交额": "1"}, plan.TaskNotStarted, "")
	if err := f.store.CloseRound(ctx, f.roundID); err != nil {
		t.Fatal(err)
	}
	august, err := f.store.CreateRound(ctx, plan.Round{PlanID: f.planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.OpenRound(ctx, august, admin); err != nil {
		t.Fatal(err)
	}
	forms, _ := f.store.RoundForms(ctx, august)
	var id string
	for _, s := range forms {
		if s.UnitName == "三家店街道" {
			id = s.PublicID
		}
	}
	// Before it reports in August, the grid carries its July entries, marked.
	if _, body := get(t, f.client(t, "admin"), f.srv.URL+"/plans/"+itoa(f.planID)+"/supervision"); !strings.Contains(body, `<span title="沿用 2022-07-31 的填报">＊</span>`) {
		t.Error("the August grid does not mark July's entries as carried")
	}
	form, _ := f.store.Form(ctx, id)
	e := store.FormEdit{Version: form.Version, Submit: true, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
	for _, tk := range form.Tasks {
		e.Tasks[tk.TaskID] = tk
	}
	for _, v := range form.Values {
		e.Values[v.GoalID] = v
	}
	first := form.Tasks[0]
	e.Tasks[first.TaskID] = plan.FormTask{Status: plan.TaskInProgress, Progress: first.Progress + "新增走访企业12家。"}
	if _, err := f.store.SaveForm(ctx, id, e, f.users["sjd"]); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		role string
		want bool
	}{{"admin", true}, {"kgj", true}, {"sjd", false}, {"leader", false}} {
		_, body := get(t, f.client(t, c.role), f.srv.URL+"/forms/"+id)
		got := strings.Contains(body, "较2022年7月调度有变化") && strings.Contains(body, "未启动 → <b>推进中</b>") && strings.Contains(body, "<ins>新增走访企业12家。</ins>")
		if got != c.want {
			t.Errorf("%s sees the change: %v, want %v", c.role, got, c.want)
		}
		if c.want && !strings.Contains(body, "与2022年7月调度填报相同") {
			t.Errorf("%s: the unchanged tasks are not marked", c.role)
		}
	}
}

func TestMilestonesOnTheTaskEditPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	t7 := f.task(t, "7")
	edit := f.srv.URL + "/plans/" + itoa(f.planID) + "/tasks/" + itoa(t7.ID)
	_, body := get(t, admin, edit+"/edit")
	if !strings.Contains(body, `id="milestone-form"`) || !strings.Contains(body, `name="desc_2"`) {
		t.Fatal("the task's edit page has no milestone rows")
	}
	dir, _ := f.store.Directory(context.Background())
	fgw := dir.Index()["区发改委"].UnitID
	code, body, _ := postForm(t, admin, edit+"/milestones", url.Values{"rows": {"3"}, "desc_0": {"6月底前出台方案"}, "desc_1": {"择机推进"}, "unit_2": {itoa(fgw)}, "desc_2": {"x"}, "due_2": {"2022-09-30"}})
	if code != 400 || !strings.Contains(body, "第2个节点：“完成日期”") || !strings.Contains(body, "第3个节点：“责任单位”") || !strings.Contains(body, "择机推进") {
		t.Errorf("bad milestones: %d", code)
	}
	code, _, loc := postForm(t, admin, edit+"/milestones", url.Values{"rows": {"3"}, "desc_0": {"6月底前出台方案"}, "desc_1": {"完成首批入库"}, "due_1": {"2022-09-30"}, "unit_1": {itoa(f.users["sjd"].UnitID)}})
	if code != 303 || !strings.HasSuffix(loc, "#milestones") {
		t.Fatalf("save: %d %s", code, loc)
	}
	ms, _ := f.store.TaskMilestones(context.Background(), f.planID, t7.ID)
	if len(ms) != 2 || ms[0].DueOn != "2022-06-30" || ms[1].UnitID != f.users["sjd"].UnitID {
		t.Errorf("stored %+v", ms)
	}
	if _, body := get(t, f.client(t, "leader"), f.srv.URL+"/plans/"+itoa(f.planID)); !strings.Contains(body, "6月底前出台方案（2022-06-30）") {
		t.Error("the plan page does not show the milestone")
	}
	if code, _, _ := postForm(t, f.client(t, "leader"), edit+"/milestones", url.Values{"rows": {"1"}, "desc_0": {"x"}}); code != 403 {
		t.Errorf("a leader edits milestones: %d", code)
	}
}

// TestPlanPageShowsDeadlines: a task's 完成时限 and its 附件1 rows' are shown
// as written with the date they come to in the plan's year.
func TestPlanPageShowsDeadlines(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	task := f.task(t, "7")
	task.Deadline = "年底前"
	var sectionID int64
	for _, sec := range f.doc.Sections {
		for _, tk := range sec.Tasks {
			if tk.ID == task.ID {
				sectionID = sec.ID
			}
		}
	}
	if _, err := f.store.SaveTask(ctx, f.planID, sectionID, task); err != nil {
		t.Fatal(err)
	}
	for _, row := range f.doc.TaskTable {
		if row.MapsToTask == "7" {
			row.Deadline = "9月底前"
			if _, err := f.store.SaveTaskRow(ctx, f.planID, row); err != nil {
				t.Fatal(err)
			}
			_, body := get(t, f.client(t, "leader"), f.srv.URL+"/plans/"+itoa(f.planID))
			for _, want := range []string{"年底前（2022-12-31）", "第" + row.Number + "行 9月底前（2022-09-30）"} {
				if !strings.Contains(body, want) {
					t.Errorf("the plan page lacks %q", want)
				}
			}
			return
		}
	}
	t.Fatal("no 附件1 row details task 7")
}
