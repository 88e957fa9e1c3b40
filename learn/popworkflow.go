package learn

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/version"
)

// PopulationOptions set a population-scale prediction (brain-wide association studies of
// thousands of people): repeated k-fold cross-validation, grouped by family or site when groups
// are given, of every candidate of one estimator's grid, the best candidate chosen by its mean
// fold score, and a permutation test of that choice.
type PopulationOptions struct {
	// Estimator is "ridge" (scikit-learn's Ridge, every alpha from one decomposition per fold),
	// "enet" (scikit-learn's ElasticNet, a warm-started path over the alphas per l1_ratio, solved
	// to the duality-gap tolerance Tol) or "cpm" (connectome-based predictive modelling, Shen et al.
	// 2017: the positive, negative and combined networks per p threshold).
	Estimator string `json:"estimator"`
	// Folds per repeat: ShuffledGroupKFoldSplits over the groups, or ShuffledKFoldSplits over
	// samples without groups.
	Folds int `json:"folds"`
	// Repeats of the k-fold split, drawn one after another from one RandomState(Seed).
	Repeats int `json:"repeats"`
	// Seed is the folds' numpy RandomState seed (scikit-learn's random_state).
	Seed uint32 `json:"seed"`
	// Alphas are the ridge or elastic-net penalties (scikit-learn's alpha); nil takes the
	// estimator's default grid (PopulationAlphas).
	Alphas   []float64 `json:"alphas"`
	L1Ratios []float64 `json:"l1_ratios"` // elastic net
	// PThresholds are CPM's edge-selection thresholds (two-sided p of the edge's correlation).
	PThresholds []float64 `json:"p_thresholds"`
	// Scoring is the fold score: "r2" (scikit-learn's r2_score on the fold, GridSearchCV's default
	// for regressors), "r" (Pearson r of predictions and targets on the fold; a constant prediction
	// scores 0) or "neg_mean_squared_error".
	Scoring string `json:"scoring"`
	// Permutations of the target (0: none); permutation k is stats.Permutation(PermutationSeed, k),
	// so any split into blocks gives the same null. The statistic is the best candidate's mean
	// fold score, the choice redone for every permutation, so the p-value accounts for it.
	Permutations    int                         `json:"permutations"`
	PermutationSeed uint64                      `json:"permutation_seed"`
	Convention      stats.PermutationConvention `json:"convention"`
	Tol             float64                     `json:"tol"`      // elastic net: duality-gap tolerance
	MaxIter         int                         `json:"max_iter"` // elastic net: sweeps per fit
	// StreamedTol and StreamedMaxIter are the streamed ridge's convergence criterion and step
	// limit (StreamedRidgeOptions), for a cohort read by rows (Cohort.Rows).
	StreamedTol     float64 `json:"streamed_tol"`
	StreamedMaxIter int     `json:"streamed_max_iter"`
	// StreamProgress, if set, is called after each pass of the streamed ridge over the table.
	StreamProgress func(pass int, worst float64) `json:"-"`
	// Progress, if set, is called as permutations finish: done of total.
	Progress func(done, total int) `json:"-"`
}

// DefaultPopulationOptions returns ridge, 10 folds, 1 repeat, seed 0, the default grids, r2,
// no permutations (seed 0, scikit-learn's (C+1)/(n+1) convention), scikit-learn's ElasticNet
// tolerance 1e-4 and 1000 sweeps, and the streamed ridge's 1e-13 and 400 steps.
func DefaultPopulationOptions() PopulationOptions {
	return PopulationOptions{Estimator: "ridge", Folds: 10, Repeats: 1, L1Ratios: []float64{0.1, 0.5, 0.9},
		PThresholds: []float64{0.01}, Scoring: "r2", Convention: stats.PermSklearn, Tol: 1e-4, MaxIter: 1000,
		StreamedTol: 1e-13, StreamedMaxIter: 400}
}

