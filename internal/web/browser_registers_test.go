package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kechuang/internal/store/storetest"
)

// TestBrowserRegisterImport: an admin uploads a list of technology
// contracts whose registration numbers are headed 合同编号, maps that header
// on the page, imports the list watching the progress bar, and drills from
// the dashboard's goal card to the records behind it.
func TestBrowserRegisterImport(t *testing.T) {
	ctx := browser(t)
	f := newRegisterFixture(t, storetest.SQLiteDSN(t))
	var b strings.Builder
	b.WriteString("合同编号,项目名称,卖方名称,卖方所在地区,买方名称,合同类型,成交额（万元）,登记日期\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "2022360104%06d,技术服务项目%d,青云甲科技有限公司,三家店街道,外省某公司,技术服务,1.5,2022-04-01\n", i, i)
	}
	list := filepath.Join(t.TempDir(), "技术合同登记台账.csv")
	if err := os.WriteFile(list, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/registers/contracts"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "admin"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`#upload-form`),
		chromedp.SetUploadFiles(`#upload-form input[type=file]`, []string{list}),
		chromedp.Click(`#upload-form button`),
		chromedp.WaitVisible(`#mapping-form`),
	)
	if err != nil {
		t.Fatal(err)
	}
	missing := run(t, ctx, chromedp.Text(`#mapping .error`))
	if !strings.Contains(missing, "合同登记号") {
		t.Errorf("the mapping step says %q", missing)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(`select[name=field_0]`, "reg_no"),
		chromedp.Click(`#mapping-form button`),
		chromedp.WaitVisible(`#import-form`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#check-summary`)); !strings.Contains(s, "可导入 5000 行") {
		t.Errorf("check after the mapping: %q", s)
	}
	run(t, ctx, chromedp.Click(`#import-button`))
	// The bar shows how far the server has read, as it reads.
	seen := run(t, ctx, chromedp.Poll[[]any](`(() => {
		const bar = document.getElementById('import-progress'), box = document.getElementById('import-status');
		return bar && box && !box.hidden && bar.value > 0 ? [bar.value, bar.max, document.getElementById('import-label').textContent] : false;
	})()`))
	t.Logf("progress bar seen at %v", seen)
	if len(seen) != 3 || !strings.Contains(fmt.Sprint(seen[2]), "行") {
		t.Errorf("progress bar: %v", seen)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#result`)); err != nil {
		t.Fatal(err)
	}
	if s := run(t, ctx, chromedp.Text(`#result .flash`)); !strings.Contains(s, "新增 5000") {
		t.Errorf("result: %q", s)
	}

	// From the goal card to its records.
	goal := f.goal(t, "技术合同")
	card := fmt.Sprintf(`#goal-cards a[href*="/goals/%d/records"]`, goal.ID)
	err = chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/plans/"+itoa(f.planID)+"/dashboard"),
		chromedp.WaitVisible(card),
	)
	if err != nil {
		t.Fatal(err)
	}
	if v := run(t, ctx, chromedp.Text(card)); v != "0.75" {
		t.Errorf("the card says %q, want 0.75 (5000 × 1.5 万元)", v)
	}
	err = chromedp.Do(ctx, chromedp.Click(card), chromedp.WaitVisible(`#record-table`))
	if err != nil {
		t.Fatal(err)
	}
	if h := run(t, ctx, chromedp.Text(`#records h2`)); h != "记录（5000 条）" {
		t.Errorf("records heading %q", h)
	}
	origin := run(t, ctx, chromedp.Text(`#record-table tbody tr:first-child td.origin`))
	if !strings.Contains(origin, "技术合同登记台账.csv · 第2行") {
		t.Errorf("the first record's origin %q", origin)
	}
	if shot := os.Getenv("KECHUANG_SCREENSHOT_RECORDS"); shot != "" {
		os.WriteFile(shot, run(t, ctx, chromedp.FullScreenshot(100)), 0o644)
	}
}
