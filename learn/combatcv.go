package learn

import (
	"fmt"
	"math"
)

// Harmonisation is ComBat site harmonisation done inside cross-validation (PAINTeR's multi-centre
// analyses, scikit-learn's rule that everything fitted happens inside the fold): each row's
// acquisition site, the covariates whose effects ComBat preserves (rows x covariates; none when
// Data is nil) and ComBat's options.
type Harmonisation struct {
	Site       []string
	Covariates Matrix
	Options    ComBatOptions
}

// check refuses labels or covariates that do not match the n rows.
func (h *Harmonisation) check(n int) error {
	if len(h.Site) != n {
		return fmt.Errorf("ComBat: %d rows but %d site labels", n, len(h.Site))
	}
	if h.Covariates.Data != nil && h.Covariates.Rows != n {
		return fmt.Errorf("ComBat: %d rows but %d rows of covariates", n, h.Covariates.Rows)
	}
	return nil
}

// rows returns the site labels and covariates of the given rows.
func (h *Harmonisation) rows(idx []int) ([]string, Matrix) {
	s := make([]string, len(idx))
	for k, i := range idx {
		s[k] = h.Site[i]
	}
	if h.Covariates.Data == nil {
		return s, Matrix{}
	}
	return s, h.Covariates.SelectRows(idx)
}

// Fit fits ComBat on the rows idx of x (all rows when idx is nil) and returns it with those rows
// harmonised.
func (h *Harmonisation) Fit(x Matrix, idx []int) (*ComBat, Matrix, error) {
	if idx == nil {
		idx = make([]int, x.Rows)
		for i := range idx {
			idx[i] = i
		}
	}
	site, cov := h.rows(idx)
	xs := x.SelectRows(idx)
	m, err := FitComBat(xs, site, cov, h.Options)
	if err != nil {
		return nil, Matrix{}, err
	}
	xh, err := m.Apply(xs, site, cov)
	return m, xh, err
}

// foldData returns a split's rows harmonised by ComBat fitted on its training rows only: the
// training rows then the test rows stacked, their targets, and the split renumbered over them.
func (h *Harmonisation) foldData(x Matrix, y []float64, sp Split) (Matrix, []float64, Split, error) {
	m, tr, err := h.Fit(x, sp.Train)
	if err != nil {
		return Matrix{}, nil, Split{}, err
	}
	site, cov := h.rows(sp.Test)
	te, err := m.Apply(x.SelectRows(sp.Test), site, cov)
	if err != nil {
		return Matrix{}, nil, Split{}, err
	}
	out := Matrix{Rows: tr.Rows + te.Rows, Cols: x.Cols, Data: append(append(make([]float64, 0, len(tr.Data)+len(te.Data)), tr.Data...), te.Data...)}
	var renum Split
	for k := range sp.Train {
		renum.Train = append(renum.Train, k)
	}
	for k := range sp.Test {
		renum.Test = append(renum.Test, len(sp.Train)+k)
	}
	return out, append(pick(y, sp.Train), pick(y, sp.Test)...), renum, nil
}

// SearchHarmonised is Search with ComBat fitted inside every fold (h; nil: Search itself): each
// fold's training rows are harmonised by ComBat fitted on them alone and its test rows by the same
// estimates, so a left-out subject never informs its own harmonisation or model. The refit is on
// all rows harmonised by ComBat fitted on all rows, returned with the result (ComBat).
func SearchHarmonised(s Solver, base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64, splits []Split, h *Harmonisation) (*SearchResult, *ComBat, error) {
	if h == nil {
		res, err := Search(s, base, g, scoring, x, y, splits)
		return res, nil, err
	}
	if err := h.check(x.Rows); err != nil {
		return nil, nil, err
	}
	if err := checkEstimatorGrid(base, g); err != nil {
		return nil, nil, err
	}
	path := base.Regressor == nil && (s == SolverPath || s == "")
	if !path && s != SolverExact && s != SolverPath && s != "" {
		return nil, nil, fmt.Errorf("unknown solver %q (%s, %s)", s, SolverPath, SolverExact)
	}
	res, err := runSearch(g, scoring, y, splits, func(sp Split) ([][]float64, int, error) {
		xf, yf, spf, err := h.foldData(x, y, sp)
		if err != nil {
			return nil, 0, err
		}
		if path {
			return pathFoldPredictions(base, g, xf, yf, spf)
		}
		p, err := foldPredictions(base, g.Candidates(), xf, yf, spf)
		return p, 0, err
	})
	if err != nil {
		return nil, nil, err
	}
	cb, xh, err := h.Fit(x, nil)
	if err != nil {
		return nil, nil, err
	}
	if path {
		res.Refit, err = pathFit(base, res.Candidates[res.Best], g.Alpha, xh, y)
	} else {
		err = res.refit(base, xh, y)
	}
	return res, cb, err
}

