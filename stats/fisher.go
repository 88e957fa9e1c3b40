package stats

import (
	"fmt"
	"math"
)

// FisherResult is Fisher's exact test of a 2 x 2 table [[a, b], [c, d]]: the sample odds ratio
// ad/bc (scipy.stats.fisher_exact's), the p-value, and Woolf's 95% interval of the odds ratio
// (log OR ± 1.96·√(1/a + 1/b + 1/c + 1/d), with 0.5 added to every cell when one is zero).
type FisherResult struct {
	OddsRatio float64
	P         float64
	CI        [2]float64
}

// FisherExact tests a 2 x 2 table under the hypergeometric distribution of a given the margins,
// as scipy.stats.fisher_exact: "greater" (odds ratio above 1: P(X ≥ a), the one-sided test of
// gene-set enrichment), "less" (P(X ≤ a)) or "two-sided" (the sum of the probabilities of all
// tables no more likely than the observed one, with scipy's relative tolerance 1e-7).
func FisherExact(a, b, c, d int, alternative string) (*FisherResult, error) {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		return nil, fmt.Errorf("a 2 x 2 table of counts cannot have negative cells (%d %d %d %d)", a, b, c, d)
	}
	r := &FisherResult{}
	switch {
	case b*c > 0:
		r.OddsRatio = float64(a) * float64(d) / (float64(b) * float64(c))
	case a*d > 0:
		r.OddsRatio = math.Inf(1)
	default:
		r.OddsRatio = math.NaN()
	}
	fa, fb, fc, fd := float64(a), float64(b), float64(c), float64(d)
	if a == 0 || b == 0 || c == 0 || d == 0 {
		fa, fb, fc, fd = fa+0.5, fb+0.5, fc+0.5, fd+0.5
	}
	lor, se := math.Log(fa*fd/(fb*fc)), math.Sqrt(1/fa+1/fb+1/fc+1/fd)
	r.CI = [2]float64{math.Exp(lor - 1.96*se), math.Exp(lor + 1.96*se)}
	// X = the top-left cell given row 1 total n1 = a + b, column 1 total k = a + c, N = all.
	n1, k, n := a+b, a+c, a+b+c+d
	lo, hi := max(0, k-(n-n1)), min(k, n1)
	logC := func(m, j int) float64 {
		x, _ := math.Lgamma(float64(m + 1))
		y, _ := math.Lgamma(float64(j + 1))
		z, _ := math.Lgamma(float64(m - j + 1))
		return x - y - z
	}
	total := logC(n, k)
	pmf := func(x int) float64 { return math.Exp(logC(n1, x) + logC(n-n1, k-x) - total) }
	var p float64
	switch alternative {
	case "greater":
		for x := a; x <= hi; x++ {
			p += pmf(x)
		}
	case "less":
		for x := lo; x <= a; x++ {
			p += pmf(x)
		}
	case "two-sided", "":
		obs := pmf(a)
		for x := lo; x <= hi; x++ {
			if v := pmf(x); v <= obs*(1+1e-7) {
				p += v
			}
		}
	default:
		return nil, fmt.Errorf("alternative %q: greater, less or two-sided", alternative)
	}
	r.P = math.Min(1, p)
	return r, nil
}
