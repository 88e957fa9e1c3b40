package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// robustData is a line with normal noise and a few gross outliers.
func robustData(seed uint64, n int) (x, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < n; i++ {
		v := rng.NormFloat64()
		e := 0.5 * rng.NormFloat64()
		if i%9 == 0 {
			e += 6
		}
		x, y = append(x, v), append(y, 1+2*v+e)
	}
	return x, y
}

// The biweight line equals statsmodels' RLM(TukeyBiweight) on the same points (coefficients,
// scale, weights), and it recovers the planted line where least squares is pulled by outliers.
func TestLiveRobustFitEqualsStatsmodels(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		x, y := robustData(seed, 40)
		want := fixtures.PythonFloats(t, "import json, numpy as np, statsmodels.api as sm\n"+
			"x = np.array("+fixtures.PyList(x)+"); y = np.array("+fixtures.PyList(y)+")\n"+
			"r = sm.RLM(y, sm.add_constant(x), M=sm.robust.norms.TukeyBiweight()).fit()\n"+
			"print(json.dumps([r.params[0], r.params[1], r.scale] + list(r.weights)))")
		got, err := RobustFit(x, y)
		if err != nil {
			t.Fatal(err)
		}
		for k, g := range append([]float64{got.Intercept, got.Slope, got.Scale}, got.Weights...) {
			if math.Abs(g-want[k]) > 1e-9*math.Max(1, math.Abs(want[k])) {
				t.Errorf("seed %d, value %d: %v, statsmodels %v", seed, k, g, want[k])
			}
		}
	}
}

// Outliers get weight 0 and the line stays near the planted one; bad input is refused.
func TestRobustFit(t *testing.T) {
	x, y := robustData(4, 45)
	r, err := RobustFit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Slope-2) > 0.3 || math.Abs(r.Intercept-1) > 0.3 || r.Weights[0] != 0 || r.Weights[1] == 0 {
		t.Errorf("%+v", r)
	}
	if _, err := RobustFit([]float64{1, 1, 1}, []float64{1, 2, 3}); err == nil {
		t.Error("equal x accepted")
	}
	if _, err := RobustFit([]float64{1, 2}, []float64{1, 2}); err == nil {
		t.Error("two points accepted")
	}
}
