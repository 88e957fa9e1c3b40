package learn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/stats"
)

// Ridge is scikit-learn's Ridge(alpha, fit_intercept=True): minimise ‖y − Xw − b‖² + α‖w‖² (no
// 1/n, the intercept not penalised). The solution is closed-form: w = (XcᵀXc + αI)⁻¹Xcᵀyc on the
// centred data, computed in the sample space, w = Xcᵀ(XcXcᵀ + αI)⁻¹yc, when there are more features
// than samples (the same w; scikit-learn's "cholesky" solver switches the same way).
type Ridge struct {
	Alpha float64
}

// Fit fits the ridge regression.
func (r Ridge) Fit(x Matrix, y []float64) (*LinearModel, error) {
	n, p := x.Rows, x.Cols
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if n < 1 || p < 1 {
		return nil, fmt.Errorf("ridge needs samples and features, got %d x %d", n, p)
	}
	if !(r.Alpha >= 0) {
		return nil, fmt.Errorf("ridge alpha %g: need alpha ≥ 0", r.Alpha)
	}
	buf, means := centredColumns(x)
	cols := make([][]float64, p)
	for j := range cols {
		cols[j] = buf[j*n : (j+1)*n]
	}
	yMean := stats.Mean(y)
	yc := make([]float64, n)
	for i, v := range y {
		yc[i] = v - yMean
	}
	w := make([]float64, p)
	if p <= n {
		g := linalg.Gram(cols)
		for j := 0; j < p; j++ {
			g[j*p+j] += r.Alpha
		}
		linalg.DotMany(w, cols, yc)
		if err := linalg.CholeskySolve(g, w, p); err != nil {
			return nil, fmt.Errorf("ridge system is singular (alpha %g): %w", r.Alpha, err)
		}
	} else {
		rows := make([][]float64, n) // Xc by samples
		rbuf := make([]float64, n*p)
		for i := range rows {
			rows[i] = rbuf[i*p : (i+1)*p]
		}
		for j, c := range cols {
			for i, v := range c {
				rbuf[i*p+j] = v
			}
		}
		k := linalg.Gram(rows)
		for i := 0; i < n; i++ {
			k[i*n+i] += r.Alpha
		}
		dual := append([]float64(nil), yc...)
		if err := linalg.CholeskySolve(k, dual, n); err != nil {
			return nil, fmt.Errorf("ridge system is singular (alpha %g): %w", r.Alpha, err)
		}
		linalg.DotMany(w, cols, dual)
	}
	b := yMean
	for j, v := range w {
		b -= means[j] * v
	}
	return &LinearModel{Coef: w, Intercept: b, Converged: true}, nil
}

// PCA is scikit-learn's PCA(n_components, svd_solver="full"): the data centred on the training means,
// a thin singular value decomposition, components the leading right singular vectors with
// scikit-learn's sign rule (svd_flip with u_based_decision: the largest |u| of each component made
// positive), explained variance S²/(n−1).
type PCA struct {
	Components int // 0: min(n, p)
}

// FittedPCA is a fitted PCA.
type FittedPCA struct {
	Mean       []float64
	Components [][]float64 // k x p, orthonormal rows
	// ExplainedVariance[k] = S_k²/(n−1); ExplainedVarianceRatio divides by the total variance.
	ExplainedVariance, ExplainedVarianceRatio []float64
	SingularValues                            []float64
}

// Fit fits the PCA on x.
func (pc PCA) Fit(x Matrix) (*FittedPCA, error) {
	n, p := x.Rows, x.Cols
	if n < 2 {
		return nil, fmt.Errorf("PCA needs at least 2 samples, got %d", n)
	}
	kmax := min(n, p)
	k := pc.Components
	if k == 0 {
		k = kmax
	}
	if k < 1 || k > kmax {
		return nil, fmt.Errorf("%d components for %d samples x %d features: need 1 ≤ components ≤ %d", k, n, p, kmax)
	}
	xc, means := centredDense(x)
	var svd mat.SVD
	if !svd.Factorize(xc, mat.SVDThin) {
		return nil, fmt.Errorf("singular value decomposition did not converge")
	}
	s := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	var total float64
	for _, sv := range s {
		total += sv * sv / float64(n-1)
	}
	f := &FittedPCA{Mean: means, Components: make([][]float64, k), ExplainedVariance: make([]float64, k),
		ExplainedVarianceRatio: make([]float64, k), SingularValues: s[:k]}
	for c := 0; c < k; c++ {
		// svd_flip: the entry of largest magnitude in u's column decides the sign (the first
		// such entry on ties, as numpy's argmax).
		best, at := -1.0, 0
		for i := 0; i < n; i++ {
			if a := math.Abs(u.At(i, c)); a > best {
				best, at = a, i
			}
		}
		sign := 1.0
		if u.At(at, c) < 0 {
			sign = -1
		}
		comp := make([]float64, p)
		for j := range comp {
			comp[j] = sign * v.At(j, c)
		}
		f.Components[c] = comp
		f.ExplainedVariance[c] = s[c] * s[c] / float64(n-1)
		f.ExplainedVarianceRatio[c] = f.ExplainedVariance[c] / total
	}
	return f, nil
}

// Transform projects samples on the components: (x − mean)·componentsᵀ.
func (f *FittedPCA) Transform(x Matrix) Matrix {
	k := len(f.Components)
	out := linalg.NewMatrix(x.Rows, k)
	row := make([]float64, x.Cols)
	for i := 0; i < x.Rows; i++ {
		for j, v := range x.Data[i*x.Cols : (i+1)*x.Cols] {
			row[j] = v - f.Mean[j]
		}
		linalg.DotMany(out.Data[i*k:(i+1)*k], f.Components, row)
	}
	return out
}
