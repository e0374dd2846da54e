package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// submitForm submits a unit's form in the open round with every entry
// filled, as its reporter (or the admin).
func (f *fixture) submitForm(t *testing.T, unit string) *plan.Form {
	t.Helper()
	ctx := context.Background()
	form, err := f.store.Form(ctx, f.forms[unit])
	if err != nil {
		t.Fatal(err)
	}
	e := store.FormEdit{Version: form.Version, Submit: true, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
	for _, tk := range form.Tasks {
		e.Tasks[tk.TaskID] = plan.FormTask{Status: plan.TaskInProgress, Progress: "按计划推进，已走访企业"}
	}
	for _, v := range form.Values {
		d := plan.MustDecimal("3")
		e.Values[v.GoalID] = plan.FormValue{Value: &d, Note: "台账"}
	}
	saved, err := f.store.SaveForm(ctx, form.PublicID, e, f.users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

var queueRowRe = regexp.MustCompile(`name="form" value="([0-9a-f]+):(\d+)"`)

// queued is what a page offers to tick: public ID → version.
func queued(body string) map[string]string {
	out := map[string]string{}
	for _, m := range queueRowRe.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestReviewQueueByRole: the bureau's queue holds every submitted form,
// a lead unit's the forms of others with tasks it leads; leaders review
// nothing; the header shows the count to those who review.
func TestReviewQueueByRole(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	sjd := f.submitForm(t, "三家店街道")
	hd := f.submitForm(t, "洪都街道")
	kgjForm := f.submitForm(t, "区科工局")

	_, body := get(t, f.client(t, "admin"), f.srv.URL+"/reviews")
	if got := queued(body); len(got) != 3 || got[sjd.PublicID] != itoa(int64(sjd.Version)) || got[hd.PublicID] == "" || got[kgjForm.PublicID] == "" {
		t.Errorf("admin's queue %v, want the three submitted forms", got)
	}
	if !strings.Contains(body, `id="nav-reviews">待我审核 <span class="badge" title="待审核的填报表">3</span>`) {
		t.Error("the admin's header does not count 3 forms to review")
	}
	// 区科工局 leads tasks on the sub-districts' forms: it sees those, not its own.
	_, body = get(t, f.client(t, "kgj"), f.srv.URL+"/reviews")
	got := queued(body)
	if _, own := got[kgjForm.PublicID]; own || got[sjd.PublicID] == "" || got[hd.PublicID] == "" {
		t.Errorf("区科工局's queue %v", got)
	}
	if strings.Contains(body, `value="approve"`) {
		t.Error("a lead unit is offered to approve")
	}
	_, body = get(t, f.client(t, "leader"), f.srv.URL+"/reviews")
	if len(queued(body)) != 0 || !strings.Contains(body, "审核由区科工局（管理员）和牵头单位进行") {
		t.Error("a leader's queue is not empty")
	}
	if strings.Contains(body, `id="nav-reviews"`) {
		t.Error("a leader's header offers 待我审核")
	}
	// Filters: by unit, and the queue's search box keeps what was typed.
	_, body = get(t, f.client(t, "admin"), f.srv.URL+"/reviews?q="+url.QueryEscape("洪都"))
	if got := queued(body); len(got) != 1 || got[hd.PublicID] == "" || !strings.Contains(body, `value="洪都"`) {
		t.Errorf("filtered by 洪都: %v", got)
	}
}

// TestBulkReview: approving three forms ticked on the queue, one of which
// was returned and resubmitted since the page was opened: that one is
// refused and named, the two others are approved; a bulk return needs its
// reason and tells each unit.
func TestBulkReview(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	a, b, c := f.submitForm(t, "三家店街道"), f.submitForm(t, "洪都街道"), f.submitForm(t, "徐家坊街道")
	admin := f.client(t, "admin")
	_, page := get(t, admin, f.srv.URL+"/reviews")
	ticked := queued(page)
	// Meanwhile 洪都街道's form is returned and handed in again.
	if err := f.store.ReviewForm(ctx, b.PublicID, b.Version, store.Return, "补充", f.users["admin"]); err != nil {
		t.Fatal(err)
	}
	f.submitForm(t, "洪都街道")

	vals := url.Values{"decision": {"approve"}}
	for id, v := range ticked {
		vals.Add("form", id+":"+v)
	}
	code, body, _ := postForm(t, admin, f.srv.URL+"/reviews", vals)
	if code != http.StatusOK || !strings.Contains(body, "已审核通过 2 张表。") {
		t.Fatalf("bulk approve: %d %s", code, regexp.MustCompile(`id="bulk-[a-z]+"[^<]*`).FindAllString(body, -1))
	}
	failed := regexp.MustCompile(`(?s)<div class="error" role="alert" id="bulk-failed">.*?</div>`).FindString(body)
	if !strings.Contains(failed, "洪都街道") || !strings.Contains(failed, "已被他人修改") || strings.Contains(failed, "三家店街道") {
		t.Errorf("the refused form: %q", failed)
	}
	for id, want := range map[string]plan.FormState{a.PublicID: plan.FormApproved, b.PublicID: plan.FormSubmitted, c.PublicID: plan.FormApproved} {
		if got, _ := f.store.Form(ctx, id); got.State != want {
			t.Errorf("form %s: %s, want %s", got.UnitName, got.State, want)
		}
	}
	// The queue now holds 洪都街道's resubmission only.
	if got := queued(body); len(got) != 1 || got[b.PublicID] == "" {
		t.Errorf("queue after the bulk approval %v", got)
	}

	// A bulk return from the round page: the reason is required.
	_, round := get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID))
	ticked = queued(round)
	if len(ticked) != 1 {
		t.Fatalf("round page offers %v to tick", ticked)
	}
	vals = url.Values{"decision": {"return"}, "back": {"/rounds/" + itoa(f.roundID)}}
	for id, v := range ticked {
		vals.Add("form", id+":"+v)
	}
	_, body, _ = postForm(t, admin, f.srv.URL+"/reviews", vals)
	if !strings.Contains(body, "退回时请写明原因") {
		t.Error("a bulk return without a reason is not refused")
	}
	vals.Set("comment", "数据来源请写具体")
	_, body, _ = postForm(t, admin, f.srv.URL+"/reviews", vals)
	if !strings.Contains(body, "已退回 1 张表。") || !strings.Contains(body, `<a href="/rounds/`+itoa(f.roundID)+`">返回调度</a>`) {
		t.Errorf("bulk return: %s", regexp.MustCompile(`id="bulk-done"[^<]*`).FindString(body))
	}
	_, notes := get(t, f.client(t, "hd"), f.srv.URL+"/notifications")
	if !strings.Contains(notes, "原因：数据来源请写具体。") || !strings.Contains(notes, `href="/forms/`+b.PublicID+`"`) {
		t.Error("洪都街道 has no reminder of the bulk return")
	}
	// A lead unit may return only what it leads, never approve.
	vals = url.Values{"decision": {"approve"}, "form": {a.PublicID + ":99"}}
	if _, body, _ = postForm(t, f.client(t, "kgj"), f.srv.URL+"/reviews", vals); !strings.Contains(body, "只有管理员可以审核通过") && !strings.Contains(body, "已被他人修改") {
		t.Errorf("a lead unit's bulk approval: %s", regexp.MustCompile(`id="bulk-failed".*`).FindString(body))
	}
}

// TestRoundExports: the round's status table and all its forms as .xlsx,
// opened with excelize; leaders get the status table, reporters neither.
func TestRoundExports(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	dir, _ := f.store.Directory(ctx)
	u, _ := dir.Unit(dir.Index()["三家店街道"].UnitID)
	u.Contact, u.Phone = "王五", "0791-86660000"
	if _, err := f.store.SaveUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	sjd := f.submitForm(t, "三家店街道")
	open := func(c *http.Client, path string) (int, *excelize.File) {
		res, err := c.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			return res.StatusCode, nil
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s does not open: %v", path, err)
		}
		t.Cleanup(func() { x.Close() })
		return res.StatusCode, x
	}
	base := "/rounds/" + itoa(f.roundID)
	_, x := open(f.client(t, "leader"), base+"/status.xlsx")
	rows, err := x.GetRows("填报情况")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2+len(f.forms) || !strings.Contains(rows[0][0], "2022年7月调度填报情况") || rows[1][4] != "联系人" {
		t.Fatalf("status sheet: %d rows, head %v", len(rows), rows[:2])
	}
	var line []string
	for _, r := range rows {
		if r[0] == "三家店街道" {
			line = r
		}
	}
	if len(line) < 7 || line[2] != "已报" || line[4] != "王五" || line[5] != "0791-86660000" || line[6] == "" {
		t.Errorf("三家店街道's line %v", line)
	}
	if code, _ := open(f.client(t, "leader"), base+"/forms.xlsx"); code != http.StatusForbidden {
		t.Errorf("a leader downloads every form (drafts included): %d", code)
	}
	for _, p := range []string{"/status.xlsx", "/forms.xlsx"} {
		if code, _ := open(f.client(t, "sjd"), base+p); code != http.StatusForbidden {
			t.Errorf("a reporter downloads %s: %d", p, code)
		}
	}
	_, x = open(f.client(t, "admin"), base+"/forms.xlsx")
	tasks, _ := x.GetRows("任务推进情况")
	values, _ := x.GetRows("分解目标完成情况")
	var sjdTasks, sjdValues int
	for _, r := range tasks[1:] {
		if r[0] == "三家店街道" {
			sjdTasks++
			if r[1] != "已报" || r[5] != "推进中" || r[6] != "按计划推进，已走访企业" || (r[4] != "牵头" && r[4] != "责任") {
				t.Errorf("task row %v", r)
			}
		}
	}
	for _, r := range values[1:] {
		if r[0] == "三家店街道" {
			sjdValues++
			if r[5] != "3" {
				t.Errorf("value row %v", r)
			}
		}
	}
	if sjdTasks != len(sjd.Tasks) || sjdValues != len(sjd.Values) || tasks[0][3] != "任务" {
		t.Errorf("三家店街道: %d task rows (want %d), %d value rows (want %d)", sjdTasks, len(sjd.Tasks), sjdValues, len(sjd.Values))
	}
	_, body := get(t, f.client(t, "admin"), f.srv.URL+base)
	if !strings.Contains(body, `href="`+base+`/status.xlsx"`) || !strings.Contains(body, `href="`+base+`/forms.xlsx"`) || !strings.Contains(rowOf(body, "三家店街道"), "王五") {
		t.Error("the round page lacks the exports or the contact")
	}
}

// TestListFilters: every list answers its search box and filters from the
// query string.
func TestListFilters(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.submitForm(t, "洪都街道")
	admin := f.client(t, "admin")
	for _, tt := range []struct {
		path     string
		has, not []string
	}{
		{"/units?q=" + url.QueryEscape("三家店"), []string{">三家店街道</a>"}, []string{">洪都街道</a><"}},
		{"/units?kind=town", []string{">青云谱镇</a>"}, []string{">三家店街道</a><"}},
		{"/plans?q=" + url.QueryEscape("基础大提升"), []string{"2022年青云谱区科技创新基础大提升工作要点"}, nil},
		{"/plans?q=" + url.QueryEscape("不存在的方案"), []string{"没有符合条件的方案"}, []string{"基础大提升工作要点</a>"}},
		{"/users?role=reporter", []string{"<td>sjd</td>"}, []string{"<td>leader</td>"}},
		{"/users?q=leader", []string{"<td>leader</td>"}, []string{"<td>sjd</td>"}},
		{"/plans/" + itoa(f.planID) + "/rounds?state=closed", []string{"没有符合条件的调度"}, []string{">2022年7月调度</a>"}},
		{"/plans/" + itoa(f.planID) + "/rounds?state=open", []string{">2022年7月调度</a>"}, nil},
		{"/rounds/" + itoa(f.roundID) + "?state=submitted", []string{">洪都街道</a>"}, []string{">三家店街道</a>"}},
		{"/rounds/" + itoa(f.roundID) + "?q=" + url.QueryEscape("三家店"), []string{">三家店街道</a>", "显示 1/18 个单位"}, []string{">洪都街道</a>"}},
		{"/audit?action=round.open", []string{"开始填报"}, []string{"新建方案"}},
	} {
		code, body := get(t, admin, f.srv.URL+tt.path)
		if code != http.StatusOK {
			t.Errorf("%s: %d", tt.path, code)
			continue
		}
		for _, w := range tt.has {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", tt.path, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(body, w) {
				t.Errorf("%s still shows %q", tt.path, w)
			}
		}
	}
}

