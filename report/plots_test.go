package report

import (
	"regexp"
	"strings"
	"testing"
)

// A null of few draws (counts up to 3) gets whole-number count ticks only.
func TestHistogramCountTicksAreWhole(t *testing.T) {
	svg := Histogram("null", "r", []float64{0.1, 0.1, 0.1, 0.2, -0.3, 0.4}, 0.3, "p = 0.3").String()
	ticks := regexp.MustCompile(`text-anchor="end"[^>]*>([^<]*)<`).FindAllStringSubmatch(svg, -1)
	if len(ticks) < 2 {
		t.Fatalf("no y ticks in %s", svg)
	}
	for _, m := range ticks {
		if regexp.MustCompile(`\.`).MatchString(m[1]) {
			t.Errorf("count tick %q", m[1])
		}
	}
}

// Long axis labels, thresholding rules and network names are shown whole: on two lines, wrapped
// under the figure, or in the heat map's key (not cut with an ellipsis).
func TestLongLabelsShownWhole(t *testing.T) {
	y := "predicted pain sensitivity (mean of standardized QST thresholds)"
	svg := Scatter("s", "pain sensitivity", y, []float64{1, 2, 3, 4}, []float64{2, 1, 4, 3}).String()
	if strings.Contains(svg, "…") || !strings.Contains(svg, ">predicted pain sensitivity (mean of<") {
		t.Errorf("the y label is not on two whole lines:\n%s", svg)
	}
	s := newSVG(300, 100, "f")
	rule := "shown: |similarity to SCAN| ≥ 0.15 (the targeting threshold) in this person's whole map; colours saturate at the 99th percentile of |value|"
	s.footnote("", rule)
	if strings.Contains(s.String(), "…") || s.H < 100+2*14 {
		t.Errorf("the rule is not wrapped whole (height %g):\n%s", s.H, s.String())
	}
	groups := []string{"VATTnet_SALnet_BG_THAL", "VATTnet_SALnet_BG_THAL", "MOTnet", "brainstem"}
	h, err := HeatmapByNetwork("h", "r", []string{"a", "b", "c", "d"}, groups, make([]float64, 16), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">VATTnet_SALnet_BG_THAL (2)<", ">MOTnet (1)<", ">brainstem (1)<"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("the heat map's key lacks %s", want)
		}
	}
}
