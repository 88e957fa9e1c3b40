package learn

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
)

// LarsPathResult is a lasso path from LarsPath: Alphas[k] is the penalty of the k-th knot in the
// scaling of (1/(2n))‖y − Xw‖² + α‖w‖₁ and Coefs[k] the solution there (all features); Active lists
// the features active at the end, in order of entry.
type LarsPathResult struct {
	Alphas []float64
	Active []int
	Coefs  [][]float64
}

// LarsPath is the lasso regularization path by least-angle regression, scikit-learn's
// lars_path(X, y, method="lasso") (Efron et al. 2004, with the lasso modification that drops a
// feature whose coefficient crosses zero). X and y are used as given (centre them first for a model
// with an intercept, as LassoLars does). The path starts at α = max|Xᵀy|/n with every coefficient
// zero and ends at alphaMin (0: the least-squares end), when every feature is active, or after
// maxIter steps (0: scikit-learn's default 500). Decisions follow scikit-learn's code: the
// correlations of the equiangular direction rounded to 15 decimals, float32 tiny and eps guards,
// degenerate regressors (Cholesky pivot < 1e-7) left out, and the last knot interpolated to
// alphaMin. Ties between features are broken by feature order (scikit-learn's follow its internal
// swaps; exact ties do not occur with continuous data).
func LarsPath(x Matrix, y []float64, alphaMin float64, maxIter int) (*LarsPathResult, error) {
	n, p := x.Rows, x.Cols
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if n < 1 || p < 1 {
		return nil, fmt.Errorf("lars_path needs samples and features, got %d x %d", n, p)
	}
	if maxIter <= 0 {
		maxIter = 500
	}
	const (
		tiny32   = 1.1754943508222875e-38 // np.finfo(np.float32).tiny
		eqTol    = 1.1920928955078125e-07 // np.finfo(np.float32).eps
		cholEps  = 2.220446049250313e-16  // np.finfo(float).eps, lars_path's default eps
		decimals = 1e15                   // np.finfo(float64).precision = 15
	)
	cols := make([][]float64, p)
	for j := range cols {
		cols[j] = x.Column(j)
	}
	cov := make([]float64, p) // Xᵀ·residual for inactive features
	linalg.DotMany(cov, cols, y)
	inactive := make([]bool, p)
	for j := range inactive {
		inactive[j] = true
	}
	res := &LarsPathResult{}
	var active []int
	var sign []float64
	var l []float64 // Cholesky factor of the active Gram, row-major, k x k (k = len(active))
	coef := make([]float64, p)
	prevCoef := make([]float64, p)
	prevAlpha := 0.0
	drop := false
	nIter := 0
	eq := make([]float64, n)
	ced := make([]float64, p)
	for {
		cIdx, c := -1, 0.0
		for j := 0; j < p; j++ {
			if inactive[j] && (cIdx < 0 || math.Abs(cov[j]) > c) {
				cIdx, c = j, math.Abs(cov[j])
			}
		}
		alpha := c / float64(n)
		if alpha <= alphaMin+eqTol { // early stopping: interpolate the last knot to alphaMin
			if math.Abs(alpha-alphaMin) > eqTol {
				if nIter > 0 {
					ss := (prevAlpha - alphaMin) / (prevAlpha - alpha)
					for j := range coef {
						coef[j] = prevCoef[j] + ss*(coef[j]-prevCoef[j])
					}
				}
				alpha = alphaMin
			}
			res.Alphas = append(res.Alphas, alpha)
			res.Coefs = append(res.Coefs, append([]float64(nil), coef...))
			break
		}
		if nIter >= maxIter || len(active) >= p {
			res.Alphas = append(res.Alphas, alpha)
			res.Coefs = append(res.Coefs, append([]float64(nil), coef...))
			break
		}
		if !drop {
			k := len(active)
			row := make([]float64, k+1)
			for i, a := range active {
				row[i] = linalg.Dot(cols[cIdx], cols[a])
			}
			// Forward substitution: L[k, :k] = L⁻¹·X_Aᵀx_new.
			for i := 0; i < k; i++ {
				row[i] = (row[i] - linalg.Dot(l[i*k:i*k+i], row[:i])) / l[i*k+i]
			}
			diag := math.Max(math.Sqrt(math.Abs(linalg.Dot(cols[cIdx], cols[cIdx])-linalg.Dot(row[:k], row[:k]))), cholEps)
			if diag < 1e-7 { // degenerate regressor: leave it out for good
				cov[cIdx] = 0
				inactive[cIdx] = false
				continue
			}
			row[k] = diag
			l = growFactor(l, k, row)
			active = append(active, cIdx)
			if cov[cIdx] >= 0 {
				sign = append(sign, 1)
			} else {
				sign = append(sign, -1)
			}
			inactive[cIdx] = false
		}
		res.Alphas = append(res.Alphas, alpha)
		res.Coefs = append(res.Coefs, append([]float64(nil), coef...))
		if nIter > 0 && prevAlpha < alpha {
			break // scikit-learn stops: the residues are small and alpha is no longer controlled
		}
		k := len(active)
		ls := append([]float64(nil), sign...)
		linalg.SolveCholesky(l, ls, k)
		var sum float64
		for i := range ls {
			sum += ls[i] * sign[i]
		}
		aa := 1 / math.Sqrt(sum)
		for i := range ls {
			ls[i] *= aa
		}
		clear(eq)
		for i, a := range active {
			linalg.Axpy(ls[i], cols[a], eq)
		}
		gamma := c / aa
		for j := 0; j < p; j++ {
			if !inactive[j] {
				continue
			}
			ced[j] = math.RoundToEven(linalg.Dot(cols[j], eq)*decimals) / decimals // np.around(…, 15)
			if g := (c - cov[j]) / (aa - ced[j] + tiny32); g > 0 && g < gamma {
				gamma = g
			}
			if g := (c + cov[j]) / (aa + ced[j] + tiny32); g > 0 && g < gamma {
				gamma = g
			}
		}
		drop = false
		zPos := math.Inf(1)
		z := make([]float64, k)
		for i, a := range active {
			z[i] = -coef[a] / (ls[i] + tiny32)
			if z[i] > 0 && z[i] < zPos {
				zPos = z[i]
			}
		}
		var dropped []int
		if zPos < gamma {
			for i := k - 1; i >= 0; i-- {
				if z[i] == zPos {
					dropped = append(dropped, i)
					sign[i] = -sign[i]
				}
			}
			gamma = zPos
			drop = true
		}
		nIter++
		prevAlpha = alpha
		copy(prevCoef, coef)
		clear(coef)
		for i, a := range active {
			coef[a] = prevCoef[a] + gamma*ls[i]
		}
		for j := 0; j < p; j++ {
			if inactive[j] {
				cov[j] -= gamma * ced[j]
			}
		}
		if drop {
			var droppedFeatures []int
			for _, i := range dropped { // descending positions
				j := active[i]
				droppedFeatures = append(droppedFeatures, j)
				coef[j] = 0
				inactive[j] = true
				active = append(active[:i], active[i+1:]...)
				sign = append(sign[:i], sign[i+1:]...)
			}
			var err error
			if l, err = activeFactor(cols, active); err != nil {
				return nil, fmt.Errorf("lars_path: the active set became degenerate after a drop at alpha %g: %w", alpha, err)
			}
			// The dropped features rejoin with their correlation to the new residual.
			r := append([]float64(nil), y...)
			for _, a := range active {
				linalg.Axpy(-coef[a], cols[a], r)
			}
			for _, j := range droppedFeatures {
				cov[j] = linalg.Dot(cols[j], r)
			}
		}
	}
	res.Active = append([]int(nil), active...)
	return res, nil
}

// growFactor returns the (k+1) x (k+1) Cholesky factor with l (k x k) in the top-left corner and row
// as its last row.
func growFactor(l []float64, k int, row []float64) []float64 {
	out := make([]float64, (k+1)*(k+1))
	for i := 0; i < k; i++ {
		copy(out[i*(k+1):i*(k+1)+i+1], l[i*k:i*k+i+1])
	}
	copy(out[k*(k+1):], row)
	return out
}

// activeFactor is the Cholesky factor of the Gram matrix of the active columns (after a drop; the
// incremental factor is rebuilt rather than downdated).
func activeFactor(cols [][]float64, active []int) ([]float64, error) {
	rows := make([][]float64, len(active))
	for i, a := range active {
		rows[i] = cols[a]
	}
	return linalg.Cholesky(linalg.Gram(rows), len(active))
}
