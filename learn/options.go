package learn

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/painmark/painmark/table"
)

// ModelOptions name a pipeline and its grid by plain values, as the learn and signature commands
// and study files give them. DefaultModelOptions holds the defaults (the RPN's: RobustScaler,
// K 25, ElasticNet alpha 0.005, l1_ratio 0.999).
type ModelOptions struct {
	// Scaler is robust, standard or none.
	Scaler string
	// K are SelectKBest's K values (the first for a fixed pipeline).
	K []int
	// Alpha and L1Ratio are the ElasticNet's (Alpha also Ridge's) values (the first for a fixed
	// pipeline).
	Alpha, L1Ratio []float64
	// MaxIter and Tol are the ElasticNet's iteration limit and tolerance (scikit-learn's).
	MaxIter int
	Tol     float64
	// Model is the estimator after SelectKBest, one of Models.
	Model string
	// C is the SVR's and the logistic regression's C; Epsilon the SVR's tube (0: none).
	C, Epsilon float64
	// Forest sets the random forest.
	Forest RandomForest
	// Params are further named parameters of the estimator (Tunable's names): the first value
	// sets a fixed pipeline, all of them span a grid.
	Params map[string][]float64
}

// Models are the estimators ModelOptions.Model names.
var Models = []string{"elasticnet", "ridge", "svr-rbf", "svr-linear", "random-forest", "pcr-lasso", "logistic", "gaussian-process"}

// DefaultModelOptions returns the defaults: the RPN pipeline (RobustScaler, SelectKBest K 25,
// ElasticNet alpha 0.005, l1_ratio 0.999 to scikit-learn's tolerance 1e-4 within 100,000 sweeps),
// SVR C 1 and epsilon 0.1, a forest of 100 trees trying all features at every split.
func DefaultModelOptions() ModelOptions {
	return ModelOptions{Scaler: "robust", K: []int{25}, Alpha: []float64{0.005}, L1Ratio: []float64{0.999},
		MaxIter: 100000, Tol: 1e-4, Model: "elasticnet", C: 1, Epsilon: 0.1,
		Forest: RandomForest{Trees: 100, Tree: DecisionTree{MaxFeatures: "1.0", MinSamplesLeaf: 1}}}
}

// Check refuses an unknown model.
func (o ModelOptions) Check() error {
	if err := o.checkValues(); err != nil {
		return err
	}
	if o.Model == "" {
		return nil
	}
	for _, m := range Models {
		if m == o.Model {
			return nil
		}
	}
	return fmt.Errorf("unknown model %q (%s)", o.Model, strings.Join(Models, ", "))
}

// checkValues refuses values that make a fit meaningless or endless: a non-positive iteration limit
// or tolerance, alpha 0 for the ElasticNet (coordinate descent without a penalty: scikit-learn
// advises LinearRegression, and it runs to the iteration limit), a negative or non-finite alpha, an
// l1_ratio outside [0, 1].
func (o ModelOptions) checkValues() error {
	if o.MaxIter < 1 {
		return fmt.Errorf("max-iter %d: the iteration limit must be at least 1", o.MaxIter)
	}
	if !(o.Tol > 0) || math.IsInf(o.Tol, 0) {
		return fmt.Errorf("tol %g: the tolerance must be a positive number", o.Tol)
	}
	for _, a := range o.Alpha {
		if !(a >= 0) || math.IsInf(a, 0) || (a == 0 && (o.Model == "" || o.Model == "elasticnet")) {
			return fmt.Errorf("alpha %g: the ElasticNet needs alpha > 0 (and any alpha must be a finite number, not negative)", a)
		}
	}
	for _, r := range o.L1Ratio {
		if !(r >= 0 && r <= 1) {
			return fmt.Errorf("l1_ratio %g: must lie in [0, 1]", r)
		}
	}
	return nil
}

// Linear tells whether the model's fitted weights exist (elasticnet, ridge, svr-linear,
// pcr-lasso, logistic).
func (o ModelOptions) Linear() bool {
	switch o.Model {
	case "random-forest", "svr-rbf", "gaussian-process":
		return false
	}
	return true
}

