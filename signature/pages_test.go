package signature

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// TestStableEdgesRarelySelectedAreLabelled: under CanlabCore's empirical bootstrap p, an edge
// chosen in few refits but always with one sign gets the smallest p; the page keeps the peer's
// numbers but warns, with the count, when edges called stable are selected in fewer than half of
// the refits. The zero-aware conventions (deipp, wald) give no such warning.
func TestStableEdgesRarelySelectedAreLabelled(t *testing.T) {
	regions := []Region{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}, {Name: "E"}}
	s := &Signature{Regions: regions, Selected: []int{0, 1, 2, 3}, Weights: []float64{1, 1, 1, 1}}
	const n = 200
	edges := 10
	// Edges 0-3 are nonzero and positive in every refit; edges 4-9 in 5% of them, always positive.
	b := &learn.BootstrapResult{Mean: make([]float64, edges), SE: make([]float64, edges), Z: make([]float64, edges), P: make([]float64, edges), Frequency: make([]float64, edges)}
	for j := range edges {
		draws := make([]float64, n)
		freq := 1.0
		if j >= 4 {
			freq = 0.05
		}
		for i := range int(freq * n) {
			draws[i] = 1 + 0.1*float64(i%3)
		}
		b.Mean[j], b.SE[j] = stats.MeanSD(draws)
		b.Z[j], b.Frequency[j] = b.Mean[j]/b.SE[j], freq
	}
	for _, conv := range []stats.BootstrapConvention{stats.BootCanlab, stats.BootDEIPP} {
		b.Options = learn.BootstrapOptions{N: n, Convention: conv}
		for j := range edges {
			draws := make([]float64, n)
			for i := range int(b.Frequency[j] * n) {
				draws[i] = 1
			}
			b.P[j], _ = stats.BootstrapP(draws, b.Mean[j], b.SE[j], conv)
		}
		d := report.New("train", "painmark signature train")
		addBootstrapSection(d, s, &TrainReport{Bootstrap: b})
		html := string(d.HTML())
		warned := strings.Contains(html, "6 of the 10 edges called stable are selected in fewer than half of the 200 bootstrap refits")
		if conv == stats.BootCanlab && !warned {
			t.Errorf("canlab: 6 rarely selected edges are called stable without a warning:\n%s", html)
		}
		if conv == stats.BootDEIPP && (warned || strings.Contains(html, "Warning:")) {
			t.Errorf("deipp: a warning although the zero-aware test keeps rarely selected edges out")
		}
	}
}
