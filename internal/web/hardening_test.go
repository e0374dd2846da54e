package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"kechuang/internal/plan"
	"kechuang/internal/store"
	"kechuang/internal/store/storetest"
)

// multipartBody is a form with one file field of the given content.
func multipartBody(t *testing.T, fields map[string]string, file string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", file)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// spooled lists the temporary files multipart parsing left in dir.
func spooled(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "multipart-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBodyLimitsAndTempFiles: a 40 MB anonymous login is refused before it
// is read, with or without a length; an authorized upload big enough to be
// spooled to disk leaves no temporary file behind.
func TestBodyLimitsAndTempFiles(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool)
	big := bytes.Repeat([]byte("x"), 40<<20)

	for _, chunked := range []bool{false, true} {
		body, ct := multipartBody(t, map[string]string{"username": "admin"}, "big.bin", big)
		var rd io.Reader = body
		if chunked {
			rd = io.MultiReader(body) // hides the length: sent chunked
		}
		req, _ := http.NewRequest("POST", f.srv.URL+"/login", rd)
		req.Header.Set("Content-Type", ct)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "上限为 4 KB") {
			t.Errorf("40 MB login (chunked %v): %d, want 413 saying the limit", chunked, res.StatusCode)
		}
		if left := spooled(t, spool); len(left) > 0 {
			t.Errorf("40 MB login (chunked %v) left %v", chunked, left)
		}
	}

	// An evidence file of 3 MB is spooled to disk while the form is read.
	c := f.client(t, "sjd")
	form, _ := f.store.Form(context.Background(), f.forms["三家店街道"])
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 3<<20)...)
	body, ct := multipartBody(t, map[string]string{"task": itoa(form.Tasks[0].TaskID)}, "名单.pdf", pdf)
	res, err := c.Post(f.srv.URL+"/forms/"+form.PublicID+"/attachments", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	if left := spooled(t, spool); len(left) > 0 {
		t.Errorf("an upload left %v", left)
	}

	// Ordinary forms take 1 MB.
	admin := f.client(t, "admin")
	res, err = admin.PostForm(f.srv.URL+"/plans/"+itoa(f.planID)+"/goals", url.Values{"indicator": {strings.Repeat("x", 2<<20)}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "上限为 1 MB") {
		t.Errorf("2 MB goal form: %d, want 413", res.StatusCode)
	}
}

// TestSafeNext: only same-site relative paths survive as a post-login
// redirect.
func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/plans/1", "/plans/1"},
		{"/forms/abc?saved#task-3", "/forms/abc?saved#task-3"},
		{"/audit?object=user%3A2", "/audit?object=user%3A2"},
		{"/units/%E4%B8%AD", "/units/%E4%B8%AD"},
		{"", "/"},
		{"plans", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0a/evil.example", "/"},
		{"/%0D%0ALocation:%20https://evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"https://evil.example", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/javascript:alert(1)", "/javascript:alert(1)"}, // a path on this site
		{" /plans", "/"},
		{"/\x00/evil.example", "/"},
		{"/%00", "/"},
		{"/%zz", "/"},
		{"/\u2028/evil.example", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLoginRedirectStaysOnSite follows the finding: next=/%09/evil.example
// in the login link.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"} {
		c := f.client(t, "")
		res, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {"leader"}, "password": {testPassword}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("login with next=%q redirects to %q", next, loc)
		}
		// Already logged in, the login page redirects at once.
		res, err = c.Get(f.srv.URL + "/login?next=" + url.QueryEscape(next))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("login page with next=%q redirects to %q", next, loc)
		}
	}
}

