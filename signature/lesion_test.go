package signature

import (
	"math"
	"runtime"
	"testing"
)

// Virtual lesions of the RPN on the Bochum sample: each edge's drop equals the explained variance
// lost by a copy of the signature with that weight set to 0; removing every edge leaves no explained
// variance; random orders start and end at the same points and do not depend on the workers.
func TestVirtualLesionsOfRPN(t *testing.T) {
	s, x, y, _ := rpnOnBochum(t)
	r, err := VirtualLesions(s, x, y, StandardizeNone, 50, 7)
	if err != nil {
		t.Fatal(err)
	}
	for c, f := range r.Edges[:5] {
		lesioned := *s
		lesioned.Weights = append([]float64(nil), s.Weights...)
		for i, g := range s.Selected {
			if g == f {
				lesioned.Weights[i] = 0
			}
		}
		e, err := Evaluate(&lesioned, x, y, EvalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d := r.Full - e.ExplainedVariance; math.Abs(d-r.Drop[c]) > 1e-12 {
			t.Errorf("edge %d: drop %v, lesioned signature's %v", f, r.Drop[c], d)
		}
	}
	last := len(r.ByWeight) - 1
	if math.Abs(r.ByWeight[last]) > 1e-12 || math.Abs(r.RandomMean[last]) > 1e-12 || math.Abs(r.RandomMean[0]-r.Full) > 1e-12 || r.ByWeight[0] != r.Full {
		t.Errorf("curves: by weight %v ... %v, random %v ... %v, full %v", r.ByWeight[0], r.ByWeight[last], r.RandomMean[0], r.RandomMean[last], r.Full)
	}
	prev := runtime.GOMAXPROCS(1)
	one, _ := VirtualLesions(s, x, y, StandardizeNone, 50, 7)
	runtime.GOMAXPROCS(prev)
	for k := range r.RandomMean {
		if r.RandomMean[k] != one.RandomMean[k] || r.RandomSD[k] != one.RandomSD[k] {
			t.Fatal("random removal curves depend on the number of workers")
		}
	}
	t.Logf("full EV %.3f; removing the 5 largest weights leaves %.3f (random 5: %.3f ± %.3f)", r.Full, r.ByWeight[5], r.RandomMean[5], r.RandomSD[5])
}
