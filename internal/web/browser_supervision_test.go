package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kechuang/internal/plan"
	"kechuang/internal/store/storetest"
)

// shots is where a browser test keeps its screenshots: the folder named by
// KECHUANG_SCREENSHOT_DIR (to look at them), else the test's temp dir.
func shots(t *testing.T) string {
	if d := os.Getenv("KECHUANG_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// screenshot saves the whole page at a width as dir/name.png.
func screenshot(t *testing.T, ctx context.Context, dir, name string, width int64) {
	t.Helper()
	run(t, ctx, chromedp.EmulateViewport(width, 900))
	png := run(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sectionShot saves one part of the page at a width as dir/name.png.
func sectionShot(t *testing.T, ctx context.Context, dir, name, sel string, width int64) {
	t.Helper()
	run(t, ctx, chromedp.EmulateViewport(width, 900))
	png := run(t, ctx, chromedp.Screenshot(sel))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// login logs in through the login form, after logging out whoever was in.
func login(t *testing.T, ctx context.Context, base, username, next string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+next),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, username),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`header.top .who`),
	)
	if err != nil {
		t.Fatal(err)
	}
}

func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`input[name=username]`)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserSupervision: the bureau issues a 督办单 from the grid's task
// page, the unit replies with its measures and an evidence file from its
// inbox on a phone's width, and the bureau closes the task (销号) — with
// screenshots at desktop width and at 375 px.
func TestBrowserSupervision(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	dir := shots(t)
	t7 := f.task(t, "7")
	if err := f.store.SaveMilestones(context.Background(), f.planID, t7.ID, []plan.Milestone{{Description: "6月底前出台培育方案"}, {Description: "8月10日前完成首批申报", UnitID: f.users["sjd"].UnitID}}); err != nil {
		t.Fatal(err)
	}
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2"}, plan.TaskDone, "")
	f.approve(t, "洪都街道", map[string]string{"科技型中小企业": "20", "高新技术企业": "8", "技术合同成交额": "1"}, plan.TaskLagging, "企业申报意愿不强")
	evidence := filepath.Join(t.TempDir(), "整改方案.pdf")
	if err := os.WriteFile(evidence, []byte("%PDF-1.4 整改方案"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The bureau: the grid, then task 7's page, then a notice to 三家店街道.
	grid := "/plans/" + itoa(f.planID) + "/supervision"
	login(t, ctx, f.srv.URL, "admin", grid)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#sv-grid`)); err != nil {
		t.Fatal(err)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#sv-grid td.sv-red').length`)); n == 0 {
		t.Error("the grid shows no red cell")
	}
	screenshot(t, ctx, dir, "grid-desktop", 1280)
	screenshot(t, ctx, dir, "grid-375", 375)
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	err := chromedp.Do(ctx,
		chromedp.Click(`#task-`+itoa(t7.ID)+` th a`),
		chromedp.WaitVisible(`#notice-form`),
		chromedp.SetValue(`#notice-form select[name=unit]`, itoa(f.users["sjd"].UnitID)),
		chromedp.SendKeys(`#notice-form textarea[name=reason]`, "节点“6月底前出台培育方案”已到期，尚未完成"),
		chromedp.SendKeys(`#notice-form textarea[name=requirement]`, "报送整改措施和完成时间"),
		chromedp.Click(`#notice-form button[type=submit]`),
		chromedp.WaitVisible(`#notices .sv-item`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#notices .sv-item`)); !strings.Contains(s, "三家店街道") || !strings.Contains(s, "待反馈") {
		t.Errorf("the notice on the task page: %q", s)
	}
	screenshot(t, ctx, dir, "task-desktop", 1280)
	logout(t, ctx)

	// The unit, on a phone: the inbox lists the notice; it replies.
	run(t, ctx, chromedp.EmulateViewport(375, 900))
	login(t, ctx, f.srv.URL, "sjd", "/my")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#inbox-notices`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, dir, "inbox-375", 375)
	err = chromedp.Do(ctx,
		chromedp.Click(`#inbox-notices a`),
		chromedp.WaitVisible(`#reply-form`),
		chromedp.SendKeys(`#reply-form textarea[name=reply]`, "已制定整改方案：8月15日前出台培育方案，新增入库企业5家。"),
		chromedp.SetUploadFiles(`#reply-form input[type=file]`, []string{evidence}),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, dir, "notice-375", 375)
	if over := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#notice').scrollWidth > document.querySelector('#notice').clientWidth + 1`)); over {
		t.Error("the notice is wider than a 375 px screen")
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#reply-form button[type=submit]`), chromedp.WaitVisible(`.sv-reply`)); err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#reply`)); !strings.Contains(s, "新增入库企业5家") || !strings.Contains(s, "整改方案.pdf") {
		t.Errorf("after the reply: %q", s)
	}
	screenshot(t, ctx, dir, "notice-replied-375", 375)
	// The form shows the notice too, answered.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/forms/"+f.forms["三家店街道"]), chromedp.WaitVisible(`#supervision`)); err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#supervision`)); !strings.Contains(s, "任务7. 培育高新技术企业") || !strings.Contains(s, "已反馈") {
		t.Errorf("the form's supervision: %q", s)
	}
	sectionShot(t, ctx, dir, "form-supervision-375", "#supervision", 375)
	logout(t, ctx)

	// The bureau reads the reply and closes the task.
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	login(t, ctx, f.srv.URL, "admin", "/plans/"+itoa(f.planID)+"/tasks/"+itoa(t7.ID)+"/supervision")
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(`#close-form`),
		chromedp.Click(`#close-form input[name=evidence_reviewed]`),
		chromedp.SendKeys(`#close-form textarea[name=note]`, "培育方案已印发，佐证材料齐全"),
		chromedp.Click(`#close-form button[type=submit]`),
		chromedp.WaitVisible(`#closed-tag`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#notices`)); !strings.Contains(s, "已反馈") || !strings.Contains(s, "新增入库企业5家") {
		t.Errorf("the reply on the task page: %q", s)
	}
	if s := run(t, ctx, chromedp.Text(`#closure-state`)); !strings.Contains(s, "培育方案已印发") {
		t.Errorf("after 销号: %q", s)
	}
	screenshot(t, ctx, dir, "closed-desktop", 1280)
	screenshot(t, ctx, dir, "closed-375", 375)
	for _, part := range []string{"units", "notices", "closure"} {
		sectionShot(t, ctx, dir, "closed-375-"+part, "#"+part, 375)
	}
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+grid), chromedp.WaitVisible(`#sv-grid`)); err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#task-`+itoa(t7.ID)+` th`)); !strings.Contains(s, "已销号") {
		t.Errorf("the grid's row after 销号: %q", s)
	}
	screenshot(t, ctx, dir, "grid-closed-desktop", 1280)
	t.Logf("screenshots in %s", dir)
}