// TestFormFieldErrors: a refused submission marks each problem at its
// field, lists them at the top with links, and keeps everything typed —
// a value that is not a number too; the API gives the same problems with
// their fields, in Chinese.
func TestFormFieldErrors(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	form, _ := f.store.Form(ctx, f.forms["三家店街道"])
	vals := formValues(form, map[string]string{"科技型中小企业": "十五", "高新技术企业": "10.5", "技术合同成交额": "1.2"}, "submit")
	first, second := form.Tasks[0].TaskID, form.Tasks[1].TaskID
	vals.Set("status_"+itoa(first), "")
	vals.Set("progress_"+itoa(second), "")
	vals.Set("problems_"+itoa(second), "缺少企业名单")
	sjd := f.client(t, "sjd")
	code, body, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, vals)
	if code != http.StatusBadRequest {
		t.Fatalf("refused submission: %d", code)
	}
	goal := func(ind string) string {
		for _, v := range form.Values {
			if v.Indicator == ind {
				return itoa(v.GoalID)
			}
		}
		t.Fatalf("no value %s", ind)
		return ""
	}
	// The number that is not one is refused first, on its own.
	for _, want := range []string{
		`<p class="field-error" id="value_` + goal("科技型中小企业") + `-error">`,
		`value="十五"`, `value="10.5"`, "缺少企业名单", `<ul class="problems" id="problems">`, `href="#value_` + goal("科技型中小企业") + `"`,
		"您填写的内容都已保留",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	vals.Set("value_"+goal("科技型中小企业"), "15")
	_, body, _ = postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, vals)
	body = html.UnescapeString(body)
	for _, want := range []string{
		`id="status_` + itoa(first) + `-error">任务` + form.Tasks[0].Number + `：请选择推进状态`,
		`id="progress_` + itoa(second) + `-error">任务` + form.Tasks[1].Number + `：请填写进展情况`,
		`id="value_` + goal("高新技术企业") + `-error">“高新技术企业”：以“家”计，应为整数`,
		`class="invalid" aria-invalid="true" aria-describedby="status_` + itoa(first) + `-error"`,
		`value="15"`, `value="10.5"`, "缺少企业名单", "有 3 处需要修改",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if got, _ := f.store.Form(ctx, form.PublicID); got.State != plan.FormEmpty || got.Version != form.Version {
		t.Errorf("a refused submission was written: %s v%d", got.State, got.Version)
	}

	// The API: the same problems with their fields; bad JSON in Chinese.
	token, _ := f.store.CreateAPIToken(ctx, "sjd", "test", 0)
	call := func(body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/forms/"+form.PublicID, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v["error"].(map[string]any)
	}
	code, e := call(`{"version":` + itoa(int64(form.Version)) + `,"submit":true}`)
	fields, _ := e["fields"].([]any)
	byField := map[string]string{}
	for _, x := range fields {
		m := x.(map[string]any)
		byField[m["field"].(string)] = m["message"].(string)
	}
	if code != http.StatusBadRequest || len(byField) != len(form.Tasks)+len(form.Values) ||
		byField["tasks."+itoa(first)+".status"] == "" || !strings.Contains(byField["values."+goal("高新技术企业")+".value"], "请填写") {
		t.Errorf("API refusal: %d, fields %v", code, byField)
	}
	english := regexp.MustCompile(`[A-Za-z]{4,}`)
	v := itoa(int64(form.Version))
	for _, tt := range []struct{ body, want, field string }{
		{`{"version":1,`, "JSON 不完整", ""},
		{`{"version":"一"}`, "version：应为数字", "version"},
		{`{"versio":1}`, "未知字段", ""},
		{`{"version":` + v + `,"tasks":[{"task_id":999999}]}`, "此表没有任务", "tasks.999999"},
		{`{"version":` + v + `,"values":[{"goal_id":` + goal("高新技术企业") + `,"value":"x"}]}`, "values：数值无效", "values"},
	} {
		code, e := call(tt.body)
		msg, _ := e["message"].(string)
		if code != http.StatusBadRequest || !strings.Contains(msg, tt.want) || english.MatchString(strings.NewReplacer("JSON", "", "task_id", "", "goal_id", "", "versio", "", "values", "").Replace(msg)) {
			t.Errorf("%s: %d %q, want %q in Chinese", tt.body, code, msg, tt.want)
		}
		if tt.field != "" {
			fs, _ := e["fields"].([]any)
			if len(fs) != 1 || fs[0].(map[string]any)["field"] != tt.field {
				t.Errorf("%s: fields %v, want %s", tt.body, fs, tt.field)
			}
		}
	}
}