// CrossValPredictHarmonised is CrossValPredict with ComBat fitted inside every fold (h; nil:
// CrossValPredict itself): each fold's pipeline is fitted on its training rows harmonised by
// ComBat fitted on them, and predicts its test rows harmonised by the same estimates.
func CrossValPredictHarmonised(pl Pipeline, x Matrix, y []float64, splits []Split, h *Harmonisation) ([]float64, error) {
	if h == nil {
		return CrossValPredict(pl, x, y, splits)
	}
	if err := h.check(x.Rows); err != nil {
		return nil, err
	}
	return crossValPredict(pl, x, y, splits, func(sp Split) (Matrix, []float64, Split, error) { return h.foldData(x, y, sp) })
}

// PermutationTestOfPredictions is the permutation test of fixed out-of-fold predictions (PermutePredictions
// mode): the observed metrics of pred against y and their null with y permuted, permutation k
// drawn from PCG(o.Seed, o.First + k) as PermutationTest draws it.
func PermutationTestOfPredictions(pred, y []float64, o PermutationOptions) (*PermutationResult, error) {
	if len(pred) != len(y) {
		return nil, fmt.Errorf("%d predictions but %d targets", len(pred), len(y))
	}
	if o.N < 1 {
		return nil, fmt.Errorf("need at least 1 permutation, got %d", o.N)
	}
	o.Mode = PermutePredictions
	if err := o.CheckBudget(len(y)); err != nil {
		return nil, err
	}
	res := &PermutationResult{Options: o, Observed: PooledMetrics(pred, y), Predictions: pred}
	sink := newNullSink(res.Observed, o)
	for k := 1; k <= o.N; k++ {
		sink.add(PooledMetrics(pred, permutedTarget(y, o, k)))
	}
	if err := sink.finish(res); err != nil {
		return nil, err
	}
	return res, nil
}

// Check refuses a ComBat (read from a file) whose parts do not fit p features: at least two
// sites, each with p finite effects and a positive multiplicative one, a positive pooled variance
// per feature.
func (m *ComBat) Check(p int) error {
	if len(m.Sites) < 2 || len(m.GammaStar) != len(m.Sites) || len(m.DeltaStar) != len(m.Sites) {
		return fmt.Errorf("ComBat: %d sites with %d and %d rows of site effects", len(m.Sites), len(m.GammaStar), len(m.DeltaStar))
	}
	if len(m.GrandMean) != p || len(m.VarPooled) != p {
		return fmt.Errorf("ComBat: %d grand means and %d pooled variances for %d features", len(m.GrandMean), len(m.VarPooled), p)
	}
	for k, row := range m.CovariateBeta {
		if len(row) != p {
			return fmt.Errorf("ComBat: covariate %d has %d effects for %d features", k+1, len(row), p)
		}
	}
	for b := range m.Sites {
		if len(m.GammaStar[b]) != p || len(m.DeltaStar[b]) != p {
			return fmt.Errorf("ComBat: site %s has %d and %d effects for %d features", m.Sites[b], len(m.GammaStar[b]), len(m.DeltaStar[b]), p)
		}
		for j := 0; j < p; j++ {
			if !(m.DeltaStar[b][j] > 0) || math.IsInf(m.DeltaStar[b][j], 0) || math.IsNaN(m.GammaStar[b][j]) || math.IsInf(m.GammaStar[b][j], 0) {
				return fmt.Errorf("ComBat: site %s, feature %d: additive effect %v, multiplicative %v", m.Sites[b], j+1, m.GammaStar[b][j], m.DeltaStar[b][j])
			}
		}
	}
	for j := 0; j < p; j++ {
		if !(m.VarPooled[j] > 0) || math.IsInf(m.VarPooled[j], 0) || math.IsNaN(m.GrandMean[j]) {
			return fmt.Errorf("ComBat: feature %d: pooled variance %v, grand mean %v", j+1, m.VarPooled[j], m.GrandMean[j])
		}
	}
	return nil
}
