// Package browsercheck opens painmark's HTML reports in a real browser (headless Chromium, driven
// over the DevTools protocol by chromedp) for the extended test suite: it records console errors,
// uncaught exceptions, browser log errors (a blocked load or a Content-Security-Policy violation
// shows up there) and every network request besides the page itself, measures each figure, and
// saves a full-page screenshot a person can look at.
package browsercheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Figure is one <figure> SVG as laid out by the browser.
type Figure struct {
	Title    string  `json:"title"`
	Width    float64 `json:"w"`
	Height   float64 `json:"h"`
	Elements int     `json:"n"` // elements inside the SVG
}

// Page is what the browser saw.
type Page struct {
	Errors   []string // console errors, exceptions, log errors
	Requests []string // network requests other than the page
	Figures  []Figure
	Scripts  int    // <script> elements in the DOM
	Text     string // the body's text content
	// Screenshot is the path of the full-page PNG.
	Screenshot string
}

// Chromium returns the browser named by PAINMARK_CHROMIUM, or skips the test (the extended suite
// installs Debian's chromium and sets it).
func Chromium(t testing.TB) string {
	t.Helper()
	p := os.Getenv("PAINMARK_CHROMIUM")
	if p == "" {
		t.Skip("PAINMARK_CHROMIUM not set (the extended suite sets it)")
	}
	return p
}

// ScreenshotDir is where screenshots go: PAINMARK_SCREENSHOTS, or the test's temporary folder.
func ScreenshotDir(t testing.TB) string {
	if d := os.Getenv("PAINMARK_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// Open loads the HTML file at path in headless Chromium and reports what it saw, saving a
// full-page screenshot as shotName (PNG) in ScreenshotDir.
func Open(t testing.TB, chromium, path, shotName string) *Page {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	url := "file://" + abs
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	// No timeout on the browser's own context (it would stop the browser); go test's -timeout
	// bounds the run.
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	page := &Page{}
	var mu sync.Mutex
	err = chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value))
				}
				page.Errors = append(page.Errors, "console: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if ex := e.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			page.Errors = append(page.Errors, "exception: "+msg)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				page.Errors = append(page.Errors, fmt.Sprintf("log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			// data: URLs (images inlined in the page) are part of the page, not the network.
			if e.Request.URL != url && !strings.HasPrefix(e.Request.URL, "data:") {
				page.Requests = append(page.Requests, e.Request.URL)
			}
		}
	})
	if err != nil {
		t.Fatalf("chromium (%s): %v", chromium, err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("chromium on %s: %v", path, err)
	}
	figures, err := chromedp.Run(bctx, chromedp.Evaluate[[]Figure](`Array.from(document.querySelectorAll('figure svg')).map(s => {
		const r = s.getBoundingClientRect();
		const t = s.querySelector('title');
		return {title: t ? t.textContent : "", w: r.width, h: r.height, n: s.querySelectorAll('*').length};
	})`))
	if err != nil {
		t.Fatalf("figures of %s: %v", path, err)
	}
	scripts, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('script').length`))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.textContent`))
	if err != nil {
		t.Fatal(err)
	}
	// Late console messages and requests.
	if err := chromedp.Do(bctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", path, err)
	}
	page.Figures, page.Scripts, page.Text = figures, scripts, text
	page.Screenshot = filepath.Join(ScreenshotDir(t), shotName)
	if err := os.WriteFile(page.Screenshot, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return page
}

// Check fails the test unless the page loaded without errors or network requests and every
// figure is laid out with content; it returns the page for further checks.
func Check(t testing.TB, chromium, path, shotName string, minFigures int) *Page {
	t.Helper()
	p := Open(t, chromium, path, shotName)
	for _, e := range p.Errors {
		t.Errorf("%s: %s", path, e)
	}
	for _, r := range p.Requests {
		t.Errorf("%s: network request to %s (reports must be self-contained)", path, r)
	}
	if len(p.Figures) < minFigures {
		t.Errorf("%s: %d figures, want at least %d", path, len(p.Figures), minFigures)
	}
	for _, f := range p.Figures {
		if !(f.Width > 50 && f.Height > 50) || f.Elements < 5 {
			t.Errorf("%s: figure %q is empty (%gx%g px, %d elements)", path, f.Title, f.Width, f.Height, f.Elements)
		}
	}
	t.Logf("%s: %d figures, %d errors, %d requests; screenshot %s", path, len(p.Figures), len(p.Errors), len(p.Requests), p.Screenshot)
	return p
}
