//go:build !openblas || !cgo

package dense

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// GramTile is the side of the tiles a caller splits a large product into, one call per tile on
// the cores: none here (gonum's syrk in one call, the results of earlier versions of painmark).
const GramTile = math.MaxInt

// Backend is the implementation of the dense kernels compiled in: "gonum" (pure Go) here.
const Backend = "gonum"

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func syrkUpper(n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	blas64.Implementation().Dsyrk(blas.Upper, blas.NoTrans, n, k, alpha, a, lda, beta, c, ldc)
}

func gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	blas64.Implementation().Dgemm(trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func symEigen(n int, a, w []float64) bool {
	var impl gonum.Implementation
	work := []float64{0}
	impl.Dsyev(lapack.EVCompute, blas.Upper, n, a, n, w, work, -1)
	work = make([]float64, int(work[0]))
	return impl.Dsyev(lapack.EVCompute, blas.Upper, n, a, n, w, work, len(work))
}

func choleskyUpper(n int, a []float64) bool {
	return gonum.Implementation{}.Dpotrf(blas.Upper, n, a, n)
}

// trsmUpperLeft solves op(U)·X = B in place (op the transpose when t).
func trsmUpperLeft(t bool, n, nrhs int, u, b []float64) {
	blas64.Implementation().Dtrsm(blas.Left, blas.Upper, trans(t), blas.NonUnit, n, nrhs, 1, u, n, b, nrhs)
}
