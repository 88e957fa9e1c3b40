// Package connectome computes functional connectivity from ROI time series: covariance estimators
// (empirical, Ledoit-Wolf as scikit-learn), the kinds of nilearn's ConnectivityMeasure (covariance,
// correlation, partial correlation, precision, tangent), Fisher z, nilearn's vectorization order,
// edge masks by region system, edge time series, sliding-window correlation and DCC (NUMERICS.md
// §1, §2, §8).
package connectome

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/signal"
	"gonum.org/v1/gonum/mat"
)

// Sym is a symmetric p x p matrix, row-major.
type Sym struct {
	N    int
	Data []float64
}

// At returns element (i, j).
func (s Sym) At(i, j int) float64 { return s.Data[i*s.N+j] }

func newSym(n int) Sym { return Sym{N: n, Data: make([]float64, n*n)} }

// centred returns x with each column's mean removed (numpy's mean).
func centred(x signal.Matrix) signal.Matrix {
	out := x.Clone()
	for j := 0; j < x.Cols; j++ {
		var s float64
		for t := 0; t < x.Rows; t++ {
			s += x.Data[t*x.Cols+j]
		}
		m := s / float64(x.Rows)
		for t := 0; t < x.Rows; t++ {
			out.Data[t*x.Cols+j] -= m
		}
	}
	return out
}

// gram returns XᵀX / n, computed as a symmetric rank-k update (half the work of a general product)
// and mirrored, so it is exactly symmetric.
func gram(x signal.Matrix) Sym {
	p, n := x.Cols, x.Rows
	var g mat.SymDense
	g.SymRankK(mat.NewSymDense(p, nil), 1, mat.NewDense(n, p, x.Data).T())
	raw := g.RawSymmetric()
	out := newSym(p)
	inv := 1 / float64(n)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			v := raw.Data[i*raw.Stride+j] * inv
			out.Data[i*p+j], out.Data[j*p+i] = v, v
		}
	}
	return out
}

// EmpiricalCovariance is scikit-learn's empirical_covariance: XᵀX/n of the centred data (ddof 0),
// or of the data as given when assumeCentered.
func EmpiricalCovariance(x signal.Matrix, assumeCentered bool) Sym {
	if !assumeCentered {
		x = centred(x)
	}
	return gram(x)
}

// LedoitWolf is scikit-learn's LedoitWolf estimator (NUMERICS.md §2): the empirical covariance S
// shrunk towards μ·I, Σ = (1-s)·S + s·μ·I with μ = tr(S)/p and the shrinkage s of Ledoit & Wolf
// (2004) as sklearn computes it. It returns Σ and s.
func LedoitWolf(x signal.Matrix, assumeCentered bool) (Sym, float64, error) {
	n, p := x.Rows, x.Cols
	if n < 2 && !assumeCentered {
		return Sym{}, 0, fmt.Errorf("Ledoit-Wolf needs at least 2 time points, got %d", n)
	}
	if p == 1 {
		if !assumeCentered {
			x = centred(x)
		}
		var s float64
		for _, v := range x.Data {
			s += v * v
		}
		return Sym{N: 1, Data: []float64{s / float64(n)}}, 0, nil
	}
	if !assumeCentered {
		x = centred(x)
	}
	S := gram(x)
	var trace float64
	for i := 0; i < p; i++ {
		trace += S.Data[i*p+i]
	}
	mu := trace / float64(p)
	// β_ = Σ_k ‖x_k‖⁴ over samples (the sum of <X², X²>); δ_ = ‖XᵀX‖²_F / n².
	var betaSum float64
	for t := 0; t < n; t++ {
		var r float64
		for _, v := range x.Data[t*p : (t+1)*p] {
			r += v * v
		}
		betaSum += r * r
	}
	var deltaSum float64
	for _, v := range S.Data {
		deltaSum += v * v // S = XᵀX/n, so this is ‖XᵀX‖²/n²
	}
	beta := 1.0 / float64(p*n) * (betaSum/float64(n) - deltaSum)
	delta := (deltaSum - 2*mu*trace + float64(p)*mu*mu) / float64(p)
	beta = math.Min(beta, delta)
	s := 0.0
	if beta != 0 {
		s = beta / delta
	}
	out := newSym(p)
	for i, v := range S.Data {
		out.Data[i] = (1 - s) * v
	}
	for i := 0; i < p; i++ {
		out.Data[i*p+i] += s * mu
	}
	return out, s, nil
}

// Inverse returns the inverse of a symmetric positive definite matrix by Cholesky factorisation
// (half the work of scipy.linalg.inv's LU; the results agree to rounding), exactly symmetric.
func Inverse(s Sym) (Sym, error) {
	var ch mat.Cholesky
	if ok := ch.Factorize(mat.NewSymDense(s.N, append([]float64(nil), s.Data...))); !ok {
		return Sym{}, fmt.Errorf("covariance matrix is not positive definite (singular or not a covariance)")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return Sym{}, fmt.Errorf("covariance matrix is singular: %w", err)
	}
	raw := inv.RawSymmetric()
	out := newSym(s.N)
	for i := 0; i < s.N; i++ {
		for j := i; j < s.N; j++ {
			v := raw.Data[i*raw.Stride+j]
			out.Data[i*s.N+j], out.Data[j*s.N+i] = v, v
		}
	}
	return out, nil
}

// CovToCorr scales a covariance to a correlation matrix (nilearn's cov_to_corr): C_ij/√(C_ii C_jj),
// diagonal exactly 1.
func CovToCorr(c Sym) Sym {
	p := c.N
	d := make([]float64, p)
	for i := range d {
		d[i] = 1 / math.Sqrt(c.Data[i*p+i])
	}
	out := newSym(p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			out.Data[i*p+j] = c.Data[i*p+j] * d[i] * d[j]
		}
		out.Data[i*p+i] = 1
	}
	return out
}

// PrecToPartial turns a precision matrix into partial correlations (nilearn's prec_to_partial):
// -P_ij/√(P_ii P_jj), diagonal exactly 1.
func PrecToPartial(prec Sym) Sym {
	out := CovToCorr(prec)
	for i := range out.Data {
		out.Data[i] = -out.Data[i]
	}
	for i := 0; i < prec.N; i++ {
		out.Data[i*prec.N+i] = 1
	}
	return out
}

// FisherZ is atanh applied element-wise (the diagonal of a correlation matrix becomes +Inf; use it
// on vectors without the diagonal).
func FisherZ(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Atanh(x)
	}
	return out
}
