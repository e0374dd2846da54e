package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Chromium. Without one the test is skipped, unless
// KECHUANG_REQUIRE_BROWSER is set (as .ci/run sets it): then it fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("KECHUANG_REQUIRE_BROWSER") != "" {
		t.Fatal("no Chromium found and KECHUANG_REQUIRE_BROWSER is set")
	}
	t.Skip("no Chromium on this machine")
	return ""
}

func TestPDFNoChromium(t *testing.T) {
	for _, path := range []string{"", "/nonexistent/chromium"} {
		err := WritePDF(context.Background(), &bytes.Buffer{}, sampleBulletin(), path)
		if !errors.Is(err, ErrNoChromium) {
			t.Errorf("chromium %q: error %v, want ErrNoChromium", path, err)
		}
	}
	if !strings.Contains(ErrNoChromium.Error(), "apt-get install chromium") {
		t.Errorf("ErrNoChromium %q does not say how to install it", ErrNoChromium)
	}
}

var pdfPage = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// TestPDF prints the sample bulletin with Chromium: a PDF of A4 pages, the
// text pages portrait and 附件1 landscape, with a CJK font embedded. Set
// KECHUANG_PDF_OUT to a file name to keep the PDF and look at it.
func TestPDF(t *testing.T) {
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var buf bytes.Buffer
	if err := WritePDF(ctx, &buf, sampleBulletin(), chromium); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if out := os.Getenv("KECHUANG_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("output starts %q, want %%PDF-", pdf[:min(len(pdf), 16)])
	}
	pages := len(pdfPage.FindAll(pdf, -1))
	if pages < 1 {
		t.Fatalf("%d pages", pages)
	}
	// Text pages are A4 portrait (595×842 pt), 附件1 landscape.
	if !regexp.MustCompile(`/MediaBox\s*\[\s*0 0 59[45]\.\d+ 841\.\d+\s*\]`).Match(pdf) {
		t.Error("no A4 portrait page")
	}
	if !regexp.MustCompile(`/MediaBox\s*\[\s*0 0 841\.\d+ 59[45]\.\d+\s*\]`).Match(pdf) {
		t.Error("no A4 landscape page for the wide table")
	}
	t.Logf("%d pages", pages)

	// With poppler-utils, read the text back.
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		file := filepath.Join(t.TempDir(), "b.pdf")
		if err := os.WriteFile(file, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		text, err := exec.Command(pdftotext, "-layout", file, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"关于2022年7月科技创新工作要点", "新经济产业集聚区", "严重滞后"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("the PDF's text lacks %q", want)
			}
		}
		if !regexp.MustCompile(`—\s*1\s*—`).Match(text) {
			t.Error("the PDF has no page number — 1 —")
		}
	}
}

// cjkFont matches the family of a font that has Chinese glyphs.
var cjkFont = regexp.MustCompile(`(?i)CJK|Source Han|Song|Hei|Kai|Fang|GB2312|XiaoBiao|仿宋|黑体|楷体|宋`)

// TestPDFFonts asks Chromium which fonts it draws each part of the page
// with: Chinese text must come from a CJK font (Noto CJK from Debian's
// fonts-noto-cjk where the official fonts are missing), not boxes of a
// Latin font.
func TestPDFFonts(t *testing.T) {
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	doc, err := HTML(sampleBulletin())
	if err != nil {
		t.Fatal(err)
	}
	profile, err := os.MkdirTemp("", "kechuang-pdf-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer removeProfile(profile) // after the browser stops: defers run last in, first out
	tctx, stop := startBrowser(ctx, chromium, profile)
	defer stop()
	if err := loadHTML(tctx, string(doc)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, css.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{".issuer", ".title", ".body", ".h1", ".h2", "th", "td"} {
		nodes, err := chromedp.Run(tctx, chromedp.Nodes(chromedp.CSS(sel)))
		if err != nil || len(nodes) == 0 {
			t.Fatalf("%s: %v", sel, err)
		}
		res, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (*css.GetPlatformFontsForNodeResult, error) {
			r, err := cdp.Call(ctx, tg, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: nodes[0].NodeID})
			return &r, err
		})
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		var used []string
		cjk := 0.0
		for _, f := range res.Fonts {
			used = append(used, fmt.Sprintf("%s (%s) ×%v", f.FamilyName, f.PostScriptName, f.GlyphCount))
			if cjkFont.MatchString(f.FamilyName) {
				cjk += f.GlyphCount
			}
		}
		if cjk == 0 {
			t.Errorf("%s is drawn without a CJK font: %v; install fonts-noto-cjk", sel, used)
		}
		t.Logf("%s: %v", sel, used)
	}
}
