package learn

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Estimator is painmark's estimator contract, scikit-learn's expressed the Go way: the value holds
// hyperparameters only, and FitPredictor returns the fitted model as a new immutable value (safe to
// share between goroutines), never mutating the receiver. Every estimator of the package is one:
// ElasticNet, Ridge, SVR, RandomForest, DecisionTree, PCRLasso, LogisticRegression,
// GaussianProcess and CPM; any of them can be the last step of a Pipeline and works in CrossValPredict,
// Search, PermutationTest and Bootstrap (weights where the fitted model is linear).
type Estimator interface {
	FitPredictor(x Matrix, y []float64) (Predictor, error)
}

// Regressor is the former name of Estimator.
type Regressor = Estimator

// Predictor is a fitted estimator: one prediction per row of a samples x features matrix.
type Predictor interface {
	Predict(x Matrix) []float64
}

// LinearPredictor is a fitted model whose prediction is x·Coef + Intercept; Weights returns them,
// or an error saying why this fit has none (an SVR with an RBF kernel).
type LinearPredictor interface {
	Predictor
	Weights() (coef []float64, intercept float64, err error)
}

// Transformer is a preprocessing step fitted on training data only (scikit-learn's
// TransformerMixin): RobustScaler, StandardScaler and SelectK.
type Transformer interface {
	FitTransformer(x Matrix, y []float64) (FittedTransformer, error)
}

// FittedTransformer is a fitted preprocessing step.
type FittedTransformer interface {
	Transform(x Matrix) Matrix
}

// Tunable is an estimator with named hyperparameters a Grid can vary (scikit-learn's set_params):
// WithParam returns a copy with one parameter set, and an error naming the parameters it has when
// name is not one of them.
type Tunable interface {
	WithParam(name string, v float64) (Estimator, error)
}

// FitTransformer makes RobustScaler a Transformer.
func (r RobustScaler) FitTransformer(x Matrix, _ []float64) (FittedTransformer, error) {
	return r.Fit(x)
}

// FitTransformer makes StandardScaler a Transformer.
func (s StandardScaler) FitTransformer(x Matrix, _ []float64) (FittedTransformer, error) {
	return s.Fit(x)
}

// SelectK is scikit-learn's SelectKBest(f_regression, k) as a Transformer (K 0 or too large: all).
type SelectK struct{ K int }

// Selection is a fitted SelectK: the F scores and the kept columns, in SelectKBest's order.
type Selection struct {
	Scores   []float64
	Selected []int
}

// FitTransformer ranks the columns by their F statistic with y and keeps the best K.
func (s SelectK) FitTransformer(x Matrix, y []float64) (FittedTransformer, error) {
	if x.Rows != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", x.Rows, len(y))
	}
	scores := FRegression(x, y)
	return &Selection{Scores: scores, Selected: SelectKBest(scores, effectiveK(s.K, x.Cols))}, nil
}

// Transform keeps the selected columns.
func (s *Selection) Transform(x Matrix) Matrix { return x.SelectColumns(s.Selected) }

// FitPredictor makes ElasticNet an Estimator.
func (e ElasticNet) FitPredictor(x Matrix, y []float64) (Predictor, error) { return e.Fit(x, y) }

// FitPredictor makes Ridge an Estimator.
func (r Ridge) FitPredictor(x Matrix, y []float64) (Predictor, error) { return r.Fit(x, y) }

// FitPredictor makes SVR an Estimator.
func (s SVR) FitPredictor(x Matrix, y []float64) (Predictor, error) { return s.Fit(x, y) }

// FitPredictor makes RandomForest an Estimator.
func (f RandomForest) FitPredictor(x Matrix, y []float64) (Predictor, error) { return f.Fit(x, y) }

// FitPredictor makes DecisionTree an Estimator.
func (d DecisionTree) FitPredictor(x Matrix, y []float64) (Predictor, error) { return d.Fit(x, y) }

