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
