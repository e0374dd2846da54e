package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// keepShot saves a full-page PNG under the test's temporary folder and,
// when KECHUANG_SCREENSHOTS names a folder, there too (to look at).
func keepShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := run(t, ctx, chromedp.FullScreenshot(100))
	dirs := []string{t.TempDir()}
	if d := os.Getenv("KECHUANG_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s: %d bytes", name, len(png))
}

// TestBrowserFormWidths opens a returned form as its 街道 reporter on a
// desktop screen and on a 375 px phone: the reason is at the top, nothing
// is wider than the screen, the header and the buttons are within reach;
// a refused submission marks its fields, with what was typed kept.
func TestBrowserFormWidths(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	form := f.submitForm(t, "三家店街道")
	if err := f.store.ReviewForm(context.Background(), form.PublicID, form.Version, store.Return, "技术合同成交额请附登记证明", f.users["admin"]); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "sjd"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#inbox`),
	); err != nil {
		t.Fatal(err)
	}
	first, value := itoa(form.Tasks[0].TaskID), itoa(form.Values[0].GoalID)
	for _, screen := range []struct {
		name          string
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{"desktop", 1280, 900, nil},
		{"phone-375", 375, 812, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)}},
	} {
		t.Run(screen.name, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(screen.width, screen.height, screen.opts...),
				chromedp.Navigate(f.srv.URL+"/my"),
				chromedp.WaitVisible(`#inbox`),
			); err != nil {
				t.Fatal(err)
			}
			fits(t, ctx, "inbox", screen.width)
			keepShot(t, ctx, "inbox-"+screen.name)

			if err := chromedp.Do(ctx,
				chromedp.Navigate(f.srv.URL+"/forms/"+form.PublicID),
				chromedp.WaitVisible(`#returned`),
			); err != nil {
				t.Fatal(err)
			}
			if got := run(t, ctx, chromedp.Text(`#returned .reason`)); got != "技术合同成交额请附登记证明" {
				t.Errorf("the return's reason reads %q", got)
			}
			fits(t, ctx, "form", screen.width)
			for _, sel := range []string{`header.top .brand`, `header.top a[href="/my"]`, `header.top .who button`, `select[name=status_` + first + `]`, `textarea[name=progress_` + first + `]`, `button[value=submit]`, `button[value=save]`} {
				reachable(t, ctx, sel, screen.width)
			}
			keepShot(t, ctx, "form-"+screen.name)

			// Submit with a status cleared and a value that is not a number.
			run(t, ctx, chromedp.Evaluate[bool](`(() => { document.querySelector('select[name=status_`+first+`]').value = ''; document.querySelector('input[name=value_`+value+`]').value = ''; return true; })()`))
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(`input[name=value_`+value+`]`, "二十"),
				chromedp.ScrollIntoView(`button[value=submit]`),
				chromedp.Click(`button[value=submit]`),
				chromedp.WaitVisible(`#problems`),
			); err != nil {
				t.Fatal(err)
			}
			if got := run(t, ctx, chromedp.Text(`#value_`+value+`-error`)); !strings.Contains(got, "不是数字") {
				t.Errorf("the value's error reads %q", got)
			}
			if got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name=value_`+value+`]').value`)); got != "二十" {
				t.Errorf("the value typed is now %q", got)
			}
			fits(t, ctx, "refused form", screen.width)
			reachable(t, ctx, `#value_`+value+`-error`, screen.width)
			keepShot(t, ctx, "form-refused-"+screen.name)

			// Then the status: its error is at its field.
			run(t, ctx, chromedp.Evaluate[bool](`(() => { document.querySelector('input[name=value_`+value+`]').value = '20'; return true; })()`))
			if err := chromedp.Do(ctx,
				chromedp.Click(`button[value=submit]`),
				chromedp.WaitVisible(`#status_`+first+`-error`),
			); err != nil {
				t.Fatal(err)
			}
			reachable(t, ctx, `#status_`+first+`-error`, screen.width)
			if got := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('#status_`+first+`').classList.contains('invalid')`)); !got {
				t.Error("the status field is not marked")
			}
			keepShot(t, ctx, "form-status-error-"+screen.name)
		})
	}
}

// fits fails when the page is wider than the screen (a horizontal scroll).
func fits(t *testing.T, ctx context.Context, what string, width int64) {
	t.Helper()
	w := run(t, ctx, chromedp.Evaluate[int64](`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`))
	if w > width {
		wide := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).join(', ')`))
		t.Errorf("%s is %d px wide on a %d px screen: %s", what, w, width, wide)
	}
}

// reachable fails unless the element is shown and lies within the screen's
// width, once scrolled to.
func reachable(t *testing.T, ctx context.Context, sel string, width int64) {
	t.Helper()
	run(t, ctx, chromedp.ScrollIntoView(sel))
	box := run(t, ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect(); return [r.left, r.right, r.width, r.height]; })()`))
	if len(box) != 4 || box[2] == 0 || box[3] == 0 || box[0] < 0 || box[1] > float64(width)+1 {
		t.Errorf("%s is out of reach on a %d px screen: %v", sel, width, box)
	}
}

// TestBrowserBulletin reads an issued, numbered bulletin as a page: no
// figure is broken across lines, the 版记 closes it; a screenshot to look
// at.
func TestBrowserBulletin(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t, storetest.SQLiteDSN(t))
	f.approve(t, "徐家坊街道", map[string]string{"科技型中小企业": "30", "高新技术企业": "12", "技术合同成交额": "2.4323"}, plan.TaskInProgress, "")
	f.approve(t, "三家店街道", map[string]string{"科技型中小企业": "15", "高新技术企业": "10", "技术合同成交额": "1.25"}, plan.TaskLagging, "企业技术合同登记意识不强")
	c := context.Background()
	if err := f.store.CloseRound(c, f.roundID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.NumberBulletin(c, f.roundID, store.BulletinNumber{DocNumber: "青科工信字〔2022〕12号", CopyTo: "区委办，区政府办", PrintedBy: "青云谱区科学技术和工业信息化局办公室", PrintedOn: "2022-08-11"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "admin"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#nav-reviews`), // logged in: the login page has no top bar links
		chromedp.Navigate(f.srv.URL+"/rounds/"+itoa(f.roundID)+"/bulletin"),
		chromedp.WaitVisible(`.banji`),
	); err != nil {
		t.Fatal(err)
	}
	figures := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.fig').length`))
	broken := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.fig')].filter(e => e.getClientRects().length > 1).map(e => e.textContent)`))
	if figures < 20 || len(broken) > 0 {
		t.Errorf("%d figures marked, broken across lines: %v", figures, broken)
	}
	if got := run(t, ctx, chromedp.Text(`.banji .printed-on`)); got != "2022年8月11日印发" {
		t.Errorf("版记 says %q", got)
	}
	keepShot(t, ctx, "bulletin")
}