// FitPredictor makes PCRLasso an Estimator: the relaxed model of the path with Select components
// (the largest model when Select is 0 or more than the path reaches).
func (pr PCRLasso) FitPredictor(x Matrix, y []float64) (Predictor, error) {
	path, err := pr.Fit(x, y)
	if err != nil {
		return nil, err
	}
	if len(path.Models) == 0 {
		return nil, fmt.Errorf("PCR-lasso: the lasso path selected no component")
	}
	best := &path.Models[len(path.Models)-1]
	for i := range path.Models {
		if pr.Select > 0 && len(path.Models[i].Selected) <= pr.Select {
			best = &path.Models[i]
		}
	}
	return best, nil
}

// FitPredictor makes LogisticRegression an Estimator of a binary (0/1) target. Its prediction is
// the probability P(y = 1 | x) (predict_proba[:, 1]), or with Output "decision" the decision
// function x·w + b (decision_function); both rank samples alike, so pooled_roc_auc is the same.
func (lr LogisticRegression) FitPredictor(x Matrix, y []float64) (Predictor, error) {
	switch lr.Output {
	case "", "probability", "decision":
	default:
		return nil, fmt.Errorf("logistic regression output %q (probability, decision)", lr.Output)
	}
	m, err := lr.Fit(x, y)
	if err != nil {
		return nil, err
	}
	return &LogisticScore{Model: m, Decision: lr.Output == "decision"}, nil
}

// LogisticScore is a fitted logistic regression as a Predictor: the probability of class 1, or
// the decision function when Decision is set.
type LogisticScore struct {
	Model    *LogisticModel
	Decision bool
}

// Predict returns the probability or the decision function of every row.
func (s *LogisticScore) Predict(x Matrix) []float64 {
	if s.Decision {
		return s.Model.DecisionFunction(x)
	}
	return s.Model.PredictProba(x)
}

// Weights are the decision function's weights (the log-odds are x·Coef + Intercept).
func (s *LogisticScore) Weights() ([]float64, float64, error) {
	return s.Model.Coef, s.Model.Intercept, nil
}

// FitPredictor makes GaussianProcess an Estimator whose prediction is the posterior mean.
func (g GaussianProcess) FitPredictor(x Matrix, y []float64) (Predictor, error) {
	f, err := g.Fit(x, y)
	if err != nil {
		return nil, err
	}
	return &GPMean{f}, nil
}

// GPMean is a fitted Gaussian process as a Predictor: the posterior mean of every row.
type GPMean struct{ *FittedGP }

// Predict returns the posterior mean at every row of x.
func (g *GPMean) Predict(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	for i := range out {
		out[i], _, _ = g.FittedGP.Predict(x.Data[i*x.Cols : (i+1)*x.Cols])
	}
	return out
}

// Weights returns the linear model's coefficients and intercept.
func (m *LinearModel) Weights() ([]float64, float64, error) { return m.Coef, m.Intercept, nil }

// Weights returns the relaxed model's coefficients on the features and intercept.
func (m *RelaxedModel) Weights() ([]float64, float64, error) { return m.Coef, m.Intercept, nil }

// Weights returns w = Σ β_i x_i and the intercept of a linear-kernel SVR; an RBF SVR has none.
func (m *SVRModel) Weights() ([]float64, float64, error) {
	if m.Coef == nil {
		return nil, 0, fmt.Errorf("an SVR with the %s kernel has no feature weights (its prediction is not x·w + b)", m.Kernel)
	}
	return m.Coef, m.Intercept, nil
}

// WithParam sets alpha or l1_ratio (scikit-learn's names).
func (e ElasticNet) WithParam(name string, v float64) (Estimator, error) {
	switch name {
	case "alpha":
		e.Alpha = v
	case "l1_ratio":
		e.L1Ratio = v
	default:
		return nil, unknownParam("ElasticNet", name, "alpha", "l1_ratio")
	}
	return e, nil
}

