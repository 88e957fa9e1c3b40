package report

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzRead: any bytes are read as a report JSON or refused; a report that is read rebuilds (HTML
// and JSON through Write) into a JSON that reads as the same report. Seed, committed in
// testdata/fuzz/FuzzRead: a report with a text, facts, a table and a scatter figure (built with
// this package, as every command's report is).
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "r.report.json", b)
		fuzzcheck.Bounded(t, func() {
			d, err := Read(p)
			if err != nil {
				return
			}
			out := filepath.Join(t.TempDir(), "back.report.html")
			if err := d.Write(out); err != nil {
				return // e.g. a number JSON cannot hold
			}
			back, err := Read(filepath.Join(filepath.Dir(out), "back.report.json"))
			if err != nil {
				t.Fatalf("a rebuilt report does not read back: %v", err)
			}
			j1, _ := d.JSON()
			j2, _ := back.JSON()
			if !bytes.Equal(j1, j2) {
				t.Fatalf("rebuilding changed the report:\n%s\n%s", j1, j2)
			}
		})
	})
}

// FuzzCheckSVG: the figure check accepts or refuses any text without a panic. Seeds, committed in
// testdata/fuzz/FuzzCheckSVG: a heatmap and a bar chart drawn by this package.
func FuzzCheckSVG(f *testing.F) {
	f.Add(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	f.Add(`<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x"><rect onload="x"/></a></svg>`)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > fuzzcheck.MaxInput {
			return
		}
		fuzzcheck.Bounded(t, func() { checkSVG(s) })
	})
}
