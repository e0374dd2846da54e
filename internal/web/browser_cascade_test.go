package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
)

// TestBrowserCityLeaderDrillsIntoDistrict: a city leader opens the city's
// dashboard, reads 青云谱区's row rolled up from the district's own plan
// (15 of 140, marked 来自区方案) and follows it into the district's
// dashboard, where the same 15 is made of 三家店街道's report.
func TestBrowserCityLeaderDrillsIntoDistrict(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	city, _ := f.cityPlans(t)
	bg := context.Background()
	qyp := f.unitID(t, "青云谱区")
	if err := f.store.LinkGoal(bg, f.planID, goalIn(t, f.store, f.planID, "科技型中小企业").ID, goalIn(t, f.store, city, "科技型中小企业").ID, qyp); err != nil {
		t.Fatal(err)
	}
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.25"}, plan.TaskInProgress, "")
	round, err := f.store.CreateRound(bg, plan.Round{PlanID: city, Label: "2022年7月调度", AsOf: "2022-07-31", OpensOn: "2022-08-01", DueOn: "2022-08-05", RemindDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.OpenRound(bg, round, f.users["admin"]); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/plans/"+itoa(city)+"/dashboard"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "leader"),
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
