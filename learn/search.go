package learn

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/painmark/painmark/internal/legacyjson"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/stats"
)

// Grid is a hyperparameter grid over a Pipeline: SelectKBest's K, the ElasticNet's alpha and
// l1_ratio (for the ElasticNet pipeline), and the estimator's other named parameters (Params,
// scikit-learn's names as Tunable takes them, e.g. "C", "gamma", "alpha" of Ridge) for a pipeline
// whose Regressor is set.
type Grid struct {
	K       []int                `json:"k"`
	Alpha   []float64            `json:"alpha"`
	L1Ratio []float64            `json:"l1_ratio"`
	Params  map[string][]float64 `json:"params,omitempty"`
}

// CSpsGrid has the shape of the corticospinal pain sensitivity signature's search (Lin et al. 2025):
// 17 values of K x 8 alphas x 6 l1_ratios = 816 candidates. The paper gives the shape; these values
// span PAINTeR's grid (K 20-80, alpha .001-.5, l1_ratio .999) outwards, and are painmark's choice:
// pass your own grid where a study fixes one.
var CSpsGrid = Grid{
	K:       []int{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 150, 200, 300, 500, 1000, 2000, 5000},
	Alpha:   []float64{0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1},
	L1Ratio: []float64{0.1, 0.3, 0.5, 0.7, 0.9, 0.999},
}

// Candidate is one point of the grid (Params: the estimator's named parameters). Candidates are
// comparable values (==).
type Candidate struct {
	K       int         `json:"k"`
	Alpha   float64     `json:"alpha"`
	L1Ratio float64     `json:"l1_ratio"`
	Params  ParamValues `json:"params,omitzero"`
}

// UnmarshalJSON reads a candidate, also as painmark wrote it before its keys were snake_case.
func (c *Candidate) UnmarshalJSON(b []byte) error {
	type plain Candidate
	b, err := legacyjson.Rename(b, map[string]string{"L1Ratio": "l1_ratio"})
	if err != nil {
		return err
	}
	return json.Unmarshal(b, (*plain)(c))
}

// MaxParams is the number of named parameters a grid can vary.
const MaxParams = 8

// ParamValues are a candidate's named parameters, in name order, in a fixed-size array so that
// candidates stay comparable; their JSON is an object {"name": value, ...}.
type ParamValues [MaxParams]ParamValue

// ParamValue is one named parameter's value.
type ParamValue struct {
	Name  string
	Value float64
}

// Len is the number of parameters set.
func (p ParamValues) Len() int {
	n := 0
	for n < len(p) && p[n].Name != "" {
		n++
	}
	return n
}

// Get returns the value of the named parameter.
func (p ParamValues) Get(name string) (float64, bool) {
	for _, v := range p[:p.Len()] {
		if v.Name == name {
			return v.Value, true
		}
	}
	return 0, false
}

// Map returns the parameters as a map.
func (p ParamValues) Map() map[string]float64 {
	m := map[string]float64{}
	for _, v := range p[:p.Len()] {
		m[v.Name] = v.Value
	}
	return m
}

// ParamsOf packs named parameters (at most MaxParams) in name order.
func ParamsOf(m map[string]float64) (ParamValues, error) {
	var p ParamValues
	if len(m) > MaxParams {
		return p, fmt.Errorf("%d named parameters; a grid varies at most %d", len(m), MaxParams)
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		p[i] = ParamValue{name, m[name]}
	}
	return p, nil
}

// MarshalJSON writes the parameters as a JSON object.
func (p ParamValues) MarshalJSON() ([]byte, error) { return json.Marshal(p.Map()) }

// UnmarshalJSON reads a JSON object of parameters.
func (p *ParamValues) UnmarshalJSON(b []byte) error {
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	v, err := ParamsOf(m)
	*p = v
	return err
}

// String writes the parameters as name=value pairs.
func (p ParamValues) String() string {
	var b strings.Builder
	for i, v := range p[:p.Len()] {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%g", v.Name, v.Value)
	}
	return b.String()
}

