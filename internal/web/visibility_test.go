package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
)

// eachDatabase runs fn on a fixture over SQLite and over PostgreSQL (when
// scripts/test started one).
func eachDatabase(t *testing.T, fn func(t *testing.T, f *fixture)) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) { fn(t, newFixture(t, dsn)) })
}

// ledAndNot returns a task of unit's form that 区科工局 leads and one it
// does not.
func (f *fixture) ledAndNot(t *testing.T, unit string) (led, other int64) {
	t.Helper()
	ctx := context.Background()
	res, err := f.store.FormResource(ctx, f.forms[unit])
	if err != nil {
		t.Fatal(err)
	}
	leads := map[int64]bool{}
	for _, id := range res.Leads[f.users["kgj"].UnitID] {
		leads[id] = true
	}
	form, _ := f.store.Form(ctx, f.forms[unit])
	for _, tk := range form.Tasks {
		if leads[tk.TaskID] && led == 0 {
			led = tk.TaskID
		}
		if !leads[tk.TaskID] && other == 0 {
			other = tk.TaskID
		}
	}
	if led == 0 || other == 0 {
		t.Fatalf("%s's form: led %d, other %d", unit, led, other)
	}
	return led, other
}

func upload(t *testing.T, c *http.Client, u string, taskID int64, name string, data []byte) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("task", itoa(taskID))
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestLeadReviewerSeesOnlyItsTasks: a lead unit's reviewer sees the tasks
// it leads as last reported, in every reply — the page, its versions, the
// review API's answer, remarks and evidence — and remarks on those only.
func TestLeadReviewerSeesOnlyItsTasks(t *testing.T) {
	eachDatabase(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		led, other := f.ledAndNot(t, "三家店街道")
		form := f.forms["三家店街道"]
		sjd, kgj, admin := f.client(t, "sjd"), f.client(t, "kgj"), f.client(t, "admin")

		// Evidence on a task 区科工局 leads and on one it does not.
		pdf := []byte("%PDF-1.4 evidence")
		if c := upload(t, sjd, f.srv.URL+"/forms/"+form+"/attachments", led, "led.pdf", pdf); c != http.StatusSeeOther {
			t.Fatalf("upload: %d", c)
		}
		if c := upload(t, sjd, f.srv.URL+"/forms/"+form+"/attachments", other, "other.pdf", pdf); c != http.StatusSeeOther {
			t.Fatalf("upload: %d", c)
		}
		// A draft nobody has submitted.
		cur, _ := f.store.Form(ctx, form)
		vals := formValues(cur, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"}, "save")
		vals.Set("progress_"+itoa(led), "草稿里还没想好的话")
		if code, body, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form, vals); code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", code, body)
		}
		draft, _ := f.store.Form(ctx, form)
		if code, _ := get(t, kgj, f.srv.URL+"/forms/"+form+"/versions/"+itoa(int64(draft.Version))); code != http.StatusNotFound {
			t.Errorf("a lead unit opening an unsubmitted draft version: %d, want 404", code)
		}
		if _, body := get(t, kgj, f.srv.URL+"/forms/"+form); strings.Contains(body, "草稿里还没想好的话") || !strings.Contains(body, "尚未上报") {
			t.Error("a lead unit reads a draft")
		}
		if _, body := get(t, f.client(t, "leader"), f.srv.URL+"/forms/"+form); strings.Contains(body, "草稿里还没想好的话") {
			t.Error("a leader reads a draft")
		}

		vals = formValues(draft, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"}, "submit")
		if code, body, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form, vals); code != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", code, body)
		}
		// An admin's remark on a task 区科工局 does not lead.
		if code, _, _ := postForm(t, admin, f.srv.URL+"/forms/"+form+"/comments", url.Values{"task": {itoa(other)}, "body": {"管理员对别的任务的意见"}}); code != http.StatusSeeOther {
			t.Fatalf("admin comment: %d", code)
		}
		if code, _, _ := postForm(t, kgj, f.srv.URL+"/forms/"+form+"/comments", url.Values{"task": {itoa(other)}, "body": {"越权意见"}}); code != http.StatusForbidden {
			t.Errorf("a lead unit commenting on a task it does not lead: %d, want 403", code)
		}
		if code, _, _ := postForm(t, kgj, f.srv.URL+"/forms/"+form+"/comments", url.Values{"task": {"0"}, "body": {"对整张表的意见"}}); code != http.StatusForbidden {
			t.Errorf("a lead unit commenting on the whole form: %d, want 403", code)
		}
		_, body := get(t, kgj, f.srv.URL+"/forms/"+form)
		if strings.Contains(body, "管理员对别的任务的意见") || strings.Contains(body, "other.pdf") || !strings.Contains(body, "led.pdf") {
			t.Error("a lead unit sees remarks or evidence of tasks it does not lead")
		}
		atts, _ := f.store.Attachments(ctx, form)
		for _, a := range atts {
			want := http.StatusOK
			if a.TaskID == other {
				want = http.StatusForbidden
			}
			if code, _ := get(t, kgj, f.srv.URL+"/attachments/"+a.PublicID); code != want {
				t.Errorf("a lead unit downloading %s: %d, want %d", a.Filename, code, want)
			}
		}

		// The review API's reply is the form as the reviewer sees it.
		sub, _ := f.store.Form(ctx, form)
		tok, err := f.store.CreateAPIToken(ctx, "kgj", "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/forms/"+form+"/review",
			strings.NewReader(`{"version":`+itoa(int64(sub.Version))+`,"decision":"return","comment":"名单不全"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var reply plan.Form
		json.NewDecoder(res.Body).Decode(&reply)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("lead unit return through the API: %d", res.StatusCode)
		}
		if len(reply.Values) != 0 || len(reply.Tasks) == 0 {
			t.Errorf("the review reply holds values or no tasks: %+v", reply)
		}
		for _, tk := range reply.Tasks {
			if tk.TaskID == other {
				t.Errorf("the review reply holds task %s, which 区科工局 does not lead", tk.Number)
			}
		}
	})
}

// TestReporterSeesOnlyItsUnit: a 洪都街道 reporter reads the district's
// figures and its own, not 三家店街道's — on the dashboard, the plan page's
// 附件2, 三家店街道's unit page, the goal drill-down and the round API.
func TestReporterSeesOnlyItsUnit(t *testing.T) {
	eachDatabase(t, func(t *testing.T, f *fixture) {
		f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "23", "高新技术企业": "12", "技术合同成交额": "1.75"}, plan.TaskLagging, "三家店街道自述的困难")
		f.approve(t, "洪都街道", map[string]string{"科技型中小企业": "13", "高新技术企业": "6", "技术合同成交额": "0.65"}, plan.TaskInProgress, "")
		hd := f.client(t, "hd")
		plans := f.srv.URL + "/plans/" + itoa(f.planID)
		sjdID := f.users["sjd"].UnitID
		for _, path := range []string{plans + "/dashboard", plans, f.srv.URL + "/units/" + itoa(sjdID), plans + "/goals/" + itoa(f.doc.Goals[1].ID) + "/progress"} {
			code, body := get(t, hd, path)
			if code != http.StatusOK {
				t.Errorf("GET %s: %d", path, code)
			}
			for _, leak := range []string{"三家店街道自述的困难", "/forms/" + f.forms["三家店街道"], "完成 23</small>", ">23<", "1.75"} {
				if strings.Contains(body, leak) {
					t.Errorf("a 洪都街道 reporter reads %q on %s", leak, path)
				}
			}
		}
		// Its own figures and the district's are there.
		if _, body := get(t, hd, plans); !strings.Contains(body, "完成 13") || !strings.Contains(body, "完成 36") {
			t.Error("the plan page lacks 洪都街道's own figure or the district's")
		}
		// The admin sees 三家店街道's.
		if _, body := get(t, f.client(t, "admin"), plans); !strings.Contains(body, "完成 23") {
			t.Error("the admin does not see 三家店街道's figure in 附件2")
		}
		tok, _ := f.store.CreateAPIToken(context.Background(), "hd", "test", 0)
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/rounds/"+itoa(f.roundID), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var reply struct {
			Forms []struct{ Unit string } `json:"forms"`
		}
		json.NewDecoder(res.Body).Decode(&reply)
		res.Body.Close()
		if len(reply.Forms) != 1 || reply.Forms[0].Unit != "洪都街道" {
			t.Errorf("the round API gives a reporter %+v", reply.Forms)
		}
	})
}

// TestClosedRoundRefusesReview: over HTTP, neither the admin's approval nor
// a lead unit's return reaches a closed round's form; reopening lets the
// admin approve, and the bulletin then says it is reissued.
func TestClosedRoundRefusesReview(t *testing.T) {
	eachDatabase(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		form := f.forms["三家店街道"]
		cur, _ := f.store.Form(ctx, form)
		sjd, kgj, admin := f.client(t, "sjd"), f.client(t, "kgj"), f.client(t, "admin")
		vals := formValues(cur, map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"}, "submit")
		if code, _, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form, vals); code != http.StatusSeeOther {
			t.Fatalf("submit: %d", code)
		}
		if code, _, _ := postForm(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/close", nil); code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		sub, _ := f.store.Form(ctx, form)
		v := itoa(int64(sub.Version))
		if code, body, _ := postForm(t, admin, f.srv.URL+"/forms/"+form+"/review", url.Values{"version": {v}, "decision": {"approve"}}); code != http.StatusConflict || !strings.Contains(body, "重新打开") {
			t.Errorf("approve after close: %d", code)
		}
		if code, _, _ := postForm(t, kgj, f.srv.URL+"/forms/"+form+"/review", url.Values{"version": {v}, "decision": {"return"}, "comment": {"名单不全"}}); code != http.StatusConflict {
			t.Errorf("lead unit return after close: %d, want 409", code)
		}
		if _, body := get(t, admin, f.srv.URL+"/forms/"+form); strings.Contains(body, `action="/forms/`+form+`/review"`) {
			t.Error("a closed round's form still offers review")
		}
		if code, _, _ := postForm(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/reopen", url.Values{"reason": {"补充审核"}}); code != http.StatusSeeOther {
			t.Fatalf("reopen: %d", code)
		}
		if code, _, _ := postForm(t, kgj, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/reopen", url.Values{"reason": {"x"}}); code != http.StatusForbidden {
			t.Errorf("a reporter reopening: %d", code)
		}
		if code, _, _ := postForm(t, admin, f.srv.URL+"/forms/"+form+"/review", url.Values{"version": {v}, "decision": {"approve"}}); code != http.StatusSeeOther {
			t.Fatalf("approve after reopen: %d", code)
		}
		postForm(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/close", nil)
		if _, body := get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/bulletin"); !strings.Contains(body, "第2版") {
			t.Error("the reissued bulletin does not say so")
		}
		if _, body := get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard?round="+itoa(f.roundID)); !strings.Contains(body, "第 2 版") {
			t.Error("the dashboard does not say the figures were reissued")
		}
	})
}

// TestPublicPageShowsClosedRoundsOnly: an open round's statuses and figures
// stay off the public page until the round closes; every figure carries
// its unit, and only the status words the admin publishes appear.
func TestPublicPageShowsClosedRoundsOnly(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	ps, _ := f.store.ProgressSettings(ctx, f.planID)
	ps.Publish = plan.Publication{Goals: true, Completion: true, Tasks: true, TaskWords: []plan.TaskStatus{plan.TaskDone, plan.TaskInProgress}}
	if err := f.store.SaveProgressSettings(ctx, f.planID, ps); err != nil {
		t.Fatal(err)
	}
	f.approve(t, "区科工局", nil, plan.TaskLagging, "")
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "21", "高新技术企业": "10", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	anon := f.client(t, "")
	pub := f.srv.URL + "/public/plans/" + itoa(f.planID)
	if _, body := get(t, anon, pub); strings.Contains(body, "滞后") || strings.Contains(body, ">21") || strings.Contains(body, "暂不公开") {
		t.Error("the public page shows an open round's statuses or figures")
	}
	if err := f.store.CloseRound(ctx, f.roundID); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, anon, pub)
	if !strings.Contains(body, "21家") || !strings.Contains(body, "2亿元") {
		t.Error("the public page's figures lack their units")
	}
	if strings.Contains(body, ">滞后<") || !strings.Contains(body, "暂不公开") || strings.Contains(body, "超序时") || strings.Contains(body, "三家店街道") {
		t.Error("the public page shows a status word the admin did not publish, or a unit")
	}
}