// TestReturnShowsReasonAndReminds: a returned form shows its reason at the
// top until the unit hands it in again, and the unit gets a 提醒.
func TestReturnShowsReasonAndReminds(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	form := f.submitForm(t, "三家店街道")
	admin := f.client(t, "admin")
	code, _, _ := postForm(t, admin, f.srv.URL+"/forms/"+form.PublicID+"/review", url.Values{"version": {itoa(int64(form.Version))}, "decision": {"return"}, "comment": {"技术合同成交额缺少登记证明"}})
	if code != http.StatusSeeOther {
		t.Fatalf("return: %d", code)
	}
	sjd := f.client(t, "sjd")
	_, body := get(t, sjd, f.srv.URL+"/forms/"+form.PublicID)
	returned := regexp.MustCompile(`(?s)<section class="returned" id="returned".*?</section>`).FindString(body)
	if !strings.Contains(returned, "技术合同成交额缺少登记证明") || !strings.Contains(returned, "admin") ||
		strings.Index(body, `id="returned"`) > strings.Index(body, `id="form-main"`) {
		t.Errorf("the reason is not at the top: %q", returned)
	}
	if !strings.Contains(body, `<span class="badge" title="未读提醒">1</span>`) {
		t.Error("the header does not count the new reminder")
	}
	_, notes := get(t, sjd, f.srv.URL+"/notifications")
	if !strings.Contains(notes, "【退回】“2022年7月调度”填报已退回修改，原因：技术合同成交额缺少登记证明。") {
		t.Error("no 提醒 of the return")
	}
	// Still shown on a draft saved after the return; gone once handed in.
	cur, _ := f.store.Form(ctx, form.PublicID)
	vals := formValues(cur, map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.2"}, "save")
	postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, vals)
	if _, body = get(t, sjd, f.srv.URL+"/forms/"+form.PublicID); !strings.Contains(body, `id="returned"`) {
		t.Error("the reason is gone after a draft save")
	}
	cur, _ = f.store.Form(ctx, form.PublicID)
	vals.Set("version", itoa(int64(cur.Version)))
	vals.Set("action", "submit")
	if code, _, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, vals); code != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", code)
	}
	if _, body = get(t, sjd, f.srv.URL+"/forms/"+form.PublicID); strings.Contains(body, `id="returned"`) {
		t.Error("the reason is still shown after the resubmission")
	}
}

