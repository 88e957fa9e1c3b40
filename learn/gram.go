package learn

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/dense"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/npy"
)

// Gram is the samples x samples inner-product matrix X·Xᵀ of a feature table (uncentred),
// accumulated over blocks of columns so the table itself never has to be held: with far more
// features than people (connectome edges), everything ridge regression needs is in it.
type Gram struct {
	N, P int
	k    []float64 // N x N, row-major, upper triangle
}

// NewGram starts an empty Gram matrix for n samples.
func NewGram(n int) *Gram {
	return &Gram{N: n, k: make([]float64, n*n)}
}

// AddColumns adds the contribution B·Bᵀ of a block of columns (n x b, row-major), tile by tile
// over the cores (each tile of gramTile rows and columns one product whatever the number of
// cores, so the sum does not depend on it).
func (g *Gram) AddColumns(b Matrix) error {
	if b.Rows != g.N {
		return fmt.Errorf("a block of %d rows for a Gram matrix of %d samples", b.Rows, g.N)
	}
	if b.Cols == 0 {
		return nil
	}
	nt := 1
	if gramTile < g.N {
		nt = (g.N + gramTile - 1) / gramTile
	}
	var tiles [][2]int
	for i := 0; i < nt; i++ {
		for j := i; j < nt; j++ {
			tiles = append(tiles, [2]int{i * gramTile, j * gramTile})
		}
	}
	n, w := g.N, b.Cols
	parallel.For(len(tiles), func(q int) {
		i0, j0 := tiles[q][0], tiles[q][1]
		m, c := min(gramTile, n-i0), g.k[i0*n+j0:]
		if i0 == j0 {
			dense.SyrkUpper(m, w, 1, b.Data[i0*w:], w, 1, c, n)
		} else {
			dense.Gemm(false, true, m, min(gramTile, n-j0), w, 1, b.Data[i0*w:], w, b.Data[j0*w:], w, 1, c, n)
		}
	})
	g.P += b.Cols
	return nil
}

// gramTile is the side of the Gram matrix's tiles: package dense's (one tile in the pure-Go build,
// whose syrk gives the results of earlier versions; 512 with OpenBLAS, one thread per tile).
var gramTile = dense.GramTile

// GramOf is the Gram matrix of x.
func GramOf(x Matrix) *Gram {
	g := NewGram(x.Rows)
	g.AddColumns(x)
	return g
}

// GramOfNpy streams a 2-D .npy feature table (subjects x features) by blocks of blockCols columns
// into its Gram matrix: memory is the n x n matrix and two n x blockCols blocks (the next block is
// read while the last one is added).
func GramOfNpy(path string, blockCols int, progress func(done, total int)) (*Gram, error) {
	f, err := npy.OpenMatrix(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	blockCols = max(1, min(blockCols, f.Cols))
	var starts []int
	for j0 := 0; j0 < f.Cols; j0 += blockCols {
		starts = append(starts, j0)
	}
	g := NewGram(f.Rows)
	err = readAhead(starts, f.Rows*blockCols, func(j0 int, buf []float64) ([]float64, error) {
		j1 := min(j0+blockCols, f.Cols)
		b := buf[:f.Rows*(j1-j0)]
		if err := f.Columns(j0, j1, b); err != nil {
			return nil, err
		}
		for _, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: a non-finite value in columns %d..%d", path, j0, j1-1)
			}
		}
		return b, nil
	}, func(j0 int, b []float64) error {
		j1 := min(j0+blockCols, f.Cols)
		g.AddColumns(Matrix{Rows: f.Rows, Cols: j1 - j0, Data: b})
		if progress != nil {
			progress(j1, f.Cols)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// readAhead reads blocks of a table in a goroutine while the caller uses the last one read:
// read fills block start (in the order of starts) into a buffer of bufLen values and returns the
// part it filled; use gets each block in turn. Two buffers circulate, so reading overlaps the
// computing and memory is two blocks; the first error, read's or use's, stops both.
func readAhead(starts []int, bufLen int, read func(start int, buf []float64) ([]float64, error), use func(start int, block []float64) error) error {
	type block struct {
		start int
		data  []float64
		err   error
	}
	full, free := make(chan block, 1), make(chan []float64, 2)
	free <- make([]float64, bufLen)
	free <- make([]float64, bufLen)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		for _, start := range starts {
			var buf []float64
			select {
			case buf = <-free:
			case <-stop:
				return
			}
			data, err := read(start, buf)
			full <- block{start, data, err}
			if err != nil {
				return
			}
		}
	}()
	for b := range full {
		if b.err != nil {
			return b.err
		}
		if err := use(b.start, b.data); err != nil {
			return err
		}
		free <- b.data[:cap(b.data)]
	}
	return nil
}
