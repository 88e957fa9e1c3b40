package learn

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/optimize"
	"gonum.org/v1/gonum/mat"
)

// GaussianProcess is scikit-learn's GaussianProcessRegressor(kernel = ConstantKernel(c) ·
// Matern(length_scale = l_1..l_D, nu = 2.5) + WhiteKernel(noise), alpha = 1e-10,
// normalize_y = True): a Gaussian-process regression with a Matérn 5/2 kernel with one length
// scale per input dimension (ARD), a signal variance and a noise variance, on outcomes
// standardised by their mean and (population) standard deviation. Hyperparameters are fitted by
// maximising the log marginal likelihood over log-parameters within scikit-learn's default bounds
// (1e-5 to 1e5), by Nelder-Mead from several starts (scikit-learn uses L-BFGS-B); Fixed skips the
// fit and uses Theta as given.
type GaussianProcess struct {
	// Theta are the log hyperparameters (log c, log l_1..log l_D, log noise); nil starts from c = 1,
	// l = 1, noise = 1 as scikit-learn's defaults.
	Theta []float64
	Fixed bool
	// Restarts are extra starts of the optimiser (deterministic, spread over the bounds).
	Restarts int
}

// FittedGP is a fitted Gaussian process. Its JSON holds the training inputs, Theta and the
// posterior weights; the Cholesky factor is recomputed on reading.
type FittedGP struct {
	X             [][]float64 // the training inputs, one row each
	Theta         []float64   // log c, log l_1..D, log noise
	LogMarginal   float64
	yMean, yStd   float64
	chol          mat.Cholesky
	alpha         []float64
	signal, noise float64
	lengths       []float64
}

const gpJitter = 1e-10 // scikit-learn's alpha

// matern52 is the Matérn 5/2 correlation at scaled distance r.
func matern52(r float64) float64 {
	s := math.Sqrt(5) * r
	return (1 + s + s*s/3) * math.Exp(-s)
}

func scaledDistance(a, b, lengths []float64) float64 {
	var s float64
	for d := range a {
		v := (a[d] - b[d]) / lengths[d]
		s += v * v
	}
	return math.Sqrt(s)
}

// logMarginal computes the log marginal likelihood of standardised y at theta, and the
// factorisation and weights it needs for prediction.
func gpLogMarginal(x [][]float64, y []float64, theta []float64) (float64, *mat.Cholesky, []float64) {
	n, dims := len(x), len(x[0])
	c, noise := math.Exp(theta[0]), math.Exp(theta[dims+1])
	lengths := make([]float64, dims)
	for d := range lengths {
		lengths[d] = math.Exp(theta[1+d])
	}
	k := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := c * matern52(scaledDistance(x[i], x[j], lengths))
			if i == j {
				v += noise + gpJitter
			}
			k.SetSym(i, j, v)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(k) {
		return math.Inf(-1), nil, nil
	}
	var a mat.VecDense
	if err := chol.SolveVecTo(&a, mat.NewVecDense(n, y)); err != nil {
		return math.Inf(-1), nil, nil
	}
	alpha := a.RawVector().Data
	var fit, logDet float64
	for i := range y {
		fit += y[i] * alpha[i]
	}
	logDet = chol.LogDet()
	return -0.5*fit - 0.5*logDet - float64(n)/2*math.Log(2*math.Pi), &chol, alpha
}

// Fit fits the process to inputs x (samples x input dimensions) and outcomes y.
func (g GaussianProcess) Fit(xm Matrix, y []float64) (*FittedGP, error) {
	n := xm.Rows
	if n < 2 || len(y) != n {
		return nil, fmt.Errorf("Gaussian process: %d inputs and %d outcomes (need at least 2)", n, len(y))
	}
	if xm.Cols < 1 || len(xm.Data) != n*xm.Cols {
		return nil, fmt.Errorf("Gaussian process: a %d x %d input matrix holds %d values", n, xm.Cols, len(xm.Data))
	}
	dims := xm.Cols
	x := make([][]float64, n)
	for i := range x {
		x[i] = append([]float64(nil), xm.Data[i*dims:(i+1)*dims]...)
	}
	mean, std := 0.0, 0.0
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("Gaussian process: an outcome is %v", v)
		}
		mean += v / float64(n)
	}
	for _, v := range y {
		std += (v - mean) * (v - mean) / float64(n)
	}
	std = math.Sqrt(std)
	if std == 0 {
		std = 1 // scikit-learn's _handle_zeros_in_scale
	}
	ys := make([]float64, n)
	for i, v := range y {
		ys[i] = (v - mean) / std
	}
	theta := g.Theta
	if theta == nil {
		theta = make([]float64, dims+2)
	}
	if len(theta) != dims+2 {
		return nil, fmt.Errorf("Gaussian process: %d hyperparameters for %d input dimensions (want %d)", len(theta), dims, dims+2)
	}
	lo, hi := math.Log(1e-5), math.Log(1e5)
	if !g.Fixed {
		// Nelder-Mead on unbounded u with theta = lo + (hi − lo)·logistic(u) keeps theta in bounds.
		toTheta := func(u []float64) []float64 {
			t := make([]float64, len(u))
			for i, v := range u {
				t[i] = lo + (hi-lo)/(1+math.Exp(-v))
			}
			return t
		}
		toU := func(t []float64) []float64 {
			u := make([]float64, len(t))
			for i, v := range t {
				p := (math.Min(math.Max(v, lo+1e-9), hi-1e-9) - lo) / (hi - lo)
				u[i] = math.Log(p / (1 - p))
			}
			return u
		}
		objective := func(u []float64) float64 {
			l, _, _ := gpLogMarginal(x, ys, toTheta(u))
			if math.IsInf(l, -1) || math.IsNaN(l) {
				return math.Inf(1)
			}
			return -l
		}
		starts := [][]float64{theta}
		for r := 0; r < g.Restarts; r++ { // deterministic starts: length scales from 0.05 to 5
			t := make([]float64, dims+2)
			scale := math.Log(0.05) + (math.Log(5)-math.Log(0.05))*float64(r)/float64(max(g.Restarts-1, 1))
			for d := 1; d <= dims; d++ {
				t[d] = scale
			}
			t[dims+1] = math.Log(0.1)
			starts = append(starts, t)
		}
		best, bestF := theta, math.Inf(1)
		for _, s := range starts {
			u, f := optimize.MinimizeRestarts(objective, toU(s))
			if f < bestF {
				best, bestF = toTheta(u), f
			}
		}
		theta = best
	}
	lml, chol, alpha := gpLogMarginal(x, ys, theta)
	if chol == nil {
		return nil, fmt.Errorf("Gaussian process: the kernel matrix is not positive definite at theta %v", theta)
	}
	f := &FittedGP{X: x, Theta: append([]float64(nil), theta...), LogMarginal: lml, yMean: mean, yStd: std, chol: *chol, alpha: alpha,
		signal: math.Exp(theta[0]), noise: math.Exp(theta[dims+1])}
	for d := 0; d < dims; d++ {
		f.lengths = append(f.lengths, math.Exp(theta[1+d]))
	}
	return f, nil
}

