package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
)

// formValues is what a browser sends for a form page: every task answered.
func formValues(f *plan.Form, values map[string]string, action string) url.Values {
	v := url.Values{"version": {itoa(int64(f.Version))}, "opened_at": {"0"}, "action": {action}}
	for _, t := range f.Tasks {
		id := itoa(t.TaskID)
		v.Set("status_"+id, string(plan.TaskInProgress))
		v.Set("progress_"+id, "已开展政策宣传，走访企业")
		v.Set("problems_"+id, "企业申报积极性不高")
		v.Set("next_"+id, "继续走访")
	}
	for _, g := range f.Values {
		v.Set("value_"+itoa(g.GoalID), values[g.Indicator])
		v.Set("note_"+itoa(g.GoalID), "区科工局台账")
	}
	return v
}

// TestRoundOverHTTP runs a round as its users do: the reporter fills and
// submits, the bureau returns it, the reporter corrects and resubmits, the
// bureau approves, and the values reach the plan page.
func TestRoundOverHTTP(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	xjf := f.forms["徐家坊街道"]
	dir, _ := f.store.Directory(ctx)
	reporter := f.addReporter(t, "xjf", dir.Index()["徐家坊街道"].UnitID)
	admin := f.client(t, "admin")

	code, body := get(t, reporter, f.srv.URL+"/")
	if code != http.StatusSeeOther {
		t.Fatalf("reporter home: %d", code)
	}
	_, body = get(t, reporter, f.srv.URL+"/my")
	if !strings.Contains(body, "/forms/"+xjf) || !strings.Contains(body, "未填") {
		t.Fatal("the reporter's inbox does not list the form")
	}
	form, _ := f.store.Form(ctx, xjf)
	vals := formValues(form, map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "1.2"}, "submit")
	vals.Set("value_"+itoa(form.Values[1].GoalID), "12.5")
	code, body, _ = postForm(t, reporter, f.srv.URL+"/forms/"+xjf, vals)
	if code != http.StatusBadRequest || !strings.Contains(body, "应为整数") || !strings.Contains(body, `value="12.5"`) {
		t.Fatalf("12.5 enterprises: %d; want 400 keeping what was typed", code)
	}
	vals.Set("value_"+itoa(form.Values[1].GoalID), "12")
	if code, body, _ = postForm(t, reporter, f.srv.URL+"/forms/"+xjf, vals); code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", code, body)
	}
	// A second tab still holding version 0 cannot overwrite it.
	if code, body, _ = postForm(t, reporter, f.srv.URL+"/forms/"+xjf, vals); code != http.StatusConflict || !strings.Contains(body, "已被他人修改") && !strings.Contains(body, "不能再修改") {
		t.Errorf("stale submit: %d", code)
	}
	// Return with a reason; the reporter sees it and resubmits.
	code, _, _ = postForm(t, admin, f.srv.URL+"/forms/"+xjf+"/review", url.Values{"version": {"1"}, "decision": {"return"}, "comment": {"请附高新技术企业名单"}})
	if code != http.StatusSeeOther {
		t.Fatalf("return: %d", code)
	}
	_, body = get(t, reporter, f.srv.URL+"/forms/"+xjf)
	if !strings.Contains(body, "请附高新技术企业名单") || !strings.Contains(body, "退回") || !strings.Contains(body, `name="value_`) {
		t.Fatal("the returned form is not open again with the reason")
	}
	form, _ = f.store.Form(ctx, xjf)
	vals = formValues(form, map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "1.2"}, "submit")
	if code, body, _ = postForm(t, reporter, f.srv.URL+"/forms/"+xjf, vals); code != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", code, body)
	}
	code, _, _ = postForm(t, admin, f.srv.URL+"/forms/"+xjf+"/review", url.Values{"version": {"3"}, "decision": {"approve"}})
	if code != http.StatusSeeOther {
		t.Fatalf("approve: %d", code)
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID))
	if !strings.Contains(body, "完成 12") || !strings.Contains(body, `<td class="num actual">12家</td>`) {
		t.Error("the approved value does not reach the plan page")
	}
	if !strings.Contains(body, `<span class="taskst ts-`) {
		t.Log("no lead unit has an approved report yet, so no task status")
	}
	_, body = get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID))
	if !strings.Contains(body, "已审 <b>1</b>") || !strings.Contains(body, `id="burden"`) {
		t.Error("the round page does not count the approved form")
	}
	_, body = get(t, admin, f.srv.URL+"/forms/"+xjf+"/versions/0")
	if !strings.Contains(body, "第 0 版（只读）") {
		t.Error("version 0 not viewable")
	}
}