// Candidates lists the grid in scikit-learn's ParameterGrid order: parameter names sorted
// alphabetically (fsel__k, model__alpha, model__l1_ratio; fsel__k then the estimator's Params by
// name), the last varying fastest. A grid without Alpha and L1Ratio varies K and Params only.
func (g Grid) Candidates() []Candidate {
	var out []Candidate
	if len(g.Alpha) == 0 && len(g.L1Ratio) == 0 {
		names := paramNames(g.Params)
		if len(names) > MaxParams {
			return nil // refused by checkEstimatorGrid
		}
		for _, k := range g.K {
			points := []ParamValues{{}}
			for i, name := range names {
				var next []ParamValues
				for _, pt := range points {
					for _, v := range g.Params[name] {
						pt[i] = ParamValue{name, v}
						next = append(next, pt)
					}
				}
				points = next
			}
			for _, pt := range points {
				out = append(out, Candidate{K: k, Params: pt})
			}
		}
		return out
	}
	for _, k := range g.K {
		for _, a := range g.Alpha {
			for _, r := range g.L1Ratio {
				out = append(out, Candidate{K: k, Alpha: a, L1Ratio: r})
			}
		}
	}
	return out
}

// WithCandidate returns the pipeline with a candidate's settings: K, and alpha and l1_ratio of the
// ElasticNet, or the named Params of the Regressor (which must be Tunable).
func (pl Pipeline) WithCandidate(c Candidate) (Pipeline, error) {
	pl.K = c.K
	if pl.Regressor == nil {
		if c.Params.Len() > 0 {
			return pl, fmt.Errorf("the ElasticNet pipeline's grid is K, alpha and l1_ratio; named parameters %v given", c.Params)
		}
		pl.Model.Alpha, pl.Model.L1Ratio = c.Alpha, c.L1Ratio
		return pl, nil
	}
	for _, v := range c.Params[:c.Params.Len()] {
		t, ok := pl.Regressor.(Tunable)
		if !ok {
			return pl, fmt.Errorf("%T has no named parameters to search", pl.Regressor)
		}
		e, err := t.WithParam(v.Name, v.Value)
		if err != nil {
			return pl, err
		}
		pl.Regressor = e
	}
	return pl, nil
}

// Scoring names a cross-validation objective (larger is better, as scikit-learn's scorers).
type Scoring string

// The scorings. The negated losses are per-fold means, as GridSearchCV computes them (under
// leave-one-out they equal the pooled losses). The correlation, R² and AUC are computed once on the
// pooled out-of-fold predictions of each candidate: per fold they are undefined under leave-one-out
// (scikit-learn #5097), and a mean of per-fold values is not the quantity studies report.
const (
	NegMSE    Scoring = "neg_mean_squared_error"
	NegMAE    Scoring = "neg_mean_absolute_error"
	PooledR   Scoring = "pooled_r"
	PooledR2  Scoring = "pooled_r2"
	PooledAUC Scoring = "pooled_roc_auc"
)

// pooled tells whether the objective is computed on pooled predictions.
func (s Scoring) pooled() bool { return s == PooledR || s == PooledR2 || s == PooledAUC }

func foldScore(s Scoring, pred, truth []float64) float64 {
	var sum float64
	for i := range pred {
		e := pred[i] - truth[i]
		if s == NegMAE {
			sum += math.Abs(e)
		} else {
			sum += e * e
		}
	}
	return -sum / float64(len(pred))
}

// pooledScore is a pooled objective of predictions against the truth.
func pooledScore(s Scoring, pred, truth []float64) float64 {
	switch s {
	case PooledR:
		return stats.Pearson(pred, truth)
	case PooledR2:
		return PooledMetrics(pred, truth).R2
	}
	auc, err := ROCAUC(pred, truth)
	if err != nil {
		return math.NaN()
	}
	return auc
}

// ROCAUC is the area under the ROC curve of scores for a binary truth (1 positive, 0 negative), as
// scikit-learn's roc_auc_score: the Mann-Whitney probability that a positive scores above a
// negative, ties counting one half.
func ROCAUC(score, truth []float64) (float64, error) {
	type item struct{ s, y float64 }
	items := make([]item, len(score))
	var pos, neg float64
	for i := range score {
		if truth[i] != 0 && truth[i] != 1 {
			return 0, fmt.Errorf("AUC needs a binary target (0/1), got %g", truth[i])
		}
		items[i] = item{score[i], truth[i]}
		pos += truth[i]
	}
	neg = float64(len(score)) - pos
	if pos == 0 || neg == 0 {
		return 0, fmt.Errorf("AUC needs both classes, got %g positives and %g negatives", pos, neg)
	}
	sort.Slice(items, func(a, b int) bool { return items[a].s < items[b].s })
	// Rank sum of the positives with average ranks for ties.
	var rankSum float64
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j].s == items[i].s {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			rankSum += avg * items[k].y
		}
		i = j
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg), nil
}

