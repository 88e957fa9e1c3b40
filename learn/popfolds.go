package learn

import (
	"fmt"

	"github.com/painmark/painmark/internal/parallel"
)

// popFold is one fold prepared for any target: predict returns every candidate's predictions of
// the fold's test samples (candidate x test sample) for the target vector y of all samples, and
// the number of fits that did not converge.
type popFold interface {
	predict(y []float64) ([][]float64, int, error)
}

// population is a Population run prepared: checked options, splits, candidates and folds.
type population struct {
	o      PopulationOptions
	splits []Split
	cands  []PopulationCandidate
	folds  []popFold
	kernel *KernelRidgeCV // ridge from a Gram matrix (folds nil then)
	rows   RowReader      // ridge streamed by rows (folds nil then)
}

func newPopulation(c Cohort, o PopulationOptions) (*population, error) {
	n := c.X.Rows
	if c.Gram != nil && c.Rows != nil {
		return nil, fmt.Errorf("a cohort has a Gram matrix or a table read by rows, not both")
	}
	if c.Gram != nil || c.Rows != nil {
		if c.X.Rows > 0 || o.Estimator != "ridge" {
			return nil, fmt.Errorf("a Gram matrix or a table read by rows replaces the features for ridge only (estimator %q, %d feature rows given)", o.Estimator, c.X.Rows)
		}
		if c.Gram != nil {
			n = c.Gram.N
		} else {
			n, _ = c.Rows.Shape()
		}
	}
	if n != len(c.Y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(c.Y))
	}
	if c.Groups != nil && len(c.Groups) != n {
		return nil, fmt.Errorf("%d samples but %d groups", n, len(c.Groups))
	}
	if c.Covariates.Cols > 0 && o.Estimator != "cpm" {
		return nil, fmt.Errorf("covariates are partialled out of CPM's edge selection only; estimator %q takes none", o.Estimator)
	}
	if o.Repeats < 1 {
		return nil, fmt.Errorf("%d repeats: need at least 1", o.Repeats)
	}
	if o.Permutations < 0 {
		return nil, fmt.Errorf("%d permutations: need 0 or more", o.Permutations)
	}
	switch o.Scoring {
	case "r2", "r", "neg_mean_squared_error":
	default:
		return nil, fmt.Errorf("scoring %q: need r2, r or neg_mean_squared_error", o.Scoring)
	}
	if o.Alphas == nil && o.Estimator != "cpm" {
		o.Alphas = PopulationAlphas(o.Estimator)
	}
	pop := &population{o: o}
	var err error
	if c.Groups != nil {
		pop.splits, err = RepeatedGroupKFoldSplits(c.Groups, o.Folds, o.Repeats, o.Seed)
	} else {
		pop.splits, err = RepeatedKFoldSplits(n, o.Folds, o.Repeats, o.Seed)
	}
	if err != nil {
		return nil, err
	}
	var build func(sp Split) (popFold, error)
	switch o.Estimator {
	case "ridge":
		for _, a := range o.Alphas {
			pop.cands = append(pop.cands, PopulationCandidate{Alpha: a})
		}
		build = func(sp Split) (popFold, error) { return newRidgeFold(c.X, sp, o.Alphas) }
	case "enet":
		g := Grid{K: []int{0}, Alpha: o.Alphas, L1Ratio: o.L1Ratios}
		if err := checkGrid(g); err != nil {
			return nil, err
		}
		for _, a := range o.Alphas {
			for _, r := range o.L1Ratios {
				pop.cands = append(pop.cands, PopulationCandidate{Alpha: a, L1Ratio: r})
			}
		}
		base := Pipeline{Scaler: "none", Model: ElasticNet{Tol: o.Tol, MaxIter: o.MaxIter}}
		build = func(sp Split) (popFold, error) { return &enetFold{base: base, grid: g, x: c.X, sp: sp}, nil }
	case "cpm":
		for _, th := range o.PThresholds {
			if err := (CPM{PThreshold: th, Network: "both"}).check(); err != nil {
				return nil, err
			}
			for _, nw := range []string{"positive", "negative", "both"} {
				pop.cands = append(pop.cands, PopulationCandidate{PThreshold: th, Network: nw})
			}
		}
		build = func(sp Split) (popFold, error) { return newCPMFold(c.X, c.Covariates, sp, o.PThresholds) }
	default:
		return nil, fmt.Errorf("estimator %q: need ridge, enet or cpm", o.Estimator)
	}
	if len(pop.cands) == 0 {
		return nil, fmt.Errorf("the %s grid is empty", o.Estimator)
	}
	if c.Gram != nil {
		pop.kernel, err = NewKernelRidgeCV(c.Gram, o.Alphas, pop.splits)
		return pop, err
	}
	if c.Rows != nil {
		pop.rows = c.Rows
		return pop, nil
	}
	pop.folds = make([]popFold, len(pop.splits))
	errs := make([]error, len(pop.splits))
	parallel.For(len(pop.splits), func(f int) {
		if pop.folds[f], errs[f] = build(pop.splits[f]); errs[f] != nil {
			errs[f] = fmt.Errorf("fold %d: %w", f+1, errs[f])
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return pop, nil
}

// scores predicts every fold for target y (folds over the cores), fills folds if not nil and
// returns the fold x candidate scores and the non-converged fits.
func (pop *population) scores(y []float64, folds []FoldPredictions) ([][]float64, int, error) {
	if pop.kernel != nil {
		return pop.kernelScores(y, folds)
	}
	if pop.rows != nil {
		return pop.streamedScores(y, folds)
	}
	out := make([][]float64, len(pop.splits))
	bad := make([]int, len(pop.splits))
	errs := make([]error, len(pop.splits))
	parallel.For(len(pop.splits), func(f int) {
		out[f], bad[f], errs[f] = pop.foldScores(f, y, folds)
	})
	total := 0
	for f, err := range errs {
		if err != nil {
			return nil, 0, err
		}
		total += bad[f]
	}
	return out, total, nil
}

// scoresSerial is scores on one core (permutations are spread over the cores instead).
func (pop *population) scoresSerial(y []float64) ([][]float64, int, error) {
	if pop.kernel != nil {
		return pop.kernelScores(y, nil)
	}
	if pop.rows != nil {
		return pop.streamedScores(y, nil)
	}
	out := make([][]float64, len(pop.splits))
	total := 0
	for f := range pop.splits {
		var bad int
		var err error
		if out[f], bad, err = pop.foldScores(f, y, nil); err != nil {
			return nil, 0, err
		}
		total += bad
	}
	return out, total, nil
}

// scoreFold scores every candidate's predictions of fold f.
func (pop *population) scoreFold(f int, y []float64, pred [][]float64) []float64 {
	truth := pick(y, pop.splits[f].Test)
	s := make([]float64, len(pred))
	for c, p := range pred {
		s[c] = populationScore(pop.o.Scoring, p, truth)
	}
	return s
}

func (pop *population) foldScores(f int, y []float64, folds []FoldPredictions) ([]float64, int, error) {
	pred, bad, err := pop.folds[f].predict(y)
	if err != nil {
		return nil, 0, fmt.Errorf("fold %d: %w", f+1, err)
	}
	s := pop.scoreFold(f, y, pred)
	if folds != nil {
		folds[f] = FoldPredictions{Test: append([]int(nil), pop.splits[f].Test...), Predictions: pred}
	}
	return s, bad, nil
}

// ridgeFold is a fold's ridge decomposition and its test samples projected on it.
type ridgeFold struct {
	basis  *ridgeBasis
	z      []float64
	train  []int
	alphas []float64
}

func newRidgeFold(x Matrix, sp Split, alphas []float64) (*ridgeFold, error) {
	b, err := fitRidgeBasis(x.SelectRows(sp.Train))
	if err != nil {
		return nil, err
	}
	z, err := b.project(x.SelectRows(sp.Test))
	if err != nil {
		return nil, err
	}
	return &ridgeFold{basis: b, z: z, train: sp.Train, alphas: alphas}, nil
}

func (r *ridgeFold) predict(y []float64) ([][]float64, int, error) {
	yMean, c := r.basis.coef(pick(y, r.train))
	pred, err := r.basis.predict(r.z, yMean, c, r.alphas)
	return pred, 0, err
}

// enetFold refits the elastic-net paths for each target (the path depends on it throughout).
type enetFold struct {
	base Pipeline
	grid Grid
	x    Matrix
	sp   Split
}

func (e *enetFold) predict(y []float64) ([][]float64, int, error) {
	return pathFoldPredictions(e.base, e.grid, e.x, y, e.sp)
}

// cpmFold is a fold's CPM design (centred, residualized training edges) and its test edges.
type cpmFold struct {
	design     *cpmDesign
	test       Matrix
	train      []int
	thresholds []float64
}

func newCPMFold(x, z Matrix, sp Split, thresholds []float64) (*cpmFold, error) {
	var zt Matrix
	if z.Cols > 0 {
		zt = z.SelectRows(sp.Train)
	}
	d, err := newCPMDesign(x.SelectRows(sp.Train), zt)
	if err != nil {
		return nil, err
	}
	return &cpmFold{design: d, test: x.SelectRows(sp.Test), train: sp.Train, thresholds: thresholds}, nil
}

func (c *cpmFold) predict(y []float64) ([][]float64, int, error) {
	var out [][]float64
	for _, th := range c.thresholds {
		m, err := c.design.fit(pick(y, c.train), CPM{PThreshold: th, Network: "both"})
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m.PredictAll(c.test)...)
	}
	return out, 0, nil
}
