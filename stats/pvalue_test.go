package stats

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// FDR equals statsmodels' multipletests(method="fdr_bh") on p-values with ties, zeros and ones.
// Skipped unless PAINMARK_PYTHON is set.
func TestLiveFDREqualsStatsmodels(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
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
		"print(json.dumps(multipletests(" + fixtures.PyList(p) + ", method='fdr_bh')[1].tolist()))"
	want := fixtures.PythonFloats(t, script)
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
	if os.Getenv("PAINMARK_PYTHON") == "" {
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
			"a=np.array(" + fixtures.PyList(a) + "); b=np.array(" + fixtures.PyList(b) + "); n=len(a); d=a-b; k=int((d>0).sum())\n" +
			"ci=binomtest(k, n).proportion_ci(confidence_level=0.95, method='exact')\n" +
			"print(json.dumps([k, 2*min(binom.cdf(k,n,.5), 1-binom.cdf(k-1,n,.5)), ci.low, ci.high, d.mean()/d.std(ddof=1)]))"
		want := fixtures.PythonFloats(t, script)
		got := []float64{float64(r.Hits), r.P, r.CI[0], r.CI[1], r.D}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
				t.Errorf("n=%d: %s = %v, scipy %v", n, []string{"hits", "p", "CI low", "CI high", "d"}[i], got[i], want[i])
			}
		}
	}
}

// TTestInd equals scipy.stats.ttest_ind (Student and Welch) in t and p, and its interval and
// Cohen's d equal the textbook formulas computed with numpy and scipy.stats.t (scipy 1.10's
// ttest_ind has no confidence_interval yet). Skipped unless PAINMARK_PYTHON is
// set.
func TestLiveTTestEqualsScipy(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(21))
	a, b := make([]float64, 14), make([]float64, 23)
	for i := range a {
		a[i] = rng.NormFloat64()*1.5 + 0.6
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	for _, equal := range []bool{true, false} {
		r, err := TTestInd(a, b, equal)
		if err != nil {
			t.Fatal(err)
		}
		pyBool := "False"
		if equal {
			pyBool = "True"
		}
		script := "import json, numpy as np\nfrom scipy import stats\n" +
			"a=np.array(" + fixtures.PyList(a) + "); b=np.array(" + fixtures.PyList(b) + ")\n" +
			"res=stats.ttest_ind(a, b, equal_var=" + pyBool + ")\n" +
			"na, nb, va, vb = len(a), len(b), a.var(ddof=1), b.var(ddof=1)\n" +
			"sp=np.sqrt(((na-1)*va+(nb-1)*vb)/(na+nb-2))\n" +
			"se, df = (sp*np.sqrt(1/na+1/nb), na+nb-2) if " + pyBool + " else (np.sqrt(va/na+vb/nb), (va/na+vb/nb)**2/((va/na)**2/(na-1)+(vb/nb)**2/(nb-1)))\n" +
			"d=a.mean()-b.mean(); q=stats.t.ppf(0.975, df)\n" +
			"print(json.dumps([res.statistic, res.pvalue, d-q*se, d+q*se, d/sp]))"
		want := fixtures.PythonFloats(t, script)
		got := []float64{r.T, r.P, r.CI[0], r.CI[1], r.CohenD}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-10*math.Max(1, math.Abs(want[i])) {
				t.Errorf("equal_var=%v: %s = %v, scipy %v", equal, []string{"t", "p", "CI low", "CI high", "d"}[i], got[i], want[i])
			}
		}
	}
}

// Fisher's exact test equals scipy.stats.fisher_exact (odds ratio and p, all three alternatives)
// on random tables of the sizes gene-set enrichment produces. Skipped unless PAINMARK_PYTHON is set.
func TestLiveFisherExactEqualsScipy(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(31))
	var tables [][4]int
	for i := 0; i < 60; i++ {
		scale := []int{5, 30, 400}[i%3]
		tables = append(tables, [4]int{rng.Intn(scale), rng.Intn(scale), rng.Intn(scale), rng.Intn(scale * 4)})
	}
	tables = append(tables, [4]int{0, 5, 7, 100}, [4]int{12, 0, 30, 500}, [4]int{3, 3, 3, 3})
	var rows []string
	for _, tb := range tables {
		rows = append(rows, fmt.Sprintf("[[%d,%d],[%d,%d]]", tb[0], tb[1], tb[2], tb[3]))
	}
	script := "import json\nfrom scipy.stats import fisher_exact\nout=[]\nfor t in [" + strings.Join(rows, ",") + "]:\n" +
		"    for alt in ('greater','less','two-sided'):\n        o,p=fisher_exact(t, alternative=alt)\n        out += [float(p), float(o) if o == o and o != float('inf') else -1.0]\n" +
		"print(json.dumps(out))"
	want := fixtures.PythonFloats(t, script)
	k := 0
	for _, tb := range tables {
		for _, alt := range []string{"greater", "less", "two-sided"} {
			r, err := FisherExact(tb[0], tb[1], tb[2], tb[3], alt)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(r.P-want[k]) / math.Max(want[k], 1e-300); d > 1e-9 {
				t.Errorf("%v %s: p %v, scipy %v", tb, alt, r.P, want[k])
			}
			or := r.OddsRatio
			if math.IsNaN(or) || math.IsInf(or, 0) {
				or = -1
			}
			if math.Abs(or-want[k+1]) > 1e-12*math.Max(1, or) {
				t.Errorf("%v: odds ratio %v, scipy %v", tb, r.OddsRatio, want[k+1])
			}
			k += 2
		}
	}
}

