package connectome

import (
	"fmt"
	"math"
)

// Edge is one entry of a connectivity vector: the regions i > j (or i == j on the diagonal).
type Edge struct{ I, J int }

// Edges lists the entries of nilearn's sym_matrix_to_vec in order: the lower triangle row by row,
// (1,0), (2,0), (2,1), (3,0), ... — the same sequence as MATLAB's M(triu(true(p),1)) — with the
// diagonal (i,i) closing each row when it is kept. This is the single definition of the feature
// order of connectivity vectors in painmark.
func Edges(p int, discardDiagonal bool) []Edge {
	var out []Edge
	for i := 0; i < p; i++ {
		for j := 0; j < i; j++ {
			out = append(out, Edge{i, j})
		}
		if !discardDiagonal {
			out = append(out, Edge{i, i})
		}
	}
	return out
}

// EdgeIndex is the position of the edge between regions i and j (i != j, in either order) in a
// connectivity vector without the diagonal (Edges(p, true), nilearn's sym_matrix_to_vec with
// discard_diagonal=True): row max(i,j) of the lower triangle starts at max(i,j)(max(i,j)-1)/2.
// It panics when i == j or an index is negative, which no such vector holds.
func EdgeIndex(i, j int) int {
	if i < j {
		i, j = j, i
	}
	if i == j || j < 0 {
		panic(fmt.Sprintf("connectome.EdgeIndex(%d, %d): not an edge between two regions", i, j))
	}
	return i*(i-1)/2 + j
}

// NumEdges is the length of a vector for p regions: p(p-1)/2, or p(p+1)/2 with the diagonal.
func NumEdges(p int, discardDiagonal bool) int {
	if discardDiagonal {
		return p * (p - 1) / 2
	}
	return p * (p + 1) / 2
}

// Vectorize flattens a symmetric matrix as nilearn's sym_matrix_to_vec: the lower triangle in
// Edges order; with the diagonal kept, diagonal entries are divided by √2, as nilearn does (the
// vector's squared norm is then half the matrix's squared Frobenius norm).
func Vectorize(s Sym, discardDiagonal bool) []float64 {
	// The loops walk Edges' order directly: listing the pairs first cost as much as a Gram matrix.
	out := make([]float64, 0, NumEdges(s.N, discardDiagonal))
	for i := 0; i < s.N; i++ {
		out = append(out, s.Data[i*s.N:i*s.N+i]...)
		if !discardDiagonal {
			out = append(out, s.Data[i*s.N+i]/math.Sqrt2)
		}
	}
	return out
}

// Unvectorize rebuilds the symmetric matrix (nilearn's vec_to_sym_matrix). Without the diagonal,
// diag supplies it (nil: ones).
func Unvectorize(v []float64, discardDiagonal bool, diag []float64) (Sym, error) {
	// Solve p(p±1)/2 = len(v).
	var p int
	if discardDiagonal {
		p = int(math.Round((1 + math.Sqrt(1+8*float64(len(v)))) / 2))
	} else {
		p = int(math.Round((-1 + math.Sqrt(1+8*float64(len(v)))) / 2))
	}
	if NumEdges(p, discardDiagonal) != len(v) {
		return Sym{}, fmt.Errorf("a vector of %d values is not the triangle of a symmetric matrix", len(v))
	}
	s := newSym(p)
	for k, e := range Edges(p, discardDiagonal) {
		x := v[k]
		if e.I == e.J {
			x *= math.Sqrt2
		}
		s.Data[e.I*p+e.J], s.Data[e.J*p+e.I] = x, x
	}
	if discardDiagonal {
		for i := 0; i < p; i++ {
			d := 1.0
			if diag != nil {
				d = diag[i]
			}
			s.Data[i*p+i] = d
		}
	}
	return s, nil
}
