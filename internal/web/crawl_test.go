package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// crawlFixture is the web fixture holding data in every state: rounds in
// draft, open and closed; forms empty, draft, submitted, returned and
// approved; evidence, comments, reminders, published progress, an API
// token and a login lockout.
type crawlFixture struct {
	*fixture
	june, august int64             // the closed and the draft round (f.roundID is open)
	juneForms    map[string]string // unit → form in the closed round
	upload       string            // an imported list with rejected rows (another is left staged)
	notices      []string          // 督办单: replied (with a file), overdue, open
	instructions []string          // 领导批示: on a report, on a task, on a unit (answered)
}

func newCrawlFixture(t *testing.T, dsn string) *crawlFixture {
	t.Helper()
	f := newFixture(t, dsn)
	ctx := context.Background()
	admin, sjd, hd, kgj := f.users["admin"], f.users["sjd"], f.users["hd"], f.users["kgj"]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	answer := func(publicID string, submit bool, by *auth.User) *plan.Form {
		t.Helper()
		form, err := f.store.Form(ctx, publicID)
		must(err)
		e := store.FormEdit{Version: form.Version, Submit: submit, Tasks: map[int64]plan.FormTask{}, Values: map[int64]plan.FormValue{}}
		for _, tk := range form.Tasks {
			e.Tasks[tk.TaskID] = plan.FormTask{Status: plan.TaskInProgress, Progress: "按计划推进" + tk.Number, Problems: "无"}
		}
		for _, v := range form.Values {
			d := plan.MustDecimal("3")
			e.Values[v.GoalID] = plan.FormValue{Value: &d, Note: "台账"}
		}
		saved, err := f.store.SaveForm(ctx, publicID, e, by)
		if err != nil {
			t.Fatalf("answer %s as %s: %v", publicID, by.Username, err)
		}
		return saved
	}

	// June, closed: 三家店街道 approved (with evidence and a comment),
	// 洪都街道 returned, 区科工局 submitted, the rest empty.
	june, err := f.store.CreateRound(ctx, plan.Round{PlanID: f.planID, Label: "2022年6月调度", AsOf: "2022-06-30", OpensOn: "2022-07-01", DueOn: "2022-07-05", RemindDays: 2})
	must(err)
	must(f.store.OpenRound(ctx, june, admin))
	juneForms := map[string]string{}
	summaries, _ := f.store.RoundForms(ctx, june)
	for _, s := range summaries {
		juneForms[s.UnitName] = s.PublicID
	}
	sf, _ := f.store.Form(ctx, juneForms["三家店街道"])
	_, err = f.store.AddAttachment(ctx, sf.PublicID, sf.Tasks[0].TaskID, "6月名单.pdf", "application/pdf", []byte("%PDF-1.4"), sjd)
	must(err)
	sf = answer(sf.PublicID, true, sjd)
	must(f.store.AddFormComment(ctx, sf.PublicID, sf.Tasks[0].TaskID, "请补充名单", kgj))
	must(f.store.ReviewForm(ctx, sf.PublicID, sf.Version, store.Approve, "", admin))
	hf := answer(juneForms["洪都街道"], true, hd)
	must(f.store.ReviewForm(ctx, hf.PublicID, hf.Version, store.Return, "数据缺来源", admin))
	answer(juneForms["区科工局"], true, kgj)
	must(f.store.CloseRound(ctx, june))
	must(f.store.NumberBulletin(ctx, june, store.BulletinNumber{DocNumber: "青科工信字〔2022〕9号", CopyTo: "区委办", PrintedBy: "区科工局办公室", PrintedOn: "2022-07-08"}))

	// July, open: 三家店街道 a draft (with the fixture's evidence), 洪都街道
	// submitted with a lead unit's comment, the rest empty.
	answer(f.forms["三家店街道"], false, sjd)
	hj, _ := f.store.Form(ctx, f.forms["洪都街道"])
	_, err = f.store.AddAttachment(ctx, hj.PublicID, hj.Tasks[0].TaskID, "7月.png", "image/png", []byte("\x89PNG\r\n\x1a\n"), hd)
	must(err)
	hj = answer(hj.PublicID, true, hd)
	must(f.store.AddFormComment(ctx, hj.PublicID, 0, "已阅", admin))
	for _, u := range []*auth.User{sjd, hd} {
		must(f.store.AddNotification(ctx, u.UnitID, f.roundID, "请于8月5日前提交"))
	}

	// Contacts for the units chased; a login that failed.
	dir, _ := f.store.Directory(ctx)
	for _, name := range []string{"三家店街道", "洪都街道"} {
		u, _ := dir.Unit(dir.Index()[name].UnitID)
		u.Contact, u.Phone = "联系人"+name, "0791-8888000"+itoa(u.ID%10)
		_, err := f.store.SaveUnit(ctx, u)
		must(err)
	}
	f.store.Authenticate(ctx, store.Login{Username: "admin", Password: "wrong", Address: "192.0.2.7"})

	// August, a draft round.
	august, err := f.store.CreateRound(ctx, plan.Round{PlanID: f.planID, Label: "2022年8月调度", AsOf: "2022-08-31", OpensOn: "2022-09-01", DueOn: "2022-09-05", RemindDays: 2})
	must(err)

	// Published progress, an API token, a locked-out login.
	must(f.store.SaveProgressSettings(ctx, f.planID, plan.ProgressSettings{Publish: plan.Publication{Goals: true, Completion: true, Tasks: true}}))
	_, err = f.store.CreateAPIToken(ctx, "leader", "报表", 0)
	must(err)
	for range 5 {
		f.store.Authenticate(ctx, store.Login{Username: "leader", Password: "guess", Address: "192.0.2.66"})
	}

	// Registers: the goals bound again, lists imported (one firm 待归属),
	// an upload imported with a rejected row and one left staged, an open
	// and a resolved dispute, an address keyword.
	rebindDefaults(t, f)
	importCSV(t, f.store, plan.RegSMEs, "2022年科技型中小企业入库名单.csv", smeList())
	importCSV(t, f.store, plan.RegStatistics, "2021年统计数据.csv", statisticsList())
	importCSV(t, f.store, plan.RegEnterprises, "企业名单.csv", enterpriseList())
	bad := strings.Replace(string(smeList()), ",2022360104A00002,", ",,", 1)
	up, err := f.store.StageUpload(ctx, plan.RegSMEs, "名单.csv", strings.NewReader(bad), admin)
	must(err)
	c := f.client(t, "admin")
	postForm(t, c, f.srv.URL+uploadURL(up)+"/import", url.Values{"skip_invalid": {"1"}})
	_, err = f.store.StageUpload(ctx, plan.RegContracts, "技术合同.csv", bytes.NewReader(contractList("2022360104000001", "5000")), admin)
	must(err)
	rp, err := f.store.DefinitionRecords(ctx, f.goal(t, "科技型中小企业").ID, sjd.UnitID, "2022-07-31", store.Page{})
	must(err)
	for i, reason := range []string{"该企业已迁出", "重复登记"} {
		id, err := f.store.FlagRecord(ctx, sjd.UnitID, store.RecordRef{Kind: plan.RegSMEs, ID: rp.Records[i].ID}, reason, sjd)
		must(err)
		if i == 1 {
			must(f.store.ResolveDispute(ctx, id, "已核实", admin))
		}
	}
	_, err = f.store.AddAttributionKeyword(ctx, hd.UnitID, "洪都中大道")
	must(err)

	// Supervision: milestones on task 7; a notice answered with evidence,
	// one overdue (the server's clock runs three days ahead of the reply-by
	// date), one open; task 8 closed, task 9 closed and reopened;
	// instructions on a report, a task and a unit, answered and not.
	t7, t8, t9 := f.task(t, "7"), f.task(t, "8"), f.task(t, "9")
	must(f.store.SaveMilestones(ctx, f.planID, t7.ID, []plan.Milestone{{Description: "6月底前出台培育方案"}, {Description: "9月底前完成入库", UnitID: sjd.UnitID}}))
	replied := f.newNotice(t)
	must(f.store.ReplyNotice(ctx, replied, store.NoticeReply{Text: "已制定整改方案", File: &store.NoticeFile{Name: "整改方案.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}, sjd))
	overdue, err := f.store.IssueNotice(ctx, store.NoticeDraft{PlanID: f.planID, TaskID: t7.ID, UnitID: hd.UnitID, Reason: "连续两期滞后", Requirement: "说明原因",
		ReplyBy: plan.CivilDate(time.Now())}, admin)
	must(err)
	f.later.Store(int64(72 * time.Hour))
	open := f.newNotice(t)
	must(f.store.CloseTask(ctx, f.planID, t8.ID, "佐证材料齐全", true, admin))
	must(f.store.CloseTask(ctx, f.planID, t9.ID, "", true, admin))
	must(f.store.ReopenTask(ctx, f.planID, t9.ID, "复核发现材料不全", admin))
	onReport, err := f.store.IssueInstruction(ctx, store.InstructionDraft{FormID: hj.PublicID, TaskID: hj.Tasks[0].TaskID, Body: "数据要准"}, f.users["leader"])
	must(err)
	onTask, err := f.store.IssueInstruction(ctx, store.InstructionDraft{PlanID: f.planID, TaskID: t7.ID, UnitID: sjd.UnitID, Body: "抓紧培育"}, f.users["leader"])
	must(err)
	onUnit := f.newInstruction(t)
	must(f.store.AnswerInstruction(ctx, onUnit, "已部署", sjd))
	return &crawlFixture{fixture: f, june: june, august: august, juneForms: juneForms, upload: up.ID,
		notices: []string{replied, overdue, open}, instructions: []string{onReport, onTask, onUnit}}
}

func registerKinds() []string {
	var out []string
	for _, k := range plan.RegisterKinds {
		out = append(out, string(k))
	}
	return out
}

var hrefRe = regexp.MustCompile(`href="([^"]*)"`)

// goTimeRe is a time.Time as Go prints it ("2022-08-01 02:03:04 +0000 UTC").
var goTimeRe = regexp.MustCompile(`\d{2}:\d{2}:\d{2}(\.\d+)? [+-]\d{4}( [A-Z]{3,4})?`)

// crawlRoles are the callers the crawl walks as: anonymous, an admin, a
// leader, a reporter of a unit, of a unit leading tasks on it, of another.
var crawlRoles = []string{"", "admin", "leader", "sjd", "kgj", "hd"}

// TestCrawl follows every same-site link of every page reached, as every
// role, and fails on any 5xx, naming the page that linked to it.
func TestCrawl(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newCrawlFixture(t, dsn)
		var wg sync.WaitGroup
		for _, role := range crawlRoles {
			c := f.client(t, role)
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.crawl(t, c, roleName(role))
			}()
		}
		wg.Wait()
	})
}

func roleName(role string) string {
	if role == "" {
		return "anonymous"
	}
	return role
}

// maxCrawl bounds the pages one role's crawl visits.
const maxCrawl = 1500

func (f *crawlFixture) crawl(t *testing.T, c *http.Client, role string) map[string]bool {
	queue := []string{"/", "/my", "/reviews", "/rounds", "/dashboard", "/account", "/plans", "/units", "/notifications", "/users", "/audit", "/settings", "/public/plans/" + itoa(f.planID)}
	from := map[string]string{}
	seen := map[string]bool{}
	for len(queue) > 0 && len(seen) < maxCrawl {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		res, err := c.Get(f.srv.URL + p)
		if err != nil {
			t.Errorf("%s: GET %s: %v", role, p, err)
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s: GET %s (linked from %s): %d", role, p, from[p], res.StatusCode)
			continue
		}
		// Every time shown is Beijing time, written by the when/day funcs:
		// none as Go prints a time.Time.
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && goTimeRe.Match(body) {
			t.Errorf("%s: GET %s shows a raw time: %s", role, p, goTimeRe.Find(body))
		}
		if loc := res.Header.Get("Location"); loc != "" {
			if next, ok := sameSite(f.srv.URL, p, loc); ok && !seen[next] {
				from[next] = p
				queue = append(queue, next)
			}
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range hrefRe.FindAllStringSubmatch(string(body), -1) {
			next, ok := sameSite(f.srv.URL, p, html.UnescapeString(m[1]))
			if ok && !seen[next] {
				if _, ok := from[next]; !ok {
					from[next] = p
				}
				queue = append(queue, next)
			}
		}
	}
	t.Logf("%s: %d pages", role, len(seen))
	if len(seen) >= maxCrawl {
		t.Errorf("%s: the crawl reached its bound of %d pages", role, maxCrawl)
	}
	if len(seen) < 15 {
		t.Errorf("%s: the crawl reached only %d pages: %v", role, len(seen), slices.Sorted(mapKeys(seen)))
	}
	return seen
}

// sameSite resolves a link found on page p and keeps it when it stays on
// the server: its path and query, without the fragment.
func sameSite(base, p, link string) (string, bool) {
	b, _ := url.Parse(base + p)
	u, err := b.Parse(link)
	if err != nil || u.Host != b.Host || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	u.Fragment = ""
	return u.RequestURI(), true
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestEveryGETRouteWithRealIDs asks every GET route of routes() with its
// path parameters filled by real objects of this unit and of another (and
// by ones that do not exist), as every role; no answer may be a 5xx.
func TestEveryGETRouteWithRealIDs(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) { everyGETRoute(t, newCrawlFixture(t, dsn)) })
}

func everyGETRoute(t *testing.T, f *crawlFixture) {
	ctx := context.Background()
	dir, _ := f.store.Directory(ctx)
	idx := dir.Index()
	attachments := func(publicID string) []string {
		list, _ := f.store.Attachments(ctx, publicID)
		var out []string
		for _, a := range list {
			out = append(out, a.PublicID)
		}
		return out
	}
	doc := f.doc
	values := map[string][]string{
		"{plan}":       {itoa(f.planID), "999"},
		"{goal}":       {itoa(doc.Goals[0].ID), itoa(doc.Goals[len(doc.Goals)-1].ID), "999"},
		"{section}":    {itoa(doc.Sections[0].ID), "999"},
		"{task}":       {itoa(doc.Sections[0].Tasks[0].ID), "999"},
		"{row}":        {itoa(doc.TaskTable[0].ID), "999"},
		"{table}":      {itoa(doc.DecompositionTables[0].ID), "999"},
		"{unit}":       {itoa(idx["三家店街道"].UnitID), itoa(idx["洪都街道"].UnitID), itoa(idx["区科工局"].UnitID), "999"},
		"{group}":      {itoa(dir.Groups[0].ID), "999"},
		"{round}":      {itoa(f.june), itoa(f.roundID), itoa(f.august), "999"},
		"{form}":       {f.juneForms["三家店街道"], f.juneForms["洪都街道"], f.juneForms["区科工局"], f.forms["三家店街道"], f.forms["洪都街道"], f.forms["徐家坊街道"], "0123456789abcdef0123"},
		"{version}":    {"0", "1", "2", "99", "x"},
		"{attachment}": append(append(attachments(f.juneForms["三家店街道"]), attachments(f.forms["洪都街道"])...), "0123456789abcdef0123"),
		"{format}":     {"docx", "xlsx", "pdf", "exe"},
		"{user}":       {itoa(f.users["admin"].ID), itoa(f.users["sjd"].ID), "999"},
		"{token}":      {"1", "999"},
		"{kind}":       append(registerKinds(), "nope"),
		"{upload}":     {f.upload, "0123456789abcdef0123"},
		"{dispute}":    {"1", "999"},
		"{keyword}":    {"1", "999"},
		"{$}":          {""},

		"{notice}":      append(append([]string(nil), f.notices...), "0123456789abcdef0123"),
		"{instruction}": append(append([]string(nil), f.instructions...), "0123456789abcdef0123"),
	}
	paramRe := regexp.MustCompile(`\{[a-z$]+\}`)
	var paths []string
	for _, rt := range (&Server{}).routes() {
		if rt.method != "GET" {
			continue
		}
		ps := []string{rt.pattern}
		if rt.pattern == "/static/" {
			ps = []string{"/static/style.css", "/static/app.js", "/static/nope"}
		}
		for _, param := range paramRe.FindAllString(rt.pattern, -1) {
			vs, ok := values[param]
			if !ok {
				t.Fatalf("no values for %s in %s", param, rt.pattern)
			}
			var next []string
			for _, p := range ps {
				for _, v := range vs {
					next = append(next, strings.Replace(p, param, v, 1))
				}
			}
			ps = next
		}
		paths = append(paths, ps...)
	}
	t.Logf("%d paths", len(paths))
	var wg sync.WaitGroup
	for _, role := range crawlRoles {
		c := f.client(t, role)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range paths {
				code, _ := getQuiet(c, f.srv.URL+p)
				if code >= 500 || code == 0 {
					t.Errorf("%s: GET %s: %d", roleName(role), p, code)
				}
			}
		}()
	}
	wg.Wait()
}

// getQuiet is get for goroutines: errors are a status of 0, not Fatal.
func getQuiet(c *http.Client, u string) (int, string) {
	res, err := c.Get(u)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
