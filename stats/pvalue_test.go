package stats

import (
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"testing"

	"github.com/painmark/painmark/internal/testdata"
)

// FDR equals statsmodels' multipletests(method="fdr_bh") on p-values with ties, zeros and ones.
// Skipped unless PAINMARK_PYTHON is set.
func TestLiveFDREqualsStatsmodels(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(19))
	p := make([]float64, 300)
	for i := range p {
		p[i] = math.Pow(rng.Float64(), 3)
		if i%17 == 0 {
			p[i] = p[i/2] // ties
		}
	}
	p[5], p[6] = 0, 1
	script := "import json\nfrom statsmodels.stats.multitest import multipletests\n" +
		"print(json.dumps(multipletests(" + testdata.PyList(p) + ", method='fdr_bh')[1].tolist()))"
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	got, err := FDR(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("q[%d] = %v, statsmodels %v", i, got[i], want[i])
		}
	}
	if _, err := FDR([]float64{0.1, math.NaN()}); err == nil {
		t.Error("NaN p-value accepted")
	}
}

// Forced choice on paired scores: hits, accuracy, CanlabCore's binotest p-value, the
// Clopper-Pearson interval and d, each equal to scipy's binom.cdf / binomtest computed from the same
// hits (and numpy for d). Skipped unless PAINMARK_PYTHON is set.
func TestLiveForcedChoiceEqualsScipy(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(20))
	for _, n := range []int{10, 37, 200} {
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i] = rng.NormFloat64() + 0.4
			b[i] = rng.NormFloat64()
		}
		b[0] = a[0] // a tie: a miss
		r, err := ForcedChoice(a, b)
		if err != nil {
			t.Fatal(err)
		}
		script := "import json, numpy as np\nfrom scipy.stats import binom, binomtest\n" +
			"a=np.array(" + testdata.PyList(a) + "); b=np.array(" + testdata.PyList(b) + "); n=len(a); d=a-b; k=int((d>0).sum())\n" +
			"ci=binomtest(k, n).proportion_ci(confidence_level=0.95, method='exact')\n" +
			"print(json.dumps([k, 2*min(binom.cdf(k,n,.5), 1-binom.cdf(k-1,n,.5)), ci.low, ci.high, d.mean()/d.std(ddof=1)]))"
		out, err := exec.Command(py, "-c", script).Output()
		if err != nil {
			t.Fatal(err)
		}
		var want []float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		got := []float64{float64(r.Hits), r.P, r.CI[0], r.CI[1], r.D}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
				t.Errorf("n=%d: %s = %v, scipy %v", n, []string{"hits", "p", "CI low", "CI high", "d"}[i], got[i], want[i])
			}
		}
	}
}