// TestFormsAreNotOtherUnits: a reporter reaches only its own unit's forms;
// a lead unit sees, once reported, only the entries of the tasks it leads.
func TestFormsAreNotOtherUnits(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	hd := f.client(t, "hd")
	sjdForm := f.forms["三家店街道"]
	for _, path := range []string{"/forms/" + sjdForm, "/forms/" + sjdForm + "/versions/0", "/attachments/" + f.attachment} {
		if code, _ := get(t, hd, f.srv.URL+path); code != http.StatusForbidden {
			t.Errorf("洪都街道 reporter GET %s: %d, want 403", path, code)
		}
	}
	if code, _, _ := postForm(t, hd, f.srv.URL+"/forms/"+sjdForm, url.Values{"version": {"0"}}); code != http.StatusForbidden {
		t.Errorf("洪都街道 reporter saving 三家店街道's form: %d", code)
	}
	// Guessing: IDs are 80 random bits; a made-up one is simply not found.
	if code, _ := get(t, hd, f.srv.URL+"/forms/0000000000000000000a"); code != http.StatusNotFound {
		t.Errorf("made-up form ID: %d", code)
	}
	_, body := get(t, hd, f.srv.URL+"/rounds/"+itoa(f.roundID))
	if strings.Contains(body, "三家店街道") || !strings.Contains(body, "洪都街道") {
		t.Error("a reporter sees other units on the round page")
	}

	kgj := f.client(t, "kgj")
	code, body := get(t, kgj, f.srv.URL+"/forms/"+sjdForm)
	if code != 200 || !strings.Contains(body, "尚未上报") {
		t.Errorf("lead unit before the unit reported: %d", code)
	}
	sjd := f.client(t, "sjd")
	form, _ := f.store.Form(context.Background(), sjdForm)
	vals := formValues(form, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"}, "submit")
	if code, body, _ := postForm(t, sjd, f.srv.URL+"/forms/"+sjdForm, vals); code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", code, body)
	}
	_, body = get(t, kgj, f.srv.URL+"/forms/"+sjdForm)
	if strings.Contains(body, "分解目标完成情况") || strings.Contains(body, "11. 推动科技企业上市") || !strings.Contains(body, "3. 培育企业研发机构") {
		t.Error("区科工局 sees more than the entries of the tasks it leads")
	}
	if code, _, _ := postForm(t, kgj, f.srv.URL+"/forms/"+sjdForm+"/comments", url.Values{"task": {itoa(form.Tasks[0].TaskID)}, "body": {"请补充企业名单"}}); code != http.StatusSeeOther {
		t.Errorf("lead unit comment: %d", code)
	}
	if code, _, _ := postForm(t, kgj, f.srv.URL+"/forms/"+sjdForm+"/review", url.Values{"version": {"1"}, "decision": {"approve"}}); code != http.StatusForbidden {
		t.Errorf("lead unit approving: %d, want 403", code)
	}
	if code, _, _ := postForm(t, kgj, f.srv.URL+"/forms/"+sjdForm+"/review", url.Values{"version": {"1"}, "decision": {"return"}, "comment": {"名单不全"}}); code != http.StatusSeeOther {
		t.Errorf("lead unit returning: %d", code)
	}
}

func TestEvidenceUpload(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	sjd := f.client(t, "sjd")
	form, _ := f.store.Form(context.Background(), f.forms["三家店街道"])
	up := func(name string, data []byte) (int, string) {
		code, body, _ := postFileWith(t, sjd, f.srv.URL+"/forms/"+form.PublicID+"/attachments", "file", name, data, url.Values{"task": {itoa(form.Tasks[1].TaskID)}})
		return code, body
	}
	if code, body := up("../../etc/名单<1>.pdf", []byte("%PDF-1.4 real")); code != http.StatusSeeOther {
		t.Fatalf("pdf upload: %d %s", code, body)
	}
	if code, body := up("a.pdf", []byte("<html><script>alert(1)</script>")); code != http.StatusBadRequest || !strings.Contains(body, "不是可接受") {
		t.Errorf("html posing as pdf: %d", code)
	}
	if code, _ := up("a.exe", []byte("MZ\x90\x00")); code != http.StatusBadRequest {
		t.Errorf("exe: %d", code)
	}
	list, _ := f.store.Attachments(context.Background(), form.PublicID)
	var got string
	for _, a := range list {
		if a.TaskID == form.Tasks[1].TaskID {
			got = a.Filename
			res, err := sjd.Get(f.srv.URL + "/attachments/" + a.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || res.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("download headers: %q %q", cd, res.Header.Get("Content-Type"))
			}
		}
	}
	if got != "名单_1_.pdf" {
		t.Errorf("stored name %q, want the base name with unsafe characters replaced", got)
	}
}

