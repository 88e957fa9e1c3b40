package learn

import (
	"fmt"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/stats"
)

// CurvePoint is the learning curve at one training-set size: over Repeats random splits, the mean
// and SD of Pearson r and MAE of the pipeline's predictions for the subjects left out.
type CurvePoint struct {
	TrainSize      int
	Repeats        int
	MeanR, SDR     float64
	MeanMAE, SDMAE float64
	R, MAE         []float64 // per repeat
}

// CheckCurveBudget refuses a learning curve's repeat count whose per-repeat r, MAE and error slot
// would exceed the memory budget (internal/budget), so a caller can refuse before any fitting.
func CheckCurveBudget(repeats int) error {
	return budget.Check("learning-curve repeats", int64(repeats), 32)
}

// LearningCurve trains the pipeline (fixed hyperparameters) on random subsets of each size and tests
// it on the remaining subjects (repeat k of a size draws its subset from PCG(seed, size·1e6 + k), so
// the curve is the same for any number of workers): how performance grows with the amount of
// training data. Every size must leave at least 3 subjects to test.
func LearningCurve(pl Pipeline, x Matrix, y []float64, sizes []int, repeats int, seed uint64) ([]CurvePoint, error) {
	n := x.Rows
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if repeats < 2 {
		return nil, fmt.Errorf("%d repeats: need at least 2", repeats)
	}
	if err := CheckCurveBudget(repeats); err != nil {
		return nil, err
	}
	out := make([]CurvePoint, len(sizes))
	for si, size := range sizes {
		if size < 3 || size > n-3 {
			return nil, fmt.Errorf("training size %d of %d subjects: need 3 ≤ size ≤ %d (at least 3 to train and 3 to test)", size, n, n-3)
		}
		pt := CurvePoint{TrainSize: size, Repeats: repeats, R: make([]float64, repeats), MAE: make([]float64, repeats)}
		errs := make([]error, repeats)
		parallel.For(repeats, func(k int) {
			perm := stats.Permutation(seed, uint64(size)*1000000+uint64(k), n)
			train, test := perm[:size], perm[size:]
			fit, err := pl.Fit(x.SelectRows(train), pick(y, train))
			if err != nil {
				errs[k] = fmt.Errorf("training size %d, repeat %d: %w", size, k, err)
				return
			}
			m := PooledMetrics(fit.Predict(x.SelectRows(test)), pick(y, test))
			pt.R[k], pt.MAE[k] = m.R, m.MAE
		})
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		pt.MeanR, pt.SDR = stats.MeanSD(pt.R)
		pt.MeanMAE, pt.SDMAE = stats.MeanSD(pt.MAE)
		out[si] = pt
	}
	return out, nil
}
