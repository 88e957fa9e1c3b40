package report

import (
	"github.com/painmark/painmark/space"

	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Region names, subject IDs and column names carrying HTML or script text are shown as text:
// nothing from the data becomes markup.
func TestUserTextIsEscaped(t *testing.T) {
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	d := New("title "+evil, "painmark demo "+evil)
	seed := uint64(3)
	d.Seed = &seed
	d.AddInput("in "+evil+".tsv", strings.NewReader("a\tb\n"))
	s := d.Section("heading " + evil)
	s.Text("text %s", evil)
	s.Facts([2]string{"name " + evil, "value " + evil})
	s.Table("caption "+evil, []string{"col " + evil}, [][]string{{"cell " + evil}})
	s.Figure(Scatter("scatter "+evil, "x "+evil, "y "+evil, []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}), "caption "+evil)
	s.Figure(Histogram("null "+evil, "r "+evil, []float64{0.1, 0.2, -0.1, 0}, 0.5, "p "+evil), evil)
	s.Figure(Curve("curve "+evil, "n "+evil, "r "+evil, []float64{10, 20}, []float64{0.1, 0.3}, []float64{0, 0.2}, []float64{0.2, 0.4}, 0.5, evil), evil)
	s.Figure(Bars("bars "+evil, "w "+evil, []string{evil, "b"}, []float64{1, -2}, 10), evil)
	s.Figure(Paired("paired "+evil, "a "+evil, "b "+evil, "y "+evil, []float64{1, 2, 3}, []float64{0, 3, 1}), evil)
	s.Figure(Intervals("intervals "+evil, "r "+evil, []string{evil, "b"}, []float64{0.5, 0.2}, []float64{0.3, 0}, []float64{0.7, 0.4}, 0), evil)
	s.Figure(Lines("lines "+evil, "x "+evil, "y "+evil, []float64{0, 1, 2}, []string{evil, "b"}, [][]float64{{1, 0.5, 0}, {1, 0.8, 0.6}}), evil)
	s.Figure(ROC("roc "+evil, []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}), evil)
	s.Figure(Chord("chord "+evil, []string{evil, "b", "c"}, []string{"g " + evil, "g " + evil, "h"}, []Edge{{0, 1, 0.5}, {1, 2, -0.2}}), evil)
	heat, err := Heatmap("heat "+evil, "v "+evil, []string{evil, "b", "c"}, []float64{1, 0.5, -0.2, 0.5, 1, 0.3, -0.2, 0.3, 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(heat, evil)
	sl, err := Slices("slices "+evil, "z "+evil, [3]int{4, 4, 4}, space.Affine{{2, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 1}}, make([]float64, 64), nil, []Marker{{evil, [3]float64{2, 2, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(sl, evil)
	cm, err := CorticalMap("cortex "+evil, "d "+evil, []string{"L_precentral", evil}, []float64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(cm, evil)
	page := string(d.HTML())
	escapedPage = d
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q: user text became markup", bad)
		}
	}
	if n := strings.Count(page, "&lt;script&gt;"); n < 26 {
		t.Errorf("escaped text appears %d times, want every place it was given", n)
	}
	for _, tag := range []string{"<svg", `class="edge"`, `class="ci-band"`, `class="observed"`, `class="bar"`, `class="curve"`, `class="box"`, "data:image/png;base64,"} {
		if !strings.Contains(page, tag) {
			t.Errorf("page lacks %s", tag)
		}
	}
}

// Write puts the page and its numbers under their final names, the JSON carrying the header.
func TestWriteHTMLAndJSON(t *testing.T) {
	dir := t.TempDir()
	d := New("demo", "painmark demo")
	d.Numbers["r"] = 0.627
	d.Section("s").Text("hello")
	path := filepath.Join(dir, "report.html")
	if err := d.Write(path); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Fatalf("page: %v %.40s", err, page)
	}
	var js struct {
		Command string
		Numbers map[string]float64
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil || js.Command != "painmark demo" || js.Numbers["r"] != 0.627 {
		t.Errorf("json %s: %v", b, err)
	}
}

// Ticks are round numbers that cover the data.
func TestNiceTicks(t *testing.T) {
	for _, c := range []struct{ lo, hi float64 }{{0, 1}, {-0.37, 0.81}, {3, 3}, {-2e-5, 7e-5}, {12, 1030}} {
		ticks, a, b := niceTicks(c.lo, c.hi, 6)
		if a > c.lo || b < c.hi || len(ticks) < 2 || len(ticks) > 13 {
			t.Errorf("%v: ticks %v over [%g, %g]", c, ticks, a, b)
		}
	}
}

// The ROC figure's AUC is the Mann-Whitney AUC (ties count half): 0.75 for this example.
func TestROCAUCText(t *testing.T) {
	svg := ROC("r", []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}).String()
	if !strings.Contains(svg, "AUC = 0.750") {
		t.Errorf("ROC text: %s", svg)
	}
	svg = ROC("r", []float64{1, 1, 2, 2}, []float64{0, 1, 0, 1}).String()
	if !strings.Contains(svg, "AUC = 0.500") {
		t.Errorf("tied ROC: %s", svg)
	}
}

// A page rebuilt from its JSON is the page that was written; a figure with a script or an event
// handler in the JSON is refused.
func TestRebuildFromJSON(t *testing.T) {
	if escapedPage == nil {
		TestUserTextIsEscaped(t)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "page.report.html")
	if err := escapedPage.Write(path); err != nil {
		t.Fatal(err)
	}
	d, err := Read(filepath.Join(dir, "page.report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(d.HTML()) != string(escapedPage.HTML()) {
		t.Error("the rebuilt page differs from the written one")
	}
	titles, svgs := d.Figures()
	if len(titles) != 12 || !strings.HasPrefix(svgs[0], "<svg") {
		t.Errorf("%d figures", len(titles))
	}
	b, _ := os.ReadFile(filepath.Join(dir, "page.report.json"))
	for _, bad := range []string{`<svg onload="alert(1)"></svg>`, `<svg><script>alert(1)</script></svg>`, `<svg><a href=" javascript:alert(1)">x</a></svg>`, `<div>x</div>`} {
		var doc map[string]any
		json.Unmarshal(b, &doc)
		sec := doc["sections"].([]any)[0].(map[string]any)
		for _, blk := range sec["blocks"].([]any) {
			if m := blk.(map[string]any); m["kind"] == "figure" {
				m["svg"] = bad
				break
			}
		}
		tampered, _ := json.Marshal(doc)
		p := filepath.Join(dir, "bad.report.json")
		os.WriteFile(p, tampered, 0o644)
		if _, err := Read(p); err == nil || !strings.Contains(err.Error(), "not a plain SVG") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
