package signature

import (
	"fmt"
	"math/rand/v2"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
)

// PairComparison compares two signatures' correlations with the same outcome on the same subjects:
// Williams' test of dependent correlations and a paired bootstrap of the difference in r (both
// signatures' predictions resampled together), with its 95% percentile interval.
type PairComparison struct {
	A, B     string
	Williams *stats.DependentCorrelations
	// DiffR is r_A − r_B; DiffCI its bootstrap interval (zero values without bootstraps).
	DiffR  float64
	DiffCI [2]float64
}

// Comparison is several signatures evaluated on one cohort.
type Comparison struct {
	Evaluations []*Evaluation
	Pairs       []PairComparison
}

// Compare applies each signature to its own features of the same subjects (xs[i] for sigs[i], rows
// in the same subject order) and compares them pairwise on the outcome y (standardized as o says,
// by the first signature's target definition). Bootstrap b draws the same subjects for every
// signature, from PCG(o.Seed, 2e9 + b).
func Compare(sigs []*Signature, xs []learn.Matrix, y []float64, o EvalOptions) (*Comparison, error) {
	if len(sigs) < 2 || len(xs) != len(sigs) {
		return nil, fmt.Errorf("need at least two signatures, each with its features (%d signatures, %d tables)", len(sigs), len(xs))
	}
	out, err := sigs[0].OutcomeFlip(y, o.Standardize, o.Flip)
	if err != nil {
		return nil, err
	}
	c := &Comparison{}
	preds := make([][]float64, len(sigs))
	for i, s := range sigs {
		if xs[i].Rows != len(y) {
			return nil, fmt.Errorf("%s: %d subjects, the outcome has %d", s.Name, xs[i].Rows, len(y))
		}
		if preds[i], err = s.Apply(xs[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		e, err := evaluatePredictions(preds[i], out, o)
		if err != nil {
			return nil, err
		}
		c.Evaluations = append(c.Evaluations, e)
	}
	n := len(out)
	for i := 0; i < len(sigs); i++ {
		for j := i + 1; j < len(sigs); j++ {
			w, err := stats.CompareDependentCorrelations(out, preds[i], preds[j])
			if err != nil {
				return nil, fmt.Errorf("%s vs %s: %w", sigs[i].Name, sigs[j].Name, err)
			}
			pc := PairComparison{A: sigs[i].Name, B: sigs[j].Name, Williams: w, DiffR: w.RYA - w.RYB}
			if o.Bootstraps > 0 {
				diffs := make([]float64, o.Bootstraps)
				pa, pb := preds[i], preds[j]
				parallel.For(o.Bootstraps, func(b int) {
					rng := rand.New(rand.NewPCG(o.Seed, uint64(2e9+b)))
					ba, bb, by := make([]float64, n), make([]float64, n), make([]float64, n)
					for k := range by {
						m := rng.IntN(n)
						ba[k], bb[k], by[k] = pa[m], pb[m], out[m]
					}
					diffs[b] = stats.Pearson(ba, by) - stats.Pearson(bb, by)
				})
				pc.DiffCI = stats.PercentileInterval(diffs)
			}
			c.Pairs = append(c.Pairs, pc)
		}
	}
	return c, nil
}