// PopulationAlphas is an estimator's default penalty grid: for ridge 20 alphas 10^(k/2), k = −4
// .. 15 (0.01 to 3.2e7: connectome features make XᵀX's eigenvalues of the order of the feature
// count); for the elastic net 9 alphas 10^(k/2), k = −8 .. 0 (1e-4 to 1, scikit-learn's scale).
func PopulationAlphas(estimator string) []float64 {
	lo, hi := -4, 15
	if estimator == "enet" {
		lo, hi = -8, 0
	}
	var out []float64
	for k := lo; k <= hi; k++ {
		out = append(out, math.Pow(10, float64(k)/2))
	}
	return out
}

// Cohort is the data of a population prediction: one row of X (features, such as connectome
// edges) and one target per subject, optional family or site groups (folds keep a group whole) and
// optional covariates (subjects x covariates) that CPM partials out of its edge selection.
type Cohort struct {
	Subjects   []string
	X          Matrix
	Y          []float64
	Groups     []string
	Covariates Matrix
	// Gram, when set, replaces X for ridge (X empty then): the kernel form (KernelRidgeCV) of a
	// table streamed by GramOfNpy, for tables larger than memory or far more features than people.
	Gram *Gram
	// Rows, when set, replaces X for ridge (X empty then): the table read by blocks of rows, one
	// pass per Golub–Kahan step (StreamedRidgeCV), for cohorts whose samples x samples Gram matrix
	// does not fit in memory either (fifty thousand people).
	Rows RowReader
}

// Close closes the cohort's streamed table, if it has one open.
func (c Cohort) Close() error {
	if cl, ok := c.Rows.(interface{ Close() error }); ok {
		return cl.Close()
	}
	return nil
}

// PopulationCandidate is one point of the grid.
type PopulationCandidate struct {
	Alpha      float64 `json:"alpha,omitempty"`
	L1Ratio    float64 `json:"l1_ratio,omitempty"`
	PThreshold float64 `json:"p_threshold,omitempty"`
	Network    string  `json:"network,omitempty"`
}

// PopulationResult is a population prediction's outcome.
type PopulationResult struct {
	Options    PopulationOptions     `json:"options"`
	Subjects   []string              `json:"subjects"`
	Target     []float64             `json:"target"`
	Candidates []PopulationCandidate `json:"candidates"`
	// FoldScores[f][c] is candidate c's score on fold f (repeat f / Folds); MeanScores[c] its
	// mean over all folds; Best the highest mean (the first on ties).
	FoldScores [][]float64 `json:"fold_scores"`
	MeanScores []float64   `json:"mean_scores"`
	Best       int         `json:"best"`
	// Predictions[r] are the best candidate's out-of-fold predictions of repeat r, in subject
	// order; Metrics[r] their pooled r, MAE and R².
	Predictions [][]float64 `json:"predictions"`
	Metrics     []Metrics   `json:"metrics"`
	// Null is the permutation statistic of permutations 1..N; P the p-value of the best mean score.
	Null            []float64 `json:"null,omitempty"`
	P               *float64  `json:"p,omitempty"`
	NotConverged    int       `json:"not_converged"`
	SoftwareVersion string    `json:"software_version"`
	// Folds holds every candidate's out-of-fold predictions (fold x candidate x test sample).
	Folds []FoldPredictions `json:"-"`
}

