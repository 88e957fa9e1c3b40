package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// OLSResult is an ordinary least-squares fit as statsmodels' OLS reports it: coefficients, their
// standard errors, t statistics and two-sided p-values (Student t with the residual degrees of
// freedom), the residual variance and R².
type OLSResult struct {
	Coef, SE, T, P []float64
	DF             float64 // n − rank
	Sigma2         float64 // residual sum of squares / DF
	R2             float64
}

// OLS fits y = Xβ + ε by Householder QR (stable for badly scaled covariates such as intracranial
// volume next to an intercept). x is n x p row-major with the intercept column included by the
// caller; a rank-deficient design is an error naming the problem.
func OLS(x []float64, n, p int, y []float64) (*OLSResult, error) {
	if len(x) != n*p || len(y) != n {
		return nil, fmt.Errorf("design %d values for %d x %d, %d outcomes", len(x), n, p, len(y))
	}
	if n <= p {
		return nil, fmt.Errorf("%d observations for %d parameters: no residual degrees of freedom", n, p)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("outcome %d is %v", i, v)
		}
	}
	a := mat.NewDense(n, p, append([]float64(nil), x...))
	var qr mat.QR
	qr.Factorize(a)
	var r mat.Dense
	qr.RTo(&r)
	// Rank check on R's diagonal, relative to its largest entry (numpy's lstsq rcond spirit).
	var maxDiag float64
	for j := 0; j < p; j++ {
		maxDiag = math.Max(maxDiag, math.Abs(r.At(j, j)))
	}
	for j := 0; j < p; j++ {
		if math.Abs(r.At(j, j)) <= maxDiag*float64(max(n, p))*2.220446049250313e-16 {
			return nil, fmt.Errorf("the design is rank deficient (column %d is a combination of the others)", j)
		}
	}
	var beta mat.Dense
	if err := qr.SolveTo(&beta, false, mat.NewDense(n, 1, append([]float64(nil), y...))); err != nil {
		return nil, fmt.Errorf("least squares: %w", err)
	}
	res := &OLSResult{Coef: make([]float64, p), SE: make([]float64, p), T: make([]float64, p), P: make([]float64, p), DF: float64(n - p)}
	for j := 0; j < p; j++ {
		res.Coef[j] = beta.At(j, 0)
	}
	var rss, tss, ym float64
	for _, v := range y {
		ym += v
	}
	ym /= float64(n)
	for i := 0; i < n; i++ {
		fit := 0.0
		for j := 0; j < p; j++ {
			fit += x[i*p+j] * res.Coef[j]
		}
		rss += (y[i] - fit) * (y[i] - fit)
		tss += (y[i] - ym) * (y[i] - ym)
	}
	res.Sigma2 = rss / res.DF
	res.R2 = 1 - rss/tss
	// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ.
	rsq := mat.NewTriDense(p, mat.Upper, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			rsq.SetTri(i, j, r.At(i, j))
		}
	}
	var rinv mat.TriDense
	if err := rinv.InverseTri(rsq); err != nil {
		return nil, fmt.Errorf("the design is singular: %w", err)
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: res.DF}
	for j := 0; j < p; j++ {
		var v float64
		for k := j; k < p; k++ {
			v += rinv.At(j, k) * rinv.At(j, k)
		}
		res.SE[j] = math.Sqrt(res.Sigma2 * v)
		res.T[j] = res.Coef[j] / res.SE[j]
		res.P[j] = 2 * t.Survival(math.Abs(res.T[j]))
	}
	return res, nil
}