// TestEvidenceNameFollowsType: the stored name's extension is the sniffed
// type's, whatever the upload was called; long names are cut by characters.
func TestEvidenceNameFollowsType(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	sjd := f.client(t, "sjd")
	form, _ := f.store.Form(context.Background(), f.forms["三家店街道"])
	task := form.Tasks[2].TaskID
	pdf := []byte("%PDF-1.4 real")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	long := strings.Repeat("名", 120)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"名单.hta", pdf, "名单.pdf"},
		{"名单.bat", pdf, "名单.pdf"},
		{"名单.html", pdf, "名单.pdf"},
		{"名单.svg", pdf, "名单.pdf"},
		{"名单.PDF", pdf, "名单.pdf"},
		{"照片.jpeg.exe", png, "照片.jpeg.png"},
		{"照片", png, "照片.png"},
		{"2022.07进展", pdf, "2022.07进展.pdf"},
		{long + ".pdf", pdf, strings.Repeat("名", 96) + ".pdf"},
		{long, pdf, strings.Repeat("名", 96) + ".pdf"},
		{strings.Repeat("a", 120), pdf, strings.Repeat("a", 96) + ".pdf"},
		{"a." + strings.Repeat("b", 120), pdf, "a." + strings.Repeat("b", 94) + ".pdf"},
	} {
		code, body, _ := postFileWith(t, sjd, f.srv.URL+"/forms/"+form.PublicID+"/attachments", "file", tc.name, tc.data, url.Values{"task": {itoa(task)}})
		if code != http.StatusSeeOther {
			t.Errorf("upload %q: %d %s", tc.name, code, body)
			continue
		}
		list, _ := f.store.Attachments(context.Background(), form.PublicID)
		if got := list[len(list)-1].Filename; got != tc.want {
			t.Errorf("upload %q stored as %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSanitizeFilename(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"名单.pdf", "名单.pdf"},
		{`C:\Users\张三\名单.pdf`, "名单.pdf"},
		{"../../etc/passwd", "passwd"},
		{"...", "附件"},
		{"", "附件"},
		{"a\x00b\u202e.pdf", "a_b_.pdf"},
		{"\xff\xfe.pdf", "__.pdf"},
		{strings.Repeat("名", 120), strings.Repeat("名", 100)},
		{strings.Repeat("名", 120) + ".docx", strings.Repeat("名", 95) + ".docx"},
		{"x." + strings.Repeat("名", 120), "x." + strings.Repeat("名", 98)},
	} {
		if got := sanitizeFilename(tc.in); got != tc.want {
			t.Errorf("sanitizeFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSanitizeFilename: any name gives a short, valid, path-free name, and
// the stored name ends in its type's extension.
func FuzzSanitizeFilename(f *testing.F) {
	for _, s := range []string{"名单.pdf", "a." + strings.Repeat("b", 120), strings.Repeat("名", 120), "..", `a\b/c`, "\xff.pdf", ".hta"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := sanitizeFilename(name)
		if got == "" || !utf8.ValidString(got) || utf8.RuneCountInString(got) > maxFilename ||
			strings.ContainsAny(got, `/\`) || strings.HasPrefix(got, ".") {
			t.Fatalf("sanitizeFilename(%q) = %q", name, got)
		}
		stored := withTypeExtension(got, "application/pdf")
		if !strings.HasSuffix(strings.ToLower(stored), ".pdf") || utf8.RuneCountInString(stored) > maxFilename {
			t.Fatalf("withTypeExtension(%q) = %q", got, stored)
		}
	})
}

// TestFormTextLimitsOverHTTP follows the finding (a 4 MB 进展情况 grew the
// database by 20 MB): through the page and the API it is refused with a
// message naming the field, and nothing is stored.
func TestFormTextLimitsOverHTTP(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		sjd := f.client(t, "sjd")
		form, _ := f.store.Form(ctx, f.forms["三家店街道"])
		task := itoa(form.Tasks[0].TaskID)
		want := "任务" + form.Tasks[0].Number + "：“进展情况”最多 3000 字"

		page := func(progress string) (int, string) {
			code, body, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, url.Values{
				"version": {"0"}, "action": {"save"}, "status_" + task: {"in_progress"}, "progress_" + task: {progress},
			})
			return code, body
		}
		if code, body := page(strings.Repeat("x", 4<<20)); code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("page, 4 MB of letters: %d, want 400 saying %q", code, want)
		}
		// 4 MB of Chinese is 12 MB percent-encoded: over the form's body limit.
		if code, body := page(strings.Repeat("进", 4<<20/3)); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "上限为 8 MB") {
			t.Errorf("page, 4 MB of Chinese: %d, want 413", code)
		}
		if code, body := page(strings.Repeat("进", 3001)); code != http.StatusBadRequest || !strings.Contains(body, want+"（现为 3001 字）") {
			t.Errorf("page, 3001 characters: %d, want 400 saying %q", code, want)
		}

		api := func(body string) (int, string) {
			req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/forms/"+form.PublicID, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			res, err := sjd.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		if code, body := api(`{"version":0,"tasks":[{"task_id":` + task + `,"status":"in_progress","progress":"` + strings.Repeat("进", 4<<20/3) + `"}]}`); code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("API, 4 MB: %d, want 400 saying %q", code, want)
		}
		got, _ := f.store.Form(ctx, form.PublicID)
		if got.Version != 0 || got.Tasks[0].Progress != "" {
			t.Errorf("after refused saves: version %d, %d bytes of progress", got.Version, len(got.Tasks[0].Progress))
		}

		// A 10 MB return reason is refused by the body limit; one just over
		// the limit by the check.
		kgj := f.client(t, "kgj")
		if code, _, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, submitAll(form)); code != http.StatusSeeOther {
			t.Fatalf("submit: %d", code)
		}
		got, _ = f.store.Form(ctx, form.PublicID)
		for _, tc := range []struct {
			comment string
			code    int
			want    string
		}{
			{strings.Repeat("x", 10<<20), http.StatusRequestEntityTooLarge, "上限为 1 MB"},
			{strings.Repeat("退", 2001), http.StatusBadRequest, "“退回原因”最多 2000 字"},
		} {
			code, body, _ := postForm(t, kgj, f.srv.URL+"/forms/"+form.PublicID+"/review", url.Values{"version": {itoa(int64(got.Version))}, "decision": {"return"}, "comment": {tc.comment}})
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Errorf("return reason of %d bytes: %d, want %d saying %q", len(tc.comment), code, tc.code, tc.want)
			}
		}
		if after, _ := f.store.Form(ctx, form.PublicID); after.State != plan.FormSubmitted {
			t.Errorf("after refused returns the form is %s", after.State)
		}
	})
}

// submitAll is a page submission answering every entry of a form.
func submitAll(form *plan.Form) url.Values {
	v := url.Values{"version": {itoa(int64(form.Version))}, "action": {"submit"}}
	for _, t := range form.Tasks {
		id := itoa(t.TaskID)
		v.Set("status_"+id, "in_progress")
		v.Set("progress_"+id, "按计划推进")
	}
	for _, g := range form.Values {
		v.Set("value_"+itoa(g.GoalID), "1")
	}
	return v
}

// TestTextLimitsOnPages: the other text fields of the pages answer a clear
// 400 naming the field.
func TestTextLimitsOnPages(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	admin := f.client(t, "admin")
	long := func(n int) string { return strings.Repeat("长", n) }
	p := "/plans/" + itoa(f.planID)
	for _, tc := range []struct {
		path string
		vals url.Values
		want string
	}{
		{"/units", url.Values{"name": {long(101)}, "kind": {"department"}}, "“名称”最多 100 字"},
		{"/units", url.Values{"name": {"新单位"}, "kind": {"department"}, "aliases": {long(101)}}, "“名称”最多 100 字"},
		{"/groups", url.Values{"name": {long(101)}}, "“名称”最多 100 字"},
		{p + "/rounds", url.Values{"label": {long(101)}, "as_of": {"2022-08-31"}, "opens_on": {"2022-09-01"}, "due_on": {"2022-09-05"}, "remind_days": {"2"}}, "“名称”最多 100 字"},
		{p + "/goals", url.Values{"indicator": {long(101)}, "comparator": {">="}, "target": {"1"}}, "“指标名称”最多 100 字"},
		{p + "/sections", url.Values{"number": {"八"}, "title": {long(201)}}, "“行动名称”最多 200 字"},
		{"/users", url.Values{"username": {"new"}, "display_name": {long(101)}, "role": {"leader"}, "password": {"abcdefgh12"}}, "“姓名”最多 100 字"},
		{"/settings", url.Values{"webhook.url": {"https://qyapi.weixin.qq.com/" + strings.Repeat("k", 1000)}}, "“Webhook 地址”最多 1000 字"},
	} {
		code, body, _ := postForm(t, admin, f.srv.URL+tc.path, tc.vals)
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s: %d, want 400 saying %q", tc.path, code, tc.want)
		}
	}
}

// TestFound500s: pages that answered 500.
func TestFound500s(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	ctx := context.Background()
	admin := f.client(t, "admin")
	sjd := f.client(t, "sjd")
	form, _ := f.store.Form(ctx, f.forms["三家店街道"])

	// A unit with approved data: its page shows the value with its unit.
	if code, _, _ := postForm(t, sjd, f.srv.URL+"/forms/"+form.PublicID, submitAll(form)); code != http.StatusSeeOther {
		t.Fatalf("submit: %d", code)
	}
	form, _ = f.store.Form(ctx, form.PublicID)
	if code, body, _ := postForm(t, admin, f.srv.URL+"/forms/"+form.PublicID+"/review", url.Values{"version": {itoa(int64(form.Version))}, "decision": {"approve"}}); code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", code, body)
	}
	code, body := get(t, admin, f.srv.URL+"/units/"+itoa(form.UnitID))
	if code != http.StatusOK || !strings.Contains(body, "1 家") {
		t.Errorf("unit page with approved data: %d", code)
	}

	// A ranking weight of NaN (or Inf) is not a number.
	for _, w := range []string{"NaN", "nan", "Inf", "-Infinity", "1e400"} {
		vals := url.Values{"lag": {"10"}, "serious_lag": {"30"}, "ahead": {"5"}, "tolerance": {"5"}}
		for _, g := range f.doc.Goals {
			vals.Set("weight_"+itoa(g.ID), "1")
		}
		vals.Set("weight_"+itoa(f.doc.Goals[0].ID), w)
		code, body, _ := postForm(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/progress-settings", vals)
		if code != http.StatusBadRequest || !strings.Contains(body, "权重”应为数字") {
			t.Errorf("weight %s: %d, want 400", w, code)
		}
	}
	for _, th := range []string{"NaN", "Inf"} {
		code, _, _ := postForm(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/progress-settings", url.Values{"lag": {th}, "serious_lag": {"30"}, "ahead": {"5"}, "tolerance": {"5"}})
		if code != http.StatusBadRequest {
			t.Errorf("threshold %s: %d, want 400", th, code)
		}
	}

	// The same unit twice when creating a round.
	u := itoa(form.UnitID)
	code, body, loc := postForm(t, admin, f.srv.URL+"/plans/"+itoa(f.planID)+"/rounds", url.Values{
		"label": {"2022年8月调度"}, "as_of": {"2022-08-31"}, "opens_on": {"2022-09-01"}, "due_on": {"2022-09-05"}, "remind_days": {"2"}, "units": {u, u},
	})
	// Refused with a clear message (plan.CheckRound), not a 500.
	if code != http.StatusBadRequest || !strings.Contains(body, "出现了两次") || loc != "" {
		t.Fatalf("round with a unit twice: %d %s", code, body)
	}
}

// TestConcurrentLoginsAndUnlock: 24 concurrent wrong logins get five
// password checks; the right password is refused during the lockout,
// except from the administrator's own browser; an administrator lifts the
// lock from the users page.
func TestConcurrentLoginsAndUnlock(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		admin := f.client(t, "admin") // logged in before: its browser is remembered
		stranger := f.client(t, "")
		login := func(c *http.Client, pw string) (int, string) {
			code, body, _ := postForm(t, c, f.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {pw}})
			return code, body
		}
		codes := make(chan int, 24)
		var wg sync.WaitGroup
		for range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, _ := login(f.client(t, ""), "guess")
				codes <- code
			}()
		}
		wg.Wait()
		close(codes)
		count := map[int]int{}
		for c := range codes {
			count[c]++
		}
		if count[http.StatusUnauthorized] != 5 || count[http.StatusForbidden] != 19 {
			t.Errorf("24 concurrent wrong logins: %v; want 5×401 (checked) and 19×403 (locked)", count)
		}
		if code, body := login(stranger, testPassword); code != http.StatusForbidden || !strings.Contains(body, "登录失败次数过多") {
			t.Errorf("right password from the stranger's side during the lock: %d", code)
		}
		if code, _ := login(admin, testPassword); code != http.StatusSeeOther {
			t.Errorf("the admin's own browser during the stranger's lock: %d, want in", code)
		}

		_, body := get(t, admin, f.srv.URL+"/users")
		if !strings.Contains(body, "登录锁定") {
			t.Error("the users page does not show the lock")
		}
		id := itoa(f.users["admin"].ID)
		if code, _, _ := postForm(t, admin, f.srv.URL+"/users/"+id+"/unlock", nil); code != http.StatusSeeOther {
			t.Fatalf("unlock: %d", code)
		}
		if _, body := get(t, admin, f.srv.URL+"/users"); strings.Contains(body, "登录锁定") {
			t.Error("the lock is still shown after unlock")
		}
		if code, _ := login(stranger, testPassword); code != http.StatusSeeOther {
			t.Errorf("after unlock: %d", code)
		}
		if got := auditedActions(t, f, "user.login"); !slices.Contains(got, "user.login.locked") || !slices.Contains(got, "user.login.unlock") {
			t.Errorf("audit has %v", got)
		}
	})
}

func auditedActions(t *testing.T, f *fixture, prefix string) []string {
	t.Helper()
	list, _, err := f.store.AuditLog(context.Background(), store.AuditFilter{Action: prefix, Limit: store.MaxAuditPage})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Action)
	}
	return out
}

// TestTokenPages: a user makes, sees and revokes their tokens on the
// account page; an administrator sees and revokes a user's; a token stops
// working when the user is disabled or an administrator resets the
// password.
func TestTokenPages(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		leader := f.client(t, "leader")
		admin := f.client(t, "admin")
		newToken := func(c *http.Client, label string) string {
			t.Helper()
			code, body, _ := postForm(t, c, f.srv.URL+"/account/tokens", url.Values{"label": {label}, "days": {"30"}})
			i := strings.Index(body, `<code id="new-token">`)
			if code != http.StatusOK || i < 0 {
				t.Fatalf("token create: %d", code)
			}
			tok, _, _ := strings.Cut(body[i+len(`<code id="new-token">`):], "<")
			return tok
		}
		api := func(tok string) int {
			req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/plans", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		tok := newToken(leader, "统计报表")
		if !strings.HasPrefix(tok, "kc_") || api(tok) != 200 {
			t.Fatalf("new token %q does not work", tok)
		}
		_, body := get(t, leader, f.srv.URL+"/account")
		if !strings.Contains(body, "统计报表") || strings.Contains(body, tok) {
			t.Error("the account page should list the token by label, never show it again")
		}
		if code, body, _ := postForm(t, leader, f.srv.URL+"/account/tokens", url.Values{"label": {strings.Repeat("长", 101)}, "days": {"30"}}); code != 400 || !strings.Contains(body, "“用途说明”最多 100 字") {
			t.Errorf("long label: %d", code)
		}
		if code, body, _ := postForm(t, leader, f.srv.URL+"/account/tokens", url.Values{"days": {"400"}}); code != 400 || !strings.Contains(body, "366 天") {
			t.Errorf("400 days: %d", code)
		}
		tokens, _ := f.store.APITokens(context.Background(), f.users["leader"].ID)
		tid := itoa(tokens[0].ID)

		// Another user cannot revoke it; the admin sees it on the user's page.
		sjd := f.client(t, "sjd")
		if code, _, _ := postForm(t, sjd, f.srv.URL+"/account/tokens/"+tid+"/revoke", nil); code != http.StatusNotFound {
			t.Errorf("another user revoking: %d, want 404", code)
		}
		lid := itoa(f.users["leader"].ID)
		if _, body := get(t, admin, f.srv.URL+"/users/"+lid+"/edit"); !strings.Contains(body, "统计报表") {
			t.Error("the admin's view of the user lacks the token")
		}
		if code, _, _ := postForm(t, admin, f.srv.URL+"/users/"+itoa(f.users["sjd"].ID)+"/tokens/"+tid+"/revoke", nil); code != http.StatusNotFound {
			t.Errorf("revoking under the wrong user: %d, want 404", code)
		}
		if code, _, _ := postForm(t, leader, f.srv.URL+"/account/tokens/"+tid+"/revoke", nil); code != http.StatusSeeOther {
			t.Fatalf("own revoke: %d", code)
		}
		if api(tok) != http.StatusUnauthorized {
			t.Error("a revoked token still works")
		}

		// An admin revokes; an admin's password reset and disabling end tokens.
		tok = newToken(leader, "二")
		tokens, _ = f.store.APITokens(context.Background(), f.users["leader"].ID)
		if code, _, _ := postForm(t, admin, f.srv.URL+"/users/"+lid+"/tokens/"+itoa(tokens[0].ID)+"/revoke", nil); code != http.StatusSeeOther || api(tok) != 401 {
			t.Errorf("admin revoke: %d", code)
		}
		tok = newToken(leader, "三")
		if code, _, _ := postForm(t, admin, f.srv.URL+"/users/"+lid+"/password", url.Values{"password": {"new password 2"}}); code != http.StatusSeeOther {
			t.Fatalf("password reset: %d", code)
		}
		if api(tok) != http.StatusUnauthorized {
			t.Error("a token works after an admin reset the password")
		}
		hdTok, _ := f.store.CreateAPIToken(context.Background(), "hd", "", 0)
		if code, _, _ := postForm(t, admin, f.srv.URL+"/users/"+itoa(f.users["hd"].ID), url.Values{"role": {"reporter"}, "unit": {itoa(f.users["hd"].UnitID)}, "disabled": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("disable: %d", code)
		}
		if api(hdTok) != http.StatusUnauthorized {
			t.Error("a token works after its user was disabled")
		}
	})
}

// TestAPIBodyIsNotReadAsAForm: curl -d sends JSON as
// application/x-www-form-urlencoded; the API still reads it as JSON.
func TestAPIBodyIsNotReadAsAForm(t *testing.T) {
	f := newFixture(t, storetest.SQLiteDSN(t))
	token, _ := f.store.CreateAPIToken(context.Background(), "admin", "", 0)
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/plans", strings.NewReader(`{"title":"新方案","goals":[]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Errorf("JSON sent as a form: %d, want 201", res.StatusCode)
	}
}
