package linalg

import (
	"fmt"
	"math"
	"sync"
)

// scratch recycles the triangular factors of CholeskyInverse, which would otherwise be garbage
// after every call (a cohort of 54 subjects x 139 regions makes 100 of them).
var scratch sync.Pool

// GetScratch returns a zeroed buffer of n values from the pool; hand it back with PutScratch when
// it is no longer used.
func GetScratch(n int) []float64 { return getScratch(n) }

// PutScratch returns a buffer to the pool.
func PutScratch(b []float64) { putScratch(b) }

func getScratch(n int) []float64 {
	if v, ok := scratch.Get().(*[]float64); ok && cap(*v) >= n {
		b := (*v)[:n]
		clear(b)
		return b
	}
	return make([]float64, n)
}

func putScratch(b []float64) { scratch.Put(&b) }

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
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			v := Dot(rows[i], rows[j])
			g[i*p+j], g[j*p+i] = v, v
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
	l := getScratch(p * p)
	defer putScratch(l)
	for i := 0; i < p; i++ {
		li := l[i*p : i*p+p]
		for j := 0; j < i; j++ {
			li[j] = (a[i*p+j] - Dot(li[:j], l[j*p:j*p+j])) / l[j*p+j]
		}
		d := a[i*p+i] - Dot(li[:i], li[:i])
		if !(d > 0) {
			return fmt.Errorf("matrix is not positive definite (pivot %d is %g)", i, d)
		}
		li[i] = math.Sqrt(d)
	}
	// V = L⁻ᵀ: row j holds column j of L⁻¹, V_ji = (δ_ij − Σ_{k=j}^{i−1} L_ik V_jk)/L_ii for i ≥ j.
	v := getScratch(p * p)
	defer putScratch(v)
	for j := 0; j < p; j++ {
		vj := v[j*p : j*p+p]
		for i := j; i < p; i++ {
			s := -Dot(l[i*p+j:i*p+i], vj[j:i])
			if i == j {
				s += 1
			}
			vj[i] = s / l[i*p+i]
		}
	}
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			x := Dot(v[i*p+i:i*p+p], v[j*p+i:j*p+p])
			inv[i*p+j], inv[j*p+i] = x, x
		}
	}
	return nil
}