// TestFormLayout: tasks by action in plan order with their wording and the
// unit's role, evidence beside its task, a hint for each indicator.
func TestFormLayout(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	form, _ := f.store.Form(context.Background(), f.forms["三家店街道"])
	_, body := get(t, f.client(t, "sjd"), f.srv.URL+"/forms/"+form.PublicID)
	body = html.UnescapeString(body)
	prev := -1
	for _, tk := range form.Tasks {
		i := strings.Index(body, `<div class="task" id="task-`+itoa(tk.TaskID)+`">`)
		if i < prev {
			t.Errorf("task %s is out of order", tk.Number)
		}
		prev = i
		block := body[i:]
		if end := strings.Index(block[1:], `<div class="task" id="task-`); end > 0 {
			block = block[:end]
		}
		role := map[bool]string{true: "牵头", false: "责任"}[tk.Lead]
		if !strings.Contains(block, `">`+role+`</span></h4>`) || !strings.Contains(block, `<details class="task-text" open>`) ||
			!strings.Contains(block, `action="/forms/`+form.PublicID+`/attachments"`) || !strings.Contains(block, `value="`+itoa(tk.TaskID)+`"`) {
			t.Errorf("task %s lacks its role, text or evidence upload", tk.Number)
		}
	}
	if n := strings.Count(body, `<h3 class="section-head">`); n < 2 {
		t.Errorf("%d action headings", n)
	}
	hints := regexp.MustCompile(`<p class="hint field-hint">([^<]*)</p>`).FindAllStringSubmatch(body, -1)
	var distinct []string
	for _, h := range hints {
		if !slices.Contains(distinct, h[1]) {
			distinct = append(distinct, h[1])
		}
	}
	if len(hints) != len(form.Values) || len(distinct) < 2 {
		t.Errorf("hints %v: want one per indicator, not one for all", distinct)
	}
	if !strings.Contains(body, "填2022年1月1日至 2022-07-31 的累计数，以“亿元”计，最多 4 位小数。") {
		t.Error("技术合同成交额's hint does not say it is a sum since January")
	}
}

