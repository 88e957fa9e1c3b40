package learn

import (
	"math"
	"runtime"
	"testing"

	"github.com/painmark/painmark/stats"
)

// The refit permutation test's observed predictions are LeaveOneOut's (the shared-fold engine
// refits the same steps); its null and p-values do not depend on the number of workers; on the
// Bochum features (r = 0.627) the observed r is significant (p < 0.05 with 200 permutations).
func TestPermutationTestOnBochum(t *testing.T) {
	x, y, _ := bochumData(t)
	loo, err := LeaveOneOut(rpnPipeline, x, y)
	if err != nil {
		t.Fatal(err)
	}
	o := PermutationOptions{N: 200, Seed: 11, Mode: PermuteRefit, Convention: stats.PermSklearn}
	res, err := PermutationTest(rpnPipeline, x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := PooledMetrics(loo, y); math.Abs(res.Observed.R-want.R) > 1e-12 || math.Abs(res.Observed.MAE-want.MAE) > 1e-12 {
		t.Errorf("observed %+v, LeaveOneOut %+v", res.Observed, want)
	}
	if res.P.R > 0.05 || res.P.R < 1.0/201 {
		t.Errorf("p(r) = %v for r = %.3f", res.P.R, res.Observed.R)
	}
	prev := runtime.GOMAXPROCS(1)
	one, err := PermutationTest(rpnPipeline, x, y, o)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	for k := range res.Null {
		if res.Null[k] != one.Null[k] {
			t.Fatalf("permutation %d: %+v with all workers, %+v with one", k, res.Null[k], one.Null[k])
		}
	}
	// Predictions mode: the same observed metrics, a cheaper null.
	pm, err := PermutationTest(rpnPipeline, x, y, PermutationOptions{N: 200, Seed: 11, Mode: PermutePredictions})
	if err != nil {
		t.Fatal(err)
	}
	if pm.Observed != res.Observed || pm.P.R > 0.05 {
		t.Errorf("predictions mode: observed %+v (refit %+v), p(r) %v", pm.Observed, res.Observed, pm.P.R)
	}
	t.Logf("observed %+v; refit p %+v; predictions-only p %+v", res.Observed, res.P, pm.P)
}

// Bootstrap of the RPN weights: deterministic for any number of workers; the features the
// published model selects are selected in most samples, and their Z agrees in sign with the
// published weights.
func TestBootstrapOnBochum(t *testing.T) {
	x, y, _ := bochumData(t)
	o := BootstrapOptions{N: 100, Seed: 5, Convention: stats.BootCanlab}
	res, err := Bootstrap(rpnPipeline, x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	one, err := Bootstrap(rpnPipeline, x, y, o)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	for j := range res.Mean {
		if res.Mean[j] != one.Mean[j] || res.P[j] != one.P[j] {
			t.Fatalf("feature %d: bootstrap depends on the number of workers", j)
		}
	}
	fit, err := rpnPipeline.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	agree := 0
	var published, all float64
	for c, j := range fit.Selected {
		if w := fit.Model.Coef[c]; w != 0 && math.Signbit(w) == math.Signbit(res.Z[j]) {
			agree++
		}
		published += res.Frequency[j] / float64(len(fit.Selected))
	}
	for _, f := range res.Frequency {
		all += f / float64(len(res.Frequency))
	}
	// Each sample keeps at most K = 25 nonzero weights; the full-sample model's features are chosen
	// far more often than features at large.
	if agree < len(fit.Selected)*2/3 || published < 20*all || all*float64(len(res.Frequency)) > 25+1e-9 {
		t.Errorf("of %d published features: %d with the sign of the full-sample weight; their selection frequency %.3f vs %.4f overall",
			len(fit.Selected), agree, published, all)
	}
	t.Logf("of %d features of the full-sample model: %d agree in sign; selection frequency %.3f (all features %.4f)", len(fit.Selected), agree, published, all)
}

// The p-value conventions count as their peers do.
func TestPValueConventions(t *testing.T) {
	null := []float64{0.1, 0.5, 0.3, 0.5, -0.7}
	cases := []struct {
		conv   stats.PermutationConvention
		higher bool
		want   float64
	}{
		{stats.PermSklearn, true, 3.0 / 6},   // #≥0.5 = 2, (2+1)/(5+1)
		{stats.PermNoPlusOne, true, 2.0 / 5}, // 2/5
		{stats.PermStrict, true, 0},          // #>0.5 = 0
		{stats.PermAbs, true, 4.0 / 6},       // #|v|≥0.5 = 3, (3+1)/6
		{stats.PermAbsStrict, true, 1.0 / 5}, // #|v|>0.5 = 1 (−0.7)
		{stats.PermSklearn, false, 1},        // a loss: all 5 ≤ 0.5
	}
	for _, c := range cases {
		got, err := stats.PermutationP(0.5, null, c.conv, c.higher)
		if err != nil || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s (higher %v): %v, %v; want %v", c.conv, c.higher, got, err, c.want)
		}
	}
	if got, _ := stats.PermutationP(0.3, null, stats.PermSklearn, false); got != 4.0/6 { // #≤0.3 = 3
		t.Errorf("loss at 0.3: %v, want 4/6", got)
	}
	if _, err := stats.PermutationP(0.5, null, "nope", true); err == nil {
		t.Error("unknown convention accepted")
	}
	reps := []float64{1, 2, -1, 0, 3}
	for _, c := range []struct {
		conv stats.BootstrapConvention
		want float64
	}{{stats.BootCanlab, 2 * 2.0 / 6}, {stats.BootDEIPP, 2 * 3.0 / 6}, {stats.BootWald, math.Erfc(1 / math.Sqrt2)}} {
		got, err := stats.BootstrapP(reps, 1, 1, c.conv)
		if err != nil || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: %v, %v; want %v", c.conv, got, err, c.want)
		}
	}
}
