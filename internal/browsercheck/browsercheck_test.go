package browsercheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The check sees what it must refuse: a console error, an exception and a network request (an
// image inlined as a data: URL is not one).
// Skipped unless PAINMARK_CHROMIUM is set.
func TestOpenSeesErrorsAndRequests(t *testing.T) {
	chromium := Chromium(t)
	path := filepath.Join(t.TempDir(), "bad.html")
	page := `<!DOCTYPE html><html><body><p>bad</p><script>console.error("boom"); undefinedFunction();</script>` +
		`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">` + // inline: not a request
		`<img src="http://127.0.0.1:9/pixel.png"><figure><svg width="10" height="10"></svg></figure></body></html>`
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	p := Open(t, chromium, path, "browsercheck-bad.png")
	all := strings.Join(p.Errors, "\n")
	if !strings.Contains(all, "boom") || !strings.Contains(all, "undefinedFunction") {
		t.Errorf("errors seen: %q", p.Errors)
	}
	if len(p.Requests) != 1 || !strings.Contains(p.Requests[0], "127.0.0.1:9") {
		t.Errorf("requests seen: %q", p.Requests)
	}
	if p.Scripts != 1 || len(p.Figures) != 1 || p.Figures[0].Elements != 0 {
		t.Errorf("scripts %d, figures %+v", p.Scripts, p.Figures)
	}
}

// The layout check sees a label outside its figure, two labels over each other (a rotated one
// measured as drawn), and a label over a bar; labels side by side and a rotated label clear of
// its neighbour pass. Skipped unless PAINMARK_CHROMIUM is set.
func TestBrowserLayoutCheckSeesClippedAndOverlappingLabels(t *testing.T) {
	chromium := Chromium(t)
	path := filepath.Join(t.TempDir(), "layout.html")
	page := `<!DOCTYPE html><html><body><figure><svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><title>t</title>` +
		`<text x="195" y="20" font-size="11">sticks out</text>` +
		`<text x="10" y="50" font-size="11">first</text><text x="20" y="52" font-size="11">second</text>` +
		`<text x="10" y="80" font-size="11">left</text><text x="60" y="80" font-size="11">right</text>` +
		`<text transform="translate(120 90) rotate(-60)" font-size="9">rotated a</text><text transform="translate(150 90) rotate(-60)" font-size="9">rotated b</text>` +
		`<rect class="bar" x="100" y="5" width="40" height="20"/><text x="105" y="20" font-size="11">on bar</text>` +
		`</svg></figure></body></html>`
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	p := Open(t, chromium, path, "browsercheck-layout.png")
	if len(p.Figures) != 1 {
		t.Fatalf("figures %+v", p.Figures)
	}
	all := strings.Join(p.Figures[0].Layout, "\n")
	for _, want := range []string{`"sticks out" sticks out`, `"first" and "second" overlap`, `"on bar" lies over a data mark`} {
		if !strings.Contains(all, want) {
			t.Errorf("layout problems %q lack %s", all, want)
		}
	}
	for _, clear := range []string{`"left"`, `"right"`, `"rotated a"`, `"rotated b"`} {
		if strings.Contains(all, clear) {
			t.Errorf("layout problems %q name %s, which is clear", all, clear)
		}
	}
}
