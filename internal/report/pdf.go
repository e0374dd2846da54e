package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoChromium is returned by WritePDF when no Chromium is given or found.
var ErrNoChromium = errors.New("report: PDF needs Chromium (apt-get install chromium)")

// pdfTimeout bounds a print when the caller's context has no deadline.
const pdfTimeout = 2 * time.Minute

// WritePDF prints the bulletin to PDF with the headless Chromium at the path
// chromium (a path, or a name looked up in PATH such as "chromium"). It
// renders HTML(b), loads it into a blank tab (no network: the page has no
// outside resource and the browser resolves no host), waits for the fonts and
// prints A4 pages with the page size, margins and page numbers of the page's
// CSS. The browser runs with a temporary profile, removed afterwards, and
// stops when WritePDF returns or ctx ends.
func WritePDF(ctx context.Context, w io.Writer, b *Bulletin, chromium string) error {
	doc, err := HTML(b)
	if err != nil {
		return err
	}
	if chromium == "" {
		return ErrNoChromium
	}
	path, err := exec.LookPath(chromium)
	if err != nil {
		return fmt.Errorf("%w: %s not found", ErrNoChromium, chromium)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pdfTimeout)
		defer cancel()
	}
	profile, err := os.MkdirTemp("", "kechuang-pdf-")
	if err != nil {
		return fmt.Errorf("report: making the browser profile: %w", err)
	}
	defer removeProfile(profile)

	pdf, err := printPDF(ctx, path, profile, string(doc))
	if err != nil {
		return fmt.Errorf("report: printing the PDF with %s: %w", path, err)
	}
	if _, err := w.Write(pdf); err != nil {
		return fmt.Errorf("report: writing the PDF: %w", err)
	}
	return nil
}

func printPDF(ctx context.Context, path, profile, doc string) ([]byte, error) {
	tctx, stop := startBrowser(ctx, path, profile)
	defer stop()
	if err := loadHTML(tctx, doc); err != nil {
		return nil, err
	}
	// The page's CSS sets the paper and the margins; these are the same in
	// case a browser ignores it.
	return chromedp.Run(tctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargins(mmToInch(37), mmToInch(26), mmToInch(35), mmToInch(28)),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFStream(),
	))
}

// startBrowser returns the context of a tab of a new headless Chromium,
// and the func that stops the browser and waits for it. The browser starts
// on the first action.
func startBrowser(ctx context.Context, path, profile string) (context.Context, func()) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tctx, cancelTab := chromedp.NewContext(actx)
	return tctx, func() {
		cancelTab()
		cancelAlloc()
	}
}

// loadHTML puts the document into a blank tab, lays it out and waits until
// its fonts are loaded.
func loadHTML(ctx context.Context, doc string) error {
	load := func(ctx context.Context, t *chromedp.Target) error {
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return fmt.Errorf("reading the frame tree: %w", err)
		}
		if tree.FrameTree == nil || tree.FrameTree.Frame == nil {
			return errors.New("the blank page has no frame")
		}
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: doc})
		if err != nil {
			return fmt.Errorf("loading the page: %w", err)
		}
		return nil
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Func(load)); err != nil {
		return err
	}
	_, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.body.offsetHeight, document.fonts.ready.then(() => document.fonts.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("waiting for the fonts: %w", err)
	}
	return nil
}

func mmToInch(mm float64) float64 { return mm / 25.4 }

// removeProfile removes the browser's profile. Chromium's child processes
// can write to it for a moment after the browser stops, so it tries again.
func removeProfile(dir string) {
	for range 50 {
		if err := os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