// The t-test guard rails: df < 2 refused (a Welch df of 1.x too), a warning under MinTSample.
func TestTGuardRails(t *testing.T) {
	if err := CheckTDF("two runs", 1); err == nil || !strings.Contains(err.Error(), "df = 1") {
		t.Errorf("df 1: %v", err)
	}
	if err := CheckTDF("three runs", 2); err != nil {
		t.Error(err)
	}
	if _, err := TTestInd([]float64{0, 10}, []float64{1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7}, false); err == nil {
		t.Error("Welch df near 1 accepted")
	}
	if w := SmallSampleWarning("case-control", 12, 9); !strings.Contains(w, "12 and 9") {
		t.Errorf("warning %q", w)
	}
	if w := SmallSampleWarning("case-control", 10, 10); w != "" {
		t.Errorf("warning %q at the minimum", w)
	}
}

// A p from n resamples is never printed as 0, and says its sides and convention.
func TestFormatP(t *testing.T) {
	for _, c := range []struct {
		v    PValue
		want string
	}{
		{PValue{P: 0, Resamples: 999, TwoSided: true, Convention: "neuromaps"}, "p < 0.001 (two-sided, neuromaps; 999 resamples)"},
		{PValue{P: 0.001, Resamples: 999, Convention: "sklearn"}, "p = 0.001 (one-sided, sklearn; 999 resamples)"},
		{PValue{P: 0.0731, Resamples: 10000, TwoSided: true}, "p = 0.0731 (two-sided; 10000 resamples)"},
		{PValue{P: 0.5, TwoSided: true, Convention: "t test"}, "p = 0.5 (two-sided, t test)"},
	} {
		if got := c.v.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
}

// A PermutationTally fed draw by draw (or as merged blocks) gives PermutationP's p-value to the last
// bit under every convention, ties and both directions included, and names the first NaN draw.
func TestPermutationTallyEqualsPermutationP(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	null := make([]float64, 1000)
	for i := range null {
		null[i] = math.Round(rng.NormFloat64()*4) / 4 // ties with the observed value
	}
	for _, obs := range []float64{-0.5, 0, 0.75, 2} {
		for _, higher := range []bool{true, false} {
			whole := NewPermutationTally(obs, higher)
			a, b := NewPermutationTally(obs, higher), NewPermutationTally(obs, higher)
			for i, v := range null {
				whole.Add(v)
				if i < 377 {
					a.Add(v)
				} else {
					b.Add(v)
				}
			}
			a.Merge(b)
			for _, conv := range []PermutationConvention{PermSklearn, PermAbs, PermNoPlusOne, PermStrict, PermAbsStrict} {
				want, err := PermutationP(obs, null, conv, higher)
				if err != nil {
					t.Fatal(err)
				}
				got, err1 := whole.P(conv)
				merged, err2 := a.P(conv)
				if err1 != nil || err2 != nil || got != want || merged != want {
					t.Errorf("obs %v higher %v %s: tally %v, merged %v, PermutationP %v", obs, higher, conv, got, merged, want)
				}
			}
		}
	}
	a, b := NewPermutationTally(0, true), NewPermutationTally(0, true)
	a.Add(1)
	a.Add(2)
	b.Add(3)
	b.Add(math.NaN())
	a.Merge(b)
	if _, err := a.P(PermSklearn); err == nil || !strings.Contains(err.Error(), "permutation 3 gave NaN") {
		t.Errorf("NaN draw: %v", err)
	}
	if _, err := NewPermutationTally(0, true).P(PermSklearn); err == nil {
		t.Error("an empty tally gave a p-value")
	}
}

// PermutedCorrelation counts its null in blocks (TallyBlocks): its p equals PermutationP over the
// whole null drawn one permutation at a time, across block boundaries (issue 21: the null was held
// whole, so validate's covariate checks grew with --permutations).
func TestPermutedCorrelationStreamsItsNull(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	a, b := make([]float64, 15), make([]float64, 15)
	for i := range a {
		a[i] = rng.NormFloat64()
		b[i] = 0.3*a[i] + rng.NormFloat64()
	}
	const n = 40000 // two whole blocks and a part
	r, p, err := PermutedCorrelation(a, b, n, 6)
	if err != nil {
		t.Fatal(err)
	}
	null := make([]float64, n)
	for k := range null {
		s := make([]float64, len(a))
		for i, j := range Permutation(6, uint64(k+1), len(a)) {
			s[i] = a[j]
		}
		null[k] = Pearson(s, b)
	}
	want, _ := PermutationP(Pearson(a, b), null, PermAbs, true)
	if r != Pearson(a, b) || p != want || p == 1 {
		t.Errorf("r %v p %v; the whole null's p %v", r, p, want)
	}
}
