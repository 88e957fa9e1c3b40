package linalg

import (
	"fmt"
	"math"
	"math/bits"
	"sync"
)

// scratch recycles working buffers (triangular factors, transposed series, covariances), which
// would otherwise be garbage after every call (a cohort of 54 subjects x 139 regions makes hundreds
// of them). One pool per power-of-two capacity, so a request never takes a buffer of another size
// class and throws it away.
var scratch [64]sync.Pool

// GetScratch returns a zeroed buffer of n values from the pool; hand it back with PutScratch when
// it is no longer used.
func GetScratch(n int) []float64 { return getScratch(n) }

// PutScratch returns a buffer to the pool.
func PutScratch(b []float64) { putScratch(b) }

func getScratch(n int) []float64 {
	class := bits.Len(uint(n))
	if v, ok := scratch[class].Get().(*[]float64); ok && cap(*v) >= n {
		b := (*v)[:n]
		clear(b)
		return b
	}
	return make([]float64, n, 1<<class-1)
}

// putScratch files b under the largest class its capacity serves in full.
func putScratch(b []float64) {
	if cap(b) == 0 {
		return
	}
	class := bits.Len(uint(cap(b)+1)) - 1
	scratch[class].Put(&b)
}

// GramColumns returns G = XᵀX for X given row-major (n rows x p columns): the columns are first
// copied into contiguous series (a recycled buffer), then Gram.
func GramColumns(x []float64, n, p int) []float64 {
	g := make([]float64, p*p)
	GramColumnsInto(g, x, n, p)
	return g
}

// GramColumnsInto is GramColumns writing into dst (len p·p).
func GramColumnsInto(dst, x []float64, n, p int) {
	buf := getScratch(n * p)
	defer putScratch(buf)
	rows := make([][]float64, p)
	for j := 0; j < p; j++ {
		rows[j] = buf[j*n : (j+1)*n]
	}
	for t := 0; t < n; t++ {
		for j, v := range x[t*p : (t+1)*p] {
			buf[j*n+t] = v
		}
	}
	gramInto(dst, rows)
}

// Gram returns G = XᵀX (p x p, row-major, exactly symmetric) for p series given as rows (each of
// length n): G_ij = Σ_t x_i(t)·x_j(t).
func Gram(rows [][]float64) []float64 {
	g := make([]float64, len(rows)*len(rows))
	gramInto(g, rows)
	return g
}

func gramInto(g []float64, rows [][]float64) {
	p := len(rows)
	if p == 0 {
		return
	}
	n := len(rows[0])
	// row clamps indices past the end to the last row: a partial block computes a few throwaway
	// products instead of branching inside the kernel.
	row := func(k int) []float64 { return rows[min(k, p-1)] }
	var out [8]float64
	for i0 := 0; i0 < p; i0 += 2 {
		for j0 := 0; j0 <= min(i0+1, p-1); j0 += 4 {
			dots2x4(&out, rows[i0], row(i0+1), row(j0), row(j0+1), row(j0+2), row(j0+3), n)
			for r := 0; r < 2 && i0+r < p; r++ {
				i := i0 + r
				for c := 0; c < 4 && j0+c <= i; c++ {
					j := j0 + c
					g[i*p+j], g[j*p+i] = out[r*4+c], out[r*4+c]
				}
			}
		}
	}
}

// choleskyInto writes the lower triangular factor L of a = L·Lᵀ into l (p x p, zero above the
// diagonal; l must be zeroed), four rows at a time: L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj.
func choleskyInto(l, a []float64, p int) error {
	lrow := func(i int) []float64 { return l[min(i, p-1)*p : min(i, p-1)*p+p] }
	var q [4]float64
	for i0 := 0; i0 < p; i0 += 4 {
		for j := 0; j < i0; j++ {
			lj := l[j*p : j*p+p]
			dots1x4(&q, lj, lrow(i0), lrow(i0+1), lrow(i0+2), lrow(i0+3), j)
			for r := 0; r < 4 && i0+r < p; r++ {
				i := i0 + r
				l[i*p+j] = (a[i*p+j] - q[r]) / l[j*p+j]
			}
		}
		for i := i0; i < min(i0+4, p); i++ {
			li := l[i*p : i*p+p]
			for j := i0; j < i; j++ {
				li[j] = (a[i*p+j] - Dot(li[:j], l[j*p:j*p+j])) / l[j*p+j]
			}
			d := a[i*p+i] - Dot(li[:i], li[:i])
			if !(d > 0) {
				return fmt.Errorf("matrix is not positive definite (pivot %d is %g)", i, d)
			}
			li[i] = math.Sqrt(d)
		}
	}
	return nil
}

