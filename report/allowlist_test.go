package report

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/space"
)

// Every kind of figure painmark draws passes the rebuild's SVG allow-list, and what it does not
// write is refused (issue 21: <meta http-equiv="refresh"> inside an <svg> made Chromium redirect).
func TestSVGAllowList(t *testing.T) {
	x, y := []float64{1, 2, 3, 4}, []float64{2, 1, 4, 3}
	lbl := []string{`a<&>"b`, "c", "d", "e"}
	shape := [3]int{6, 6, 4}
	aff := space.Affine{{-3, 0, 0, 9}, {0, 3, 0, -9}, {0, 0, 3, -6}, {0, 0, 0, 1}}
	vol, under := make([]float64, 144), make([]float64, 144)
	for i := range vol {
		vol[i], under[i] = math.Sin(float64(i)), 1
	}
	figs := []*SVG{Scatter("s", "x", "y", x, y), Histogram("h", "r", x, 2.5, "p = 0.1"),
		Curve("c", "n", "r", x, y, x, y, 0.5, "chance"), Bars("b", "w", lbl, y, 3), Paired("p", "a", "b", "y", x, y),
		Intervals("i", "v", lbl, y, x, y, 0), Lines("l", "x", "y", x, []string{"a", "b"}, [][]float64{x, y}),
		ROC("r", []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}),
		Chord("ch", lbl, []string{"g1", "g1", "g2", "g2"}, []Edge{{0, 2, 0.5}, {1, 3, -0.3}})}
	if s, err := CorticalMap("cm", "d", []string{"lh_precentral", "ctx-rh-precentral"}, []float64{2, -1}); err == nil {
		figs = append(figs, s)
	} else {
		t.Fatal(err)
	}
	if s, err := Heatmap("hm", "r", lbl[:3], []float64{1, 0.5, 0.2, 0.5, 1, 0.1, 0.2, 0.1, 1}, true); err == nil {
		figs = append(figs, s)
	} else {
		t.Fatal(err)
	}
	if s, err := Slices("sl", "z", shape, aff, vol, under, []Marker{{"1", [3]float64{0, 0, 0}}}); err == nil {
		figs = append(figs, s)
	} else {
		t.Fatal(err)
	}
	vm := Volume{Shape: shape, Affine: aff, Values: vol}
	for _, draw := range []func(string, string, Volume, MapOptions) (*SVG, error){StatMap, GlassBrain} {
		if s, err := draw("m", "t", vm, MapOptions{Threshold: 0.5, Markers: []Marker{{"1", [3]float64{0, 0, 0}}}}); err == nil {
			figs = append(figs, s)
		} else {
			t.Fatal(err)
		}
	}
	if s, err := BrainNodes("n", "v", []Node{{"a", [3]float64{0, 0, 0}, 1, "g"}, {"b", [3]float64{0, -45, -120}, -1, "g"}}, []Edge{{0, 1, 1}}); err == nil {
		figs = append(figs, s)
	} else {
		t.Fatal(err)
	}
	for _, f := range figs {
		if err := checkSVG(f.String()); err != nil {
			t.Errorf("figure %s refused: %v", f.String()[:60], err)
		}
	}
	for _, bad := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg"><meta http-equiv="refresh" content="0;url=https://example.org"/></svg>`,
		`<svg><style>*{background:url(https://example.org/x)}</style></svg>`,
		`<svg><a href="https://example.org"><text>x</text></a></svg>`,
		`<svg><image href="https://example.org/x.png"/></svg>`,
		`<svg><rect style="background:url(https://example.org/x)"/></svg>`,
		`<svg xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="data:image/png;base64,AA"/></svg>`,
		`<svg><META http-equiv="refresh"/></svg>`,
		`<svg><?xml-stylesheet href="x.css"?></svg>`,
		`<svg><foreignObject/></svg>`,
	} {
		if err := checkSVG(bad); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if !strings.Contains(checkSVG(`<svg><style/></svg>`).Error(), "<style>") {
		t.Error("the error does not name the element")
	}
}
