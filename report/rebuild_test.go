package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A results folder's reports are found, rebuilt beside their JSON with the same page, and their
// figures written as standalone SVG files; a folder without reports is an error.
func TestFindRebuildWriteFigures(t *testing.T) {
	dir := t.TempDir()
	d := New("A result", "painmark test")
	d.Section("Fit").Figure(Scatter("Predicted vs observed", "observed", "predicted", []float64{1, 2, 3}, []float64{1, 2.5, 2.9}), "A caption.")
	path := filepath.Join(dir, "sub", "fit.report.html")
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := d.Write(path); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(path)
	os.Remove(path)
	files, err := FindJSON(dir)
	if err != nil || len(files) != 1 || files[0] != filepath.Join(dir, "sub", "fit.report.json") {
		t.Fatalf("FindJSON: %v %v", files, err)
	}
	page, doc, err := Rebuild(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(page); page != path || string(got) != string(want) {
		t.Errorf("rebuilt %s differs from the page written first", page)
	}
	figs := filepath.Join(dir, "figures")
	if err := doc.WriteFigures(figs, "fit"); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(figs, "fit-01-predicted-vs-observed.svg"))
	if err != nil || !strings.HasPrefix(string(svg), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<svg") {
		t.Errorf("figure file: %v %.80s", err, svg)
	}
	if _, err := FindJSON(figs); err == nil {
		t.Error("a folder without reports was accepted")
	}
}
