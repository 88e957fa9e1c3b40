package report

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/space"
)

// escapedPage is the page of TestUserTextIsEscaped (every figure kind, all labels hostile).
var escapedPage *Document

// In a real browser the page with hostile labels runs no script, makes no request, shows the
// labels as text and lays out every figure readably (browsercheck's layout check). Skipped unless
// PAINMARK_CHROMIUM is set.
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

// longNames are region names as atlases and users write them: very long, hostile, wide (capitals,
// CJK) and many.
func longNames(n int) []string {
	base := []string{
		"Left_Inferior_Frontal_Gyrus_pars_opercularis_<script>alert(1)</script>",
		"WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
		"右侧岛叶后部 posterior insula (right hemisphere, Glasser 2016 area PoI2)",
		"Brainstem_PAG_periaqueductal_grey_matter_rostral_ventromedial_medulla",
		"C6 spinal cord dorsal horn, PAM50 level 6 (left)",
		`a "quoted" & <tagged> name`,
		"x",
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", base[i%len(base)], i)
	}
	return out
}

// galleryPage draws every figure kind with the given labels (variable names too), extreme values
// included: the observed value at the edge of its null, negative colour-bar minima, many regions.
func galleryPage(t testing.TB, names []string) *Document {
	long := names[0]
	d := New("gallery "+long, "painmark test")
	s := d.Section("figures " + long)
	x, y := []float64{1, 2, 3, 4, 5, 6}, []float64{2, 1, 4, 3, 6, 5}
	s.Figure(Scatter("scatter "+long, "observed "+long, "predicted "+long, x, y), long)
	s.Figure(ScatterStat("scatter "+long, "x", "y", x, y, "spearman r = 0.286 "+long), long)
	null := make([]float64, 500)
	for i := range null {
		null[i] = math.Sin(float64(i)*1.7) * 0.1
	}
	s.Figure(Histogram("null "+long, "r "+long, null, 0.286, "spin p = 0.0009995"), long)
	s.Figure(Histogram("null "+long, "r", null, -0.3, "p = 0.001 "+long), long)
	s.Figure(Histogram("permutation null", "accuracy", null, 0.01, "p = 0.43"), long)
	s.Figure(Curve("curve "+long, "n "+long, "r "+long, x, y, x, y, 3, "chance "+long), long)
	vals := make([]float64, len(names))
	for i := range vals {
		vals[i] = math.Sin(float64(i)+0.3) * float64(i+1)
	}
	s.Figure(Bars("bars "+long, "weight "+long, names, vals, 20), long)
	s.Figure(Paired("paired "+long, "a "+long, "b "+long, "y "+long, x, y), long)
	k := min(len(names), 8)
	est, lo, hi := make([]float64, k), make([]float64, k), make([]float64, k)
	for i := range est {
		est[i], lo[i], hi[i] = 0.1*float64(i), 0.1*float64(i)-0.2, 0.1*float64(i)+0.2
	}
	s.Figure(Intervals("intervals "+long, "r "+long, names[:k], est, lo, hi, 0), long)
	s.Figure(Lines("lines "+long, "x "+long, "y "+long, x, names[:3], [][]float64{x, y, x}), long)
	s.Figure(ROC("roc "+long, []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}), long)
	groups := make([]string, len(names))
	var edges []Edge
	for i := range names {
		groups[i] = []string{"Default mode network " + long, "Salience", "Somatomotor", "Brainstem and cord"}[i%4]
		edges = append(edges, Edge{i, (i*7 + 3) % len(names), math.Cos(float64(i))})
	}
	s.Figure(Chord("chord "+long, names, groups, edges), long)
	m := make([]float64, len(names)*len(names))
	for i := range m {
		m[i] = math.Sin(float64(i)) - 0.3
	}
	heat, err := Heatmap("heat "+long, "r "+long, names, m, true)
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(heat, long)
	shape := [3]int{20, 24, 18}
	vol, under := make([]float64, 20*24*18), make([]float64, 20*24*18)
	for i := range vol {
		vol[i], under[i] = math.Sin(float64(i)*0.01)-0.4, 1
	}
	aff := space.Affine{{-4, 0, 0, 40}, {0, 4, 0, -56}, {0, 0, 4, -30}, {0, 0, 0, 1}}
	sl, err := Slices("slices "+long, "z "+long, shape, aff, vol, under, []Marker{{names[1], [3]float64{38, 30, 30}}, {names[2], [3]float64{-36, 30, 30}}})
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(sl, long)
	cm, err := CorticalMap("cortex "+long, "thickness "+long, []string{"L_precentral", "R_insula", long}, []float64{-1.5, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(cm, long)
	return d
}

// The layout check passes on every figure kind with very long, hostile and wide names, few and
// many of them (the issue 23 check). Skipped unless PAINMARK_CHROMIUM is set.
func TestBrowserLayoutWithLongNames(t *testing.T) {
	chromium := browsercheck.Chromium(t)
	for _, n := range []int{7, 60} {
		path := filepath.Join(t.TempDir(), "long.html")
		if err := galleryPage(t, longNames(n)).Write(path); err != nil {
			t.Fatal(err)
		}
		browsercheck.Check(t, chromium, path, fmt.Sprintf("report-long-names-%d.png", n), 15)
	}
}

// anatomyPage draws the anatomical figures with long hostile labels: a map through a marker on
// the template, its glass brain, and brain and cord nodes with edges.
func anatomyPage(t testing.TB, names []string) *Document {
	d := New("anatomy", "painmark test")
	s := d.Section("anatomy")
	shape := [3]int{46, 55, 46}
	aff := space.Affine{{4, 0, 0, -90}, {0, 4, 0, -126}, {0, 0, 4, -72}, {0, 0, 0, 1}}
	vol := Volume{Shape: shape, Affine: aff, Values: make([]float64, 46*55*46)}
	for k := 0; k < 46; k++ {
		for j := 0; j < 55; j++ {
			for i := 0; i < 46; i++ {
				x, y, z := aff.Apply(float64(i), float64(j), float64(k))
				vol.Values[i+46*(j+55*k)] = 5*math.Exp(-((x-40)*(x-40)+(y-20)*(y-20)+(z-40)*(z-40))/200) - 4*math.Exp(-((x+30)*(x+30)+(y+60)*(y+60)+(z-10)*(z-10))/300)
			}
		}
	}
	marks := []Marker{{names[0], [3]float64{40, 20, 40}}, {names[1], [3]float64{44, 24, 40}}}
	opts := MapOptions{Threshold: 1, Rule: "|t| ≥ 1 " + names[0], Markers: marks}
	sm, err := StatMap("stat map "+names[0], "t "+names[0], vol, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(sm, names[0])
	gb, err := GlassBrain("glass brain "+names[0], "t", vol, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(gb, names[0])
	nodes := []Node{{names[0], [3]float64{-40, 20, 30}, 2, "a"}, {names[1], [3]float64{0, -32, -10}, -1, "b"}, {names[2], [3]float64{0, -36, -50}, 0.5, "b"},
		{names[3], [3]float64{3, -45, -100}, -3, "cord"}, {names[4], [3]float64{-3, -42, -150}, 1, "cord"}}
	bn, err := BrainNodes("nodes "+names[0], "strength "+names[0], nodes, []Edge{{0, 3, 1}, {1, 4, -0.5}, {2, 3, 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(bn, names[0])
	var grouped []Node
	for k := 0; k < 14; k++ {
		grouped = append(grouped, Node{names[k%len(names)], [3]float64{float64(k*10 - 70), float64(k*8 - 60), float64(k*5 - 30)}, 0, fmt.Sprintf("network %d %s", k, names[k%len(names)])})
	}
	gn, err := BrainNodes("grouped "+names[0], "", grouped, []Edge{{0, 13, 1}, {2, 5, -1}})
	if err != nil {
		t.Fatal(err)
	}
	s.Figure(gn, names[0])
	s.RegionGlassBrain("regions "+names[0], "strength", []string{"CER6_p", "PAG", "RVM", "C1_dorsal", "C1_ventral", "C4_dorsal", "C7_ventral", names[0]},
		nil, []float64{1, -2, 0.5, 3, -1, 2, -0.5, 1}, []Edge{{0, 3, 1}, {1, 6, -1}, {2, 5, 0.5}}, 0, names[1])
	return d
}

// The anatomical figures pass the layout check with long hostile names. Skipped unless
// PAINMARK_CHROMIUM is set.
func TestBrowserAnatomyLayout(t *testing.T) {
	chromium := browsercheck.Chromium(t)
	path := filepath.Join(t.TempDir(), "anatomy.html")
	if err := anatomyPage(t, longNames(7)).Write(path); err != nil {
		t.Fatal(err)
	}
	browsercheck.Check(t, chromium, path, "report-anatomy.png", 6)
}
