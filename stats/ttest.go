package stats

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// TTest is a two-sample t test of a − b: scipy.stats.ttest_ind with equal variances (Student,
// pooled SD; the default) or Welch's test, with Cohen's d on the pooled SD and the 95% confidence
// interval of the mean difference.
type TTest struct {
	T, DF, P float64
	MeanDiff float64
	CI       [2]float64
	CohenD   float64
	EqualVar bool
	NA, NB   int
}

// TTestInd compares two independent samples (NaN values are an error).
func TTestInd(a, b []float64, equalVar bool) (*TTest, error) {
	na, nb := len(a), len(b)
	if na < 2 || nb < 2 {
		return nil, fmt.Errorf("a t test needs at least 2 values per group, got %d and %d", na, nb)
	}
	for _, v := range append(append([]float64(nil), a...), b...) {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("a t test of values with NaN")
		}
	}
	ma, va := meanVar(a)
	mb, vb := meanVar(b)
	fa, fb := float64(na), float64(nb)
	pooled := ((fa-1)*va + (fb-1)*vb) / (fa + fb - 2)
	r := &TTest{MeanDiff: ma - mb, EqualVar: equalVar, NA: na, NB: nb}
	var se float64
	if equalVar {
		se = math.Sqrt(pooled * (1/fa + 1/fb))
		r.DF = fa + fb - 2
	} else {
		qa, qb := va/fa, vb/fb
		se = math.Sqrt(qa + qb)
		r.DF = (qa + qb) * (qa + qb) / (qa*qa/(fa-1) + qb*qb/(fb-1))
	}
	if err := CheckTDF(fmt.Sprintf("%d vs %d values", na, nb), r.DF); err != nil {
		return nil, err
	}
	r.T = r.MeanDiff / se
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}
	r.P = 2 * dist.Survival(math.Abs(r.T))
	crit := dist.Quantile(0.975)
	r.CI = [2]float64{r.MeanDiff - crit*se, r.MeanDiff + crit*se}
	r.CohenD = r.MeanDiff / math.Sqrt(pooled)
	return r, nil
}

// meanVar is the mean and sample variance (ddof 1).
func meanVar(v []float64) (float64, float64) {
	m := Mean(v)
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, ss / float64(len(v)-1)
}

// MinTDF is the fewest degrees of freedom of a t test painmark reports. With df = 1 the t
// distribution is Cauchy's: the one-sample t over two runs is the mean over half their difference,
// routinely in the thousands, and its p says nothing; painmark refuses df < MinTDF.
const MinTDF = 2

// MinTSample is painmark's stated minimum sample for a t test: a one-sample test over fewer
// subjects (or runs), or a case-control test with fewer in a group, is computed with a warning
// (its variance, and so its t, is unreliable), unless df < MinTDF, which is refused.
const MinTSample = 10

// CheckTDF refuses a t test (what: the analysis, in words) with fewer than MinTDF degrees of
// freedom.
func CheckTDF(what string, df float64) error {
	if !(df >= MinTDF) {
		return fmt.Errorf("%s: a t test with df = %.3g; painmark refuses df < %d (its t and p are meaningless), and warns under %d per group", what, df, MinTDF, MinTSample)
	}
	return nil
}

// SmallSampleWarning is a warning (empty when none) when any of the group sizes of a t test
// (what: the analysis, in words) is under MinTSample.
func SmallSampleWarning(what string, sizes ...int) string {
	for _, n := range sizes {
		if n < MinTSample {
			parts := make([]string, len(sizes))
			for k, m := range sizes {
				parts[k] = fmt.Sprint(m)
			}
			return fmt.Sprintf("%s: a t test over %s, under painmark's minimum of %d per group: its variance and p are unreliable", what, strings.Join(parts, " and "), MinTSample)
		}
	}
	return ""
}