// Population cross-validates every candidate of the estimator's grid on the cohort, picks the
// best by mean fold score and, if asked, tests it against permutations of the target. Each fold's
// target-free work (ridge's decomposition, CPM's centred and residualized edges) is done once and
// shared by all permutations; folds and permutations are spread over the cores, and results do
// not depend on their number.
func Population(c Cohort, o PopulationOptions) (*PopulationResult, error) {
	pop, err := newPopulation(c, o)
	if err != nil {
		return nil, err
	}
	res := &PopulationResult{Options: pop.o, Subjects: c.Subjects, Target: c.Y, Candidates: pop.cands, SoftwareVersion: version.String()}
	res.Folds = make([]FoldPredictions, len(pop.splits))
	res.FoldScores, res.NotConverged, err = pop.scores(c.Y, res.Folds)
	if err != nil {
		return nil, err
	}
	res.MeanScores = meanScores(res.FoldScores)
	res.Best = argmax(res.MeanScores)
	n := len(c.Y)
	for r := 0; r < pop.o.Repeats; r++ {
		pred := make([]float64, n)
		for _, fp := range res.Folds[r*pop.o.Folds : (r+1)*pop.o.Folds] {
			for i, s := range fp.Test {
				pred[s] = fp.Predictions[res.Best][i]
			}
		}
		res.Predictions = append(res.Predictions, pred)
		res.Metrics = append(res.Metrics, PooledMetrics(pred, c.Y))
	}
	if pop.o.Permutations > 0 {
		null, err := pop.null(c.Y, 0, pop.o.Permutations)
		if err != nil {
			return nil, err
		}
		if err := res.SetNull(null); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// PopulationNull computes permutations first+1 .. first+count of Population's permutation null
// (one block of a test split over machines: the blocks in order are one run's null).
func PopulationNull(c Cohort, o PopulationOptions, first, count int) ([]float64, error) {
	if first < 0 || count < 1 {
		return nil, fmt.Errorf("permutations %d..%d: need first ≥ 0 and at least one", first+1, first+count)
	}
	pop, err := newPopulation(c, o)
	if err != nil {
		return nil, err
	}
	return pop.null(c.Y, first, count)
}

// SetNull sets the result's permutation null (Options.Permutations values, permutations 1..N in
// order, as PopulationNull's blocks give them) and its p-value under Options.Convention.
func (r *PopulationResult) SetNull(null []float64) error {
	if len(null) != r.Options.Permutations {
		return fmt.Errorf("a null of %d permutations for a test of %d", len(null), r.Options.Permutations)
	}
	p, err := stats.PermutationP(r.MeanScores[r.Best], null, r.Options.Convention, true)
	if err != nil {
		return err
	}
	r.Null, r.P = null, &p
	return nil
}

// permuted returns the target under permutation k (1-based).
func (pop *population) permuted(y []float64, k int) []float64 {
	t := make([]float64, len(y))
	for i, j := range stats.Permutation(pop.o.PermutationSeed, uint64(k), len(y)) {
		t[i] = y[j]
	}
	return t
}

// statistic is the permutation statistic of fold x candidate scores: the best mean score.
func statistic(scores [][]float64) float64 {
	m := meanScores(scores)
	return m[argmax(m)]
}

// null returns the permutation statistic of permutations first+1 .. first+count.
func (pop *population) null(y []float64, first, count int) ([]float64, error) {
	if pop.kernel != nil {
		return pop.kernelNull(y, first, count)
	}
	if pop.rows != nil {
		return pop.streamedNull(y, first, count)
	}
	out := make([]float64, count)
	errs := make([]error, count)
	parallel.ForProgress(count, pop.o.Progress, func(k int) {
		scores, _, err := pop.scoresSerial(pop.permuted(y, first+k+1))
		if err != nil {
			errs[k] = fmt.Errorf("permutation %d: %w", first+k+1, err)
			return
		}
		out[k] = statistic(scores)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// meanScores is each candidate's mean over the folds.
func meanScores(fold [][]float64) []float64 {
	out := make([]float64, len(fold[0]))
	for _, f := range fold {
		for c, v := range f {
			out[c] += v / float64(len(fold))
		}
	}
	return out
}

// argmax is the first position of the largest value (NaN never wins).
func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] || math.IsNaN(v[best]) && !math.IsNaN(x) {
			best = i
		}
	}
	return best
}

// populationScore is the fold score named by scoring.
func populationScore(scoring string, pred, truth []float64) float64 {
	switch scoring {
	case "r":
		r := stats.Pearson(pred, truth)
		if math.IsNaN(r) {
			return 0
		}
		return r
	case "neg_mean_squared_error":
		var s float64
		for i, p := range pred {
			s += (p - truth[i]) * (p - truth[i])
		}
		return -s / float64(len(pred))
	}
	return PooledMetrics(pred, truth).R2
}
