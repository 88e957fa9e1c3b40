package report

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
)

// escapedPage is the page of TestUserTextIsEscaped (every figure kind, all labels hostile).
var escapedPage *Document

// In a real browser the page with hostile labels runs no script, makes no request, shows the
// labels as text and lays out every figure. Skipped unless PAINMARK_CHROMIUM is set.
func TestBrowserShowsHostileLabelsAsText(t *testing.T) {
	chromium := browsercheck.Chromium(t)
	if escapedPage == nil {
		TestUserTextIsEscaped(t)
	}
	path := filepath.Join(t.TempDir(), "hostile.html")
	if err := escapedPage.Write(path); err != nil {
		t.Fatal(err)
	}
	p := browsercheck.Check(t, chromium, path, "report-hostile-labels.png", 5)
	if p.Scripts != 0 {
		t.Errorf("%d <script> elements in the DOM", p.Scripts)
	}
	if !strings.Contains(p.Text, `<script>alert("x")</script>`) {
		t.Errorf("the hostile label is not shown as text")
	}
}
