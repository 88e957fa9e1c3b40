package genes

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// plsInputs are the golden inputs: AHBA-DK left-hemisphere expression (34 regions x 1645 genes)
// and the ENIGMA schizophrenia thickness map, each z-scored across regions (ddof 1).
func plsInputs(t *testing.T) ([]float64, int, int, []float64) {
	t.Helper()
	ex, err := table.Read(fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := table.Read(fixtures.Shared(t, "golden", "pls", "octave_plsregress_regions.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := reg.Floats("y_z")
	n, p := 34, len(ex.Columns)-1
	x := make([]float64, n*p)
	for j, c := range ex.Columns[1:] {
		v, err := ex.Floats(c.Name)
		if err != nil {
			t.Fatal(err)
		}
		col := v[:n]
		m := stats.Mean(col)
		var ss float64
		for _, a := range col {
			ss += (a - m) * (a - m)
		}
		sd := math.Sqrt(ss / float64(n-1))
		for i := 0; i < n; i++ {
			x[i*p+j] = (col[i] - m) / sd
		}
	}
	return x, n, p, y
}

func goldenColumn(t *testing.T, name, col string) []float64 {
	t.Helper()
	tb, err := table.Read(fixtures.Shared(t, "golden", "pls", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tb.Floats(col)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func goldenSummary(t *testing.T, name, quantity string) []float64 {
	t.Helper()
	tb, err := table.Read(fixtures.Shared(t, "golden", "pls", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := tb.Column("quantity")
	for i, v := range q.Raw {
		if v == quantity {
			var out []float64
			for _, c := range tb.Columns[1:] {
				f, _ := tb.Floats(c.Name)
				if !math.IsNaN(f[i]) {
					out = append(out, f[i])
				}
			}
			return out
		}
	}
	t.Fatalf("%s: no %s", name, quantity)
	return nil
}

func maxRel(a, b []float64) float64 {
	var d float64
	for i := range b {
		d = math.Max(d, math.Abs(a[i]-b[i])/math.Max(1e-3, math.Abs(b[i])))
	}
	return d
}

// SIMPLS equals Octave's plsregress (loadings, scores, weights, coefficients, fitted values,
// variance explained) and NIPALS equals scikit-learn 1.2.1's PLSRegression(scale=False), on AHBA-DK
// left hemisphere x the ENIGMA schizophrenia map, three components.
func TestPLSEqualsGolden(t *testing.T) {
	x, n, p, y := plsInputs(t)
	s, err := FitSIMPLS(x, n, p, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	var d float64
	for k := 0; k < 3; k++ {
		d = math.Max(d, maxRel(s.XLoadings[k], goldenColumn(t, "octave_plsregress_genes.csv", fmt.Sprintf("XL_%d", k+1))))
		d = math.Max(d, maxRel(s.Weights[k], goldenColumn(t, "octave_plsregress_genes.csv", fmt.Sprintf("W_%d", k+1))))
		d = math.Max(d, maxRel(s.XScores[k], goldenColumn(t, "octave_plsregress_regions.csv", fmt.Sprintf("XS_%d", k+1))))
		d = math.Max(d, maxRel(s.YScores[k], goldenColumn(t, "octave_plsregress_regions.csv", fmt.Sprintf("YS_%d", k+1))))
	}
	d = math.Max(d, maxRel(s.Beta, goldenColumn(t, "octave_plsregress_genes.csv", "BETA")))
	d = math.Max(d, maxRel(s.Fitted, goldenColumn(t, "octave_plsregress_regions.csv", "fitted")))
	d = math.Max(d, maxRel(s.YLoadings, goldenSummary(t, "octave_plsregress_summary.csv", "YL")))
	d = math.Max(d, maxRel(s.PctVarX, goldenSummary(t, "octave_plsregress_summary.csv", "PCTVAR_X")))
	d = math.Max(d, maxRel(s.PctVarY, goldenSummary(t, "octave_plsregress_summary.csv", "PCTVAR_Y")))
	if d > 1e-9 || math.Abs(s.Intercept-goldenSummary(t, "octave_plsregress_summary.csv", "BETA_intercept")[0]) > 1e-12 {
		t.Errorf("SIMPLS differs from Octave's plsregress by %.3g (intercept %v)", d, s.Intercept)
	}
	t.Logf("SIMPLS within %.2g of Octave plsregress", d)

	nip, err := FitNIPALS(x, n, p, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	d = 0
	g := "sklearn_plsregression_scaleFalse_genes.csv"
	for k := 0; k < 3; k++ {
		d = math.Max(d, maxRel(nip.XWeights[k], goldenColumn(t, g, fmt.Sprintf("x_weights_%d", k+1))))
		d = math.Max(d, maxRel(nip.XLoadings[k], goldenColumn(t, g, fmt.Sprintf("x_loadings_%d", k+1))))
		d = math.Max(d, maxRel(nip.XRotations[k], goldenColumn(t, g, fmt.Sprintf("x_rotations_%d", k+1))))
		d = math.Max(d, maxRel(nip.XScores[k], goldenColumn(t, "sklearn_plsregression_scaleFalse_regions.csv", fmt.Sprintf("x_scores_%d", k+1))))
	}
	d = math.Max(d, maxRel(nip.Coef, goldenColumn(t, g, "coef")))
	d = math.Max(d, maxRel(nip.YWeights, goldenSummary(t, "sklearn_plsregression_scaleFalse_summary.csv", "y_weights")))
	d = math.Max(d, maxRel(nip.YLoadings, goldenSummary(t, "sklearn_plsregression_scaleFalse_summary.csv", "y_loadings")))
	if d > 1e-9 {
		t.Errorf("NIPALS differs from scikit-learn's PLSRegression by %.3g", d)
	}
	t.Logf("NIPALS within %.2g of scikit-learn PLSRegression", d)
}

// The bootstrap Z of the gene weights does not depend on the number of workers and is large where
// a gene carries the map; the variance the first component explains beats shuffled maps.
func TestBootstrapAndPermutation(t *testing.T) {
	x, n, p, y := plsInputs(t)
	a, err := BootstrapWeights(x, n, p, y, 2, 200, 3)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b, _ := BootstrapWeights(x, n, p, y, 2, 200, 3)
	runtime.GOMAXPROCS(prev)
	for g := 0; g < p; g++ {
		if a.Z[0][g] != b.Z[0][g] {
			t.Fatalf("gene %d: Z %v with all workers, %v with one", g, a.Z[0][g], b.Z[0][g])
		}
	}
	var big int
	for _, z := range a.Z[0] {
		if math.Abs(z) > 3 {
			big++
		}
	}
	t.Logf("%d of %d genes with |Z| > 3 on PLS1", big, p)
	rng := rand.New(rand.NewSource(5))
	var perms [][]int
	for k := 0; k < 199; k++ {
		perms = append(perms, rng.Perm(n))
	}
	identity := make([]int, n)
	for i := range identity {
		identity[i] = i
	}
	perms = append(perms, identity) // explains exactly as much: always counted
	ve, pv, err := VariancePermutation(x, n, p, y, 2, perms)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PLS1 explains %.3f of the map (shuffle p = %.3f), PLS2 %.3f (p = %.3f)", ve[0], pv[0], ve[1], pv[1])
	for k := range pv {
		if pv[k] < 1.0/200 || pv[k] > 1 {
			t.Errorf("component %d: p %v, but the identity permutation alone gives 1/200", k+1, pv[k])
		}
	}
}

// The weighted SIMPLS of the bootstrap (distinct rows with multiplicities) gives the weights of
// SIMPLS on the materialised resample.
func TestSIMPLSWeightsOnResample(t *testing.T) {
	x, n, p, y := plsInputs(t)
	rng := rand.New(rand.NewSource(8))
	count := make([]float64, n)
	var bx, by []float64
	for i := 0; i < n; i++ {
		j := rng.Intn(n)
		count[j]++
		bx = append(bx, x[j*p:(j+1)*p]...)
		by = append(by, y[j])
	}
	want, err := FitSIMPLS(bx, n, p, by, 3)
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	var mult []float64
	for j, c := range count {
		if c > 0 {
			idx, mult = append(idx, j), append(mult, c)
		}
	}
	got := make([]float64, 3*p)
	if err := simplsWeights(got, x, p, idx, mult, y, 3); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		if d := maxRel(got[k*p:(k+1)*p], want.Weights[k]); d > 1e-9 {
			t.Errorf("component %d: weights differ by %.3g", k+1, d)
		}
	}
}

// `genes --bootstraps 2e9` is refused at once by the memory budget (the draws' aligned weights
// are held for the two-pass SD): issue 21.
func TestBootstrapWeightsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	x, n, p, y := plsInputs(t)
	if _, err := BootstrapWeights(x, n, p, y, 3, 2000000000, 1); err == nil || !strings.Contains(err.Error(), "2000000000 bootstrap draws of the gene weights") {
		t.Errorf("2e9 draws: %v", err)
	}
}
