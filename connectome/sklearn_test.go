package connectome

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/signal"
)

type skCase struct {
	Subjects       [][][]float64 `json:"subjects"`
	AssumeCentered bool          `json:"assume_centered"`
	name           string
	mats           []signal.Matrix
}

type skOut struct {
	LW          [][]float64 `json:"lw"`
	Shrinkage   []float64   `json:"shrinkage"`
	Partial     [][]float64 `json:"partial"`
	Correlation [][]float64 `json:"correlation"`
	Vec         [][]float64 `json:"vec"`
	VecDiag     [][]float64 `json:"vec_diag"`
	Tangent     [][]float64 `json:"tangent"`
}

// correlatedSeries makes T x p series with a random covariance structure and per-column offsets
// and scales (so that centring and scaling matter).
func correlatedSeries(rng *rand.Rand, T, p int) signal.Matrix {
	mix := make([]float64, p*p)
	for i := range mix {
		mix[i] = rng.NormFloat64()
	}
	x := signal.NewMatrix(T, p)
	for t := 0; t < T; t++ {
		z := make([]float64, p)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		for j := 0; j < p; j++ {
			var v float64
			for k := 0; k <= j; k++ {
				v += mix[j*p+k] * z[k]
			}
			x.Data[t*p+j] = 3*float64(j%5) + (1+float64(j%3))*v
		}
	}
	return x
}

// TestLiveSklearnConnectivity compares Ledoit-Wolf (covariance and shrinkage), partial correlation,
// nilearn's correlation and tangent kinds and the vectorization with scikit-learn/scipy on random
// inputs of several shapes, T < p included. Skipped unless PAINMARK_PYTHON is set.
func TestLiveSklearnConnectivity(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(4))
	var cases []*skCase
	for _, sh := range []struct{ T, p, n int }{{200, 10, 4}, {50, 80, 3}, {30, 30, 3}, {123, 122, 2}, {12, 40, 3}} {
		for _, ac := range []bool{false, true} {
			c := &skCase{AssumeCentered: ac, name: fmt.Sprintf("T=%d p=%d assume_centered=%v", sh.T, sh.p, ac)}
			for s := 0; s < sh.n; s++ {
				m := correlatedSeries(rng, sh.T, sh.p)
				c.mats = append(c.mats, m)
				rows := make([][]float64, m.Rows)
				for r := range rows {
					rows[r] = m.Data[r*m.Cols : (r+1)*m.Cols]
				}
				c.Subjects = append(c.Subjects, rows)
			}
			cases = append(cases, c)
		}
	}
	var want []skOut
	fixtures.RunPython(t, filepath.Join("testdata", "sklearn_connectivity.py"), cases, &want)
	rel := func(a, b []float64) float64 {
		var scale float64
		for _, v := range b {
			scale = math.Max(scale, math.Abs(v))
		}
		return maxAbsDiff(a, b) / math.Max(1, scale)
	}
	for i, c := range cases {
		w := want[i]
		var worst [6]float64
		var covs []Sym
		for s, x := range c.mats {
			lw := Measure{Kind: Covariance, Scaling: AsGiven, AssumeCentered: c.AssumeCentered}
			cov, info, err := lw.Covariance(x)
			if err != nil {
				t.Fatal(err)
			}
			covs = append(covs, cov)
			worst[0] = math.Max(worst[0], rel(cov.Data, w.LW[s]))
			worst[1] = math.Max(worst[1], math.Abs(info.Shrinkage-w.Shrinkage[s]))
			pc, _, err := Measure{Kind: PartialCorrelation, Scaling: AsGiven, AssumeCentered: c.AssumeCentered}.Matrix(x)
			if err != nil {
				t.Fatal(err)
			}
			worst[2] = math.Max(worst[2], rel(pc.Data, w.Partial[s]))
			cr, _, _ := Measure{Kind: Correlation, AssumeCentered: c.AssumeCentered}.Matrix(x)
			worst[3] = math.Max(worst[3], rel(cr.Data, w.Correlation[s]))
			worst[4] = math.Max(worst[4], math.Max(rel(Vectorize(pc, true), w.Vec[s]), rel(Vectorize(pc, false), w.VecDiag[s])))
		}
		ref, err := FitTangent(covs)
		if err != nil {
			t.Fatal(err)
		}
		for s, cov := range covs {
			tg, err := ref.Transform(cov)
			if err != nil {
				t.Fatal(err)
			}
			worst[5] = math.Max(worst[5], rel(tg.Data, w.Tangent[s]))
		}
		names := []string{"LW covariance", "shrinkage", "partial correlation", "correlation", "vectorization", "tangent"}
		tols := []float64{1e-12, 1e-12, 1e-10, 1e-12, 1e-10, 1e-8}
		for k := range worst {
			if !(worst[k] <= tols[k]) {
				t.Errorf("%s: %s differs by %.3g (tolerance %g)", c.name, names[k], worst[k], tols[k])
			}
		}
		t.Logf("%-32s LW %.1g  shrink %.1g  partial %.1g  corr %.1g  vec %.1g  tangent %.1g", c.name, worst[0], worst[1], worst[2], worst[3], worst[4], worst[5])
	}
}
