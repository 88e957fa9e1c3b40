package learn

import (
	"fmt"

	"github.com/painmark/painmark/internal/parallel"
)

// Pipeline is the model of the RPN and CSps signatures: a scaler, SelectKBest(f_regression, K) and
// ElasticNet, each fitted on the training data only (scikit-learn's Pipeline).
type Pipeline struct {
	// Scaler is "robust" (RobustScaler, the default), "standard" or "none".
	Scaler string
	// K is the number of features SelectKBest keeps (0: all).
	K     int
	Model ElasticNet
	// Regressor, when set, replaces the ElasticNet after the scaler and SelectKBest (the CSps
	// study's nonlinear baselines: an RBF SVR). Grid searches and weight bootstraps are for the
	// ElasticNet pipeline and refuse it.
	Regressor Regressor `json:",omitempty"`
}

// Regressor is an estimator that can follow the scaler and SelectKBest in a Pipeline.
type Regressor interface {
	FitPredictor(x Matrix, y []float64) (Predictor, error)
}

// Predictor is a fitted estimator.
type Predictor interface {
	Predict(x Matrix) []float64
}

// FitPredictor makes SVR a Regressor.
func (s SVR) FitPredictor(x Matrix, y []float64) (Predictor, error) { return s.Fit(x, y) }

// FittedPipeline is a fitted Pipeline.
type FittedPipeline struct {
	Scaling  *Scaling // nil without a scaler
	Scores   []float64
	Selected []int
	Model    *LinearModel
	// Predictor is the fitted Regressor (Model is nil then).
	Predictor Predictor `json:"-"`
}

// Fit fits the steps in order on x, y.
func (pl Pipeline) Fit(x Matrix, y []float64) (*FittedPipeline, error) {
	pre, err := pl.prepare(x, y)
	if err != nil {
		return nil, err
	}
	f := &FittedPipeline{Scaling: pre.Scaling, Scores: pre.Scores, Selected: SelectKBest(pre.Scores, effectiveK(pl.K, x.Cols))}
	if pl.Regressor != nil {
		if f.Predictor, err = pl.Regressor.FitPredictor(pre.Scaled.SelectColumns(f.Selected), y); err != nil {
			return nil, err
		}
		return f, nil
	}
	m, err := pl.Model.Fit(pre.Scaled.SelectColumns(f.Selected), y)
	if err != nil {
		return nil, err
	}
	f.Model = m
	return f, nil
}

// Predict applies the fitted steps to new samples.
func (f *FittedPipeline) Predict(x Matrix) []float64 {
	xs := x
	if f.Scaling != nil {
		xs = f.Scaling.Transform(x)
	}
	if f.Predictor != nil {
		return f.Predictor.Predict(xs.SelectColumns(f.Selected))
	}
	return f.Model.Predict(xs.SelectColumns(f.Selected))
}

// effectiveK is the number of features SelectKBest keeps: K, or all when K is 0 or too large.
func effectiveK(k, p int) int {
	if k <= 0 || k > p {
		return p
	}
	return k
}

// LeaveOneOut returns the out-of-sample prediction of every sample by a pipeline fitted on all the
// others (scikit-learn's cross_val_predict with LeaveOneOut), spread over the cores; the result
// does not depend on the number of workers.
func LeaveOneOut(pl Pipeline, x Matrix, y []float64) ([]float64, error) {
	return CrossValPredict(pl, x, y, LeaveOneOutSplits(x.Rows))
}

// CrossValPredict returns the out-of-fold prediction of every sample (scikit-learn's
// cross_val_predict): for each fold the pipeline is fitted on its training samples and predicts its
// test samples. The folds' test sets must partition the samples (each tested exactly once), as
// scikit-learn requires; folds run on all cores and the result does not depend on their number.
func CrossValPredict(pl Pipeline, x Matrix, y []float64, splits []Split) ([]float64, error) {
	n := x.Rows
	seen := make([]int, n)
	for _, sp := range splits {
		for _, i := range sp.Test {
			if i < 0 || i >= n {
				return nil, fmt.Errorf("fold tests sample %d of %d", i, n)
			}
			seen[i]++
		}
	}
	for i, c := range seen {
		if c != 1 {
			return nil, fmt.Errorf("cross_val_predict needs folds that test every sample exactly once; sample %d is tested %d times", i, c)
		}
	}
	pred := make([]float64, n)
	errs := make([]error, len(splits))
	parallel.For(len(splits), func(f int) {
		sp := splits[f]
		fit, err := pl.Fit(x.SelectRows(sp.Train), pick(y, sp.Train))
		if err != nil {
			errs[f] = fmt.Errorf("fold %d: %w", f, err)
			return
		}
		for k, v := range fit.Predict(x.SelectRows(sp.Test)) {
			pred[sp.Test[k]] = v
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return pred, nil
}
