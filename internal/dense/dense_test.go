package dense

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randMat(r *rand.Rand, m, n int) []float64 {
	a := make([]float64, m*n)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	return a
}

// naive is op(A)·op(B) by the definition.
func naive(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int) []float64 {
	at := func(i, l int) float64 {
		if transA {
			return a[l*lda+i]
		}
		return a[i*lda+l]
	}
	bt := func(l, j int) float64 {
		if transB {
			return b[j*ldb+l]
		}
		return b[l*ldb+j]
	}
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			for l := 0; l < k; l++ {
				c[i*n+j] += at(i, l) * bt(l, j)
			}
		}
	}
	return c
}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	for i, w := range want {
		if math.Abs(got[i]-w) > tol*math.Max(1, math.Abs(w)) {
			t.Fatalf("%s (%s): entry %d is %.17g, want %.17g", what, Backend, i, got[i], w)
		}
	}
}

// TestKernels checks every kernel of the compiled-in backend (run with and without -tags openblas)
// against its definition: products by the sum, the eigendecomposition by A·v = λ·v and
// orthonormality, the Cholesky solve by A·x = b.
func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		m, n, k := 7, 5, 9
		a, b := randMat(r, m, k), randMat(r, k, n)
		lda, ldb := k, n
		if tr[0] {
			lda = m
		}
		if tr[1] {
			ldb = k
		}
		c := randMat(r, m, n)
		want := naive(tr[0], tr[1], m, n, k, a, lda, b, ldb)
		for i := range want {
			want[i] = 2*want[i] + 0.5*c[i]
		}
		Gemm(tr[0], tr[1], m, n, k, 2, a, lda, b, ldb, 0.5, c, n)
		near(t, "gemm", c, want, 1e-13)
	}
	n, k := 40, 60
	a := randMat(r, n, k)
	c := make([]float64, n*n)
	SyrkUpper(n, k, 1, a, k, 0, c, n)
	full := naive(false, true, n, n, k, a, k, a, k)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if math.Abs(c[i*n+j]-full[i*n+j]) > 1e-12 {
				t.Fatalf("syrk (%s) %d,%d: %g, want %g", Backend, i, j, c[i*n+j], full[i*n+j])
			}
		}
	}
	vec := append([]float64(nil), c...)
	w := make([]float64, n)
	if !SymEigen(n, vec, w) {
		t.Fatal("eigendecomposition failed")
	}
	for q := 0; q < n; q++ {
		if q > 0 && w[q] < w[q-1] {
			t.Fatalf("eigenvalues not ascending: %v", w)
		}
		for i := 0; i < n; i++ {
			av := 0.0
			for j := 0; j < n; j++ {
				av += full[i*n+j] * vec[j*n+q]
			}
			if math.Abs(av-w[q]*vec[i*n+q]) > 1e-10*w[n-1] {
				t.Fatalf("eigenpair %d (%s) row %d: A·v %g, λ·v %g", q, Backend, i, av, w[q]*vec[i*n+q])
			}
		}
		for p := 0; p <= q; p++ {
			d := 0.0
			for i := 0; i < n; i++ {
				d += vec[i*n+p] * vec[i*n+q]
			}
			if want := map[bool]float64{true: 1, false: 0}[p == q]; math.Abs(d-want) > 1e-12 {
				t.Fatalf("eigenvectors %d, %d (%s): inner product %g", p, q, Backend, d)
			}
		}
	}
	u := append([]float64(nil), c...)
	if !CholeskyUpper(n, u) {
		t.Fatal("Cholesky of a positive definite matrix failed")
	}
	x := randMat(r, n, 3)
	rhs := naive(false, false, n, 3, n, full, n, x, 3)
	CholeskyUpperSolve(n, 3, u, rhs)
	near(t, "Cholesky solve", rhs, x, 1e-9)
	if CholeskyUpper(2, []float64{1, 2, 2, 1}) {
		t.Fatal("an indefinite matrix factored")
	}
}
