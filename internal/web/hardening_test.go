package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

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
