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
