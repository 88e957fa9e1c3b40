// Package browsercheck opens painmark's HTML reports in a real browser (headless Chromium, driven
// over the DevTools protocol by chromedp) for the extended test suite: it records console errors,
// uncaught exceptions, browser log errors (a blocked load or a Content-Security-Policy violation
// shows up there) and every network request besides the page itself, measures each figure, and
// saves a full-page screenshot a person can look at.
package browsercheck

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Figure is one <figure> SVG as laid out by the browser.
type Figure struct {
	Title    string  `json:"title"`
	Width    float64 `json:"w"`
	Height   float64 `json:"h"`
	Elements int     `json:"n"` // elements inside the SVG
	// Layout lists what a reader would see as broken: a text element whose box (getBBox through
	// the element's transform, in screen pixels) sticks out of the figure, two text elements whose
	// boxes overlap, or a text element drawn over a data mark (class bar, point or box).
	Layout []string `json:"layout"`
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
	figures, err := chromedp.Run(bctx, chromedp.Evaluate[[]Figure](layoutJS))
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
	// The full page in parts of at most 12,000 pixels (Chromium refuses a taller capture):
	// NAME.png, then NAME-2.png, ... for a long report.
	height, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`Math.ceil(document.documentElement.scrollHeight)`))
	if err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`Math.ceil(document.documentElement.scrollWidth)`))
	if err != nil {
		t.Fatal(err)
	}
	const part = 12000.0
	for k := 0; float64(k)*part < math.Max(height, 1); k++ {
		clip := &cdppage.Viewport{X: 0, Y: float64(k) * part, Width: width, Height: math.Min(part, height-float64(k)*part), Scale: 1}
		shot, err := chromedp.Run(bctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
			r, err := cdp.Call(ctx, tg, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{CaptureBeyondViewport: &yes, FromSurface: &yes, Format: cdppage.CaptureScreenshotFormatPng, Clip: clip})
			if err != nil {
				return nil, err
			}
			return r.Data, nil
		}))
		if err != nil {
			t.Fatalf("screenshot of %s: %v", path, err)
		}
		name := shotName
		if k > 0 {
			name = fmt.Sprintf("%s-%d.png", strings.TrimSuffix(shotName, ".png"), k+1)
		}
		if k == 0 {
			page.Screenshot = filepath.Join(ScreenshotDir(t), name)
		}
		if err := os.WriteFile(filepath.Join(ScreenshotDir(t), name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page.Figures, page.Scripts, page.Text = figures, scripts, text
	mu.Lock()
	defer mu.Unlock()
	return page
}

// Check fails the test unless the page loaded without errors or network requests and every
// figure is laid out with content and readable (no text outside its figure, over another text or
// over a data mark: Figure.Layout); it returns the page for further checks.
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
		for _, l := range f.Layout {
			t.Errorf("%s: figure %q: %s", path, f.Title, l)
		}
	}
	t.Logf("%s: %d figures, %d errors, %d requests; screenshot %s", path, len(p.Figures), len(p.Errors), len(p.Requests), p.Screenshot)
	return p
}

// layoutJS measures every figure: its size and element count, and its layout problems. Each text
// element's box is its getBBox (the font's em box of the laid-out glyphs) mapped through
// getScreenCTM (rotations included) to a quadrilateral in page pixels; it must lie inside the
// SVG's box (0.5 px tolerance), and no two text quadrilaterals (nor a text and a data mark) may
// overlap by more than 1 px (separating-axis test, so rotated labels are measured as drawn).
const layoutJS = `(() => {
  const quad = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    if (!m || b.width === 0 || b.height === 0) return null;
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(([x, y]) =>
      [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  // Penetration depth of two convex quadrilaterals: the smallest overlap over the edge normals.
  const depth = (p, q) => {
    let best = Infinity;
    for (const poly of [p, q]) {
      for (let i = 0; i < 4; i++) {
        const [x0, y0] = poly[i], [x1, y1] = poly[(i + 1) % 4];
        let nx = y0 - y1, ny = x1 - x0;
        const len = Math.hypot(nx, ny);
        if (len === 0) continue;
        nx /= len; ny /= len;
        const proj = (pts) => pts.map(([x, y]) => x * nx + y * ny);
        const a = proj(p), c = proj(q);
        const o = Math.min(Math.max(...a), Math.max(...c)) - Math.max(Math.min(...a), Math.min(...c));
        best = Math.min(best, o);
      }
    }
    return best;
  };
  const name = (el) => JSON.stringify((el.textContent || "").slice(0, 60));
  return Array.from(document.querySelectorAll('figure svg')).map(s => {
    const r = s.getBoundingClientRect();
    const t = s.querySelector(':scope > title');
    const layout = [];
    const texts = [];
    for (const el of s.querySelectorAll('text')) {
      const q = quad(el);
      if (!q) continue;
      texts.push([el, q]);
      const out = Math.max(...q.map(([x, y]) => Math.max(r.left - x, x - r.right, r.top - y, y - r.bottom)));
      if (out > 0.5) layout.push("text " + name(el) + " sticks out of the figure by " + out.toFixed(1) + " px");
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const d = depth(texts[i][1], texts[j][1]);
        if (d > 1) layout.push("texts " + name(texts[i][0]) + " and " + name(texts[j][0]) + " overlap by " + d.toFixed(1) + " px");
      }
    }
    for (const mark of s.querySelectorAll('.bar, .point, .box')) {
      const q = quad(mark);
      if (!q) continue;
      for (const [el, tq] of texts) {
        const d = depth(q, tq);
        if (d > 1) { layout.push("text " + name(el) + " lies over a data mark (" + mark.getAttribute('class') + ") by " + d.toFixed(1) + " px"); break; }
      }
    }
    return {title: t ? t.textContent : "", w: r.width, h: r.height, n: s.querySelectorAll('*').length, layout: layout};
  });
})()`

var yes = true
