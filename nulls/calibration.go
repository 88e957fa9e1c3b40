package nulls

import (
	"fmt"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/stats"
)

// FalsePositives is the share of pairs of independent maps that a null model's test calls
// significant.
type FalsePositives struct {
	Method string // the model's name
	Pairs  int
	Rate   float64
}

// FalsePositiveRate tests the Pearson correlation of each pair (maps[2k], maps[2k+1]) of
// independent maps (over the null's space, e.g. stats.SmoothRandomMaps) against the null: x's
// null maps (stream k, so surrogates differ between pairs; reorderings are the same for all)
// against y, two-sided p = (1 + #|r_null| ≥ |r|)/(1 + n) (neuromaps', PermAbs), parcels a null
// leaves empty omitted; the parametric model uses the t test of r. It returns the share of pairs
// with p < alpha: a calibrated null gives about alpha; the parametric test, blind to spatial
// autocorrelation, gives more. Pairs run in parallel.
func FalsePositiveRate(maps [][]float64, null Null, alpha float64) (FalsePositives, error) {
	pairs := len(maps) / 2
	hits := make([]bool, pairs)
	errs := make([]error, pairs)
	parallel.For(pairs, func(k int) {
		x, y := maps[2*k], maps[2*k+1]
		r := stats.Pearson(x, y)
		if null.Draws() == 0 {
			hits[k] = stats.PearsonTestP(r, len(x)) < alpha
			return
		}
		nm, err := null.Maps(x, uint64(k))
		if err != nil {
			errs[k] = err
			return
		}
		rs := make([]float64, len(nm))
		for s, m := range nm {
			rs[s] = stats.PearsonComplete(m, y)
		}
		p, err := stats.PermutationP(r, rs, stats.PermAbs, true)
		errs[k] = err
		hits[k] = p < alpha
	})
	for _, err := range errs {
		if err != nil {
			return FalsePositives{}, fmt.Errorf("%s: %w", null.Model().Name(), err)
		}
	}
	c := 0
	for _, h := range hits {
		if h {
			c++
		}
	}
	return FalsePositives{Method: null.Model().Name(), Pairs: pairs, Rate: float64(c) / float64(pairs)}, nil
}
