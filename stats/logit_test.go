package stats

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// logitData is a binary outcome whose log-odds rise with x (seeded), not separable.
func logitData(seed uint64, n int) (x, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < n; i++ {
		v := rng.NormFloat64()
		x = append(x, v)
		if rng.Float64() < 1/(1+math.Exp(-(0.3+1.2*v))) {
			y = append(y, 1)
		} else {
			y = append(y, 0)
		}
	}
	return x, y
}

// LogitWald equals statsmodels' Logit(y, add_constant(x)).fit() (params, bse, tvalues, pvalues of
// the predictor) on seeded data.
func TestLiveLogitWaldEqualsStatsmodels(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		x, y := logitData(seed, 60)
		want := fixtures.PythonFloats(t, "import json, numpy as np, statsmodels.api as sm\n"+
			"x = np.array("+fixtures.PyList(x)+"); y = np.array("+fixtures.PyList(y)+")\n"+
			"r = sm.Logit(y, sm.add_constant(x)).fit(disp=0, tol=1e-12, maxiter=200)\n"+
			"print(json.dumps([r.params[0], r.params[1], r.bse[1], r.tvalues[1], r.pvalues[1]]))")
		got, err := LogitWald(x, y)
		if err != nil {
			t.Fatal(err)
		}
		for k, g := range []float64{got.Intercept, got.Slope, got.SE, got.Z, got.P} {
			if math.Abs(g-want[k]) > 1e-8*math.Max(1, math.Abs(want[k])) {
				t.Errorf("seed %d, value %d: %v, statsmodels %v", seed, k, g, want[k])
			}
		}
	}
}

// Separated classes, one class and non-binary outcomes are refused.
func TestLogitWaldRefuses(t *testing.T) {
	for _, c := range []struct {
		x, y []float64
		msg  string
	}{
		{[]float64{1, 2, 3, 4}, []float64{0, 0, 1, 1}, "separates"},
		{[]float64{1, 2, 3, 4}, []float64{1, 1, 1, 1}, "both classes"},
		{[]float64{1, 2, 3, 4}, []float64{0, 2, 1, 1}, "0 or 1"},
	} {
		if _, err := LogitWald(c.x, c.y); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v %v: %v", c.x, c.y, err)
		}
	}
	x, y := logitData(4, 80)
	r, err := LogitWald(x, y)
	if err != nil || !(r.Slope > 0.5) || !(r.P < 0.01) {
		t.Errorf("a planted positive slope: %+v, %v", r, err)
	}
}
