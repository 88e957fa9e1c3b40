package kdtree

import (
	"math/rand/v2"
	"testing"
)

// TestNearestEqualsBruteForce: on random clouds (with duplicated points), every query returns
// what a linear scan returns, ties to the smallest index.
func TestNearestEqualsBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 100, 2000} {
		pts := make([][3]float64, n)
		for i := range pts {
			pts[i] = [3]float64{rng.NormFloat64(), rng.NormFloat64(), float64(rng.IntN(3))}
			if i > 0 && i%10 == 0 {
				pts[i] = pts[i-3] // exact duplicates test the tie rule
			}
		}
		tree := New(pts)
		for q := 0; q < 500; q++ {
			x := [3]float64{rng.NormFloat64() * 2, rng.NormFloat64() * 2, rng.NormFloat64() * 2}
			if n > 0 && q%5 == 0 {
				x = pts[rng.IntN(n)]
			}
			want, wantD := -1, 0.0
			for i, p := range pts {
				d := (p[0]-x[0])*(p[0]-x[0]) + (p[1]-x[1])*(p[1]-x[1]) + (p[2]-x[2])*(p[2]-x[2])
				if want < 0 || d < wantD {
					want, wantD = i, d
				}
			}
			got, gotD := tree.Nearest(x)
			if got != want || (n > 0 && gotD != wantD) {
				t.Fatalf("n=%d query %v: %d (%v), scan %d (%v)", n, x, got, gotD, want, wantD)
			}
		}
	}
}
