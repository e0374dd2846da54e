package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kechuang/examples"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// cityPlans adds the demo chain to the fixture: the two other districts,
// the city's 2022 points (goals reported) and the three-year plan.
func (f *fixture) cityPlans(t *testing.T) (city, three int64) {
	t.Helper()
	ctx := context.Background()
	demo, err := examples.CascadeDemo()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range demo.Districts.Units {
		if _, err := f.store.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if city, err = f.store.CreatePlan(ctx, demo.City, ""); err != nil {
		t.Fatal(err)
	}
	storetest.UnbindAll(t, f.store, city)
	if three, err = f.store.CreatePlan(ctx, demo.ThreeYear, ""); err != nil {
		t.Fatal(err)
	}
	return city, three
}

func goalIn(t *testing.T, st *store.Store, planID int64, indicator string) plan.DocGoal {
	t.Helper()
	doc, err := st.Plan(context.Background(), planID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range doc.Goals {
		if g.Indicator == indicator {
			return g
		}
	}
	t.Fatalf("no goal %s", indicator)
	return plan.DocGoal{}
}

// TestCascadePages: an admin links the district's goal to the city's split
// on the link page; a bad link is refused on the page in Chinese; the
// district plan shows the link, the city's dashboard and goal page show
// 青云谱区's row from the district's plan; a change at the city is a
// finding; the three-year plan shows its years; next year's plan is made
// and its targets asked for beside last year's.
func TestCascadePages(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	city, three := f.cityPlans(t)
	admin := f.client(t, "admin")
	ctx := context.Background()
	dSME, cSME := goalIn(t, f.store, f.planID, "科技型中小企业"), goalIn(t, f.store, city, "科技型中小企业")
	qyp := f.unitID(t, "青云谱区")
	linkURL := f.srv.URL + "/plans/" + itoa(f.planID) + "/goals/" + itoa(dSME.ID) + "/link"

	if code, body := get(t, admin, linkURL); code != 200 || !strings.Contains(body, "2022年南昌市科技创新工作要点（演示数据）") || !strings.Contains(body, `value="`+itoa(cSME.ID)+":"+itoa(qyp)+`"`) {
		t.Fatalf("link page %d", code)
	}
	cContract := goalIn(t, f.store, city, "技术合同成交额")
	res, err := admin.PostForm(linkURL, url.Values{"target": {itoa(cContract.ID) + ":" + itoa(qyp)}})
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "计量单位不同") {
		t.Fatalf("units differ: %d", res.StatusCode)
	}
	res, err = admin.PostForm(linkURL, url.Values{"target": {itoa(cSME.ID) + ":" + itoa(qyp)}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d", res.StatusCode)
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID))
	if !strings.Contains(body, "关联上级") || !strings.Contains(body, "分解到青云谱区") {
		t.Error("plan page does not show the link")
	}

	// 三家店街道 reports 15 科技型中小企业 in the district's July round; the
	// city's July round shows 青云谱区's row from the district's plan.
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.25"}, plan.TaskInProgress, "")
	cityRound, err := f.store.CreateRound(ctx, plan.Round{PlanID: city, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.OpenRound(ctx, cityRound, f.users["admin"]); err != nil {
		t.Fatal(err)
	}
	leader := f.client(t, "leader")
	_, body = get(t, leader, f.srv.URL+"/plans/"+itoa(city)+"/dashboard")
	if !strings.Contains(body, `href="/plans/`+itoa(f.planID)+`/dashboard" class="linked"`) || !strings.Contains(body, "来自区方案") || !strings.Contains(body, "县区排名") {
		t.Errorf("city dashboard lacks 青云谱区's rolled-up row")
	}
	if !strings.Contains(body, ">15</a> / 140") {
		t.Errorf("city dashboard lacks 15 / 140 for 青云谱区")
	}
	_, body = get(t, leader, f.srv.URL+"/plans/"+itoa(city)+"/goals/"+itoa(cSME.ID)+"/progress")
	if !strings.Contains(body, `id="allocation-rows"`) || !strings.Contains(body, "2022年青云谱区科技创新基础大提升工作要点") || !strings.Contains(body, "数据截至 2022-07-31") {
		t.Errorf("city goal page lacks the rolled-up row")
	}

	// The city moves 青云谱区's share: a finding on the district plan.
	doc, _ := f.store.Plan(ctx, city)
	tbl := doc.DecompositionTables[0]
	for i, r := range tbl.Rows {
		if r.Unit == "青云谱区" {
			tbl.Rows[i].Values["科技型中小企业"] = plan.NewDecimal(150)
		}
	}
	if _, err := f.store.SaveSplitTable(ctx, city, tbl); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(f.planID))
	if !strings.Contains(body, "已由140家调整为150家") {
		t.Error("plan page lacks the finding on the city's change")
	}

	// The three-year plan's years from its child.
	if err := f.store.LinkGoal(ctx, f.planID, goalIn(t, f.store, f.planID, "高新技术企业").ID, goalIn(t, f.store, three, "高新技术企业").ID, 0); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(three))
	if !strings.Contains(body, "分年度进展") || !strings.Contains(body, "2021—2023年") || !strings.Contains(body, ">10家<") {
		t.Error("three-year plan lacks its years")
	}

	// The three-year plan's per-year targets on their page; a year's bad
	// figure is refused in words and what was typed stays.
	tHT := goalIn(t, f.store, three, "高新技术企业")
	yearsURL := f.srv.URL + "/plans/" + itoa(three) + "/goals/" + itoa(tHT.ID) + "/years"
	if code, body := get(t, admin, yearsURL); code != 200 || !strings.Contains(body, `name="year-2022" inputmode="decimal" value="76"`) {
		t.Fatalf("years page %d", code)
	}
	res, err = admin.PostForm(yearsURL, url.Values{"year-2021": {"60"}, "year-2022": {"七十"}, "year-2023": {"95"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "2022年目标") || !strings.Contains(body, `value="七十"`) {
		t.Fatalf("bad year target: %d", res.StatusCode)
	}
	res, err = admin.PostForm(yearsURL, url.Values{"year-2021": {"60"}, "year-2022": {"76"}, "year-2023": {"95"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if v, ok := plan.TargetFor(goalIn(t, f.store, three, "高新技术企业"), 2023); !ok || v.String() != "95" {
		t.Fatalf("2023 target %s", v)
	}

	// Next year: the copy, then its targets beside last year's.
	res, err = admin.PostForm(f.srv.URL+"/plans/"+itoa(f.planID)+"/next-year", url.Values{"year": {"2023"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "/targets") {
		t.Fatalf("next year: %d %s", res.StatusCode, loc)
	}
	_, body = get(t, admin, f.srv.URL+loc)
	if !strings.Contains(body, "上年目标") || !strings.Contains(body, `id="targets"`) || !strings.Contains(body, "<td class=\"num\">15</td>") {
		t.Errorf("targets page lacks last year's figures")
	}
	next, _ := f.store.Plans(ctx)
	var nextID int64
	for _, p := range next {
		if p.Year == 2023 {
			nextID = p.ID
		}
	}
	nSME := goalIn(t, f.store, nextID, "科技型中小企业")
	res, err = admin.PostForm(f.srv.URL+loc, url.Values{"target-" + itoa(nSME.ID): {"abc"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "不是数字") {
		t.Fatalf("bad target: %d", res.StatusCode)
	}
	res, err = admin.PostForm(f.srv.URL+loc, url.Values{"target-" + itoa(nSME.ID): {"165"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if goalIn(t, f.store, nextID, "科技型中小企业").Target.String() != "165" {
		t.Fatal("target not saved")
	}
	// 同期: next year's July round shows last July beside each goal, and
	// the goal page compares with it.
	nRound, err := f.store.CreateRound(ctx, plan.Round{PlanID: nextID, Label: "2023年7月调度", AsOf: "2023-07-31", OpensOn: "2023-08-01", DueOn: "2023-08-05", RemindDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.OpenRound(ctx, nRound, f.users["admin"]); err != nil {
		t.Fatal(err)
	}
	nForms, _ := f.store.RoundForms(ctx, nRound)
	for _, fs := range nForms {
		if fs.UnitName == "三家店街道" {
			f.forms["三家店街道"] = fs.PublicID
		}
	}
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "20", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(nextID)+"/dashboard")
	if !strings.Contains(body, "同期（2022年7月调度，截至 2022-07-31）15家，同比增加 5家") {
		t.Errorf("next year's dashboard lacks 同期")
	}
	_, body = get(t, admin, f.srv.URL+"/plans/"+itoa(nextID)+"/goals/"+itoa(nSME.ID)+"/progress")
	if !strings.Contains(body, `id="last-year"`) || !strings.Contains(body, "同比增加 5家") {
		t.Errorf("next year's goal page lacks 同期")
	}
	// A second copy for the same year is refused in words.
	res, err = admin.PostForm(f.srv.URL+"/plans/"+itoa(f.planID)+"/next-year", url.Values{"year": {"2023"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, res); res.StatusCode != http.StatusConflict || !strings.Contains(body, "已有以本方案为基础新建的2023年方案") {
		t.Fatalf("second copy: %d", res.StatusCode)
	}
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
