package learn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/painmark/painmark/internal/linalg"

	"github.com/painmark/painmark/stats"
)

// CPM is connectome-based predictive modelling (Shen et al. 2017, Nat Protoc 12:506): on the
// training samples, each edge (feature) is correlated with the target (Pearson r, two-sided p from
// the t distribution on n−2 degrees of freedom, as scipy.stats.pearsonr); edges with p below
// PThreshold and r > 0 form the positive network, r < 0 the negative network; a sample's network
// strength is the sum of its edges in a network; the target is fitted by least squares on the
// positive strength, the negative strength, or both (Network "positive", "negative", "both").
// Shen et al. fit the two networks separately (polyfit) and some of their code also both together,
// as here. An empty network contributes nothing: its fit predicts the training mean (Shen et al.'s
// code leaves this undefined). Edges constant on the training samples are in no network.
type CPM struct {
	PThreshold float64
	Network    string
}

// DefaultCPM is Shen et al.'s protocol default: p < 0.01, both networks in one model.
func DefaultCPM() CPM { return CPM{PThreshold: 0.01, Network: "both"} }

// CPMModel is a fitted CPM: the edges of each network (feature indices, increasing) and the least
// squares coefficients (intercept first) of the positive, negative and combined models.
type CPMModel struct {
	Network  string    `json:"network"`
	Positive []int     `json:"positive_edges"`
	Negative []int     `json:"negative_edges"`
	PosFit   []float64 `json:"positive_fit"`
	NegFit   []float64 `json:"negative_fit"`
	BothFit  []float64 `json:"both_fit"`
}

// FitPredictor makes CPM an Estimator (CrossValPredict, PermutationTest).
func (c CPM) FitPredictor(x Matrix, y []float64) (Predictor, error) { return c.Fit(x, y) }

// Fit selects the networks on the training data and fits the three linear models.
func (c CPM) Fit(x Matrix, y []float64) (*CPMModel, error) { return c.FitPartial(x, y, Matrix{}) }

// FitPartial is Fit with edges selected by their partial correlation with the target given the
// covariates z (samples x covariates; none when z has no columns): edge and target are each
// residualized on an intercept and z by least squares, r is the Pearson correlation of the
// residuals and p its t test on n − 2 − k degrees of freedom (MATLAB's partialcorr, as Shen et al.
// 2017 and their CPM code use to control for motion or age). The covariates enter the selection
// only: the networks' strengths are sums of the raw edges and the fits do not include z.
func (c CPM) FitPartial(x Matrix, y []float64, z Matrix) (*CPMModel, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	d, err := newCPMDesign(x, z)
	if err != nil {
		return nil, err
	}
	return d.fit(y, c)
}

func (c CPM) check() error {
	if !(c.PThreshold > 0 && c.PThreshold <= 1) {
		return fmt.Errorf("CPM p threshold %g: need 0 < p ≤ 1", c.PThreshold)
	}
	switch c.Network {
	case "positive", "negative", "both":
		return nil
	}
	return fmt.Errorf("CPM network %q: need positive, negative or both", c.Network)
}

// cpmDesign is the part of a CPM fit that does not depend on the target: the training edges
// residualized on the intercept and covariates (column after column) with their squared norms,
// so a permutation test refits only the correlations.
type cpmDesign struct {
	x    Matrix
	q    *mat.Dense // n x (1+k) orthonormal basis of [1, z]
	cols []float64
	sxx  []float64
	df   int // the n of PearsonTestP: n − k
	n, p int
}

func newCPMDesign(x Matrix, z Matrix) (*cpmDesign, error) {
	n, p := x.Rows, x.Cols
	k := z.Cols
	if k > 0 && z.Rows != n {
		return nil, fmt.Errorf("%d samples but %d rows of covariates", n, z.Rows)
	}
	if n-k < 3 || p < 1 {
		return nil, fmt.Errorf("CPM needs at least 3 + %d samples and 1 edge, got %d x %d", k, n, p)
	}
	d := &cpmDesign{x: x, n: n, p: p, df: n - k, sxx: make([]float64, p)}
	d.cols, _ = centredColumns(x)
	if k > 0 {
		a := mat.NewDense(n, 1+k, nil)
		for i := 0; i < n; i++ {
			a.Set(i, 0, 1)
			for c := 0; c < k; c++ {
				a.Set(i, 1+c, z.Data[i*k+c])
			}
		}
		var qr mat.QR
		qr.Factorize(a)
		var q mat.Dense
		qr.QTo(&q)
		d.q = mat.DenseCopyOf(q.Slice(0, n, 0, 1+k))
		for j := 0; j < p; j++ {
			d.residualize(d.cols[j*n : (j+1)*n])
		}
	}
	for j := 0; j < p; j++ {
		d.sxx[j] = linalg.Dot(d.cols[j*n:(j+1)*n], d.cols[j*n:(j+1)*n])
	}
	return d, nil
}