// Predict returns the posterior mean of the outcome at x and the standard deviations of the
// latent function (without noise) and of a new observation (with the noise, as scikit-learn's
// predict(return_std=True) with a WhiteKernel).
func (f *FittedGP) Predict(x []float64) (mean, sdLatent, sdObserved float64) {
	n := len(f.X)
	ks := make([]float64, n)
	for i, xi := range f.X {
		ks[i] = f.signal * matern52(scaledDistance(x, xi, f.lengths))
	}
	var m float64
	for i := range ks {
		m += ks[i] * f.alpha[i]
	}
	var v mat.VecDense
	if err := f.chol.SolveVecTo(&v, mat.NewVecDense(n, ks)); err != nil {
		return math.NaN(), math.NaN(), math.NaN()
	}
	var q float64
	for i, kv := range ks {
		q += kv * v.AtVec(i)
	}
	varLatent := math.Max(f.signal-q, 0)
	return f.yMean + f.yStd*m, f.yStd * math.Sqrt(varLatent), f.yStd * math.Sqrt(varLatent+f.noise)
}

// fittedGPJSON is the stored form of a FittedGP.
type fittedGPJSON struct {
	X           [][]float64 `json:"x"`
	Theta       []float64   `json:"theta"`
	LogMarginal float64     `json:"log_marginal"`
	YMean       float64     `json:"y_mean"`
	YStd        float64     `json:"y_std"`
	Alpha       []float64   `json:"alpha"`
}

// MarshalJSON stores the inputs, hyperparameters, outcome scaling and posterior weights.
func (f *FittedGP) MarshalJSON() ([]byte, error) {
	return json.Marshal(fittedGPJSON{X: f.X, Theta: f.Theta, LogMarginal: f.LogMarginal, YMean: f.yMean, YStd: f.yStd, Alpha: f.alpha})
}

// UnmarshalJSON reads a stored FittedGP and refactorises its kernel matrix (the same arithmetic as
// Fit, so predictions are identical).
func (f *FittedGP) UnmarshalJSON(b []byte) error {
	var s fittedGPJSON
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if len(s.X) < 2 || len(s.Alpha) != len(s.X) || len(s.Theta) != len(s.X[0])+2 {
		return fmt.Errorf("Gaussian process: %d inputs, %d weights and %d hyperparameters do not fit together", len(s.X), len(s.Alpha), len(s.Theta))
	}
	dims := len(s.X[0])
	for i, row := range s.X {
		if len(row) != dims {
			return fmt.Errorf("Gaussian process: training input %d has %d values, the first %d", i, len(row), dims)
		}
	}
	// Refactorising allocates the n x n kernel matrix (and its Cholesky factor).
	if err := budget.Check("Gaussian process training inputs (an n x n kernel)", int64(len(s.X))*int64(len(s.X)), 16); err != nil {
		return err
	}
	_, chol, _ := gpLogMarginal(s.X, make([]float64, len(s.X)), s.Theta)
	if chol == nil {
		return fmt.Errorf("Gaussian process: the kernel matrix is not positive definite at theta %v", s.Theta)
	}
	*f = FittedGP{X: s.X, Theta: s.Theta, LogMarginal: s.LogMarginal, yMean: s.YMean, yStd: s.YStd, chol: *chol, alpha: s.Alpha,
		signal: math.Exp(s.Theta[0]), noise: math.Exp(s.Theta[dims+1])}
	for d := 0; d < dims; d++ {
		f.lengths = append(f.lengths, math.Exp(s.Theta[1+d]))
	}
	return nil
}
