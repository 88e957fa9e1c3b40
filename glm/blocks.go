package glm

import (
	"sync"

	"github.com/painmark/painmark/internal/parallel"
	"gonum.org/v1/gonum/mat"
)

// inBlocks calls f on blocks of blockCols columns of y (views, read only; and the first column's
// index), in parallel.
func inBlocks(y *mat.Dense, f func(yb *mat.Dense, j0 int)) {
	n, k := y.Dims()
	parallel.For((k+blockCols-1)/blockCols, func(bi int) {
		j0, j1 := bi*blockCols, min(k, (bi+1)*blockCols)
		f(y.Slice(0, n, j0, j1).(*mat.Dense), j0)
	})
}

// scratch is a worker's reusable memory for one block: three matrices of up to blockCols columns
// (estimates, residuals or whitened series), so that the fits of a run's blocks do not allocate
// (and collect) gigabytes.
type scratch struct{ buf [3][]float64 }

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

// getScratch takes a scratch from the pool with room for n rows (and p rows of estimates).
func getScratch(n, p int) *scratch {
	sc := scratchPool.Get().(*scratch)
	for i, rows := range [3]int{max(n, p), n, n} {
		if len(sc.buf[i]) < rows*blockCols {
			sc.buf[i] = make([]float64, rows*blockCols)
		}
	}
	return sc
}

// mat is scratch matrix i as r x c (r·c within its buffer; the values are left as they were: the
// products write every element).
func (sc *scratch) mat(i, r, c int) *mat.Dense { return mat.NewDense(r, c, sc.buf[i][:r*c]) }
