package synthetic

import (
	"math"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/stats"
)

// The planted edges' partial correlations track the latent sensitivity (with their sign) and the
// threshold falls with it; other edges do not track it; the same options give the same study.
func TestPlantedEdgesTrackSensitivity(t *testing.T) {
	o := Options{Train: 40, Independent: 3, Task: 3, Clinical1: 3, Clinical2: 3, PrePost: 4, Seed: 7}
	st, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Regions) != 139 {
		t.Fatalf("%d regions, the CSps set has 139", len(st.Regions))
	}
	series := make([]signal.Matrix, len(st.Train.Subjects))
	s := make([]float64, len(series))
	for i, sub := range st.Train.Subjects {
		series[i], s[i] = sub.Series, sub.Sensitivity
	}
	res, err := connectome.Cohort(series, connectome.CohortOptions{Measure: connectome.RPNMeasure, DiscardDiagonal: true, FeaturesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	edges := connectome.Edges(139, true)
	index := map[[2]int]int{}
	for k, e := range edges {
		index[[2]int{e.I, e.J}] = k
	}
	feature := func(k int) []float64 {
		v := make([]float64, len(series))
		for i := range v {
			v[i] = res.Features[i][k]
		}
		return v
	}
	planted := map[int]bool{}
	for _, e := range st.Planted {
		a, b := max(e.A, e.B), min(e.A, e.B)
		k := index[[2]int{a, b}]
		planted[k] = true
		r := e.Sign * stats.Pearson(feature(k), s)
		t.Logf("%s-%s: r %.2f", st.Regions[e.A].Name, st.Regions[e.B].Name, r)
		if r < 0.4 {
			t.Errorf("planted edge %s-%s: r with sensitivity %.2f (sign %+g)", st.Regions[e.A].Name, st.Regions[e.B].Name, r, e.Sign)
		}
	}
	var sum float64
	var n int
	for k := 0; k < len(edges); k += 97 {
		if !planted[k] {
			sum += math.Abs(stats.Pearson(feature(k), s))
			n++
		}
	}
	if mean := sum / float64(n); mean > 0.2 {
		t.Errorf("other edges track sensitivity: mean |r| %.2f over %d", mean, n)
	}
	if r := stats.Pearson(st.Train.Values["heat_pain_threshold"], s); r > -0.8 {
		t.Errorf("threshold vs sensitivity r = %.2f", r)
	}
	again, _ := Generate(o)
	if again.Train.Subjects[5].Series.Data[100] != st.Train.Subjects[5].Series.Data[100] || again.Post.Values["heat_pain_threshold"][3] != st.Post.Values["heat_pain_threshold"][3] {
		t.Error("the same options gave a different study")
	}
}