// Pipeline builds the fixed pipeline: the first K, alpha and l1_ratio, the first value of each
// named parameter. Model always carries the ElasticNet settings; Regressor is set for the other
// estimators.
func (o ModelOptions) Pipeline() (Pipeline, error) {
	if err := o.Check(); err != nil {
		return Pipeline{}, err
	}
	pl := Pipeline{Scaler: o.Scaler, K: first(o.K), Model: ElasticNet{Alpha: first(o.Alpha), L1Ratio: first(o.L1Ratio), MaxIter: o.MaxIter, Tol: o.Tol}}
	eps := o.Epsilon
	if eps == 0 {
		eps = -1 // SVR's field: 0 is the default 0.1, negative is no tube
	}
	switch o.Model {
	case "ridge":
		pl.Regressor = Ridge{Alpha: first(o.Alpha)}
	case "svr-rbf":
		pl.Regressor = SVR{Kernel: "rbf", C: o.C, Epsilon: eps}
	case "svr-linear":
		pl.Regressor = SVR{Kernel: "linear", C: o.C, Epsilon: eps}
	case "random-forest":
		pl.Regressor = o.Forest
	case "pcr-lasso":
		pl.Regressor = PCRLasso{}
	case "logistic":
		pl.Regressor = LogisticRegression{C: o.C}
	case "gaussian-process":
		pl.Regressor = GaussianProcess{}
	}
	if len(o.Params) == 0 {
		return pl, nil
	}
	firsts := map[string]float64{}
	for name, v := range o.Params {
		if len(v) > 0 {
			firsts[name] = v[0]
		}
	}
	params, err := ParamsOf(firsts)
	if err != nil {
		return pl, err
	}
	return pl.WithCandidate(Candidate{K: pl.K, Alpha: pl.Model.Alpha, L1Ratio: pl.Model.L1Ratio, Params: params})
}

// Grid builds the search grid: K x alpha x l1_ratio for the ElasticNet, K x alpha (and Params)
// for Ridge, K x Params for the other estimators.
func (o ModelOptions) Grid() Grid {
	switch o.Model {
	case "", "elasticnet":
		return Grid{K: o.K, Alpha: o.Alpha, L1Ratio: o.L1Ratio, Params: o.Params}
	case "ridge":
		p := maps.Clone(o.Params)
		if p == nil {
			p = map[string][]float64{}
		}
		if _, ok := p["alpha"]; !ok {
			p["alpha"] = o.Alpha
		}
		return Grid{K: o.K, Params: p}
	}
	return Grid{K: o.K, Params: o.Params}
}

func first[T any](v []T) T {
	var zero T
	if len(v) == 0 {
		return zero
	}
	return v[0]
}

// Dataset is a subjects x features matrix with the features' names and the target, the input of
// the learn workflows (features.Load reads one from a feature table).
type Dataset struct {
	Subjects []string
	Features []string
	X        Matrix
	Y        []float64 // nil without a target
	// Persons are the rows' persons (participant_id) when some person has several rows
	// (repeated measures, features.Table.Groups); nil when every row is another person.
	// Cross-validation then groups by person (PersonCV).
	Persons []string
}

// CheckUngrouped refuses a resampling that treats rows as independent (what names it) on rows
// that repeat persons.
func (d *Dataset) CheckUngrouped(what string) error {
	if d.Persons == nil {
		return nil
	}
	return fmt.Errorf("%s treats rows as independent, and the rows repeat persons (runs kept as repeated measures): combine each person's runs into one row (combine mean or concat)", what)
}