// WithParam sets alpha.
func (r Ridge) WithParam(name string, v float64) (Estimator, error) {
	if name != "alpha" {
		return nil, unknownParam("Ridge", name, "alpha")
	}
	r.Alpha = v
	return r, nil
}

// WithParam sets C, epsilon or gamma (scikit-learn's names; epsilon 0 is a tube of width 0 here).
func (s SVR) WithParam(name string, v float64) (Estimator, error) {
	switch name {
	case "C":
		s.C = v
	case "epsilon":
		s.Epsilon = v
		if v == 0 {
			s.Epsilon = -1
		}
	case "gamma":
		s.Gamma = v
	default:
		return nil, unknownParam("SVR", name, "C", "epsilon", "gamma")
	}
	return s, nil
}

// WithParam sets n_estimators, max_depth, min_samples_leaf, min_samples_split or max_features (a
// count or fraction).
func (f RandomForest) WithParam(name string, v float64) (Estimator, error) {
	if name == "n_estimators" {
		n, err := intParam(name, v)
		f.Trees = n
		return f, err
	}
	t, err := f.Tree.WithParam(name, v)
	if err != nil {
		return nil, unknownParam("RandomForest", name, "n_estimators", "max_depth", "min_samples_leaf", "min_samples_split", "max_features")
	}
	f.Tree = t.(DecisionTree)
	return f, nil
}

// WithParam sets max_depth, min_samples_leaf, min_samples_split or max_features (a count or
// fraction).
func (d DecisionTree) WithParam(name string, v float64) (Estimator, error) {
	var err error
	switch name {
	case "max_depth":
		d.MaxDepth, err = intParam(name, v)
	case "min_samples_leaf":
		d.MinSamplesLeaf, err = intParam(name, v)
	case "min_samples_split":
		d.MinSamplesSplit, err = intParam(name, v)
	case "max_features":
		d.MaxFeatures = strconv.FormatFloat(v, 'g', -1, 64)
		if v == math.Trunc(v) && v > 1 {
			d.MaxFeatures = strconv.Itoa(int(v))
		}
	default:
		return nil, unknownParam("DecisionTree", name, "max_depth", "min_samples_leaf", "min_samples_split", "max_features")
	}
	return d, err
}

// WithParam sets components (PCA components kept) or select (components of the relaxed model).
func (pr PCRLasso) WithParam(name string, v float64) (Estimator, error) {
	var err error
	switch name {
	case "components":
		pr.Components, err = intParam(name, v)
	case "select":
		pr.Select, err = intParam(name, v)
	default:
		return nil, unknownParam("PCRLasso", name, "components", "select")
	}
	return pr, err
}

// WithParam sets C.
func (lr LogisticRegression) WithParam(name string, v float64) (Estimator, error) {
	if name != "C" {
		return nil, unknownParam("LogisticRegression", name, "C")
	}
	lr.C = v
	return lr, nil
}

func unknownParam(model, name string, known ...string) error {
	return fmt.Errorf("%s has no parameter %q (it has %v)", model, name, known)
}

func intParam(name string, v float64) (int, error) {
	if v != math.Trunc(v) || v < 0 || v > math.MaxInt32 {
		return 0, fmt.Errorf("%s %g: need a whole number ≥ 0", name, v)
	}
	return int(v), nil
}

// paramNames returns the names of a parameter grid in scikit-learn's ParameterGrid order (sorted).
func paramNames(params map[string][]float64) []string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// RowMatrix packs rows of equal length (one sample each) into a samples x features Matrix.
func RowMatrix(rows [][]float64) (Matrix, error) {
	if len(rows) == 0 {
		return Matrix{}, nil
	}
	m := Matrix{Rows: len(rows), Cols: len(rows[0]), Data: make([]float64, 0, len(rows)*len(rows[0]))}
	for i, r := range rows {
		if len(r) != m.Cols {
			return Matrix{}, fmt.Errorf("row %d has %d values, row 0 has %d", i, len(r), m.Cols)
		}
		m.Data = append(m.Data, r...)
	}
	return m, nil
}
