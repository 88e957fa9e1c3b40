package morph

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

// The case-control GLM on the real ENIGMA table (20 subjects: Dx, Age, Sex, ICV and Age*Sex;
// regional thickness and regional MS as outcomes) equals statsmodels' OLS: coefficient, standard
// error, t and p of the case term to 1e-9 (relative), and the FDR q-values. Skipped unless
// PAINMARK_PYTHON is set.
func TestLiveCaseControlEqualsStatsmodels(t *testing.T) {
	requirePython(t)
	tb := enigmaTable(t)
	cov, err := table.Read(fixtures.Shared(t, "enigma", "xdata", "cov.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) []float64 {
		v, err := cov.Floats(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	dx, age, sex, icv := col("Dx"), col("Age"), col("Sex"), col("ICV")
	isCase := make([]bool, len(dx))
	for i, v := range dx {
		isCase[i] = v == 1
	}
	covs := []Covariate{{"Age", age}, {"Sex", sex}, {"ICV", icv}}
	n := len(tb.Subjects)
	// Outcomes: thickness per region, and regional MS (thickness + area).
	outcomes := map[string][][]float64{"thickness": make([][]float64, n), "regional MS": make([][]float64, n)}
	for s := 0; s < n; s++ {
		ms, err := Similarity(tb, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		outcomes["regional MS"][s] = RegionalMS(ms)
		for r := range tb.Regions {
			outcomes["thickness"][s] = append(outcomes["thickness"][s], tb.At(s, r, 0))
		}
	}
	for name, values := range outcomes {
		eff, err := CaseControl(tb.Regions, values, isCase, covs, []string{"Age*Sex"})
		if err != nil {
			t.Fatal(err)
		}
		x := make([][]float64, n)
		for s := range x {
			c := 0.0
			if isCase[s] {
				c = 1
			}
			x[s] = []float64{1, c, age[s], sex[s], icv[s], age[s] * sex[s]}
		}
		y := make([][]float64, len(tb.Regions))
		for r := range y {
			for s := 0; s < n; s++ {
				y[r] = append(y[r], values[s][r])
			}
		}
		var want struct {
			Regions []struct {
				Params, Bse, T, P []float64
				DF                float64
			}
			Q []float64
		}
		fixtures.RunPython(t, filepath.Join("testdata", "statsmodels_glm.py"), map[string]any{"x": x, "y": y}, &want)
		var d float64
		rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(1e-300, math.Abs(b)) }
		for r, e := range eff {
			w := want.Regions[r]
			d = math.Max(d, math.Max(math.Max(rel(e.Beta, w.Params[1]), rel(e.SE, w.Bse[1])), math.Max(rel(e.T, w.T[1]), rel(e.P, w.P[1]))))
			d = math.Max(d, math.Max(math.Abs(e.Q-want.Q[r]), math.Abs(e.DF-w.DF)))
		}
		if !(d <= 1e-9) {
			t.Errorf("%s: the case effect differs from statsmodels by %.3g", name, d)
		}
		t.Logf("%s, 68 regions: within %.2g of statsmodels; largest |d| %.2f", name, d, maxAbsD(eff))
	}
}

func maxAbsD(eff []RegionEffect) float64 {
	var m float64
	for _, e := range eff {
		m = math.Max(m, math.Abs(e.D))
	}
	return m
}

// A design with too few cases or a repeated covariate is refused with the reason.
func TestCaseControlErrors(t *testing.T) {
	v := [][]float64{{1}, {2}, {3}, {4}, {5}}
	if _, err := CaseControl([]string{"a"}, v, []bool{true, false, false, false, false}, nil, nil); err == nil {
		t.Error("one case accepted")
	}
	age := []float64{20, 30, 40, 50, 60}
	if _, err := CaseControl([]string{"a"}, v, []bool{true, true, false, false, false}, []Covariate{{"Age", age}, {"Age2", age}}, nil); err == nil {
		t.Error("collinear covariates accepted")
	}
	if _, err := CaseControl([]string{"a"}, v, []bool{true, true, false, false, false}, []Covariate{{"Age", age}}, []string{"Age*Weight"}); err == nil {
		t.Error("interaction with an unknown covariate accepted")
	}
}
