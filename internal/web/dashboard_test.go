package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// approve fills, submits and approves a unit's form with the given values
// and every task at the given status.
func (f *fixture) approve(t *testing.T, unit string, values map[string]string, status plan.TaskStatus, problems string) {
	t.Helper()
	ctx := context.Background()
	form, err := f.store.Form(ctx, f.forms[unit])
	if err != nil {
		t.Fatal(err)
	}
	e := store.FormEdit{Version: form.Version, Submit: true, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
	for _, tk := range form.Tasks {
		e.Tasks[tk.TaskID] = plan.FormTask{Status: status, Progress: "按计划推进，已走访企业", Problems: problems}
	}
	for _, v := range form.Values {
		d := plan.MustDecimal(values[v.Indicator])
		e.Values[v.GoalID] = plan.FormValue{Value: &d, Note: "台账"}
	}
	saved, err := f.store.SaveForm(ctx, form.PublicID, e, f.users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReviewForm(ctx, form.PublicID, saved.Version, store.Approve, "", f.users["admin"]); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardAndBulletin: the July 2022 numbers (徐家坊街道 12 of 19
// 高新技术企业; 三家店街道 1.25 of 3 亿元 技术合同成交额, reporting a lagging
// task) on the dashboard, then the closed round's bulletin.
func TestDashboardAndBulletin(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.25"}, plan.TaskLagging, "企业技术合同登记意识不强")
	admin := f.client(t, "admin")
	_, body := get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard")
	for _, want := range []string{
		"截至7月底，全区6项目标中", "63.2%", "超序时", "41.7%", "滞后", "不可评估",
		"企业技术合同登记意识不强", `id="chart-bars"`, "未报单位（16）", "徐家坊街道",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	// Drill from the district's 高新技术企业 actual (22) to the forms behind it.
	goal := f.doc.Goals[2]
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/goals/"+itoa(goal.ID)+"/progress")
	if !strings.Contains(body, "22") || !strings.Contains(body, "/forms/"+f.forms["徐家坊街道"]) {
		t.Error("goal drill-down does not list the forms behind the actual")
	}

	if code, body := get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/bulletin/docx"); code != http.StatusConflict || !strings.Contains(body, "尚未结束") {
		t.Errorf("bulletin of an open round: %d", code)
	}
	if err := f.store.CloseRound(context.Background(), f.roundID); err != nil {
		t.Fatal(err)
	}
	res, err := admin.Get(f.srv.URL + "/rounds/" + itoa(f.roundID) + "/bulletin/docx")
	if err != nil {
		t.Fatal(err)
	}
	docx, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("bulletin docx: %d %s", res.StatusCode, docx)
	}
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			doc = string(b)
		}
	}
	for _, want := range []string{"推进情况的通报", "截至7月底，全区6项目标中", "三家店街道报告滞后，反映企业技术合同登记意识不强", "63.2%", "未按时报送"} {
		if !strings.Contains(doc, want) {
			t.Errorf("bulletin document lacks %q", want)
		}
	}
	code, page := get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/bulletin")
	if code != 200 || !strings.Contains(page, `href="/bulletin.css"`) || strings.Contains(page, "<style") {
		t.Errorf("bulletin page: %d (must link its stylesheet: CSP)", code)
	}
	if code, _ := get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/bulletin/xlsx"); code != 200 {
		t.Errorf("bulletin xlsx: %d", code)
	}
	if code, _ := get(t, admin, f.srv.URL+"/rounds/"+itoa(f.roundID)+"/bulletin/odt"); code != http.StatusNotFound {
		t.Errorf("unknown format: %d", code)
	}
}

// TestDashboardHeaderIsTheViewers: the dashboard's content is rendered once
// and shared, and so is the layout around it for the same view; each
// viewer still gets its own header (name, role, menu), the flash only when
// asked, and a length that is the page's.
func TestDashboardHeaderIsTheViewers(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	hash, _ := auth.HashPassword(testPassword)
	if _, err := f.store.CreateUser(context.Background(), store.NewUser{Username: "wang", DisplayName: "王副区长", Role: auth.RoleLeader, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	page := f.srv.URL + "/plans/" + itoa(f.planID) + "/dashboard"
	leader, wang, admin := f.client(t, "leader"), f.client(t, "wang"), f.client(t, "admin")
	for i := range 2 { // the second time from what was kept
		for _, c := range []struct {
			client     *http.Client
			url        string
			want, lack []string
		}{
			{leader, page, []string{"leader（领导）", "63.2%"}, []string{"王副区长", "已保存。", "用户管理"}},
			{wang, page, []string{"王副区长（领导）", "63.2%"}, []string{"leader（领导）", "已保存。", "用户管理"}},
			{wang, page + "?saved=1", []string{"王副区长（领导）", "已保存。"}, []string{"leader（领导）"}},
			{admin, page, []string{"admin（管理员）", "用户管理", "63.2%"}, []string{"王副区长", "已保存。"}},
		} {
			res, err := c.client.Get(c.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(b)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
				t.Fatalf("#%d %s: status %d, Content-Length %q for %d bytes", i, c.url, res.StatusCode, res.Header.Get("Content-Length"), len(b))
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("#%d %s lacks %q", i, c.url, w)
				}
			}
			for _, w := range c.lack {
				if strings.Contains(body, w) {
					t.Errorf("#%d %s has %q", i, c.url, w)
				}
			}
		}
	}
}

// TestReporterDashboardHidesUnits: a reporter sees the district, not other
// units' figures or the ranking.
func TestReporterDashboardHidesUnits(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	_, body := get(t, f.client(t, "hd"), f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard")
	if strings.Contains(body, `id="ranking"`) || strings.Contains(body, "/forms/"+f.forms["徐家坊街道"]) || strings.Contains(body, ">徐家坊街道<") {
		t.Error("a reporter sees other units on the dashboard")
	}
}

// TestPublicPage: nothing is public until the admin publishes it, and then
// only district figures from closed rounds, no unit's values or people.
func TestPublicPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	anon := f.client(t, "")
	url := f.srv.URL + "/public/plans/" + itoa(f.planID)
	if code, _ := get(t, anon, url); code != http.StatusNotFound {
		t.Fatalf("unpublished plan: %d", code)
	}
	ps := plan.ProgressSettings{Publish: plan.Publication{Goals: true, Completion: true, Tasks: true}}
	if err := f.store.SaveProgressSettings(context.Background(), f.planID, ps); err != nil {
		t.Fatal(err)
	}
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	_, body := get(t, anon, url)
	if !strings.Contains(body, "≥76家") || strings.Contains(body, "12家") || strings.Contains(body, "完成情况（截至") {
		t.Error("the public page shows figures of a round that is still open")
	}
	f.store.CloseRound(context.Background(), f.roundID)
	_, body = get(t, anon, url)
	for _, want := range []string{"完成情况（截至 2022-07-31）", "15.8%", "加强关键核心技术攻关"} {
		if !strings.Contains(body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	for _, leak := range []string{"徐家坊街道", "/forms/", "leader", "admin"} {
		if strings.Contains(body, leak) {
			t.Errorf("public page shows %q", leak)
		}
	}
}
