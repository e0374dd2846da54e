package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kechuang/examples"
	"kechuang/internal/auth"
	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// cityAbove puts the fixture's district (organisation 1) beneath 南昌市: in
// the city's organisation its directory (青云谱区 beside the two other
// districts), its 2022 points splitting the goals over them, and a leader
// of the city. It returns the city's plan and its unit for 青云谱区.
func (f *fixture) cityAbove(t *testing.T) (city, qyp int64) {
	t.Helper()
	ctx := context.Background()
	demo, err := examples.CascadeDemo()
	if err != nil {
		t.Fatal(err)
	}
	org, err := f.store.AddOrg(ctx, plan.Org{Name: "南昌市", Kind: plan.OrgCity})
	if err == nil {
		err = f.store.MoveOrg(ctx, 1, org)
	}
	if err != nil {
		t.Fatal(err)
	}
	in := store.WithScope(ctx, store.Scope{Org: org, Orgs: []int64{org}})
	for _, u := range append([]plan.Unit{{Name: "南昌市青云谱区", ShortName: "青云谱区", Kind: plan.UnitDistrict}}, demo.Districts.Units...) {
		if _, err := f.store.SaveUnit(in, u); err != nil {
			t.Fatal(err)
		}
	}
	if city, err = f.store.CreatePlan(in, demo.City, ""); err != nil {
		t.Fatal(err)
	}
	storetest.UnbindAll(t, f.store, city)
	dir, err := f.store.Directory(in)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(testPassword)
	if _, err := f.store.CreateUser(ctx, store.NewUser{Username: "cityleader", Role: auth.RoleLeader, OrgID: org, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	round, err := f.store.CreateRound(in, plan.Round{PlanID: city, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err == nil {
		err = f.store.OpenRound(in, round, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return city, dir.Index()["青云谱区"].UnitID
}

// TestBrowserCityLeaderDrillsIntoDistrict: with 青云谱区 an organisation
// beneath 南昌市, the city's leader opens the city's dashboard, reads
// 青云谱区's row rolled up from the district's own plan (15 of 140, marked
// 来自区方案) and follows it into the district's dashboard, where the same
// 15 is made of 三家店街道's report. The district's leader does not find the
// city's plan.
func TestBrowserCityLeaderDrillsIntoDistrict(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	city, qyp := f.cityAbove(t)
	bg := context.Background()
	if err := f.store.LinkGoal(bg, f.planID, goalIn(t, f.store, f.planID, "科技型中小企业").ID, goalIn(t, f.store, city, "科技型中小企业").ID, qyp); err != nil {
		t.Fatal(err)
	}
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.25"}, plan.TaskInProgress, "")
	if code, _ := get(t, f.client(t, "leader"), f.srv.URL+"/plans/"+itoa(city)+"/dashboard"); code != http.StatusNotFound {
		t.Errorf("the district's leader on the city's dashboard: %d, want 404", code)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/plans/"+itoa(city)+"/dashboard"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "cityleader"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#matrix`),
	)
	if err != nil {
		t.Fatal(err)
	}
	row := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#matrix tbody tr')].map(tr => tr.innerText).find(t => t.startsWith('青云谱区')) || ''`))
	if !strings.Contains(row, "15 / 140") || !strings.Contains(row, "来自区方案") {
		t.Fatalf("青云谱区's row on the city's dashboard: %q", row)
	}
	// Follow the row's link as a person clicking it would land.
	href := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#matrix a.linked').href`))
	if !strings.HasSuffix(href, "/plans/"+itoa(f.planID)+"/dashboard") {
		t.Fatalf("the row links to %q", href)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(href),
		chromedp.WaitVisible(`#goal-cards`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if h := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.crumbs').innerText`)); !strings.Contains(h, "2022年青云谱区科技创新基础大提升工作要点") {
		t.Fatalf("drilled to %q", h)
	}
	row = run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#matrix tbody tr')].map(tr => tr.innerText).find(t => t.startsWith('三家店街道')) || ''`))
	if !strings.Contains(row, "15 / ") {
		t.Fatalf("三家店街道 on the district's dashboard: %q", row)
	}
}

// TestLeadersLandOnTheirOrganisationsPlan: the city's leader lands on the
// city's 总览, the district's on the district's.
func TestLeadersLandOnTheirOrganisationsPlan(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	city, _ := f.cityAbove(t)
	for user, want := range map[string]int64{"cityleader": city, "leader": f.planID} {
		res, err := f.client(t, user).Get(f.srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/plans/"+itoa(want)+"/dashboard" {
			t.Errorf("%s lands on %q, want plan %d's 总览", user, loc, want)
		}
	}
}
