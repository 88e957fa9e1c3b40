package learn

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
)

// SVR is scikit-learn's epsilon-support vector regression (sklearn.svm.SVR, libsvm's ε-SVR):
// minimise ½‖w‖² + C·Σ max(0, |y_i − f(x_i)| − ε) with f(x) = Σ_i β_i K(x_i, x) + b, solved in
// the dual by libsvm's SMO (maximal-violating-pair working sets with second-order selection, Fan
// et al. 2005), kernel values held in single precision as libsvm caches them, and the intercept by
// libsvm's rule (the mean over free support vectors). painmark iterates until the maximal violation
// is below Tol (default 1e-8, tighter than scikit-learn's 1e-3 default: the converged answer, which
// scikit-learn gives for the same tight tol) and does not shrink the working set (shrinking changes
// libsvm's iterates, not its optimum).
type SVR struct {
	Kernel  string  // "rbf" (default) or "linear"
	C       float64 // 0 means 1
	Epsilon float64 // the tube half-width; negative means 0, zero means scikit-learn's 0.1
	// Gamma is the RBF kernel's exp(−γ‖x − x'‖²) scale; 0 means scikit-learn's "scale",
	// 1/(p·Var(X)) over all entries of the training data.
	Gamma   float64
	Tol     float64 // 0 means 1e-8
	MaxIter int     // SMO iterations; 0 means 10,000,000
}

// SVRModel is a fitted SVR: f(x) = Σ DualCoef_i K(SupportVectors_i, x) + Intercept.
type SVRModel struct {
	Kernel         string
	Gamma          float64
	SupportVectors Matrix
	Support        []int // training rows of the support vectors
	DualCoef       []float64
	Intercept      float64
	// Coef is w = Σ β_i x_i for the linear kernel (nil otherwise).
	Coef      []float64
	NIter     int
	Converged bool
}

// Fit fits the SVR.
func (s SVR) Fit(x Matrix, y []float64) (*SVRModel, error) {
	n, p := x.Rows, x.Cols
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if n < 1 {
		return nil, fmt.Errorf("SVR needs samples")
	}
	kernel := s.Kernel
	if kernel == "" {
		kernel = "rbf"
	}
	if kernel != "rbf" && kernel != "linear" {
		return nil, fmt.Errorf("unknown SVR kernel %q (rbf, linear)", kernel)
	}
	c, eps, tol, maxIter := s.C, s.Epsilon, s.Tol, s.MaxIter
	if c == 0 {
		c = 1
	}
	if !(c > 0) {
		return nil, fmt.Errorf("C %g: need C > 0", c)
	}
	switch {
	case eps == 0:
		eps = 0.1
	case eps < 0:
		eps = 0
	}
	if tol == 0 {
		tol = 1e-8
	}
	if maxIter == 0 {
		maxIter = 10000000
	}
	gamma := s.Gamma
	if kernel == "rbf" && gamma == 0 {
		var sum, sq float64
		for _, v := range x.Data {
			sum += v
		}
		mean := sum / float64(len(x.Data))
		for _, v := range x.Data {
			sq += (v - mean) * (v - mean)
		}
		if v := sq / float64(len(x.Data)); v != 0 {
			gamma = 1 / (float64(p) * v)
		} else {
			gamma = 1
		}
	}
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = x.Data[i*p : (i+1)*p]
	}
	k := linalg.Gram(rows) // x_i·x_j
	if kernel == "rbf" {
		sq := make([]float64, n)
		for i := range sq {
			sq[i] = k[i*n+i]
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				k[i*n+j] = math.Exp(-gamma * math.Max(sq[i]+sq[j]-2*k[i*n+j], 0))
			}
		}
	}
	alpha, g, iters, converged := smoEpsilonSVR(k, y, c, eps, tol, maxIter)
	m := &SVRModel{Kernel: kernel, Gamma: gamma, NIter: iters, Converged: converged}
	m.Intercept = -svrRho(alpha, g, n, c)
	for i := 0; i < n; i++ {
		if beta := alpha[i] - alpha[i+n]; beta != 0 {
			m.Support = append(m.Support, i)
			m.DualCoef = append(m.DualCoef, beta)
		}
	}
	m.SupportVectors = x.SelectRows(m.Support)
	if kernel == "linear" {
		m.Coef = make([]float64, p)
		for c, i := range m.Support {
			linalg.Axpy(m.DualCoef[c], rows[i], m.Coef)
		}
	}
	return m, nil
}