// CholeskySolve solves a·x = b for a symmetric positive definite p x p matrix (row-major) by
// Cholesky factorisation and two triangular solves; it writes x into b.
func CholeskySolve(a, b []float64, p int) error {
	if len(a) != p*p || len(b) != p {
		return fmt.Errorf("matrix has %d entries and right-hand side %d, not %d x %d and %d", len(a), len(b), p, p, p)
	}
	l := getScratch(p * p)
	defer putScratch(l)
	if err := choleskyInto(l, a, p); err != nil {
		return err
	}
	SolveCholesky(l, b, p)
	return nil
}

// Cholesky returns the lower triangular factor L of a = L·Lᵀ (p x p, row-major), for several
// solves with SolveCholesky.
func Cholesky(a []float64, p int) ([]float64, error) {
	if len(a) != p*p {
		return nil, fmt.Errorf("matrix has %d entries, not %d x %d", len(a), p, p)
	}
	l := make([]float64, p*p)
	return l, choleskyInto(l, a, p)
}

// SolveCholesky solves L·Lᵀ·x = b given the factor L, writing x into b: L·z = b forward, then
// Lᵀ·x = z backward (by columns of L).
func SolveCholesky(l, b []float64, p int) {
	for i := 0; i < p; i++ {
		b[i] = (b[i] - Dot(l[i*p:i*p+i], b[:i])) / l[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		b[i] /= l[i*p+i]
		for k := 0; k < i; k++ {
			b[k] -= l[i*p+k] * b[i]
		}
	}
}

// CholeskyInverse returns the inverse of a symmetric positive definite p x p matrix (row-major,
// exactly symmetric): a = L·Lᵀ (Cholesky), V = L⁻ᵀ (upper triangular), a⁻¹ = V·Vᵀ, each step written
// as dot products of contiguous row segments (p³/2 multiply-adds, a third of LU inversion's).
func CholeskyInverse(a []float64, p int) ([]float64, error) {
	inv := make([]float64, p*p)
	if err := CholeskyInverseInto(inv, a, p); err != nil {
		return nil, err
	}
	return inv, nil
}

// CholeskyInverseInto is CholeskyInverse writing into inv (len p·p).
func CholeskyInverseInto(inv, a []float64, p int) error {
	if len(a) != p*p || len(inv) != p*p {
		return fmt.Errorf("matrix has %d entries, not %d x %d", len(a), p, p)
	}
	// Every phase works on four (or 2 x 4) rows at once with the blocked kernels: one dot product
	// call per entry cost more in call overhead than in arithmetic at the sizes of connectomes.
	l := getScratch(p * p)
	defer putScratch(l)
	if err := choleskyInto(l, a, p); err != nil {
		return err
	}
	var q [4]float64
	// V = L⁻ᵀ: row j holds column j of L⁻¹, V_ji = (δ_ij − Σ_{k=j}^{i−1} L_ik V_jk)/L_ii for i ≥ j,
	// zero below. Rows of V are independent: four at a time, summing from the block's first column
	// (the entries before a row's own start are exact zeros).
	v := getScratch(p * p)
	defer putScratch(v)
	vrow := func(j int) []float64 { return v[min(j, p-1)*p : min(j, p-1)*p+p] }
	for j0 := 0; j0 < p; j0 += 4 {
		b0, b1, b2, b3 := vrow(j0)[j0:], vrow(j0 + 1)[j0:], vrow(j0 + 2)[j0:], vrow(j0 + 3)[j0:]
		for i := j0; i < p; i++ {
			dots1x4(&q, l[i*p+j0:i*p+i], b0, b1, b2, b3, i-j0)
			for r := 0; r < 4 && j0+r <= i; r++ {
				s := -q[r]
				if i == j0+r {
					s += 1
				}
				v[(j0+r)*p+i] = s / l[i*p+i]
			}
		}
	}
	// A⁻¹ = V·Vᵀ: (A⁻¹)_ij = Σ_k V_ik V_jk, nonzero only for k ≥ max(i, j); 2 x 4 blocks from the
	// block's first row on.
	var out [8]float64
	for i0 := 0; i0 < p; i0 += 2 {
		for j0 := 0; j0 <= min(i0+1, p-1); j0 += 4 {
			dots2x4(&out, vrow(i0)[i0:], vrow(i0 + 1)[i0:], vrow(j0)[i0:], vrow(j0 + 1)[i0:], vrow(j0 + 2)[i0:], vrow(j0 + 3)[i0:], p-i0)
			for r := 0; r < 2 && i0+r < p; r++ {
				i := i0 + r
				for c := 0; c < 4 && j0+c <= i; c++ {
					j := j0 + c
					inv[i*p+j], inv[j*p+i] = out[r*4+c], out[r*4+c]
				}
			}
		}
	}
	return nil
}
