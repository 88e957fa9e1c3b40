// Package connectome computes functional connectivity from ROI time series: covariance estimators
// (empirical, Ledoit-Wolf as scikit-learn), the kinds of nilearn's ConnectivityMeasure (covariance,
// correlation, partial correlation, precision, tangent), Fisher z, nilearn's vectorization order,
// edge masks by region system, edge time series, sliding-window correlation and DCC (NUMERICS.md
// §1, §2, §8).
package connectome

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/signal"
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
	return centredInto(x, make([]float64, len(x.Data)))
}

// centredInto centres x into buf (len(x.Data)). The column sums run over rows in order (the
// same sums as a column-by-column loop, without its strided reads).
func centredInto(x signal.Matrix, buf []float64) signal.Matrix {
	copy(buf, x.Data)
	out := signal.Matrix{Rows: x.Rows, Cols: x.Cols, Data: buf}
	means := linalg.GetScratch(x.Cols)
	defer linalg.PutScratch(means)
	for t := 0; t < x.Rows; t++ {
		for j, v := range x.Data[t*x.Cols : (t+1)*x.Cols] {
			means[j] += v
		}
	}
	for j := range means {
		means[j] /= float64(x.Rows)
	}
	for t := 0; t < x.Rows; t++ {
		row := out.Data[t*x.Cols : (t+1)*x.Cols]
		for j, m := range means {
			row[j] -= m
		}
	}
	return out
}

// gram returns XᵀX / n (exactly symmetric), from dot products of the series (internal/linalg), in a
// buffer from linalg's pool (callers that drop it early may hand it back).
func gram(x signal.Matrix) Sym {
	g := linalg.GetScratch(x.Cols * x.Cols)
	linalg.GramColumnsInto(g, x.Data, x.Rows, x.Cols)
	inv := 1 / float64(x.Rows)
	for i := range g {
		g[i] *= inv
	}
	return Sym{N: x.Cols, Data: g}
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
		buf := linalg.GetScratch(len(x.Data))
		defer linalg.PutScratch(buf)
		x = centredInto(x, buf)
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
	// Shrink in place: S is not needed afterwards.
	for i, v := range S.Data {
		S.Data[i] = (1 - s) * v
	}
	for i := 0; i < p; i++ {
		S.Data[i*p+i] += s * mu
	}
	return S, s, nil
}

// Inverse returns the inverse of a symmetric positive definite matrix by Cholesky factorisation
// (a third of the work of scipy.linalg.inv's LU; the results agree to rounding), exactly symmetric.
func Inverse(s Sym) (Sym, error) {
	inv, err := linalg.CholeskyInverse(s.Data, s.N)
	if err != nil {
		return Sym{}, fmt.Errorf("covariance matrix: %w", err)
	}
	return Sym{N: s.N, Data: inv}, nil
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
	out := Sym{N: prec.N, Data: append([]float64(nil), prec.Data...)}
	precToPartialInPlace(out)
	return out
}

// precToPartialInPlace overwrites a precision matrix with its partial correlations, computing each
// entry as CovToCorr does (P_ij·d_i·d_j, d = 1/√diag), then negated.
func precToPartialInPlace(s Sym) {
	p := s.N
	d := make([]float64, p)
	for i := range d {
		d[i] = 1 / math.Sqrt(s.Data[i*p+i])
	}
	for i := 0; i < p; i++ {
		row := s.Data[i*p : (i+1)*p]
		for j := range row {
			row[j] = -(row[j] * d[i] * d[j])
		}
		row[i] = 1
	}
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
