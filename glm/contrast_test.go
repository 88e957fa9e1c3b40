package glm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// An F contrast of one row is the square of the t contrast with the same weights (F = t², p the
// two-sided p, |effect| the effect over its standard error times sqrt(dispersion)); two rows give
// the F of both, which fixed effects keep; linearly dependent rows and empty rows are refused.
func TestFContrast(t *testing.T) {
	ft, _ := FrameTimes(80, 2, 0)
	d, err := MakeDesign(ft, liveEventSets()[0], nil, DefaultDesignOptions())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ys := make([][]float64, 50)
	for v := range ys {
		ys[v] = make([]float64, len(ft))
		for i := range ys[v] {
			ys[v][i] = float64(v%5)*0.3*d.Columns[0][i] + rng.NormFloat64()
		}
	}
	fit, _, err := FitAR1(d, ys, 10)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ContrastVector("heat - warm", d.Names)
	tc, err := fit.TContrast(c)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := fit.FContrast([][]float64{c})
	if err != nil {
		t.Fatal(err)
	}
	for v := range ys {
		if math.Abs(fc.F[v]-tc.T[v]*tc.T[v]) > 1e-9*(1+fc.F[v]) || math.Abs(fc.P[v]-2*math.Min(tc.P[v], 1-tc.P[v])) > 1e-9 ||
			math.Abs(math.Abs(fc.Effects[0][v])*math.Sqrt(tc.Variance[v]/fc.Variance[v])-math.Abs(tc.Effect[v])) > 1e-9 {
			t.Fatalf("voxel %d: F %v p %v, t² %v two-sided p %v", v, fc.F[v], fc.P[v], tc.T[v]*tc.T[v], 2*math.Min(tc.P[v], 1-tc.P[v]))
		}
	}
	rows, err := ContrastMatrix("heat; warm", d.Names)
	if err != nil || len(rows) != 2 {
		t.Fatal(rows, err)
	}
	f2, err := fit.FContrast(rows)
	if err != nil {
		t.Fatal(err)
	}
	fe, err := FixedEffects([]*ContrastResult{f2, f2})
	if err != nil || fe.Type != StatF || len(fe.Effects) != 2 || fe.DF != 2*f2.DF {
		t.Fatal(fe, err)
	}
	if f2.F[4] < f2.F[0] || fe.F[4] < f2.F[4] {
		t.Errorf("F of the planted voxel %v (fixed effects %v), of a null voxel %v", f2.F[4], fe.F[4], f2.F[0])
	}
	if _, err := FixedEffects([]*ContrastResult{f2, tc}); err == nil {
		t.Error("fixed effects of an F and a t contrast accepted")
	}
	if _, err := fit.FContrast([][]float64{c, c}); err == nil || !strings.Contains(err.Error(), "linearly dependent") {
		t.Errorf("dependent rows: %v", err)
	}
	if _, err := ContrastMatrix("heat;; warm", d.Names); err == nil || !strings.Contains(err.Error(), "empty row") {
		t.Errorf("empty row: %v", err)
	}
}