// smoEpsilonSVR is libsvm's Solver::Solve for solve_epsilon_svr without shrinking: 2n variables
// (α_i for y_i − f ≥ ε, α*_i for f − y_i ≥ ε), signs s = (+1..., −1...), Q_tu = s_t s_u K, linear
// term ε − y_i and ε + y_i, 0 ≤ α ≤ C, Σ s_t α_t = 0. It returns α, the gradient, the iterations and
// whether the maximal violation fell below tol.
func smoEpsilonSVR(k []float64, y []float64, c, eps, tol float64, maxIter int) ([]float64, []float64, int, bool) {
	const tau = 1e-12
	n := len(y)
	l := 2 * n
	sign := func(t int) float64 {
		if t < n {
			return 1
		}
		return -1
	}
	// libsvm caches kernel rows in single precision (Qfloat) and keeps only the diagonal QD in
	// double: the same rounding here makes the optimum scikit-learn's, not a slightly different
	// double-precision one (they differ by about 1e-7 relative, more when the kernel is singular).
	kq := make([]float64, len(k))
	for i, v := range k {
		kq[i] = float64(float32(v))
	}
	q := func(t, u int) float64 { return sign(t) * sign(u) * kq[(t%n)*n+u%n] }
	alpha := make([]float64, l)
	g := make([]float64, l)
	for i := 0; i < n; i++ {
		g[i] = eps - y[i]
		g[i+n] = eps + y[i]
	}
	upper := func(t int) bool { return alpha[t] >= c }
	lower := func(t int) bool { return alpha[t] <= 0 }
	for iter := 0; iter < maxIter; iter++ {
		// Working set selection 3 (second order).
		gmax, gmax2 := math.Inf(-1), math.Inf(-1)
		bi, bj := -1, -1
		for t := 0; t < l; t++ {
			if sign(t) > 0 {
				if !upper(t) && -g[t] >= gmax {
					gmax, bi = -g[t], t
				}
			} else if !lower(t) && g[t] >= gmax {
				gmax, bi = g[t], t
			}
		}
		objMin := math.Inf(1)
		for u := 0; u < l; u++ {
			var diff, quad float64
			if sign(u) > 0 {
				if lower(u) {
					continue
				}
				gmax2 = math.Max(gmax2, g[u])
				diff = gmax + g[u]
				if bi >= 0 {
					quad = k[(bi%n)*n+bi%n] + k[(u%n)*n+u%n] - 2*sign(bi)*q(bi, u)
				}
			} else {
				if upper(u) {
					continue
				}
				gmax2 = math.Max(gmax2, -g[u])
				diff = gmax - g[u]
				if bi >= 0 {
					quad = k[(bi%n)*n+bi%n] + k[(u%n)*n+u%n] + 2*sign(bi)*q(bi, u)
				}
			}
			if bi >= 0 && diff > 0 {
				if quad <= 0 {
					quad = tau
				}
				if obj := -diff * diff / quad; obj <= objMin {
					objMin, bj = obj, u
				}
			}
		}
		if gmax+gmax2 < tol || bj < 0 {
			return alpha, g, iter, true
		}
		i, j := bi, bj
		oi, oj := alpha[i], alpha[j]
		qij := q(i, j)
		qii, qjj := k[(i%n)*n+i%n], k[(j%n)*n+j%n]
		if sign(i) != sign(j) {
			quad := qii + qjj + 2*qij
			if quad <= 0 {
				quad = tau
			}
			delta := (-g[i] - g[j]) / quad
			diff := alpha[i] - alpha[j]
			alpha[i] += delta
			alpha[j] += delta
			if diff > 0 {
				if alpha[j] < 0 {
					alpha[j], alpha[i] = 0, diff
				}
			} else if alpha[i] < 0 {
				alpha[i], alpha[j] = 0, -diff
			}
			if diff > 0 { // C_i − C_j = 0
				if alpha[i] > c {
					alpha[i], alpha[j] = c, c-diff
				}
			} else if alpha[j] > c {
				alpha[j], alpha[i] = c, c+diff
			}
		} else {
			quad := qii + qjj - 2*qij
			if quad <= 0 {
				quad = tau
			}
			delta := (g[i] - g[j]) / quad
			sum := alpha[i] + alpha[j]
			alpha[i] -= delta
			alpha[j] += delta
			if sum > c {
				if alpha[i] > c {
					alpha[i], alpha[j] = c, sum-c
				}
			} else if alpha[j] < 0 {
				alpha[j], alpha[i] = 0, sum
			}
			if sum > c {
				if alpha[j] > c {
					alpha[j], alpha[i] = c, sum-c
				}
			} else if alpha[i] < 0 {
				alpha[i], alpha[j] = 0, sum
			}
		}
		di, dj := alpha[i]-oi, alpha[j]-oj
		for t := 0; t < l; t++ {
			g[t] += q(i, t)*di + q(j, t)*dj
		}
	}
	return alpha, g, maxIter, false
}

// svrRho is libsvm's calculate_rho: the mean of s_t·G_t over free variables, or the middle of the
// feasible interval when none is free.
func svrRho(alpha, g []float64, n int, c float64) float64 {
	ub, lb := math.Inf(1), math.Inf(-1)
	var sumFree float64
	nFree := 0
	for t := range alpha {
		s := 1.0
		if t >= n {
			s = -1
		}
		yg := s * g[t]
		switch {
		case alpha[t] >= c:
			if s < 0 {
				ub = math.Min(ub, yg)
			} else {
				lb = math.Max(lb, yg)
			}
		case alpha[t] <= 0:
			if s > 0 {
				ub = math.Min(ub, yg)
			} else {
				lb = math.Max(lb, yg)
			}
		default:
			nFree++
			sumFree += yg
		}
	}
	if nFree > 0 {
		return sumFree / float64(nFree)
	}
	return (ub + lb) / 2
}

// Predict returns f(x) for every row of x.
func (m *SVRModel) Predict(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	p := x.Cols
	for r := range out {
		row := x.Data[r*p : (r+1)*p]
		if m.Coef != nil {
			out[r] = linalg.Dot(row, m.Coef) + m.Intercept
			continue
		}
		s := m.Intercept
		for c := range m.Support {
			sv := m.SupportVectors.Data[c*p : (c+1)*p]
			var d2 float64
			for j, v := range sv {
				d := v - row[j]
				d2 += d * d
			}
			s += m.DualCoef[c] * math.Exp(-m.Gamma*d2)
		}
		out[r] = s
	}
	return out
}