// TestTimesInBeijing: the form's versions and comments, the round's
// submission times and the audit log show Beijing time, never UTC.
func TestTimesInBeijing(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	before := time.Now()
	form := f.submitForm(t, "三家店街道")
	if err := f.store.AddFormComment(context.Background(), form.PublicID, 0, "已阅", f.users["admin"]); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	stamps := func(zone *time.Location) []string {
		var out []string
		for at := before.Add(-time.Minute); !at.After(after.Add(time.Minute)); at = at.Add(time.Minute) {
			out = append(out, at.In(zone).Format("2006-01-02 15:04"))
		}
		return out
	}
	has := func(body string, zone *time.Location) bool {
		for _, s := range stamps(zone) {
			if strings.Contains(body, s) {
				return true
			}
		}
		return false
	}
	admin := f.client(t, "admin")
	for _, p := range []string{"/forms/" + form.PublicID, "/rounds/" + itoa(f.roundID), "/reviews"} {
		_, body := get(t, admin, f.srv.URL+p)
		if !has(body, plan.Zone) || has(body, time.UTC) {
			t.Errorf("%s does not show the time in Beijing time", p)
		}
	}
}

// TestBulletinDraftAndNumbering: an open round's bulletin is a marked
// draft, not a download; closed, it is issued by the bureau, numbered with
// the 文号 and 版记 staff fill in; reopened and closed again it is 第2版,
// to be numbered anew.
func TestBulletinDraftAndNumbering(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.25"}, plan.TaskLagging, "企业技术合同登记意识不强")
	admin := f.client(t, "admin")
	base := f.srv.URL + "/rounds/" + itoa(f.roundID)
	code, body := get(t, admin, base+"/bulletin")
	if code != http.StatusOK || !strings.Contains(body, `<p class="draft-mark">草稿（未结束）</p>`) || !strings.Contains(body, "不得印发") {
		t.Fatalf("draft preview: %d", code)
	}
	if code, body = get(t, admin, base+"/bulletin/docx"); code != http.StatusConflict || !strings.Contains(body, "可在线预览通报草稿") {
		t.Errorf("a draft downloaded: %d", code)
	}
	if _, body = get(t, admin, base); !strings.Contains(body, `id="bulletin-draft"`) {
		t.Error("the round page offers no draft preview")
	}
	if code, _, _ := postForm(t, admin, base+"/close", nil); code != http.StatusSeeOther {
		t.Fatal("close")
	}
	_, body = get(t, admin, base+"/bulletin")
	text := plainText(body)
	for _, want := range []string{
		`<p class="issuer s`, "青云谱区科学技术和工业信息化局</p>", // the bureau, not the plan's issuer (区人民政府办公室)
		"下步工作", "推进滞后任务", "请三家店街道针对“企业技术合同登记意识不强”的问题",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the issued bulletin lacks %q", want)
		}
	}
	if strings.Contains(body, "draft-mark") || strings.Contains(text, "青云谱镇未按时报送") && strings.Contains(text, "区发改委未按时报送") {
		t.Error("the issued bulletin is marked a draft, or lists departments as 未报送")
	}
	if strings.Contains(text, "区发改委") && strings.Contains(regexp.MustCompile(`[^。]*未按时报送。`).FindString(text), "区发改委") {
		t.Error("a department without figures is listed as not reporting")
	}
	n := url.Values{"doc_number": {"青科工信字〔2022〕12号"}, "copy_to": {"区委办，区政府办"}, "printed_by": {"青云谱区科学技术和工业信息化局办公室"}, "printed_on": {"2022-08-11"}}
	if code, _, _ := postForm(t, admin, base+"/bulletin", n); code != http.StatusSeeOther {
		t.Fatalf("number the bulletin: %d", code)
	}
	if code, _, _ := postForm(t, f.client(t, "leader"), base+"/bulletin", n); code != http.StatusForbidden {
		t.Errorf("a leader numbers the bulletin: %d", code)
	}
	_, body = get(t, admin, base+"/bulletin")
	for _, want := range []string{`<p class="docno">青科工信字〔2022〕12号</p>`, "抄送：区委办，区政府办。", "2022年8月11日印发"} {
		if !strings.Contains(plainText(body), want) {
			t.Errorf("the numbered bulletin lacks %q", want)
		}
	}
	if code, _ := get(t, admin, base+"/bulletin/docx"); code != http.StatusOK {
		t.Errorf("issued docx: %d", code)
	}
	if _, body = get(t, admin, base); !strings.Contains(body, `value="青科工信字〔2022〕12号"`) || !strings.Contains(body, "调度通报（青科工信字〔2022〕12号）") {
		t.Error("the round page does not show the number")
	}
	postForm(t, admin, base+"/reopen", url.Values{"reason": {"补审"}})
	postForm(t, admin, base+"/close", nil)
	_, body = get(t, admin, base+"/bulletin")
	if text := plainText(body); !strings.Contains(text, "（第2版）") || strings.Contains(text, "青科工信字〔2022〕12号") || !strings.Contains(text, "抄送：区委办，区政府办。") {
		t.Error("第2版 keeps the first issue's number, or lost its 抄送")
	}
	if got := auditedActions(t, f, "round.bulletin"); len(got) != 1 {
		t.Errorf("numbering audited %v", got)
	}
}

