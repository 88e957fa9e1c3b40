package learn

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveGaussianProcessSklearn compares the Gaussian process with scikit-learn's
// GaussianProcessRegressor(ConstantKernel · Matern(ARD, nu=2.5) + WhiteKernel, normalize_y=True)
// on noisy samples of a 3-D function: at fixed hyperparameters, the log marginal likelihood and
// the predictions (mean and standard deviation) are equal; fitted, painmark's likelihood is at
// least scikit-learn's optimum (a different optimiser, the same objective).
func TestLiveGaussianProcessSklearn(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var x [][]float64
	var y []float64
	for i := 0; i < 25; i++ {
		p := []float64{rng.Float64(), rng.Float64(), rng.Float64()}
		x = append(x, p)
		y = append(y, math.Sin(6*p[0])+p[1]*p[1]-0.5*p[2]+0.1*rng.NormFloat64())
	}
	var q [][]float64
	for i := 0; i < 10; i++ {
		q = append(q, []float64{rng.Float64(), rng.Float64(), rng.Float64()})
	}
	theta := []float64{math.Log(1.7), math.Log(0.3), math.Log(0.8), math.Log(2.5), math.Log(0.02)}
	script := `
import json, sys
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
cfg = json.load(open(sys.argv[1]))
X, y, Q, theta = np.array(cfg["x"]), np.array(cfg["y"]), np.array(cfg["q"]), np.array(cfg["theta"])
kernel = ConstantKernel(1.0) * Matern(length_scale=[1.0, 1.0, 1.0], nu=2.5) + WhiteKernel(1.0)
fixed = GaussianProcessRegressor(kernel=kernel.clone_with_theta(theta), optimizer=None, normalize_y=True).fit(X, y)
m, s = fixed.predict(Q, return_std=True)
fitted = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=5, random_state=0).fit(X, y)
json.dump({"lml": fixed.log_marginal_likelihood(theta), "mean": m.tolist(), "std": s.tolist(),
           "fitted_lml": fitted.log_marginal_likelihood_value_, "fitted_theta": fitted.kernel_.theta.tolist()}, open(sys.argv[2], "w"))
`
	var want struct {
		LML         float64
		Mean, Std   []float64
		FittedLML   float64   `json:"fitted_lml"`
		FittedTheta []float64 `json:"fitted_theta"`
	}
	fixtures.RunPythonInline(t, script, map[string]any{"x": x, "y": y, "q": q, "theta": theta}, &want)
	xm, err := RowMatrix(x)
	if err != nil {
		t.Fatal(err)
	}
	g, err := GaussianProcess{Theta: theta, Fixed: true}.Fit(xm, y)
	if err != nil {
		t.Fatal(err)
	}
	worst := math.Abs(g.LogMarginal-want.LML) / math.Abs(want.LML)
	for i, p := range q {
		m, _, s := g.Predict(p)
		worst = math.Max(worst, math.Max(math.Abs(m-want.Mean[i]), math.Abs(s-want.Std[i])))
	}
	t.Logf("fixed hyperparameters: log marginal likelihood %.6f (scikit-learn %.6f), largest difference %.2g", g.LogMarginal, want.LML, worst)
	if worst > 1e-9 {
		t.Fatalf("differs from scikit-learn by %g", worst)
	}
	fit, err := GaussianProcess{Restarts: 3}.Fit(xm, y)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(fit.Theta)
	t.Logf("fitted: log marginal likelihood %.6f at %s; scikit-learn %.6f at %v", fit.LogMarginal, b, want.FittedLML, want.FittedTheta)
	if fit.LogMarginal < want.FittedLML-1e-4 {
		t.Errorf("the fit stops at a lower likelihood (%v) than scikit-learn's (%v)", fit.LogMarginal, want.FittedLML)
	}
}
