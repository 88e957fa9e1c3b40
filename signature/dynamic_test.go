package signature

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/signal"
)

// The dynamic response follows the weighted edge's time-resolved coupling: higher over the frames
// where the pair is coupled, and equal to the weights applied to the frame-averaged DCC of the full
// pairwise computation.
func TestDynamicResponse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	T, p := 240, 4
	x := signal.NewMatrix(T, p)
	for tt := 0; tt < T; tt++ {
		u := rng.NormFloat64()
		for j := 0; j < p; j++ {
			x.Data[tt*p+j] = rng.NormFloat64()
		}
		if tt < T/2 { // regions 2 and 0 coupled in the first half
			x.Data[tt*p+0] += 1.5 * u
			x.Data[tt*p+2] += 1.5 * u
		}
	}
	// Edge (2, 0) is feature 1 in nilearn's order: (1,0), (2,0), (2,1), ...
	s := &Signature{Name: "toy", Regions: []Region{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}},
		Center: []float64{0, 0.1, 0, 0, 0, 0}, Scale: []float64{1, 0.5, 1, 1, 1, 1},
		Selected: []int{1, 4}, Weights: []float64{2, 0}, Intercept: 0.3}
	first := make([]int, T/2)
	second := make([]int, T/2)
	for i := range first {
		first[i], second[i] = i, T/2+i
	}
	a, err := s.DynamicResponse(x, first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.DynamicResponse(x, second)
	if err != nil {
		t.Fatal(err)
	}
	if !(a > b+0.5) {
		t.Errorf("response while coupled %.3f, uncoupled %.3f", a, b)
	}
	full, _, err := connectome.PairwiseDCC(x)
	if err != nil {
		t.Fatal(err)
	}
	var m float64
	for _, tt := range first {
		m += full.Data[tt*full.Cols+1]
	}
	m /= float64(len(first))
	if want := 0.3 + 2*(m-0.1)/0.5; math.Abs(a-want) > 1e-12 {
		t.Errorf("response %.15g, from the full pairwise DCC %.15g", a, want)
	}
	if _, err := s.DynamicResponse(signal.NewMatrix(10, 3), nil); err == nil {
		t.Error("series with the wrong number of regions accepted")
	}
}
