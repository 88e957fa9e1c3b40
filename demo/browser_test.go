package demo

import (
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
)

// The demo's report loads in headless Chromium with no console errors and no network requests,
// and shows the reproduction's scatters, the null distribution, the chord diagram and the
// learning curve, each laid out with content; the screenshot is kept (PAINMARK_SCREENSHOTS).
// Skipped unless PAINMARK_CHROMIUM is set.
func TestBrowserDemoReport(t *testing.T) {
	chromium := browsercheck.Chromium(t)
	dir := t.TempDir()
	o := DefaultStudy
	o.Permutations, o.Bootstraps = 200, 200
	if _, err := Run(dir, o, nil); err != nil {
		t.Fatal(err)
	}
	p := browsercheck.Check(t, chromium, filepath.Join(dir, "report.html"), "demo-report.png", 5)
	want := map[string]bool{"Out-of-fold predictions": false, "Null distribution of the cross-validated r": false,
		"Stable edges by network or system": false, "Performance against training size": false}
	for _, f := range p.Figures {
		if f.Title == "The model's nonzero edges by network or system (no stable edges)" {
			f.Title = "Stable edges by network or system" // the chord falls back to the model's edges
		}
		if _, ok := want[f.Title]; ok {
			want[f.Title] = true
		}
	}
	for title, seen := range want {
		if !seen {
			t.Errorf("the demo's report lacks the figure %q", title)
		}
	}
}