// Split is one cross-validation fold.
type Split struct{ Train, Test []int }

// LeaveOneOutSplits are scikit-learn's LeaveOneOut folds, in sample order.
func LeaveOneOutSplits(n int) []Split {
	out := make([]Split, n)
	for i := range out {
		tr := make([]int, 0, n-1)
		for k := 0; k < n; k++ {
			if k != i {
				tr = append(tr, k)
			}
		}
		out[i] = Split{Train: tr, Test: []int{i}}
	}
	return out
}

// SearchResult is a grid search's outcome.
type SearchResult struct {
	Candidates []Candidate
	// MeanScore[c] is candidate c's unweighted mean of fold scores, or for a pooled objective its
	// score on the pooled out-of-fold predictions (NaN counts as worst).
	MeanScore []float64
	// FoldScores[f][c] is candidate c's score on fold f (scikit-learn's split<f>_test_score); nil
	// for a pooled objective.
	FoldScores [][]float64
	Best       int
	// Refit is the pipeline with the best candidate fitted on all the data.
	Refit *FittedPipeline
	// NotConverged counts the fits (fold x candidate) of PathGridSearch that reached MaxIter sweeps
	// before the duality gap fell below Tol.
	NotConverged int
}

// GridSearch is scikit-learn's GridSearchCV over the RPN pipeline (base gives the scaler and the
// ElasticNet's MaxIter and Tol): every candidate is evaluated on every fold with every step fitted
// on the fold's training data; the best candidate has the highest mean score, the first in grid
// order among ties; it is then refitted on all the data. The scaler and the F-score ranking of a
// fold do not depend on the candidate, so they are computed once per fold and shared. Each
// ElasticNet starts from zero, as scikit-learn's, so at a loose Tol the scores follow scikit-learn's
// iterates too; PathGridSearch gives the converged answer much faster.
func GridSearch(base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64, splits []Split) (*SearchResult, error) {
	if err := checkEstimatorGrid(base, g); err != nil {
		return nil, err
	}
	res, err := runSearch(g, scoring, y, splits, func(sp Split) ([][]float64, int, error) {
		preds, err := foldPredictions(base, g.Candidates(), x, y, sp)
		return preds, 0, err
	})
	if err != nil {
		return nil, err
	}
	if err := res.refit(base, x, y); err != nil {
		return nil, err
	}
	return res, nil
}

// runSearch checks the grid and the objective, predicts every fold's test samples with every
// candidate (folds spread over the cores; the fold function returns candidate x test-sample
// predictions and its count of unconverged fits), scores them and picks the best candidate.
func runSearch(g Grid, scoring Scoring, y []float64, splits []Split, fold func(Split) ([][]float64, int, error)) (*SearchResult, error) {
	cands := g.Candidates()
	if len(cands) == 0 {
		return nil, fmt.Errorf("empty grid")
	}
	if err := checkScoring(scoring); err != nil {
		return nil, err
	}
	if err := checkGrid(g); err != nil {
		return nil, err
	}
	preds := make([][][]float64, len(splits)) // fold x candidate x test sample
	notConv := make([]int, len(splits))
	errs := make([]error, len(splits))
	parallel.ForProgress(len(splits), progress.Loop("grid search: folds"), func(f int) {
		preds[f], notConv[f], errs[f] = fold(splits[f])
	})
	for f, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f, err)
		}
	}
	var res *SearchResult
	var err error
	if scoring.pooled() {
		res, err = bestPooled(cands, scoring, y, splits, preds)
	} else {
		scores := make([][]float64, len(splits))
		for f, sp := range splits {
			truth := pick(y, sp.Test)
			scores[f] = make([]float64, len(cands))
			for c := range cands {
				scores[f][c] = foldScore(scoring, preds[f][c], truth)
			}
		}
		res, err = bestCandidate(cands, scores)
	}
	if err != nil {
		return nil, err
	}
	for _, c := range notConv {
		res.NotConverged += c
	}
	return res, nil
}

