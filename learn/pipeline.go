package learn

import (
	"fmt"

	"github.com/painmark/painmark/internal/parallel"
)

// Pipeline is a pipeline of three steps, each fitted on the training data only (scikit-learn's
// Pipeline): a scaler, SelectKBest(f_regression, K), and an estimator. With Regressor nil the
// estimator is Model, the ElasticNet of the RPN and CSps signatures, for which grid searches use
// the warm-started path solver and permutation tests share each fold's design; Regressor, when
// set, is any Estimator (Ridge, SVR, RandomForest, PCRLasso, LogisticRegression, GaussianProcess)
// and replaces Model.
type Pipeline struct {
	// Scaler is "robust" (RobustScaler, the default), "standard" or "none".
	Scaler string `json:"scaler"`
	// K is the number of features SelectKBest keeps (0: all).
	K     int        `json:"k"`
	Model ElasticNet `json:"model"`
	// Regressor, when set, is the pipeline's estimator in place of Model.
	Regressor Regressor `json:"regressor,omitempty"`
}

// Estimator returns the pipeline's last step: Regressor, or Model when Regressor is nil.
func (pl Pipeline) Estimator() Estimator {
	if pl.Regressor != nil {
		return pl.Regressor
	}
	return pl.Model
}

// Steps returns the pipeline's steps in order: the scaler (none for "none"), SelectK and the
// estimator, for a reader who wants them as values (Fit shares the scaler's centred columns with
// the F scores and does not go through them).
func (pl Pipeline) Steps() ([]Transformer, Estimator, error) {
	var steps []Transformer
	switch pl.Scaler {
	case "robust", "":
		steps = append(steps, RobustScaler{})
	case "standard":
		steps = append(steps, StandardScaler{})
	case "none":
	default:
		return nil, nil, fmt.Errorf("unknown scaler %q (robust, standard, none)", pl.Scaler)
	}
	return append(steps, SelectK{K: pl.K}), pl.Estimator(), nil
}

// FittedPipeline is a fitted Pipeline.
type FittedPipeline struct {
	Scaling  *Scaling // nil without a scaler
	Scores   []float64
	Selected []int
	Model    *LinearModel
	// Predictor is the fitted Regressor (Model is nil then); MarshalFitted serialises it.
	Predictor Predictor `json:"-"`
}

// Weights returns the fitted estimator's weights on the selected, scaled features and its
// intercept, or an error naming why the estimator has none (a random forest, a Gaussian process,
// an RBF SVR: their predictions are not x·w + b).
func (f *FittedPipeline) Weights() (coef []float64, intercept float64, err error) {
	if f.Predictor == nil {
		return f.Model.Coef, f.Model.Intercept, nil
	}
	if lp, ok := f.Predictor.(LinearPredictor); ok {
		return lp.Weights()
	}
	return nil, 0, fmt.Errorf("a fitted %s has no feature weights (its prediction is not x·w + b)", modelName(f.Predictor))
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
	return crossValPredict(pl, x, y, splits, nil)
}

// crossValPredict is CrossValPredict with each fold's rows given by data (nil: the split's rows
// of x as they are): the fold's rows, targets and the split renumbered over them.
func crossValPredict(pl Pipeline, x Matrix, y []float64, splits []Split, data func(Split) (Matrix, []float64, Split, error)) ([]float64, error) {
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
		sp, xf, yf, spf := splits[f], x, y, splits[f]
		if data != nil {
			var err error
			if xf, yf, spf, err = data(sp); err != nil {
				errs[f] = fmt.Errorf("fold %d: %w", f, err)
				return
			}
		}
		fit, err := pl.Fit(xf.SelectRows(spf.Train), pick(yf, spf.Train))
		if err != nil {
			errs[f] = fmt.Errorf("fold %d: %w", f, err)
			return
		}
		for k, v := range fit.Predict(xf.SelectRows(spf.Test)) {
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
