package web

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

const testPassword = "qingyunpu2022"

// fixture is a running kechuang with the 2022 plan and one user per role.
type fixture struct {
	srv        *httptest.Server
	store      *store.Store
	planID     int64
	doc        *plan.Document
	roundID    int64
	forms      map[string]string // unit name → its form's public ID in the open round
	attachment string            // an evidence file on 三家店街道's form
	users      map[string]*auth.User
	later      *atomic.Int64 // how far ahead of time.Now the server's clock runs, in nanoseconds
}

func newFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, dsn)
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ImportDirectory(ctx, ex.Directory); err != nil {
		t.Fatal(err)
	}
	id, err := st.CreatePlan(ctx, ex.Document, ex.Notice)
	if err != nil {
		t.Fatal(err)
	}
	// These scenarios are about units' reports: the goals the 2022 plan
	// binds to register definitions are made reported again (the admin's
	// choice), so typed values count.
	storetest.UnbindAll(t, st, id)
	dir, _ := st.Directory(ctx)
	hash, _ := auth.HashPassword(testPassword)
	users := map[string]*auth.User{}
	for _, u := range []store.NewUser{
		{Username: "admin", Role: auth.RoleAdmin},
		{Username: "leader", Role: auth.RoleLeader},
		{Username: "sjd", Role: auth.RoleReporter, UnitID: dir.Index()["三家店街道"].UnitID},
		{Username: "hd", Role: auth.RoleReporter, UnitID: dir.Index()["洪都街道"].UnitID},
		{Username: "kgj", Role: auth.RoleReporter, UnitID: dir.Index()["区科工局"].UnitID},
	} {
		u.PasswordHash = hash
		created, err := st.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		users[u.Username] = created
	}
	roundID, err := st.CreateRound(ctx, plan.Round{PlanID: id, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.OpenRound(ctx, roundID, users["admin"]); err != nil {
		t.Fatal(err)
	}
	summaries, _ := st.RoundForms(ctx, roundID)
	forms := map[string]string{}
	for _, f := range summaries {
		forms[f.UnitName] = f.PublicID
	}

	later := new(atomic.Int64)
	s, err := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Version: "test",
		Now: func() time.Time { return time.Now().Add(time.Duration(later.Load())) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	doc, _ := st.Plan(ctx, id)
	f := &fixture{srv: srv, store: st, planID: id, doc: doc, roundID: roundID, forms: forms, users: users, later: later}
	f.attachment = f.newAttachment(t)
	return f
}

// client returns an HTTP client logged in as username ("" for anonymous)
// that does not follow redirects, so tests see them.
func (f *fixture) client(t *testing.T, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if username == "" {
		return c
	}
	res, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {username}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d", username, res.StatusCode)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPlanPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "leader")
	code, body := get(t, c, f.srv.URL+"/plans/"+itoa(f.planID))
	if code != http.StatusOK {
		t.Fatalf("plan page: %d", code)
	}
	for _, want := range []string{
		"青政办发〔2022〕16号", "青云谱区人民政府办公室", "2022-06-16",
		"≥0.55%", "≥140家", "≥76家", "1–3个", "&gt;7亿元", "&gt;27件",
		"（一）科技创新区域优化布局行动", "（七）科技创新关键技术攻坚行动",
		"13. 加强关键核心技术攻关", "附件1", "附件2", "新经济产业集聚区",
		"各单位相加", "✓ 相符",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("plan page lacks %q", want)
		}
	}
	if n := strings.Count(body, `class="task" id="task-`); n != 13 {
		t.Errorf("plan page shows %d tasks, want 13", n)
	}
	if n := strings.Count(body, `/rows/`); n != 0 {
		t.Errorf("a leader sees %d row edit links", n)
	}
	if strings.Contains(body, "✗") {
		t.Error("the 2022 split table should add up")
	}
	// Unit names link to the directory; the group phrase links to the group.
	if !strings.Contains(body, `<a href="/units#group-`) {
		t.Error("group phrase is not linked")
	}
}

func TestAPI(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	token, err := f.store.CreateAPIToken(context.Background(), "leader", "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, token, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	code, v := call("GET", "/api/v1/plans/"+itoa(f.planID), token, "")
	if code != 200 {
		t.Fatalf("GET plan: %d %v", code, v)
	}
	b, _ := json.Marshal(v)
	doc, err := plan.DecodeDocument(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("the API's plan document does not decode as a plan document: %v", err)
	}
	tasks := 0
	for _, s := range doc.Sections {
		tasks += len(s.Tasks)
	}
	if doc.DocNumber != "青政办发〔2022〕16号" || len(doc.Goals) != 6 || len(doc.Sections) != 7 || tasks != 13 || len(doc.TaskTable) != 16 || len(doc.DecompositionTables[0].Rows) != 8 {
		t.Errorf("plan document: %s, %d goals, %d sections, %d tasks, %d rows", doc.DocNumber, len(doc.Goals), len(doc.Sections), tasks, len(doc.TaskTable))
	}
	// The answer is kept by the data version: the same until the plan is
	// edited, then the edit (here and on any instance: the version is in
	// the database).
	if _, again := call("GET", "/api/v1/plans/"+itoa(f.planID), token, ""); again["title"] != v["title"] {
		t.Errorf("GET plan again: title %v, want %v", again["title"], v["title"])
	}
	h := store.PlanHeader{Title: doc.Title + "（修订）", DocNumber: doc.DocNumber, Issuer: doc.Issuer, Date: doc.Date, Year: doc.Year, ParentTitle: doc.ParentTitle, Status: doc.Status, StartYear: doc.StartYear, EndYear: doc.EndYear}
	if err := f.store.UpdatePlanHeader(context.Background(), f.planID, h); err != nil {
		t.Fatal(err)
	}
	if _, edited := call("GET", "/api/v1/plans/"+itoa(f.planID), token, ""); edited["title"] != h.Title {
		t.Errorf("GET plan after an edit: title %v, want %q", edited["title"], h.Title)
	}
	if code, v := call("GET", "/api/v1/plans", "", ""); code != 401 || v["error"].(map[string]any)["code"] != "unauthorized" {
		t.Errorf("anonymous API: %d %v", code, v)
	}
	if code, _ := call("GET", "/api/v1/plans", "kc_wrong", ""); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	if code, _ := call("POST", "/api/v1/plans", token, `{"title":"x"}`); code != 403 {
		t.Errorf("leader token creating a plan: %d, want 403", code)
	}
	admin, _ := f.store.CreateAPIToken(context.Background(), "admin", "test", 0)
	code, v = call("POST", "/api/v1/plans", admin, `{"title":"坏","goals":[{"indicator":"x","comparator":">=","target":"十"}]}`)
	msg, _ := v["error"].(map[string]any)["message"].(string)
	if code != 400 || !strings.Contains(msg, "goals[0]") {
		t.Errorf("bad document: %d %q, want 400 naming goals[0]", code, msg)
	}
	if code, v = call("POST", "/api/v1/plans", admin, `{"title":"新方案","goals":[]}`); code != 201 {
		t.Errorf("create: %d %v", code, v)
	}
}

func TestAdminEditsShowFindings(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	tbl := f.doc.DecompositionTables[0]
	form := url.Values{"title": {tbl.Title}, "ncols": {"3"}, "nrows": {itoa(int64(len(tbl.Rows)))}}
	for c, col := range tbl.Columns {
		form.Set("col_"+itoa(int64(c)), col)
		form.Set("uom_"+itoa(int64(c)), tbl.UnitsOfMeasure[col])
	}
	for i, r := range tbl.Rows {
		form.Set("unit_"+itoa(int64(i)), r.Unit)
		if r.Total {
			form.Set("total_"+itoa(int64(i)), "on")
		}
		for c, col := range tbl.Columns {
			form.Set("v_"+itoa(int64(i))+"_"+itoa(int64(c)), r.Values[col].String())
		}
	}
	form.Set("v_3_1", "20") // 徐家坊街道 高新技术企业 19 → 20: parts now 77
	post := func(vals url.Values) (int, string) {
		res, err := c.PostForm(f.srv.URL+"/plans/"+itoa(f.planID)+"/tables/"+itoa(tbl.ID), vals)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := post(form); code != http.StatusSeeOther {
		t.Fatalf("save table: %d %s", code, body)
	}
	_, body := get(t, c, f.srv.URL+"/plans/"+itoa(f.planID))
	if !strings.Contains(body, "✗") || !strings.Contains(body, "77") {
		t.Error("plan page does not show that the parts (77) no longer add up")
	}
	form.Set("v_3_1", "十九")
	code, body := post(form)
	if code != http.StatusBadRequest || !strings.Contains(body, "第4行（徐家坊街道）“高新技术企业”") {
		t.Errorf("non-number: %d, want 400 naming row and column", code)
	}
	// The refused save wrote nothing.
	doc, _ := f.store.Plan(context.Background(), f.planID)
	if v := doc.DecompositionTables[0].Rows[3].Values["高新技术企业"]; v.String() != "20" {
		t.Errorf("after a refused save the value is %s, want 20", v)
	}

	// A task naming a unit the directory lacks shows as a finding.
	task := f.doc.Sections[0].Tasks[0]
	res, err := c.PostForm(f.srv.URL+"/plans/"+itoa(f.planID)+"/tasks/"+itoa(task.ID), url.Values{
		"number": {task.Number}, "title": {task.Title}, "text": {task.Text},
		"lead_units": {"区发改委"}, "responsible_units": {"区发改委、区数据局，各街道、镇、集聚区"},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, body = get(t, c, f.srv.URL+"/plans/"+itoa(f.planID))
	if !strings.Contains(body, `title="单位名录中没有此名称">区数据局</span>`) || !strings.Contains(body, "区数据局") {
		t.Error("unknown unit 区数据局 not flagged on the plan page")
	}
	doc, _ = f.store.Plan(context.Background(), f.planID)
	if got := doc.Sections[0].Tasks[0].ResponsibleUnits; strings.Join(got, "|") != "区发改委|区数据局|各街道、镇、集聚区" {
		t.Errorf("responsible units parsed as %q", got)
	}
}

func TestUnitPage(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "sjd")
	dir, _ := f.store.Directory(context.Background())
	code, body := get(t, c, f.srv.URL+"/units/"+itoa(dir.Index()["徐家坊街道"].UnitID))
	if code != 200 {
		t.Fatalf("unit page: %d", code)
	}
	for _, want := range []string{"参与的任务（11）", "牵头的任务（0）", "各街道、镇、集聚区", "39 家", "19 家", "3 亿元"} {
		if !strings.Contains(body, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	_, body = get(t, c, f.srv.URL+"/units")
	if !strings.Contains(body, "（7个）") {
		t.Error("directory does not show the 7 members of 各街道、镇、集聚区")
	}
}

func TestLoginLogout(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "")
	res, _ := c.PostForm(f.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"nope"}})
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 401 || !strings.Contains(string(b), "用户名或密码错误") {
		t.Errorf("bad login: %d", res.StatusCode)
	}
	res, _ = c.PostForm(f.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {testPassword}, "next": {"//evil.example/"}})
	res.Body.Close()
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("open redirect after login: %q", loc)
	}
	if code, _ := get(t, c, f.srv.URL+"/plans"); code != 200 {
		t.Errorf("after login /plans: %d", code)
	}
	res, _ = c.PostForm(f.srv.URL+"/logout", nil)
	res.Body.Close()
	if code, _ := get(t, c, f.srv.URL+"/plans"); code != http.StatusSeeOther {
		t.Errorf("after logout /plans: %d, want a redirect to login", code)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	c := f.client(t, "admin")
	req, _ := http.NewRequest("POST", f.srv.URL+"/plans/"+itoa(f.planID)+"/delete", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site delete: %d, want 403", res.StatusCode)
	}
	if _, err := f.store.Plan(context.Background(), f.planID); err != nil {
		t.Fatal("the plan was deleted by a cross-site request")
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	res, err := http.Get(f.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("nosniff missing")
	}
}

// TestPagesHaveNoInlineScript keeps templates within the CSP.
func TestPagesHaveNoInlineScript(t *testing.T) {
	p, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(assets, "templates/partials/*.html")
	for name := range p.byName {
		files = append(files, "templates/"+name+".html")
	}
	for _, file := range files {
		b, _ := assets.ReadFile(file)
		s := string(b)
		if strings.Contains(s, "<script>") || strings.Contains(s, " onclick=") || strings.Contains(s, " onsubmit=") || strings.Contains(s, "style=") {
			t.Errorf("template %s has inline script or style", file)
		}
	}
}

// newAttachment adds an evidence file to 三家店街道's form and returns its ID.
func (f *fixture) newAttachment(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	form, err := f.store.Form(ctx, f.forms["三家店街道"])
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.store.AddAttachment(ctx, form.PublicID, form.Tasks[0].TaskID, "名单.pdf", "application/pdf", []byte("%PDF-1.4"), f.users["sjd"])
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func hashUser(t *testing.T, f *fixture, username string, unitID int64) {
	t.Helper()
	hash, _ := auth.HashPassword(testPassword)
	u, err := f.store.CreateUser(context.Background(), store.NewUser{Username: username, Role: auth.RoleReporter, UnitID: unitID, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	f.users[username] = u
}

// plainText drops the spans a bulletin page marks its figures with, so
// that tests read its sentences.
func plainText(page string) string {
	return strings.NewReplacer(`<span class="fig">`, "", "</span>", "").Replace(page)
}

// newNotice issues a 督办单 to 三家店街道 on task 7 (which it shares) and
// returns its ID.
func (f *fixture) newNotice(t *testing.T) string {
	t.Helper()
	id, err := f.store.IssueNotice(context.Background(), store.NoticeDraft{PlanID: f.planID, TaskID: f.task(t, "7").ID, UnitID: f.users["sjd"].UnitID,
		Reason: "高企培育滞后", Requirement: "报送整改措施", ReplyBy: plan.CivilDate(time.Now().AddDate(0, 0, 7))}, f.users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newInstruction records a leader's instruction on 三家店街道 and returns its ID.
func (f *fixture) newInstruction(t *testing.T) string {
	t.Helper()
	id, err := f.store.IssueInstruction(context.Background(), store.InstructionDraft{UnitID: f.users["sjd"].UnitID, Body: "把科技创新摆在突出位置"}, f.users["leader"])
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// task finds a task of the fixture's plan by its number.
func (f *fixture) task(t *testing.T, number string) plan.DocTask {
	t.Helper()
	for _, sec := range f.doc.Sections {
		for _, tk := range sec.Tasks {
			if tk.Number == number {
				return tk
			}
		}
	}
	t.Fatalf("no task %s", number)
	return plan.DocTask{}
}