// bestPooled scores every candidate once on its pooled out-of-fold predictions (the samples the
// folds test) and picks the best with GridSearchCV's rule.
func bestPooled(cands []Candidate, scoring Scoring, y []float64, splits []Split, preds [][][]float64) (*SearchResult, error) {
	var truth []float64
	for _, sp := range splits {
		truth = append(truth, pick(y, sp.Test)...)
	}
	scores := make([]float64, len(cands))
	pooled := make([]float64, 0, len(truth))
	for c := range cands {
		pooled = pooled[:0]
		for f := range splits {
			pooled = append(pooled, preds[f][c]...)
		}
		scores[c] = pooledScore(scoring, pooled, truth)
	}
	res, err := bestCandidate(cands, [][]float64{scores})
	if err != nil {
		return nil, err
	}
	res.FoldScores = nil // one pooled score per candidate, not per fold
	return res, nil
}

// checkScoring refuses an objective the searches do not know.
func checkScoring(s Scoring) error {
	switch s {
	case NegMSE, NegMAE, PooledR, PooledR2, PooledAUC:
		return nil
	}
	return fmt.Errorf("unknown scoring %q (%s, %s, %s, %s, %s)", s, NegMSE, NegMAE, PooledR, PooledR2, PooledAUC)
}

// bestCandidate averages the fold x candidate scores and picks the best as GridSearchCV: the
// highest mean, the first in grid order among ties, NaN counted as worst.
func bestCandidate(cands []Candidate, scores [][]float64) (*SearchResult, error) {
	res := &SearchResult{Candidates: cands, MeanScore: make([]float64, len(cands)), FoldScores: scores, Best: -1}
	best := math.Inf(-1)
	for c := range cands {
		var s float64
		for f := range scores {
			s += scores[f][c]
		}
		m := s / float64(len(scores))
		res.MeanScore[c] = m
		if !math.IsNaN(m) && (res.Best < 0 || m > best) {
			best, res.Best = m, c
		}
	}
	if res.Best < 0 {
		return nil, fmt.Errorf("every candidate's score is NaN")
	}
	return res, nil
}

// refit fits the best candidate on all the data (GridSearchCV's refit).
func (res *SearchResult) refit(base Pipeline, x Matrix, y []float64) error {
	pl, err := base.WithCandidate(res.Candidates[res.Best])
	if err != nil {
		return err
	}
	fit, err := pl.Fit(x, y)
	if err != nil {
		return err
	}
	res.Refit = fit
	return nil
}

// foldPredictions predicts one fold's test samples with every candidate, sharing the scaler and
// F ranking (candidate x test sample).
func foldPredictions(base Pipeline, cands []Candidate, x Matrix, y []float64, sp Split) ([][]float64, error) {
	xtr, xte := x.SelectRows(sp.Train), x.SelectRows(sp.Test)
	ytr := pick(y, sp.Train)
	prep := base
	prep.K = 0
	pre, err := prep.prepare(xtr, ytr)
	if err != nil {
		return nil, err
	}
	xteS := xte
	if pre.Scaling != nil {
		xteS = pre.Scaling.Transform(xte)
	}
	out := make([][]float64, len(cands))
	for c, cd := range cands {
		pl, err := base.WithCandidate(cd)
		if err != nil {
			return nil, err
		}
		sel := SelectKBest(pre.Scores, effectiveK(cd.K, x.Cols))
		m, err := pl.Estimator().FitPredictor(pre.Scaled.SelectColumns(sel), ytr)
		if err != nil {
			return nil, err
		}
		out[c] = m.Predict(xteS.SelectColumns(sel))
	}
	return out, nil
}

// prepared holds a fold's candidate-independent steps.
type prepared struct {
	Scaling *Scaling
	Scaled  Matrix
	Scores  []float64
	design  *centredDesign // the scaled columns centred, behind Scores and reused by the path solver
}

func (pl Pipeline) prepare(x Matrix, y []float64) (*prepared, error) {
	p := &prepared{Scaled: x}
	switch pl.Scaler {
	case "robust", "":
		s, err := RobustScaler{}.Fit(x)
		if err != nil {
			return nil, err
		}
		p.Scaling, p.Scaled = s, s.Transform(x)
	case "standard":
		s, err := StandardScaler{}.Fit(x)
		if err != nil {
			return nil, err
		}
		p.Scaling, p.Scaled = s, s.Transform(x)
	case "none":
	default:
		return nil, fmt.Errorf("unknown scaler %q (robust, standard, none)", pl.Scaler)
	}
	p.design = newCentredDesign(p.Scaled)
	p.Scores = p.design.fRegression(y)
	return p, nil
}

