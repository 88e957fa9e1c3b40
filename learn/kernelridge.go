package learn

import (
	"fmt"
	"math"
	"runtime/debug"

	"github.com/painmark/painmark/internal/dense"
	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/internal/parallel"
)

// KernelRidgeCV cross-validates ridge regression with an unpenalized intercept (scikit-learn's
// Ridge(alpha, fit_intercept=True) refitted on each fold's training samples) in kernel form, for
// many more features than samples, from ONE eigendecomposition of the centred Gram matrix
// C·X·Xᵀ·C = U·Λ·Uᵀ (C = I − 11ᵀ/n, U spanning the vectors orthogonal to 1), not one per fold.
// With the intercept unpenalized the full-data hat matrix is H = 11ᵀ/n + U·diag(λ/(λ+α))·Uᵀ, so
// I − H = U·diag(α/(λ+α))·Uᵀ for every alpha. Ridge is a penalized least-squares fit, so deleting
// a fold's test samples T changes the fit exactly as the K-fold analogue of the leave-one-out
// shortcut says: the held-out residuals are y_T − ŷ_T = [(I − H)_TT]⁻¹·e_T, e = (I − H)·y the
// full-data residuals (the refit's intercept and centring on the training samples included:
// the intercept is one more unpenalized column of the same least-squares problem).
// (I − H)_TT = U_T·diag(α/(λ+α))·U_Tᵀ is formed from U's test rows without cancellation and
// Cholesky-factored once per fold and alpha, so any target (a permutation) costs two matrix
// products and a triangular solve, no refit: predictions are linear in y, and a batch of targets
// is one matrix product. The dense kernels are package dense's: pure Go, or OpenBLAS/LAPACK with
// the build tag openblas (the same numbers to rounding).
type KernelRidgeCV struct {
	n      int
	u      []float64 // n x r, row-major
	lam    []float64
	alphas []float64
	splits []Split
	chol   [][][]float64 // fold x alpha: the upper Cholesky factor of (I − H)_TT, t x t
}

// NewKernelRidgeCV decomposes the Gram matrix and factors every fold's block for every alpha.
// Alphas must be finite and > 0; the test samples of a fold must not be all the samples.
func NewKernelRidgeCV(g *Gram, alphas []float64, splits []Split) (*KernelRidgeCV, error) {
	n := g.N
	if n < 3 {
		return nil, fmt.Errorf("kernel ridge needs at least 3 samples, got %d", n)
	}
	for _, a := range alphas {
		if !(a > 0) || math.IsInf(a, 1) {
			return nil, fmt.Errorf("ridge alpha %g: the kernel form needs a finite alpha > 0", a)
		}
	}
	u, lam, err := centredEigen(g)
	if err != nil {
		return nil, err
	}
	if n >= 4096 {
		// The eigensolver's n x n workspace is garbage now: return it to the system before the
		// fold factors are allocated, so the peak is the Gram matrix, U and the factors.
		debug.FreeOSMemory()
	}
	k := &KernelRidgeCV{n: n, u: u, lam: lam, alphas: alphas, splits: splits, chol: make([][][]float64, len(splits))}
	errs := make([]error, len(splits))
	parallel.For(len(splits), func(f int) {
		test := splits[f].Test
		t := len(test)
		ut := k.testRows(f)
		r := len(lam)
		scaled := linalg.GetScratch(t * r)
		defer linalg.PutScratch(ut)
		defer linalg.PutScratch(scaled)
		for _, a := range alphas {
			w := make([]float64, r)
			for c, l := range lam {
				w[c] = math.Sqrt(a / (math.Max(l, 0) + a))
			}
			for i := 0; i < t; i++ {
				row, out := ut[i*r:(i+1)*r], scaled[i*r:(i+1)*r]
				for c, v := range row {
					out[c] = v * w[c]
				}
			}
			m := make([]float64, t*t)
			dense.SyrkUpper(t, r, 1, scaled, r, 0, m, t)
			if !dense.CholeskyUpper(t, m) {
				errs[f] = fmt.Errorf("fold %d alpha %g: the held-out block of I − H is not positive definite", f+1, a)
				return
			}
			k.chol[f] = append(k.chol[f], m)
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return k, nil
}

// testRows gathers U's rows of fold f's test samples (t x r) into a scratch buffer (linalg.PutScratch
// it when done: at ten thousand people it is 80 MB, gathered per fold and batch of targets).
func (k *KernelRidgeCV) testRows(f int) []float64 {
	r := len(k.lam)
	test := k.splits[f].Test
	ut := linalg.GetScratch(len(test) * r)
	for i, s := range test {
		copy(ut[i*r:(i+1)*r], k.u[s*r:(s+1)*r])
	}
	return ut
}

// centredEigen returns an orthonormal basis U (n x (n−1), row-major) of the vectors orthogonal to
// 1 that diagonalizes the centred Gram matrix, and its eigenvalues (ascending): 1 is reflected onto
// the first axis (a Householder reflection R), so the eigenproblem is the trailing (n−1) block of
// R·Kc·R and 1 never mixes with the other null directions.
func centredEigen(g *Gram) ([]float64, []float64, error) {
	n := g.N
	at := func(i, j int) float64 {
		if i > j {
			i, j = j, i
		}
		return g.k[i*n+j]
	}
	rowMean := make([]float64, n)
	var grand float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			rowMean[i] += at(i, j)
		}
		rowMean[i] /= float64(n)
		grand += rowMean[i] / float64(n)
	}
	kc := func(i, j int) float64 { return at(i, j) - rowMean[i] - rowMean[j] + grand }
	// v = 1/√n − e₁ reflects 1/√n onto e₁: R = I − 2vvᵀ/(vᵀv).
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(n))
	}
	v[0] -= 1
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	w := make([]float64, n) // Kc·v
	for i := 0; i < n; i++ {
		var t float64
		for j := 0; j < n; j++ {
			t += kc(i, j) * v[j]
		}
		w[i] = t
	}
	vw := 0.0
	for i := range v {
		vw += v[i] * w[i]
	}
	r := n - 1
	// The upper triangle of (R·Kc·R)[1:, 1:], with room for U (n x r), built over it below.
	b := make([]float64, r*r, n*r)
	for i := 1; i < n; i++ {
		for j := i; j < n; j++ {
			b[(i-1)*r+j-1] = kc(i, j) - 2/s*(v[i]*w[j]+w[i]*v[j]) + 4*vw/(s*s)*v[i]*v[j]
		}
	}
	lam := make([]float64, r)
	if !dense.SymEigen(r, b, lam) {
		return nil, nil, fmt.Errorf("ridge: the eigendecomposition of the %d x %d centred Gram matrix did not converge", r, r)
	}
	// U = R[:, 1:]·V = E·V − (2/s)·v·(v[1:]ᵀV), V = b's columns.
	proj := make([]float64, r)
	for i := 1; i < n; i++ {
		for c, x := range b[(i-1)*r : i*r] {
			proj[c] += v[i] * x
		}
	}
	u := b[:n*r] // row i of U over row i−1 of V, last row first
	for i := n - 1; i >= 0; i-- {
		out := u[i*r : (i+1)*r]
		if i > 0 {
			copy(out, b[(i-1)*r:i*r])
		} else {
			clear(out)
		}
		for c := range out {
			out[c] -= 2 / s * v[i] * proj[c]
		}
	}
	return u, lam, nil
}

