//go:build openblas && cgo

package dense

/*
#cgo LDFLAGS: -lopenblas
#include <stddef.h>
#include <cblas.h>

// LAPACK's Fortran entry points in libopenblas (column-major; the trailing size_t are the hidden
// lengths of the character arguments).
extern void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz, double *work,
	const int *lwork, int *iwork, const int *liwork, int *info, size_t, size_t, size_t);
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t);

static int pm_dsyevr(int n, double *a, double *w, double *z, int *isuppz, double *work, int lwork, int *iwork, int liwork) {
	int m = 0, info = 0, il = 0, iu = 0;
	double vl = 0, vu = 0, abstol = 0;
	// a is row-major with its upper triangle set: column-major, that is the lower triangle.
	dsyevr_("V", "A", "L", &n, a, &n, &vl, &vu, &il, &iu, &abstol, &m, w, z, &n, isuppz, work,
		&lwork, iwork, &liwork, &info, 1, 1, 1);
	return info != 0 || m != n ? (info != 0 ? info : -1000) : 0;
}

static int pm_dpotrf(int n, double *a) {
	int info = 0;
	// Row-major UᵀU with U upper is column-major L·Lᵀ with L = Uᵀ lower, stored in the same place.
	dpotrf_("L", &n, a, &n, &info, 1);
	return info;
}
*/
import "C"

import "unsafe"

// GramTile is the side of the tiles a caller splits a large product into, one call per tile on
// the cores (OpenBLAS runs one thread per call).
const GramTile = 512

// Backend is the implementation of the dense kernels compiled in: "openblas" here.
const Backend = "openblas"

func init() {
	// One thread per call: the results do not depend on the number of cores, and callers run
	// independent calls on the cores at once.
	C.openblas_set_num_threads(1)
}

func ptr(s []float64) *C.double { return (*C.double)(unsafe.Pointer(&s[0])) }

func cTrans(t bool) C.enum_CBLAS_TRANSPOSE {
	if t {
		return C.CblasTrans
	}
	return C.CblasNoTrans
}

func syrkUpper(n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if k == 0 {
		a = []float64{0}
	}
	_ = c[(n-1)*ldc+n-1]
	C.cblas_dsyrk(C.CblasRowMajor, C.CblasUpper, C.CblasNoTrans, C.blasint(n), C.blasint(k), C.double(alpha),
		ptr(a), C.blasint(max(lda, 1)), C.double(beta), ptr(c), C.blasint(ldc))
}

func gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if k == 0 {
		a, b = []float64{0}, []float64{0}
	}
	_ = c[(m-1)*ldc+n-1]
	C.cblas_dgemm(C.CblasRowMajor, cTrans(transA), cTrans(transB), C.blasint(m), C.blasint(n), C.blasint(k),
		C.double(alpha), ptr(a), C.blasint(max(lda, 1)), ptr(b), C.blasint(max(ldb, 1)), C.double(beta), ptr(c), C.blasint(ldc))
}

func symEigen(n int, a, w []float64) bool {
	_ = a[n*n-1]
	_ = w[n-1]
	z := make([]float64, n*n)
	isuppz := make([]C.int, 2*n)
	lwork, liwork := 26*n, 10*n
	work := make([]float64, lwork)
	iwork := make([]C.int, liwork)
	info := C.pm_dsyevr(C.int(n), ptr(a), ptr(w), ptr(z), &isuppz[0], ptr(work), C.int(lwork), &iwork[0], C.int(liwork))
	if info != 0 {
		return false
	}
	// z is column-major (eigenvector k in z[k*n:(k+1)*n]): a receives it transposed, row-major.
	for k := 0; k < n; k++ {
		col := z[k*n : (k+1)*n]
		for i, v := range col {
			a[i*n+k] = v
		}
	}
	return true
}

func choleskyUpper(n int, a []float64) bool {
	_ = a[n*n-1]
	return C.pm_dpotrf(C.int(n), ptr(a)) == 0
}

func trsmUpperLeft(t bool, n, nrhs int, u, b []float64) {
	_ = u[n*n-1]
	_ = b[n*nrhs-1]
	C.cblas_dtrsm(C.CblasRowMajor, C.CblasLeft, C.CblasUpper, cTrans(t), C.CblasNonUnit, C.blasint(n), C.blasint(nrhs),
		1, ptr(u), C.blasint(n), ptr(b), C.blasint(nrhs))
}
