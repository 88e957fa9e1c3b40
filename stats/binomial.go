package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BinomCDF is P(X ≤ k) for X ~ Binomial(n, p) (MATLAB's binocdf, scipy's binom.cdf); 0 for k < 0.
func BinomCDF(k, n int, p float64) float64 {
	if k < 0 {
		return 0
	}
	if k >= n {
		return 1
	}
	// The regularized incomplete beta function: P(X ≤ k) = I_{1−p}(n − k, k + 1).
	return mathext.RegIncBeta(float64(n-k), float64(k+1), 1-p)
}

// ForcedChoice is CanlabCore's two-alternative forced choice (roc_plot(..., 'twochoice'),
// NUMERICS.md §9) on paired scores: a pair is a hit when its first member scores above the second
// (ties are misses), accuracy = hits/n with SE √(acc(1−acc)/n), the binomial p-value of CanlabCore's
// binotest against 0.5 — 2·min(P(X ≤ hits), P(X ≥ hits)), not capped at 1, as there — the
// Clopper-Pearson exact 95% interval of the accuracy, and the Gaussian model's d = mean(diff)/sd(diff)
// and d_a = d·√2 (sd with n − 1).
type ForcedChoiceResult struct {
	N, Hits         int
	Accuracy, SE, P float64
	CI              [2]float64
	D, Da           float64
}

// ForcedChoice compares the paired scores a[i] (the condition expected higher) and b[i].
func ForcedChoice(a, b []float64) (*ForcedChoiceResult, error) {
	n := len(a)
	if n != len(b) || n < 2 {
		return nil, fmt.Errorf("forced choice needs at least 2 pairs of scores, got %d and %d", len(a), len(b))
	}
	r := &ForcedChoiceResult{N: n}
	diff := make([]float64, n)
	for i := range a {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
			return nil, fmt.Errorf("pair %d has a missing score", i)
		}
		diff[i] = a[i] - b[i]
		if diff[i] > 0 {
			r.Hits++
		}
	}
	r.Accuracy = float64(r.Hits) / float64(n)
	r.SE = math.Sqrt(r.Accuracy * (1 - r.Accuracy) / float64(n))
	r.P = 2 * math.Min(BinomCDF(r.Hits, n, 0.5), 1-BinomCDF(r.Hits-1, n, 0.5))
	r.CI = clopperPearson(r.Hits, n, 0.05)
	m := Mean(diff)
	var ss float64
	for _, d := range diff {
		ss += (d - m) * (d - m)
	}
	sd := math.Sqrt(ss / float64(n-1))
	r.D = m / sd
	r.Da = m / (sd / math.Sqrt2)
	return r, nil
}

// clopperPearson is the exact (Clopper-Pearson) 1 − alpha interval of a binomial proportion:
// Beta(alpha/2; k, n − k + 1) and Beta(1 − alpha/2; k + 1, n − k) quantiles.
func clopperPearson(k, n int, alpha float64) [2]float64 {
	lo, hi := 0.0, 1.0
	if k > 0 {
		lo = mathext.InvRegIncBeta(float64(k), float64(n-k+1), alpha/2)
	}
	if k < n {
		hi = mathext.InvRegIncBeta(float64(k+1), float64(n-k), 1-alpha/2)
	}
	return [2]float64{lo, hi}
}
