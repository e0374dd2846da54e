package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// district is the second district of the organisation tests: 西湖区, with
// its own copy of the seed's directory and plan, an open round, evidence
// on a form, and an admin.
type district struct {
	org  int64
	ids  map[string]string // path value → one of its objects, as the route table's ids
	form string
}

// addCity puts the fixture's district (organisation 1, 青云谱区's) beneath
// 南昌市, adds 西湖区 beside it with its own data, and the city's admin and
// leader and 西湖区's admin as users.
func (f *fixture) addCity(t *testing.T) (city int64, west *district) {
	t.Helper()
	ctx := context.Background()
	city, err := f.store.AddOrg(ctx, plan.Org{Name: "南昌市", Kind: plan.OrgCity})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOrg(ctx, 1, city); err != nil {
		t.Fatal(err)
	}
	org, err := f.store.AddOrg(ctx, plan.Org{Name: "西湖区", Kind: plan.OrgDistrict, ParentID: city})
	if err != nil {
		t.Fatal(err)
	}
	in := store.WithScope(ctx, store.Scope{Org: org, Orgs: []int64{org}})
	ex, err := examples.Qingyunpu2022()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ImportDirectory(in, ex.Directory); err != nil {
		t.Fatal(err)
	}
	planID, err := f.store.CreatePlan(in, ex.Document, ex.Notice)
	if err != nil {
		t.Fatal(err)
	}
	storetest.UnbindAll(t, f.store, planID)
	roundID, err := f.store.CreateRound(in, plan.Round{PlanID: planID, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.OpenRound(in, roundID, nil); err != nil {
		t.Fatal(err)
	}
	doc, err := f.store.Plan(in, planID)
	if err != nil {
		t.Fatal(err)
	}
	forms, err := f.store.RoundForms(in, roundID)
	if err != nil {
		t.Fatal(err)
	}
	var formID string
	var unitID int64
	for _, s := range forms {
		if s.UnitName == "三家店街道" {
			formID, unitID = s.PublicID, s.UnitID
		}
	}
	form, err := f.store.Form(in, formID)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(testPassword)
	reporter, err := f.store.CreateUser(in, store.NewUser{Username: "xh-sjd", Role: auth.RoleReporter, UnitID: unitID, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	attachment, err := f.store.AddAttachment(in, formID, form.Tasks[0].TaskID, "名单.pdf", "application/pdf", []byte("%PDF-1.4"), reporter)
	if err != nil {
		t.Fatal(err)
	}
	for _, nu := range []store.NewUser{
		{Username: "xh-admin", Role: auth.RoleAdmin, OrgID: org},
		{Username: "city-admin", Role: auth.RoleAdmin, OrgID: city},
		{Username: "city-leader", Role: auth.RoleLeader, OrgID: city},
	} {
		nu.PasswordHash = hash
		u, err := f.store.CreateUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		f.users[nu.Username] = u
	}
	f.users["xh-sjd"] = reporter
	west = &district{org: org, form: formID, ids: map[string]string{
		"{plan}":       itoa(planID),
		"{goal}":       itoa(doc.Goals[0].ID),
		"{section}":    itoa(doc.Sections[0].ID),
		"{task}":       itoa(doc.Sections[0].Tasks[0].ID),
		"{row}":        itoa(doc.TaskTable[0].ID),
		"{table}":      itoa(doc.DecompositionTables[0].ID),
		"{unit}":       itoa(unitID),
		"{round}":      itoa(roundID),
		"{form}":       formID,
		"{attachment}": attachment,
		"{user}":       itoa(reporter.ID),
	}}
	for k, v := range f.registerObjects(t, in, unitID, reporter) {
		west.ids[k] = v
	}
	return city, west
}

// registerObjects gives the organisation ctx works in registers of its own
// — the 企业库 imported (a firm 待归属), a list uploaded, a dispute of the
// unit's about that firm, an address keyword of the unit — and returns
// their IDs as the route table's path values.
func (f *fixture) registerObjects(t *testing.T, ctx context.Context, unitID int64, by *auth.User) map[string]string {
	t.Helper()
	list := string(enterpriseList()) + "青云丁科技有限公司," + testUSCC(4) + ",,,\n"
	importCSVIn(ctx, t, f.store, plan.RegEnterprises, "企业名单.csv", []byte(list))
	up, err := f.store.StageUpload(ctx, plan.RegEnterprises, "企业名单.csv", strings.NewReader(list), by)
	if err != nil {
		t.Fatal(err)
	}
	waiting, _, err := f.store.Unattributed(ctx, plan.RegEnterprises, store.Page{})
	if err != nil || len(waiting) == 0 {
		t.Fatalf("待归属: %v %v", waiting, err)
	}
	dispute, err := f.store.FlagRecord(ctx, unitID, store.RecordRef{Kind: plan.RegEnterprises, ID: waiting[0].ID}, "该企业已迁出", by)
	if err != nil {
		t.Fatal(err)
	}
	keyword, err := f.store.AddAttributionKeyword(ctx, unitID, "迎宾大道")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{upload}": up.ID, "{dispute}": itoa(dispute), "{keyword}": itoa(keyword)}
}

// TestEveryRouteAcrossOrgs walks every route that names an object by ID
// with the objects of the other district: 青云谱区's admin, leader and
// reporter get 404 for 西湖区's (or 403 when their role is refused
// whatever the object), never data; 西湖区's admin the same for 青云谱区's;
// the city's admin and leader reach both. Anonymous callers are sent to
// log in.
func TestEveryRouteAcrossOrgs(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	_, west := f.addCity(t)
	own := map[string]string{
		"{plan}":       itoa(f.planID),
		"{goal}":       itoa(f.doc.Goals[0].ID),
		"{section}":    itoa(f.doc.Sections[0].ID),
		"{task}":       itoa(f.doc.Sections[0].Tasks[0].ID),
		"{row}":        itoa(f.doc.TaskTable[0].ID),
		"{table}":      itoa(f.doc.DecompositionTables[0].ID),
		"{unit}":       itoa(f.users["sjd"].UnitID),
		"{round}":      itoa(f.roundID),
		"{form}":       f.forms["三家店街道"],
		"{attachment}": f.attachment,
		"{user}":       itoa(f.users["sjd"].ID),
	}
	// 青云谱区's registers: its upload, dispute and keyword.
	in := store.WithScope(context.Background(), store.Scope{Org: 1, Orgs: []int64{1}})
	for k, v := range f.registerObjects(t, in, f.users["sjd"].UnitID, f.users["sjd"]) {
		own[k] = v
	}
	fixed := map[string]string{"{version}": "0", "{format}": "docx", "{kind}": "enterprises", "{$}": "", "{token}": "1"}
	s := &Server{}
	var named []route
	for _, rt := range s.routes() {
		for k := range own {
			if strings.Contains(rt.pattern, k) {
				named = append(named, rt)
				break
			}
		}
	}
	concrete := func(pattern string, ids map[string]string) string {
		for k, v := range ids {
			pattern = strings.ReplaceAll(pattern, k, v)
		}
		for k, v := range fixed {
			pattern = strings.ReplaceAll(pattern, k, v)
		}
		return pattern
	}
	// An object of another organisation mixed into an own route is not
	// found either: each object the path names is checked.
	mixed := map[string]string{}
	for k, v := range own {
		mixed[k] = v
	}
	mixed["{goal}"], mixed["{task}"] = west.ids["{goal}"], west.ids["{task}"]

	walk := func(role string, ids map[string]string, outside bool) {
		c := f.client(t, role)
		u := f.users[role]
		for _, rt := range named {
			if strings.HasSuffix(rt.pattern, "/delete") && !outside || rt.perm == auth.PermPublic {
				continue // the walks inside leave the data standing; the public page is the public's
			}
			if ids["{goal}"] == west.ids["{goal}"] && ids["{plan}"] != west.ids["{plan}"] &&
				!strings.Contains(rt.pattern, "{goal}") && !strings.Contains(rt.pattern, "{task}") {
				continue // the mixed walk: only routes naming a goal or a task
			}
			path := concrete(rt.pattern, ids)
			req, _ := http.NewRequest(rt.method, f.srv.URL+path, strings.NewReader(""))
			if rt.method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := res.StatusCode
			name := role
			if name == "" {
				name = "anonymous"
			}
			switch {
			case got >= 500:
				t.Errorf("%s %s as %s: %d", rt.method, path, name, got)
			case u == nil:
				if got != 401 && !(got == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login")) {
					t.Errorf("%s %s as anonymous: %d, want the login", rt.method, path, got)
				}
			case outside:
				// The role's refusal (403) says nothing of the object; a
				// role that would pass finds nothing.
				want := http.StatusNotFound
				if !rt.perm.ObjectLevel() && !auth.Allowed(u, rt.perm) {
					want = http.StatusForbidden
				}
				if got != want {
					t.Errorf("%s %s as %s: %d, want %d", rt.method, path, name, got, want)
				}
				if strings.Contains(string(body), "西湖区") && role != "xh-admin" || got < 400 {
					t.Errorf("%s %s as %s: answered with data", rt.method, path, name)
				}
			case rt.method == "GET" && rt.perm == auth.PermView && !strings.Contains(rt.pattern, "/records"):
				// (a goal's records are there only for a goal bound to a register)
				if got != http.StatusOK && got != http.StatusSeeOther {
					t.Errorf("%s %s as %s: %d, want the page", rt.method, path, name, got)
				}
			default:
				// (a token that is not there, a goal's records when it is
				// bound to no register: the handlers' own not found)
				// (an upload with no rejected rows has no rejected.xlsx)
				legit404 := strings.Contains(rt.pattern, "/records") || strings.Contains(rt.pattern, "{token}") || strings.HasSuffix(rt.pattern, "/rejected.xlsx")
				if (got == 401 || got == 403 || got == 404 && !legit404) && auth.Allowed(u, rt.perm) {
					t.Errorf("%s %s as %s: %d, want it through", rt.method, path, name, got)
				}
			}
		}
	}
	for _, role := range []string{"admin", "leader", "sjd", ""} {
		walk(role, west.ids, true)
		walk(role, mixed, true)
	}
	walk("xh-admin", own, true)
	for _, role := range []string{"city-admin", "city-leader"} {
		walk(role, own, false)
		walk(role, west.ids, false)
	}
}

// TestOrgSwitcher: the top bar names the organisation; the city's leader
// picks a district and the plans list shows that district's plan only; a
// district's admin has no choice and sees its own; an admin adds a
// district beneath the city from /orgs, and a district's admin cannot add
// beside itself.
func TestOrgSwitcher(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	city, west := f.addCity(t)
	leader := f.client(t, "city-leader")
	code, body := get(t, leader, f.srv.URL+"/plans")
	if code != http.StatusOK || !strings.Contains(body, `id="org-switch"`) || strings.Count(body, `/plans/`+west.ids["{plan}"]+`"`) == 0 || !strings.Contains(body, `href="/plans/`+itoa(f.planID)+`"`) {
		t.Fatalf("the city leader's plans: %d, switcher or plans missing", code)
	}
	res, err := leader.PostForm(f.srv.URL+"/orgs/switch", map[string][]string{"org": {itoa(west.org)}, "next": {"/plans"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/plans" {
		t.Fatalf("switch: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = get(t, leader, f.srv.URL+"/plans")
	if strings.Contains(body, `href="/plans/`+itoa(f.planID)+`"`) || !strings.Contains(body, `href="/plans/`+west.ids["{plan}"]+`"`) {
		t.Error("after switching to 西湖区 the plans list still shows 青云谱区's plan, or lacks 西湖区's")
	}
	// A district's admin: its organisation named, no switcher, and a
	// switch beyond its scope refused.
	qyp := f.client(t, "admin")
	_, body = get(t, qyp, f.srv.URL+"/plans")
	if strings.Contains(body, `id="org-switch"`) || !strings.Contains(body, `id="who-org">本级`) {
		t.Errorf("the district admin's top bar: %s", between(body, `<div class="who">`, `</div>`))
	}
	res, err = qyp.PostForm(f.srv.URL+"/orgs/switch", map[string][]string{"org": {itoa(west.org)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a district admin switching to another district: %d, want 404", res.StatusCode)
	}
	if code, _ := get(t, qyp, f.srv.URL+"/metrics"); code != http.StatusNotFound {
		t.Errorf("a district admin's /metrics: %d, want 404 (the deployment's, the city's)", code)
	}
	// Reminder settings are each organisation's own.
	if err := f.store.SaveSettings(context.Background(), city, map[string]string{"webhook.kind": "wecom", "webhook.url": "https://city.example/send?key=k"}); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, qyp, f.srv.URL+"/settings"); code != http.StatusOK || strings.Contains(body, "city.example") {
		t.Errorf("a district admin's /settings: %d, shows the city's robot: %v", code, strings.Contains(body, "city.example"))
	}
	_, body = get(t, qyp, f.srv.URL+"/orgs")
	if strings.Contains(body, "西湖区") || strings.Contains(body, "南昌市") {
		t.Error("the district admin's /orgs shows other organisations")
	}
	res, err = qyp.PostForm(f.srv.URL+"/orgs", map[string][]string{"name": {"东湖区"}, "kind": {"district"}, "parent": {itoa(city)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a district admin adding beneath the city: %d, want 404", res.StatusCode)
	}
	cityAdmin := f.client(t, "city-admin")
	res, err = cityAdmin.PostForm(f.srv.URL+"/orgs", map[string][]string{"name": {"东湖区"}, "kind": {"district"}, "parent": {itoa(city)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the city admin adding 东湖区: %d", res.StatusCode)
	}
	if code, _ := get(t, cityAdmin, f.srv.URL+"/settings"); code != http.StatusOK {
		t.Errorf("the city admin's settings: %d", code)
	}
	_, body = get(t, cityAdmin, f.srv.URL+"/orgs")
	for _, want := range []string{"南昌市", "本级", "西湖区", "东湖区"} {
		if !strings.Contains(body, want) {
			t.Errorf("the city admin's /orgs lacks %s", want)
		}
	}
}

// TestCrawlAcrossOrgs crawls as 西湖区's admin, which reaches nothing of
// 青云谱区 by any link, and as the city's admin and leader, which reach both
// districts, with every state of data in 青云谱区: no 5xx anywhere.
func TestCrawlAcrossOrgs(t *testing.T) {
	f := newCrawlFixture(t, storetest.SQLiteDSN(t))
	_, west := f.addCity(t)
	qyp := []string{"/plans/" + itoa(f.planID), "/rounds/" + itoa(f.roundID), "/forms/" + f.forms["三家店街道"], "/units/" + itoa(f.users["sjd"].UnitID)}
	seen := f.crawl(t, f.client(t, "xh-admin"), "xh-admin")
	for p := range seen {
		for _, prefix := range qyp {
			if p == prefix || strings.HasPrefix(p, prefix+"/") || strings.HasPrefix(p, prefix+"?") {
				t.Errorf("西湖区's admin reached %s of 青云谱区", p)
			}
		}
	}
	for _, role := range []string{"city-admin", "city-leader"} {
		seen := f.crawl(t, f.client(t, role), role)
		for _, p := range append(qyp[:1:1], "/plans/"+west.ids["{plan}"]) {
			if !seen[p] {
				t.Errorf("%s did not reach %s", role, p)
			}
		}
	}
}