// addReporter creates a reporter for a unit and returns a logged-in client.
func (f *fixture) addReporter(t *testing.T, username string, unitID int64) *http.Client {
	t.Helper()
	hashUser(t, f, username, unitID)
	return f.client(t, username)
}

func TestFormAPI(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	sjd, _ := f.store.CreateAPIToken(ctx, "sjd", "test", 0)
	hd, _ := f.store.CreateAPIToken(ctx, "hd", "test", 0)
	call := func(token, method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	id := f.forms["三家店街道"]
	code, body := call(sjd, "GET", "/api/v1/forms/"+id, "")
	if code != 200 || !strings.Contains(body, `"state":"empty"`) {
		t.Fatalf("GET form: %d %s", code, body)
	}
	form, _ := f.store.Form(ctx, id)
	save := `{"version":0,"values":[{"goal_id":` + itoa(form.Values[0].GoalID) + `,"value":"22","note":"评价系统"}]}`
	if code, body = call(sjd, "POST", "/api/v1/forms/"+id, save); code != 200 || !strings.Contains(body, `"version":1`) {
		t.Fatalf("save: %d %s", code, body)
	}
	// A conflict names where the form stands, so that a client needs no
	// second read to try again.
	if code, body = call(sjd, "POST", "/api/v1/forms/"+id, save); code != http.StatusConflict || !strings.Contains(body, `"current":{"version":1,"state":"draft"}`) {
		t.Errorf("stale save: %d %s, want 409 naming version 1, a draft", code, body)
	}
	if code, _ = call(hd, "GET", "/api/v1/forms/"+id, ""); code != http.StatusForbidden {
		t.Errorf("another unit's token: %d, want 403", code)
	}
	if code, body = call(sjd, "POST", "/api/v1/forms/"+id, `{"version":1,"submit":true}`); code != http.StatusBadRequest || !strings.Contains(body, "请选择推进状态") {
		t.Errorf("incomplete submit: %d %s", code, body)
	}
	var whole []string
	for _, tk := range form.Tasks {
		whole = append(whole, `{"task_id":`+itoa(tk.TaskID)+`,"status":"in_progress","progress":"按计划推进"}`)
	}
	var values []string
	for _, v := range form.Values {
		values = append(values, `{"goal_id":`+itoa(v.GoalID)+`,"value":"1"}`)
	}
	submit := `{"version":1,"submit":true,"tasks":[` + strings.Join(whole, ",") + `],"values":[` + strings.Join(values, ",") + `]}`
	if code, body = call(sjd, "POST", "/api/v1/forms/"+id, submit); code != 200 {
		t.Fatalf("submit: %d %s", code, body)
	}
	if code, body = call(sjd, "POST", "/api/v1/forms/"+id, strings.Replace(save, `"version":0`, `"version":2`, 1)); code != http.StatusConflict || !strings.Contains(body, `"current":{"version":2,"state":"submitted"}`) {
		t.Errorf("save of a submitted form: %d %s, want 409 naming version 2, submitted", code, body)
	}
	if code, body = call(hd, "GET", "/api/v1/rounds/"+itoa(f.roundID), ""); code != 200 || strings.Contains(body, "三家店街道") {
		t.Errorf("round as 洪都街道: %d", code)
	}
}

// TestRoundScopeAndOpen: an admin creates a round for two units and opens it.
func TestRoundScopeAndOpen(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	dir, _ := f.store.Directory(context.Background())
	idx := dir.Index()
	vals := url.Values{"label": {"2022年8月调度"}, "as_of": {"2022-08-31"}, "opens_on": {"2022-09-01"}, "due_on": {"2022-08-20"}, "remind_days": {"2"},
		"units": {itoa(idx["三家店街道"].UnitID), itoa(idx["区科工局"].UnitID)}}
	code, body, _ := postForm(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/rounds", vals)
	if code != http.StatusBadRequest || !strings.Contains(body, "“截止日期”早于“开始日期”") {
		t.Fatalf("due before opening: %d", code)
	}
	vals.Set("due_on", "2022-09-05")
	code, _, loc := postForm(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/rounds", vals)
	if code != http.StatusSeeOther {
		t.Fatalf("create round: %d", code)
	}
	round := strings.TrimPrefix(strings.Split(loc, "?")[0], "/rounds/")
	if code, _, _ = postForm(t, admin, f.srv.URL+"/rounds/"+round+"/open", nil); code != http.StatusSeeOther {
		t.Fatalf("open: %d", code)
	}
	forms, _ := f.store.RoundForms(context.Background(), int64(atoi(round)))
	if len(forms) != 2 {
		t.Errorf("%d forms, want 2 (the units chosen)", len(forms))
	}
}
