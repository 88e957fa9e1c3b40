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
	type block struct {
		m      Matrix
		j0, j1 int
		err    error
	}
	full, free := make(chan block, 1), make(chan []float64, 2)
	free <- make([]float64, f.Rows*blockCols)
	free <- make([]float64, f.Rows*blockCols)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		for j0 := 0; j0 < f.Cols; j0 += blockCols {
			var buf []float64
			select {
			case buf = <-free:
			case <-stop:
				return
			}
			j1 := min(j0+blockCols, f.Cols)
			b := block{m: Matrix{Rows: f.Rows, Cols: j1 - j0, Data: buf[:f.Rows*(j1-j0)]}, j0: j0, j1: j1}
			b.err = f.Columns(j0, j1, b.m.Data)
			for _, v := range b.m.Data {
				if b.err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
					b.err = fmt.Errorf("%s: a non-finite value in columns %d..%d", path, j0, j1-1)
				}
			}
			full <- b
			if b.err != nil {
				return
			}
		}
	}()
	g := NewGram(f.Rows)
	for b := range full {
		if b.err != nil {
			return nil, b.err
		}
		g.AddColumns(b.m)
		free <- b.m.Data
		if progress != nil {
			progress(b.j1, f.Cols)
		}
	}
	return g, nil
}
