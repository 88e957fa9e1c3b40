package learn

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/parallel"
)

// Grid is the hyperparameter grid of the RPN/CSps pipeline.
type Grid struct {
	K       []int
	Alpha   []float64
	L1Ratio []float64
}

// Candidate is one point of the grid.
type Candidate struct {
	K       int
	Alpha   float64
	L1Ratio float64
}

// Candidates lists the grid in scikit-learn's ParameterGrid order: parameter names sorted
// alphabetically (fsel__k, model__alpha, model__l1_ratio), the last varying fastest.
func (g Grid) Candidates() []Candidate {
	var out []Candidate
	for _, k := range g.K {
		for _, a := range g.Alpha {
			for _, r := range g.L1Ratio {
				out = append(out, Candidate{k, a, r})
			}
		}
	}
	return out
}

// Scoring names a cross-validation objective (larger is better, as scikit-learn's scorers).
type Scoring string

// The scorings.
const (
	NegMSE Scoring = "neg_mean_squared_error"
	NegMAE Scoring = "neg_mean_absolute_error"
)

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
	// MeanScore[c] is candidate c's unweighted mean of fold scores (NaN means counted as worst).
	MeanScore []float64
	Best      int
	// Refit is the pipeline with the best candidate fitted on all the data.
	Refit *FittedPipeline
}

// GridSearch is scikit-learn's GridSearchCV over the RPN pipeline (base gives the scaler and the
// ElasticNet's MaxIter and Tol): every candidate is evaluated on every fold with every step fitted
// on the fold's training data; the best candidate has the highest mean score, the first in grid
// order among ties; it is then refitted on all the data. The scaler and the F-score ranking of a
// fold do not depend on the candidate, so they are computed once per fold and shared.
func GridSearch(base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64, splits []Split) (*SearchResult, error) {
	cands := g.Candidates()
	if len(cands) == 0 {
		return nil, fmt.Errorf("empty grid")
	}
	scores := make([][]float64, len(splits)) // fold x candidate
	errs := make([]error, len(splits))
	parallel.For(len(splits), func(f int) {
		scores[f], errs[f] = foldScores(base, cands, scoring, x, y, splits[f])
	})
	for f, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f, err)
		}
	}
	res := &SearchResult{Candidates: cands, MeanScore: make([]float64, len(cands)), Best: -1}
	best := math.Inf(-1)
	for c := range cands {
		var s float64
		for f := range splits {
			s += scores[f][c]
		}
		m := s / float64(len(splits))
		res.MeanScore[c] = m
		if !math.IsNaN(m) && (res.Best < 0 || m > best) {
			best, res.Best = m, c
		}
	}
	if res.Best < 0 {
		return nil, fmt.Errorf("every candidate's score is NaN")
	}
	bc := cands[res.Best]
	pl := base
	pl.K, pl.Model.Alpha, pl.Model.L1Ratio = bc.K, bc.Alpha, bc.L1Ratio
	fit, err := pl.Fit(x, y)
	if err != nil {
		return nil, err
	}
	res.Refit = fit
	return res, nil
}

// foldScores evaluates every candidate on one fold, sharing the scaler and F ranking.
func foldScores(base Pipeline, cands []Candidate, scoring Scoring, x Matrix, y []float64, sp Split) ([]float64, error) {
	xtr, xte := x.SelectRows(sp.Train), x.SelectRows(sp.Test)
	ytr := make([]float64, len(sp.Train))
	for i, k := range sp.Train {
		ytr[i] = y[k]
	}
	yte := make([]float64, len(sp.Test))
	for i, k := range sp.Test {
		yte[i] = y[k]
	}
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
	out := make([]float64, len(cands))
	for c, cd := range cands {
		sel := SelectKBest(pre.Scores, effectiveK(cd.K, x.Cols))
		m, err := ElasticNet{Alpha: cd.Alpha, L1Ratio: cd.L1Ratio, MaxIter: base.Model.MaxIter, Tol: base.Model.Tol}.Fit(selectColumns(pre.Scaled, sel), ytr)
		if err != nil {
			return nil, err
		}
		out[c] = foldScore(scoring, m.Predict(selectColumns(xteS, sel)), yte)
	}
	return out, nil
}

// prepared holds a fold's candidate-independent steps.
type prepared struct {
	Scaling *Scaling
	Scaled  Matrix
	Scores  []float64
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
	p.Scores = FRegression(p.Scaled, y)
	return p, nil
}

// NestedResult is a nested cross-validation's outcome: each outer fold's chosen candidate and the
// out-of-fold predictions.
type NestedResult struct {
	Chosen      []Candidate
	Predictions []float64
}

// NestedLeaveOneOut runs a grid search with inner leave-one-out on each outer leave-one-out
// training set, refits the chosen candidate there and predicts the held-out sample (scikit-learn's
// cross_val_predict(GridSearchCV(..., cv=LeaveOneOut()), cv=LeaveOneOut())).
func NestedLeaveOneOut(base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64) (*NestedResult, error) {
	n := x.Rows
	res := &NestedResult{Chosen: make([]Candidate, n), Predictions: make([]float64, n)}
	for i, sp := range LeaveOneOutSplits(n) {
		xtr := x.SelectRows(sp.Train)
		ytr := make([]float64, len(sp.Train))
		for k, s := range sp.Train {
			ytr[k] = y[s]
		}
		sr, err := GridSearch(base, g, scoring, xtr, ytr, LeaveOneOutSplits(len(sp.Train)))
		if err != nil {
			return nil, fmt.Errorf("outer fold %d: %w", i, err)
		}
		res.Chosen[i] = sr.Candidates[sr.Best]
		res.Predictions[i] = sr.Refit.Predict(x.SelectRows(sp.Test))[0]
	}
	return res, nil
}