// Solver names how a grid search fits its ElasticNets.
type Solver string

// The solvers.
const (
	// SolverPath is PathGridSearch: warm-started paths, solved to the duality-gap tolerance (fast;
	// the converged answer).
	SolverPath Solver = "path"
	// SolverExact is GridSearch: every candidate from zero, as scikit-learn (its iterates at a
	// loose tolerance too).
	SolverExact Solver = "exact"
)

// checkEstimatorGrid refuses a grid that does not fit the pipeline's estimator: alpha and
// l1_ratio are the ElasticNet pipeline's, named Params another estimator's.
func checkEstimatorGrid(base Pipeline, g Grid) error {
	if base.Regressor == nil && len(g.Params) > 0 {
		return fmt.Errorf("the ElasticNet pipeline's grid is K, alpha and l1_ratio; named parameters %v are for another estimator", paramNames(g.Params))
	}
	if len(g.Params) > MaxParams {
		return fmt.Errorf("%d named parameters; a grid varies at most %d", len(g.Params), MaxParams)
	}
	if base.Regressor != nil && (len(g.Alpha) > 0 || len(g.L1Ratio) > 0) {
		return fmt.Errorf("alpha and l1_ratio are the ElasticNet's grid; give a %T's parameters by name (Grid.Params)", base.Regressor)
	}
	if base.Regressor == nil && (len(g.Alpha) == 0 || len(g.L1Ratio) == 0) {
		return fmt.Errorf("empty grid: the ElasticNet pipeline needs alpha and l1_ratio values")
	}
	return nil
}

// Search runs the grid search with the named solver. For the ElasticNet pipeline (Regressor nil)
// the solvers are PathGridSearch and GridSearch; a pipeline with any other estimator is searched
// as GridSearch searches (every candidate fitted in every fold), and solver path is its default.
func Search(s Solver, base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64, splits []Split) (*SearchResult, error) {
	if base.Regressor != nil {
		if s != SolverPath && s != SolverExact && s != "" {
			return nil, fmt.Errorf("unknown solver %q (%s, %s)", s, SolverPath, SolverExact)
		}
		return GridSearch(base, g, scoring, x, y, splits)
	}
	switch s {
	case SolverPath, "":
		return PathGridSearch(base, g, scoring, x, y, splits)
	case SolverExact:
		return GridSearch(base, g, scoring, x, y, splits)
	}
	return nil, fmt.Errorf("unknown solver %q (%s, %s)", s, SolverPath, SolverExact)
}

// NestedResult is a nested cross-validation's outcome: each outer fold's chosen candidate and the
// out-of-fold predictions.
type NestedResult struct {
	Chosen      []Candidate
	Predictions []float64
}

// NestedLeaveOneOut runs a grid search (with solver s) with inner leave-one-out on each outer leave-one-out
// training set, refits the chosen candidate there and predicts the held-out sample (scikit-learn's
// cross_val_predict(GridSearchCV(..., cv=LeaveOneOut()), cv=LeaveOneOut())).
func NestedLeaveOneOut(s Solver, base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64) (*NestedResult, error) {
	n := x.Rows
	res := &NestedResult{Chosen: make([]Candidate, n), Predictions: make([]float64, n)}
	bar := progress.Loop("nested cross-validation: outer folds")
	if bar != nil {
		bar(0, n)
	}
	for i, sp := range LeaveOneOutSplits(n) {
		xtr, ytr := x.SelectRows(sp.Train), pick(y, sp.Train)
		sr, err := Search(s, base, g, scoring, xtr, ytr, LeaveOneOutSplits(len(sp.Train)))
		if err != nil {
			return nil, fmt.Errorf("outer fold %d: %w", i, err)
		}
		res.Chosen[i] = sr.Candidates[sr.Best]
		res.Predictions[i] = sr.Refit.Predict(x.SelectRows(sp.Test))[0]
		if bar != nil {
			bar(i+1, n)
		}
	}
	return res, nil
}