// NewDataset makes a Dataset of subjects x features values held row by row (a feature table's
// Data) and a target (nil for none).
func NewDataset(subjects, features []string, data, y []float64) (*Dataset, error) {
	if len(data) != len(subjects)*len(features) {
		return nil, fmt.Errorf("%d values for %d subjects x %d features", len(data), len(subjects), len(features))
	}
	if y != nil && len(y) != len(subjects) {
		return nil, fmt.Errorf("%d targets for %d subjects", len(y), len(subjects))
	}
	d := &Dataset{Subjects: subjects, Features: features, X: Matrix{Rows: len(subjects), Cols: len(features), Data: data}, Y: y}
	if y != nil {
		if err := CheckTraining(d.X, y); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// CheckTraining refuses training data from which no model can learn and whose cross-validated
// statistics would be artefacts: a constant outcome (nothing to predict), features that are all
// constant across the subjects (every model predicts the training mean, and leave-one-out then
// gives r = -1 exactly, whatever the data), or features that all vary in one subject only (the
// fold leaving that subject out has every feature constant across its training subjects, and
// every other fold learns from that one subject: leave-one-out gave r = -0.999 on pure noise).
// Features of which only some are constant are kept: RobustScaler leaves them at zero and
// SelectKBest scores them 0 (scikit-learn's f_regression with force_finite).
func CheckTraining(x Matrix, y []float64) error {
	if len(y) > 0 && !slices.ContainsFunc(y, func(v float64) bool { return v != y[0] }) {
		return fmt.Errorf("the outcome is constant (%g for all %d subjects): there is nothing to predict", y[0], len(y))
	}
	if x.Rows < 2 || x.Cols == 0 {
		return nil
	}
	odd := -1 // the one row in which features vary, if any
	for j := 0; j < x.Cols; j++ {
		r, ok := oddRow(x, j)
		if !ok || (r >= 0 && odd >= 0 && r != odd) {
			return nil // a feature varies in several rows, or two features in different rows
		}
		if r >= 0 {
			odd = r
		}
	}
	if odd < 0 {
		return fmt.Errorf("every one of the %d features is constant across the %d subjects: no model can learn from them (leave-one-out would give r = -1 whatever the outcome)", x.Cols, x.Rows)
	}
	return fmt.Errorf("every one of the %d features takes one value in all %d subjects but the %s (data row %d): left out, the others' features are constant, and every other fold learns from that subject alone (leave-one-out would give r close to -1 whatever the outcome)", x.Cols, x.Rows, ordinal(odd+1), odd+1)
}

// oddRow says whether column j of x takes one value in all rows but at most one (ok), and which
// row differs (-1 when none).
func oddRow(x Matrix, j int) (row int, ok bool) {
	at := func(i int) float64 { return x.Data[i*x.Cols+j] }
	common := at(0)
	if x.Rows >= 3 && at(0) != at(1) && at(0) != at(2) { // row 0 is the odd one, or several differ
		common = at(1)
	}
	row = -1
	for i := 0; i < x.Rows; i++ {
		if at(i) != common {
			if row >= 0 || x.Rows < 3 { // with two subjects, only constant features are refused
				return 0, false
			}
			row = i
		}
	}
	return row, true
}

// ordinal writes 1st, 2nd, 3rd, 4th, 11th, 22nd ...
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// ReadGroups reads the group labels (sites, sessions) of the subjects from a participants table
// column given as TABLE:COLUMN (table.ParseColumnRef), for group-wise folds; an empty spec reads
// none.
func ReadGroups(spec string, subjects []string) ([]string, error) {
	return ReadLabels(spec, "--groups", subjects)
}

// ReadLabels reads the labels of the subjects from spec, a participants table's TABLE:COLUMN
// (flag names the option in errors); nil when spec is empty.
func ReadLabels(spec, flag string, subjects []string) ([]string, error) {
	if spec == "" {
		return nil, nil
	}
	ref, err := table.ParseColumnRef(spec, flag)
	if err != nil {
		return nil, err
	}
	pt, err := table.ReadParticipants(ref.Path, "", nil)
	if err != nil {
		return nil, err
	}
	return pt.Labels(subjects, ref.Column)
}

// ParseParams reads named estimator parameters written NAME=V1,V2,... (one per entry, as
// --param gives them).
func ParseParams(specs []string) (map[string][]float64, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	out := map[string][]float64{}
	for _, s := range specs {
		name, values, ok := strings.Cut(s, "=")
		if !ok || name == "" || values == "" {
			return nil, fmt.Errorf("--param %q: want NAME=V1,V2,... (e.g. C=0.1,1,10)", s)
		}
		for _, v := range strings.Split(values, ",") {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return nil, fmt.Errorf("--param %q: %q is not a number", s, v)
			}
			out[name] = append(out[name], f)
		}
	}
	return out, nil
}
