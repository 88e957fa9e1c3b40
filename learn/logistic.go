package learn

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
)

// LogisticRegression is scikit-learn's binary LogisticRegression(penalty="l2", C, fit_intercept=True):
// minimise C·Σ log(1 + exp(−ỹ_i(x_i·w + b))) + ½‖w‖² with ỹ = ±1 (the intercept not penalised). The
// minimiser is unique; painmark reaches it by Newton's method with conjugate-gradient steps on
// Hessian-vector products (no p x p matrix, so connectome-sized feature sets fit) and a backtracking
// line search, until the gradient's largest entry is below Tol (default 1e-10), which is the
// converged answer scikit-learn's lbfgs approaches as its tol shrinks.
type LogisticRegression struct {
	C       float64 // inverse penalty strength (0 means scikit-learn's default 1)
	Tol     float64 // largest gradient entry at convergence (0 means 1e-10)
	MaxIter int     // Newton iterations (0 means 100)
	// Output is what the fitted model predicts as an Estimator: "probability" (the default,
	// predict_proba[:, 1]) or "decision" (decision_function, the log-odds).
	Output string `json:",omitempty"`
}

// LogisticModel is a fitted logistic regression: P(y = 1 | x) = σ(x·Coef + Intercept).
type LogisticModel struct {
	Coef      []float64
	Intercept float64
	NIter     int
	Converged bool
}

// Fit fits the model to a binary target (0/1).
func (lr LogisticRegression) Fit(x Matrix, y []float64) (*LogisticModel, error) {
	n, p := x.Rows, x.Cols
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	var pos int
	for i, v := range y {
		if v != 0 && v != 1 {
			return nil, fmt.Errorf("sample %d: logistic regression needs a binary target (0/1), got %g", i, v)
		}
		pos += int(v)
	}
	if pos == 0 || pos == n {
		return nil, fmt.Errorf("logistic regression needs both classes, got %d positives of %d", pos, n)
	}
	c, tol, maxIter := lr.C, lr.Tol, lr.MaxIter
	if c == 0 {
		c = 1
	}
	if !(c > 0) {
		return nil, fmt.Errorf("C %g: need C > 0", c)
	}
	if tol == 0 {
		tol = 1e-10
	}
	if maxIter == 0 {
		maxIter = 100
	}
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = x.Data[i*p : (i+1)*p]
	}
	// θ = (w, b); all vectors below have p+1 entries, the intercept last.
	theta := make([]float64, p+1)
	f := make([]float64, n)  // margins x·w + b
	pr := make([]float64, n) // σ(f)
	margins := func(th []float64) {
		for i, r := range rows {
			f[i] = linalg.Dot(r, th[:p]) + th[p]
		}
	}
	objective := func(th []float64) float64 {
		margins(th)
		var loss float64
		for i, fi := range f {
			z := fi
			if y[i] == 0 {
				z = -fi
			}
			loss += logOnePlusExp(-z)
		}
		return c*loss + 0.5*linalg.Dot(th[:p], th[:p])
	}
	grad := make([]float64, p+1)
	d := make([]float64, n)
	gradient := func() { // at the margins in f
		resid := make([]float64, n)
		for i, fi := range f {
			pr[i] = sigmoid(fi)
			resid[i] = c * (pr[i] - y[i])
			d[i] = c * pr[i] * (1 - pr[i])
		}
		copy(grad[:p], theta[:p])
		for i, r := range rows {
			linalg.Axpy(resid[i], r, grad[:p])
		}
		grad[p] = 0
		for _, v := range resid {
			grad[p] += v
		}
	}
	hessVec := func(out, v []float64) { // H·v = [v_w + Xᵀ D (X v_w + v_b); 1ᵀ D (X v_w + v_b)]
		copy(out[:p], v[:p])
		out[p] = 0
		for i, r := range rows {
			t := d[i] * (linalg.Dot(r, v[:p]) + v[p])
			linalg.Axpy(t, r, out[:p])
			out[p] += t
		}
	}
	m := &LogisticModel{}
	obj := objective(theta)
	step := make([]float64, p+1)
	trial := make([]float64, p+1)
	rv, pv, hp := make([]float64, p+1), make([]float64, p+1), make([]float64, p+1)
	for it := 0; it < maxIter; it++ {
		gradient()
		gmax := 0.0
		for _, g := range grad {
			gmax = math.Max(gmax, math.Abs(g))
		}
		if gmax <= tol {
			m.Converged = true
			break
		}
		m.NIter = it + 1
		// Truncated conjugate gradients for H·step = −grad (H is positive definite).
		clear(step)
		for i := range rv {
			rv[i] = -grad[i]
		}
		copy(pv, rv)
		rr := linalg.Dot(rv, rv)
		gnorm := math.Sqrt(rr)
		stop := math.Min(0.5, math.Sqrt(gnorm)) * gnorm
		for cg := 0; cg < 10*(p+1) && math.Sqrt(rr) > stop; cg++ {
			hessVec(hp, pv)
			a := rr / linalg.Dot(pv, hp)
			linalg.Axpy(a, pv, step)
			linalg.Axpy(-a, hp, rv)
			rrNew := linalg.Dot(rv, rv)
			for i := range pv {
				pv[i] = rv[i] + rrNew/rr*pv[i]
			}
			rr = rrNew
		}
		// Backtracking (Armijo) along the Newton step.
		slope := linalg.Dot(grad, step)
		t := 1.0
		for ls := 0; ls < 60; ls++ {
			for i := range trial {
				trial[i] = theta[i] + t*step[i]
			}
			if o := objective(trial); o <= obj+1e-4*t*slope || t < 1e-12 {
				copy(theta, trial)
				obj = o
				break
			}
			t /= 2
		}
		margins(theta)
	}
	if !m.Converged { // the last iteration's gradient has not been checked yet
		margins(theta)
		gradient()
		gmax := 0.0
		for _, g := range grad {
			gmax = math.Max(gmax, math.Abs(g))
		}
		m.Converged = gmax <= tol
	}
	m.Coef = append([]float64(nil), theta[:p]...)
	m.Intercept = theta[p]
	return m, nil
}

// DecisionFunction returns x·Coef + Intercept for every row.
func (m *LogisticModel) DecisionFunction(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	for i := range out {
		out[i] = linalg.Dot(x.Data[i*x.Cols:(i+1)*x.Cols], m.Coef) + m.Intercept
	}
	return out
}

// PredictProba returns P(y = 1 | x) for every row.
func (m *LogisticModel) PredictProba(x Matrix) []float64 {
	out := m.DecisionFunction(x)
	for i, v := range out {
		out[i] = sigmoid(v)
	}
	return out
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logOnePlusExp is log(1 + e^z) without overflow.
func logOnePlusExp(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}
