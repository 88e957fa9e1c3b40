// Package dense holds the dense level-3 kernels and the symmetric eigensolver of the population
// ridge (n x n Gram matrices of thousands of people), on row-major float64 slices. Two backends give
// the same results to rounding: the default build calls gonum's pure-Go BLAS and LAPACK
// (CGO_ENABLED=0), and the build tag openblas (cgo, Debian's libopenblas-dev) calls OpenBLAS's
// CBLAS and its LAPACK (dsyevr, Dhillon-Parlett's MRRR, where gonum has only the QR algorithm's
// dsyev), 10 to 20 times faster on these sizes. Backend names the one compiled in. Every call runs
// on one core (OpenBLAS is set to one thread), so a result does not depend on how many cores the
// machine has; callers spread independent calls over the cores (parallel.For). OpenBLAS picks its
// kernels for the processor it runs on: its results are reproducible bit for bit on one kind of
// processor, the pure-Go build's on every machine.
package dense

// SyrkUpper sets the upper triangle of c (n x n, row stride ldc) to alpha·A·Aᵀ + beta·c, with a
// n x k (row stride lda): BLAS dsyrk.
func SyrkUpper(n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if n == 0 {
		return
	}
	syrkUpper(n, k, alpha, a, lda, beta, c, ldc)
}

// Gemm sets c (m x n, row stride ldc) to alpha·op(A)·op(B) + beta·c, op(A) m x k and op(B) k x n,
// op the transpose when transA / transB: BLAS dgemm.
func Gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SymEigen decomposes the symmetric n x n matrix whose upper triangle a holds (row-major, stride
// n): w receives the eigenvalues in ascending order and a the orthonormal eigenvectors, one per
// column (a[i*n+k] is component i of eigenvector k). False if the solver did not converge.
func SymEigen(n int, a, w []float64) bool {
	if n == 0 {
		return true
	}
	return symEigen(n, a, w)
}

// CholeskyUpper factors the symmetric positive definite n x n matrix whose upper triangle a holds
// as UᵀU, U upper triangular written over a's upper triangle: LAPACK dpotrf. False if the matrix is
// not positive definite.
func CholeskyUpper(n int, a []float64) bool {
	if n == 0 {
		return true
	}
	return choleskyUpper(n, a)
}

// CholeskyUpperSolve solves UᵀU·X = B in place for B n x nrhs (row-major, stride nrhs), U the factor
// CholeskyUpper wrote (n x n): two triangular solves (BLAS dtrsm).
func CholeskyUpperSolve(n, nrhs int, u, b []float64) {
	if n == 0 || nrhs == 0 {
		return
	}
	trsmUpperLeft(true, n, nrhs, u, b)
	trsmUpperLeft(false, n, nrhs, u, b)
}