// residuals computes, for a batch of targets (each n values), every fold's held-out residuals
// y_T − ŷ_T at every alpha and hands them to use(fold, alpha, res), res t x batch (row-major, test
// samples in the fold's order, valid during the call only); use is called for different folds
// concurrently. A target's residuals do not depend on the other targets of its batch.
func (k *KernelRidgeCV) residuals(ys [][]float64, use func(f, a int, res []float64)) error {
	nb, r := len(ys), len(k.lam)
	yc := make([]float64, k.n*nb)
	for b, t := range ys {
		if len(t) != k.n {
			return fmt.Errorf("%d targets for %d samples", len(t), k.n)
		}
		mean := 0.0
		for _, v := range t {
			mean += v
		}
		mean /= float64(k.n)
		for i, v := range t {
			yc[i*nb+b] = v - mean
		}
	}
	z := make([]float64, r*nb) // Uᵀ·yc
	dense.Gemm(true, false, r, nb, k.n, 1, k.u, r, yc, nb, 0, z, nb)
	parallel.For(len(k.splits), func(f int) {
		t := len(k.splits[f].Test)
		ut, wz, e := k.testRows(f), linalg.GetScratch(r*nb), linalg.GetScratch(t*nb)
		defer linalg.PutScratch(ut)
		defer linalg.PutScratch(wz)
		defer linalg.PutScratch(e)
		for a, alpha := range k.alphas {
			for c, l := range k.lam {
				w := alpha / (math.Max(l, 0) + alpha)
				for b, v := range z[c*nb : (c+1)*nb] {
					wz[c*nb+b] = w * v
				}
			}
			// e: the full-data residuals of the test rows
			dense.Gemm(false, false, t, nb, r, 1, ut, r, wz, nb, 0, e, nb)
			dense.CholeskyUpperSolve(t, nb, k.chol[f][a], e)
			use(f, a, e)
		}
	})
	return nil
}

// Predict returns, for each target vector (n values), every fold's held-out predictions at every
// alpha (FoldPredictions: alpha x test sample, in the fold's test order).
func (k *KernelRidgeCV) Predict(ys [][]float64) ([][]FoldPredictions, error) {
	out := make([][]FoldPredictions, len(ys))
	for b := range out {
		out[b] = make([]FoldPredictions, len(k.splits))
		for f, sp := range k.splits {
			out[b][f] = FoldPredictions{Test: append([]int(nil), sp.Test...), Predictions: make([][]float64, len(k.alphas))}
		}
	}
	nb := len(ys)
	err := k.residuals(ys, func(f, a int, res []float64) {
		for b, t := range ys {
			pred := make([]float64, len(k.splits[f].Test))
			for i, s := range k.splits[f].Test {
				pred[i] = t[s] - res[i*nb+b]
			}
			out[b][f].Predictions[a] = pred
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