// TestLoginsAudited: logins, successful and failed, are on the audit page
// in words, with the changed fields' Chinese labels.
func TestLoginsAudited(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.client(t, "leader")
	c := f.client(t, "")
	postForm(t, c, f.srv.URL+"/login", url.Values{"username": {"leader"}, "password": {"wrong-password"}})
	_, body := get(t, f.client(t, "admin"), f.srv.URL+"/audit?action=user.login")
	body = html.UnescapeString(body)
	for _, want := range []string{"登录成功", "user.login.ok", "登录失败", "user.login.failed", "登录来源 <code>client</code>", "原因 <code>reason</code></th><td class=\"old\"></td><td class=\"new\">密码错误</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
}

// TestNavigation: the top bar offers 调度, 总览 and 导入通知 to those who may
// use them; leaders land on 总览; /rounds and /dashboard open the plan in
// force.
func TestNavigation(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	nav := func(body string) string {
		return regexp.MustCompile(`(?s)<nav aria-label="主导航">.*?</nav>`).FindString(body)
	}
	for _, tt := range []struct {
		user     string
		has, not []string
	}{
		{"admin", []string{`href="/rounds">调度`, `href="/dashboard">总览`, `href="/plans/import">导入通知`, `href="/reviews"`}, nil},
		{"leader", []string{`href="/rounds">调度`, `href="/dashboard">总览`}, []string{"导入通知", `href="/reviews"`}},
		{"sjd", []string{`href="/my">我的填报`, `href="/dashboard">总览`}, []string{`href="/rounds">`, "导入通知"}},
	} {
		_, body := get(t, f.client(t, tt.user), f.srv.URL+"/plans")
		n := nav(body)
		for _, w := range tt.has {
			if !strings.Contains(n, w) {
				t.Errorf("%s's top bar lacks %s", tt.user, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(n, w) {
				t.Errorf("%s's top bar has %s", tt.user, w)
			}
		}
	}
	plans := "/plans/" + itoa(f.planID)
	for _, tt := range []struct{ user, path, want string }{
		{"leader", "/", plans + "/dashboard"},
		{"admin", "/", plans},
		{"admin", "/rounds", plans + "/rounds"},
		{"sjd", "/dashboard", plans + "/dashboard"},
	} {
		res, err := f.client(t, tt.user).Get(f.srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != tt.want {
			t.Errorf("%s %s: %d → %q, want %q", tt.user, tt.path, res.StatusCode, loc, tt.want)
		}
	}
}

// TestAPIRoundListAgrees: the round list gives each round's units, as its
// detail does.
func TestAPIRoundListAgrees(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	token, _ := f.store.CreateAPIToken(context.Background(), "leader", "test", 0)
	fetch := func(path string, v any) {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		json.NewDecoder(res.Body).Decode(v)
	}
	var list struct {
		Rounds []plan.Round `json:"rounds"`
	}
	var detail struct {
		Round plan.Round `json:"round"`
	}
	fetch("/api/v1/plans/"+itoa(f.planID)+"/rounds", &list)
	fetch("/api/v1/rounds/"+itoa(f.roundID), &detail)
	if len(list.Rounds) != 1 || len(detail.Round.UnitIDs) != 18 || !slices.Equal(list.Rounds[0].UnitIDs, detail.Round.UnitIDs) {
		t.Errorf("list unit_ids %v, detail %v", list.Rounds[0].UnitIDs, detail.Round.UnitIDs)
	}
}

// TestUnitContactShown: a unit's contact, set on its edit page, shows where
// the unit is chased: the round page, the dashboard's 未报 list.
func TestUnitContactShown(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	id := f.unitID(t, "洪都街道")
	vals := url.Values{"name": {"洪都街道"}, "kind": {"subdistrict"}, "contact": {"李四"}, "phone": {"13800001111"}}
	if code, body, _ := postForm(t, admin, f.srv.URL+"/units/"+itoa(id), vals); code != http.StatusSeeOther {
		t.Fatalf("save unit: %d %s", code, body)
	}
	vals.Set("phone", "call me")
	if code, body, _ := postForm(t, admin, f.srv.URL+"/units/"+itoa(id), vals); code != http.StatusBadRequest || !strings.Contains(body, "联系电话") {
		t.Errorf("a phone of letters: %d", code)
	}
	for _, p := range []string{"/rounds/" + itoa(f.roundID), "/plans/" + itoa(f.planID) + "/dashboard", "/units/" + itoa(id), "/units"} {
		if _, body := get(t, admin, f.srv.URL+p); !strings.Contains(body, `<span class="contact">李四</span> <span class="phone">13800001111</span>`) {
			t.Errorf("%s does not show 洪都街道's contact", p)
		}
	}
	if _, body := get(t, f.client(t, "sjd"), f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard"); strings.Contains(body, "13800001111") {
		t.Error("a reporter sees another unit's contact on the dashboard")
	}

}
