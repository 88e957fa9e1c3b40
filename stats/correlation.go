package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DependentCorrelations compares two correlations that share a variable, measured on the same
// subjects: r_ya = corr(y, a) and r_yb = corr(y, b), with r_ab = corr(a, b) (two signatures'
// predictions of one outcome). It is Williams' test as Steiger (1980, Psychol Bull 87:245, eq. 14)
// recommends it: T2 = (r_ya − r_yb)·√[(n − 1)(1 + r_ab) / (2·(n − 1)/(n − 3)·|R| + r̄²(1 − r_ab)³)],
// |R| = 1 − r_ya² − r_yb² − r_ab² + 2·r_ya·r_yb·r_ab, r̄ = (r_ya + r_yb)/2, Student t with n − 3
// degrees of freedom, two-sided p.
type DependentCorrelations struct {
	RYA, RYB, RAB float64
	N             int
	T, DF, P      float64
}

// CompareDependentCorrelations runs Williams' test on y, a and b (same subjects, no NaN).
func CompareDependentCorrelations(y, a, b []float64) (*DependentCorrelations, error) {
	n := len(y)
	if len(a) != n || len(b) != n {
		return nil, fmt.Errorf("%d outcomes, %d and %d predictions", n, len(a), len(b))
	}
	if n < 4 {
		return nil, fmt.Errorf("Williams' test needs at least 4 subjects, got %d", n)
	}
	d := &DependentCorrelations{RYA: Pearson(y, a), RYB: Pearson(y, b), RAB: Pearson(a, b), N: n, DF: float64(n - 3)}
	for _, r := range []float64{d.RYA, d.RYB, d.RAB} {
		if math.IsNaN(r) {
			return nil, fmt.Errorf("a correlation is undefined (a constant variable)")
		}
	}
	det := 1 - d.RYA*d.RYA - d.RYB*d.RYB - d.RAB*d.RAB + 2*d.RYA*d.RYB*d.RAB
	rbar := (d.RYA + d.RYB) / 2
	fn := float64(n)
	den := 2*(fn-1)/(fn-3)*det + rbar*rbar*math.Pow(1-d.RAB, 3)
	if !(den > 0) {
		// Identical predictions (r_ab = 1, |R| = 0): no difference to test.
		d.T, d.P = 0, 1
		return d, nil
	}
	d.T = (d.RYA - d.RYB) * math.Sqrt((fn-1)*(1+d.RAB)/den)
	d.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: d.DF}.Survival(math.Abs(d.T))
	return d, nil
}