// residualize removes from v (centred) its projection on [1, z].
func (d *cpmDesign) residualize(v []float64) {
	if d.q == nil {
		return
	}
	_, k1 := d.q.Dims()
	for c := 0; c < k1; c++ {
		var s float64
		for i := range v {
			s += d.q.At(i, c) * v[i]
		}
		for i := range v {
			v[i] -= s * d.q.At(i, c)
		}
	}
}

// fit selects the networks for target y and fits the three linear models.
func (d *cpmDesign) fit(y []float64, c CPM) (*CPMModel, error) {
	n, p := d.n, d.p
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	yMean := stats.Mean(y)
	yc := make([]float64, n)
	for i, v := range y {
		yc[i] = v - yMean
	}
	d.residualize(yc)
	syy := linalg.Dot(yc, yc)
	m := &CPMModel{Network: c.Network}
	for j := 0; j < p; j++ {
		r := linalg.Dot(d.cols[j*n:(j+1)*n], yc) / math.Sqrt(d.sxx[j]*syy)
		if math.IsNaN(r) || !(stats.PearsonTestP(r, d.df) < c.PThreshold) {
			continue
		}
		if r > 0 {
			m.Positive = append(m.Positive, j)
		} else if r < 0 {
			m.Negative = append(m.Negative, j)
		}
	}
	pos, neg := m.Strengths(d.x)
	var err error
	if m.PosFit, err = leastSquares(y, nonEmpty(m.Positive, pos)); err != nil {
		return nil, err
	}
	if m.NegFit, err = leastSquares(y, nonEmpty(m.Negative, neg)); err != nil {
		return nil, err
	}
	if m.BothFit, err = leastSquares(y, nonEmpty(m.Positive, pos), nonEmpty(m.Negative, neg)); err != nil {
		return nil, err
	}
	return m, nil
}

func nonEmpty(edges []int, strength []float64) []float64 {
	if len(edges) == 0 {
		return nil
	}
	return strength
}

// leastSquares fits y on an intercept and the given predictors (nil ones left out, their
// coefficient 0) by QR least squares; the coefficients are intercept first, then one per predictor.
func leastSquares(y []float64, preds ...[]float64) ([]float64, error) {
	n := len(y)
	var use []int
	for k, p := range preds {
		if p != nil {
			use = append(use, k)
		}
	}
	a := mat.NewDense(n, 1+len(use), nil)
	for i := 0; i < n; i++ {
		a.Set(i, 0, 1)
		for c, k := range use {
			a.Set(i, 1+c, preds[k][i])
		}
	}
	var b mat.VecDense
	if err := b.SolveVec(a, mat.NewVecDense(n, append([]float64(nil), y...))); err != nil {
		return nil, fmt.Errorf("CPM linear fit: %w", err)
	}
	coef := make([]float64, 1+len(preds))
	coef[0] = b.AtVec(0)
	for c, k := range use {
		coef[1+k] = b.AtVec(1 + c)
	}
	return coef, nil
}

// Strengths returns each sample's positive and negative network strength (sum of its edges).
func (m *CPMModel) Strengths(x Matrix) (pos, neg []float64) {
	pos, neg = make([]float64, x.Rows), make([]float64, x.Rows)
	for i := range pos {
		row := x.Data[i*x.Cols : (i+1)*x.Cols]
		for _, j := range m.Positive {
			pos[i] += row[j]
		}
		for _, j := range m.Negative {
			neg[i] += row[j]
		}
	}
	return pos, neg
}

// PredictAll returns the positive, negative and combined models' predictions for the rows of x.
func (m *CPMModel) PredictAll(x Matrix) [][]float64 {
	pos, neg := m.Strengths(x)
	out := [][]float64{make([]float64, x.Rows), make([]float64, x.Rows), make([]float64, x.Rows)}
	for i := range pos {
		out[0][i] = m.PosFit[0] + m.PosFit[1]*pos[i]
		out[1][i] = m.NegFit[0] + m.NegFit[1]*neg[i]
		out[2][i] = m.BothFit[0] + m.BothFit[1]*pos[i] + m.BothFit[2]*neg[i]
	}
	return out
}

// Predict returns the predictions of the model named by Network.
func (m *CPMModel) Predict(x Matrix) []float64 {
	all := m.PredictAll(x)
	switch m.Network {
	case "positive":
		return all[0]
	case "negative":
		return all[1]
	}
	return all[2]
}

// CPMFolds fits CPM on each fold's training samples and predicts its test samples with the
// positive, negative and combined models (the three candidates of FoldPredictions, in that order).
func CPMFolds(x Matrix, y []float64, splits []Split, pThreshold float64) ([]FoldPredictions, error) {
	if x.Rows != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", x.Rows, len(y))
	}
	out := make([]FoldPredictions, len(splits))
	for f, s := range splits {
		m, err := CPM{PThreshold: pThreshold, Network: "both"}.Fit(x.SelectRows(s.Train), pick(y, s.Train))
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		out[f] = FoldPredictions{Test: append([]int(nil), s.Test...), Predictions: m.PredictAll(x.SelectRows(s.Test))}
	}
	return out, nil
}
