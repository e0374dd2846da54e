package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
	"kechuang/internal/xlsx"
)

func postForm(t *testing.T, c *http.Client, u string, vals url.Values) (int, string, string) {
	t.Helper()
	res, err := c.PostForm(u, vals)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

func postFile(t *testing.T, c *http.Client, u, field, name string, data []byte) (int, string, string) {
	t.Helper()
	return postFileWith(t, c, u, field, name, data, nil)
}

var hiddenDocument = regexp.MustCompile(`name="document" value="([^"]*)"`)
var hiddenSource = regexp.MustCompile(`name="source" value="([^"]*)"`)

// reviewForm returns the hidden fields of a review page, as a browser would
// send them back.
func reviewForm(t *testing.T, body string) url.Values {
	t.Helper()
	d, s := hiddenDocument.FindStringSubmatch(body), hiddenSource.FindStringSubmatch(body)
	if d == nil || s == nil {
		t.Fatal("review page has no document or source field")
	}
	return url.Values{"document": {htmlUnescape(d[1])}, "source": {htmlUnescape(s[1])}, "name": {"通知.txt"}, "compare": {"0"}}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&#43;", "+", "&amp;", "&").Replace(s)
}

// TestNoticeImportFlow pastes the 2022 notice, reviews it beside its
// source, edits a goal, and confirms: a draft plan with the edit.
func TestNoticeImportFlow(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	ex, _ := examples.Qingyunpu2022()
	code, body, _ := postForm(t, c, f.srv.URL+"/plans/import", url.Values{"text": {ex.Notice}})
	if code != 200 {
		t.Fatalf("preview: %d %s", code, body)
	}
	for _, want := range []string{
		`id="L1"`, `href="#L`, "2022年青云谱区科技创新基础大提升工作要点", "青政办发〔2022〕16号",
		"与已有方案“2022年青云谱区科技创新基础大提升工作要点”相比的变化（0）", "与已有方案一致",
		`name="t6_0_title" value="加强关键核心技术攻关"`, `name="r15_number" value="16"`,
		`name="d0_3_1" value="19"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	form := reviewForm(t, body)
	form.Set("g2_target", "80") // 高新技术企业 76 → 80
	form.Set("action", "recheck")
	_, body, _ = postForm(t, c, f.srv.URL+"/plans/import/confirm", form)
	if !strings.Contains(body, "≥76家") || !strings.Contains(body, "≥80家") {
		t.Error("recheck does not show the edited goal against the existing plan")
	}
	form = reviewForm(t, body)
	form.Set("action", "confirm")
	code, body, loc := postForm(t, c, f.srv.URL+"/plans/import/confirm", form)
	if code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", code, body)
	}
	var id int64
	for _, p := range strings.Split(strings.TrimPrefix(loc, "/plans/"), "?")[:1] {
		id = int64(atoi(p))
	}
	doc, err := f.store.Plan(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != plan.StatusDraft || doc.Goals[2].Target.String() != "80" || len(doc.TaskTable) != 16 {
		t.Errorf("imported plan: status %s, goal 3 %s, %d rows", doc.Status, doc.Goals[2].Target, len(doc.TaskTable))
	}
	src, _ := f.store.SourceText(context.Background(), id)
	if !strings.Contains(src, "（此件主动公开）") {
		t.Error("the source text was not kept with the plan")
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestNoticeImportNewUnit: a name the directory lacks is added as a unit
// together with the plan; a bad decision refuses both.
func TestNoticeImportNewUnit(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	ex, _ := examples.Qingyunpu2022()
	text := strings.Replace(ex.Notice, "（责任单位：区发改委，青云谱镇）", "（责任单位：区发改委，区数据局，青云谱镇）", 1)
	_, body, _ := postFile(t, c, f.srv.URL+"/plans/import", "file", "通知.txt", []byte(text))
	if !strings.Contains(body, "单位名录中没有的名称（1）") || !strings.Contains(body, `name="u0_name" value="区数据局"`) {
		t.Fatalf("review does not ask about 区数据局")
	}
	form := reviewForm(t, body)
	form.Set("u0_name", "区数据局")
	form.Set("u0_action", "alias")
	form.Set("u0_unit", "999999")
	form.Set("action", "confirm")
	code, body, _ := postForm(t, c, f.srv.URL+"/plans/import/confirm", form)
	if code == http.StatusSeeOther || !strings.Contains(body, "请选择它所指的单位") {
		t.Fatalf("alias of a missing unit: %d", code)
	}
	if plans, _ := f.store.Plans(context.Background()); len(plans) != 1 {
		t.Fatalf("a refused confirm created a plan")
	}
	form.Set("u0_action", "new")
	form.Set("u0_kind", "department")
	code, _, _ = postForm(t, c, f.srv.URL+"/plans/import/confirm", form)
	if code != http.StatusSeeOther {
		t.Fatalf("confirm with a new unit: %d", code)
	}
	dir, _ := f.store.Directory(context.Background())
	ref, ok := dir.Index()["区数据局"]
	if !ok || ref.UnitID == 0 {
		t.Fatal("区数据局 was not added to the directory")
	}
	u, _ := dir.Unit(ref.UnitID)
	if u.Kind != plan.UnitDepartment || u.Parent != "青云谱区" {
		t.Errorf("new unit %+v", u)
	}
	if tasks, _ := f.store.UnitTasks(context.Background(), ref.UnitID); len(tasks) != 1 {
		t.Errorf("区数据局 has %d tasks, want task 1", len(tasks))
	}
}

func TestNoticeImportErrors(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"pdf", "通知.pdf", []byte("%PDF-1.7"), "另存为 .docx"},
		{"broken docx", "通知.docx", []byte("PK\x03\x04broken"), "通知.docx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := postFile(t, c, f.srv.URL+"/plans/import", "file", tt.file, tt.data)
			if code != http.StatusBadRequest || !strings.Contains(body, tt.want) || !strings.Contains(body, tt.file) {
				t.Errorf("%d, want 400 naming %s and saying %q", code, tt.file, tt.want)
			}
		})
	}
}

// A text in which nothing is recognised opens the review beside an empty
// plan, which is then built by hand: title, a goal, a task.
func TestNoticeImportByHand(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	code, body, _ := postFile(t, c, f.srv.URL+"/plans/import", "file", "随笔.txt", []byte("今天天气很好。\n我们去公园散步。"))
	if code != http.StatusOK {
		t.Fatalf("preview of an unrecognised text: %d", code)
	}
	for _, want := range []string{"随笔.txt", "未识别出工作要点", "逐项录入", `<li id="L2">我们去公园散步。</li>`, `name="gnew_indicator"`, `name="tnew_title"`} {
		if !strings.Contains(body, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	form := reviewForm(t, body)
	form.Set("title", "2024年科技工作要点")
	form.Set("gnew_indicator", "高新技术企业")
	form.Set("gnew_comparator", ">=")
	form.Set("gnew_target", "20")
	form.Set("gnew_unit", "家")
	form.Set("tnew_title", "培育高新技术企业")
	form.Set("tnew_responsible_units", "区科工局")
	form.Set("action", "recheck")
	_, body, _ = postForm(t, c, f.srv.URL+"/plans/import/confirm", form)
	for _, want := range []string{`name="g0_indicator" value="高新技术企业"`, `name="t0_0_title" value="培育高新技术企业"`, `name="s0_title" value="重点任务"`} {
		if !strings.Contains(body, want) {
			t.Errorf("recheck lacks %q", want)
		}
	}
	form = reviewForm(t, body)
	form.Set("gnew_indicator", "技术合同成交额")
	form.Set("action", "recheck")
	if code, body, _ = postForm(t, c, f.srv.URL+"/plans/import/confirm", form); code != http.StatusBadRequest || !strings.Contains(body, "请填写目标值") {
		t.Errorf("a new goal without a target: %d", code)
	}
	form.Del("gnew_indicator")
	form.Set("action", "confirm")
	if code, _, _ = postForm(t, c, f.srv.URL+"/plans/import/confirm", form); code != http.StatusSeeOther {
		t.Fatalf("confirm of a plan built by hand: %d", code)
	}
	plans, _ := f.store.Plans(context.Background())
	found := false
	for _, p := range plans {
		found = found || p.Title == "2024年科技工作要点"
	}
	if !found {
		t.Error("the plan built by hand was not created")
	}
}

// TestExcelAnnexes downloads 附件1 and 附件2 and loads them back.
func TestExcelAnnexes(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	base := f.srv.URL + "/plans/" + itoa(f.planID)
	res, err := c.Get(base + "/annex2.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	book, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("annex2.xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	tables, err := xlsx.ReadSplitTables("附件2.xlsx", bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	if v := tables[0].Rows[2].Values["技术合同成交额"]; len(tables) != 1 || v.String() != "0.05" {
		t.Fatalf("annex2 read back: %+v", tables)
	}
	// Change a value in the workbook's data and import it: the table with the
	// same title is replaced, the plan's allocations follow.
	tables[0].Rows[3].Values["高新技术企业"] = plan.NewDecimal(21)
	var buf bytes.Buffer
	if err := xlsx.WriteSplitTables(&buf, &plan.Document{DecompositionTables: tables}); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := postFile(t, c, base+"/tables/import", "file", "分解表.xlsx", buf.Bytes()); code != http.StatusSeeOther {
		t.Fatalf("tables import: %d %s", code, body)
	}
	doc, _ := f.store.Plan(context.Background(), f.planID)
	if len(doc.DecompositionTables) != 1 || doc.DecompositionTables[0].Rows[3].Values["高新技术企业"].String() != "21" {
		t.Errorf("after import: %d tables, 徐家坊 %s", len(doc.DecompositionTables), doc.DecompositionTables[0].Rows[3].Values["高新技术企业"])
	}

	res, _ = c.Get(base + "/annex1.xlsx")
	book, _ = io.ReadAll(res.Body)
	res.Body.Close()
	rows, err := xlsx.ReadTaskTable("附件1.xlsx", bytes.NewReader(book))
	if err != nil || len(rows) != 16 {
		t.Fatalf("annex1 read back: %d rows, %v", len(rows), err)
	}
	if code, body, _ := postFile(t, c, base+"/rows/import", "file", "附件1.xlsx", book); code != http.StatusSeeOther {
		t.Fatalf("rows import: %d %s", code, body)
	}
	doc, _ = f.store.Plan(context.Background(), f.planID)
	if len(doc.TaskTable) != 16 || doc.TaskTable[5].MapsToTask != "5" {
		t.Errorf("after rows import: %d rows, row 6 maps to %q (want 5, kept from the old table)", len(doc.TaskTable), doc.TaskTable[5].MapsToTask)
	}
	code, body, _ := postFile(t, c, base+"/rows/import", "file", "坏表.xlsx", []byte("not a workbook"))
	if code != http.StatusBadRequest || !strings.Contains(body, "坏表.xlsx") {
		t.Errorf("bad workbook: %d", code)
	}
}

func postFileWith(t *testing.T, c *http.Client, u, field, name string, data []byte, vals url.Values) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range vals {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}
