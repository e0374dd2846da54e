package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
)

// browser starts headless Chromium for a test. Without a Chromium the test
// is skipped, unless KECHUANG_REQUIRE_BROWSER is set (as .ci/run sets it),
// where a missing browser is a failure.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("KECHUANG_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium found and KECHUANG_REQUIRE_BROWSER is set")
		}
		t.Skip("no Chromium on this machine")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1800),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestBrowserLoginAndSplitTable logs in through the form as a person would
// and reads the 附件2 table: the district row, the sums of the seven
// sub-districts and the check that they match.
func TestBrowserLoginAndSplitTable(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/plans/"+itoa(f.planID)),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "leader"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#split-0`),
	)
	if err != nil {
		t.Fatal(err)
	}
	title := run(t, ctx, chromedp.Text(`h1`))
	rows := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#split-0 tbody tr').length`))
	sums := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#split-0 .sum-row td')].map(td => td.innerText.trim()).join(' ')`))
	checks := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#split-0 .check-row td')].map(td => td.innerText.split('\n')[0].trim()).join(' ')`))
	if title != "2022年青云谱区科技创新基础大提升工作要点" {
		t.Errorf("title %q", title)
	}
	if rows != 8 {
		t.Errorf("附件2 has %d rows, want 8 (青云谱区 and 7 sub-districts)", rows)
	}
	if sums != "140 76 7" {
		t.Errorf("sums of the sub-districts %q, want \"140 76 7\"", sums)
	}
	if strings.Count(checks, "✓ 相符") != 3 {
		t.Errorf("checks %q, want three ✓", checks)
	}
	if shot := os.Getenv("KECHUANG_SCREENSHOT"); shot != "" {
		os.WriteFile(shot, run(t, ctx, chromedp.FullScreenshot(100)), 0o644)
	}
}

// run runs one browser action and fails the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserReporterSubmits: a 三家店街道 reporter opens the form from the
// inbox, fills it as a person would and submits it.
func TestBrowserReporterSubmits(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	form, err := f.store.Form(context.Background(), f.forms["三家店街道"])
	if err != nil {
		t.Fatal(err)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(f.srv.URL + "/"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "sjd"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#inbox`),
		chromedp.Click(`#inbox a`),
		chromedp.WaitVisible(`#form-main`),
	}
	for _, t := range form.Tasks {
		id := itoa(t.TaskID)
		steps = append(steps,
			chromedp.SetValue(`select[name=status_`+id+`]`, string(plan.TaskInProgress)),
			chromedp.SendKeys(`textarea[name=progress_`+id+`]`, "已走访辖区企业，完成摸底"),
		)
	}
	for i, v := range form.Values {
		steps = append(steps, chromedp.SendKeys(`input[name=value_`+itoa(v.GoalID)+`]`, []string{"21", "9", "1.5"}[i]))
	}
	steps = append(steps,
		chromedp.Click(`button[value=submit]`),
		chromedp.WaitVisible(`.flash`),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	state := run(t, ctx, chromedp.Text(`h1 .state`))
	if state != "已报" {
		t.Errorf("after submit the page says %q, want 已报", state)
	}
	got, _ := f.store.Form(context.Background(), form.PublicID)
	if got.State != plan.FormSubmitted || got.Values[2].Value.String() != "1.5" || got.Tasks[0].Progress != "已走访辖区企业，完成摸底" {
		t.Errorf("stored form: %s %v %q", got.State, got.Values[2].Value, got.Tasks[0].Progress)
	}
	if got.SecondsSpent < 0 || got.TypedFields == 0 {
		t.Errorf("burden not recorded: %d typed, %d s", got.TypedFields, got.SecondsSpent)
	}
}

// TestBrowserDashboard opens the dashboard as a leader, checks that the
// charts drew (ECharts served by kechuang, under the CSP) and reads the
// table beside the bars chart.
func TestBrowserDashboard(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskInProgress, "")
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "leader"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#bars canvas`),
	)
	if err != nil {
		t.Fatal(err)
	}
	charts := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.chart canvas').length`))
	if charts < 5 {
		t.Errorf("%d charts drawn, want bars for 3 indicators, a trend and task status", charts)
	}
	row := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#bars table[data-goal="高新技术企业"] tbody tr')].map(tr => tr.innerText.replace(/\s+/g, ' ').trim()).find(s => s.startsWith('徐家坊街道')) || ''`))
	if row != "徐家坊街道 19 12 63.2% 超序时" {
		t.Errorf("the table beside the chart says %q", row)
	}
	width := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.goal-card .bar .fill').style.width`))
	if width == "" {
		t.Error("completion bars were not sized (script blocked?)")
	}
	if shot := os.Getenv("KECHUANG_SCREENSHOT_DASHBOARD"); shot != "" {
		os.WriteFile(shot, run(t, ctx, chromedp.FullScreenshot(100)), 0o644)
	}
	// The charts: 分解目标 bars grey (red is for 严重滞后), titles clear of
	// the legends, which sit below the charts.
	run(t, ctx, chromedp.ScrollIntoView(`#task-status`))
	keepShot(t, ctx, "dashboard")
}
