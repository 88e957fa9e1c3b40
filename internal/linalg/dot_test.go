package linalg

import (
	"math"
	"math/rand"
	"testing"
)

// The kernel and the portable code give bit-identical results, and both are accurate.
func TestDotKernelEqualsGeneric(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 3, 4, 5, 15, 16, 17, 31, 33, 64, 139, 200, 1001} {
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()*100
		}
		got := Dot(a, b)
		if n > 0 && got != dotGeneric(a, b) {
			t.Errorf("n=%d: kernel %v, generic %v", n, got, dotGeneric(a, b))
		}
		var naive float64
		for i := range a {
			naive += a[i] * b[i]
		}
		if math.Abs(got-naive) > 1e-12*math.Max(1, math.Abs(naive)) {
			t.Errorf("n=%d: %v vs naive %v", n, got, naive)
		}
	}
	t.Logf("AVX2+FMA kernel in use: %v", useAVX2)
}

// Cholesky inversion is accurate at every size, including the partial blocks of the kernels
// (p mod 4 and p mod 2 of every kind), and refuses an indefinite matrix.
func TestCholeskyInverse(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, p := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 40, 139} {
		n := p + 20
		rows := make([][]float64, p)
		for i := range rows {
			rows[i] = make([]float64, n)
			for k := range rows[i] {
				rows[i][k] = rng.NormFloat64()
			}
		}
		g := Gram(rows)
		for i := 0; i < p; i++ {
			g[i*p+i] += 0.5
		}
		inv, err := CholeskyInverse(g, p)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]float64, p)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		x := append([]float64(nil), b...)
		if err := CholeskySolve(g, x, p); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < p; i++ {
			if r := Dot(g[i*p:i*p+p], x) - b[i]; math.Abs(r) > 1e-10 {
				t.Fatalf("p=%d: (A·x − b)[%d] = %v", p, i, r)
			}
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				if inv[i*p+j] != inv[j*p+i] {
					t.Fatalf("p=%d: inverse not exactly symmetric at (%d,%d)", p, i, j)
				}
				var s float64
				for k := 0; k < p; k++ {
					s += g[i*p+k] * inv[k*p+j]
				}
				want := 0.0
				if i == j {
					want = 1
				}
				if math.Abs(s-want) > 1e-11 {
					t.Fatalf("p=%d: (A·A⁻¹)[%d][%d] = %v", p, i, j, s)
				}
			}
		}
	}
	if _, err := CholeskyInverse([]float64{1, 2, 2, 1}, 2); err == nil {
		t.Error("indefinite matrix accepted")
	}
}

// The blocked kernels and their portable form give bit-identical sums, close to naive sums, for
// every length (tails of 0-3 terms included); a Gram matrix built from them is exactly symmetric
// and equal to the one of single dot products up to rounding.
func TestBlockedKernels(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 139, 200, 201} {
		v := make([][]float64, 6)
		for r := range v {
			v[r] = make([]float64, n)
			for k := range v[r] {
				v[r][k] = rng.NormFloat64() * float64(r+1)
			}
		}
		var got [8]float64
		dots2x4(&got, v[0], v[1], v[2], v[3], v[4], v[5], n)
		var got1 [4]float64
		dots1x4(&got1, v[0], v[2], v[3], v[4], v[5], n)
		n4 := n &^ 3
		for r := 0; r < 2; r++ {
			for c := 0; c < 4; c++ {
				want := lanesDot(v[r], v[2+c], n4)
				for k := n4; k < n; k++ {
					want = math.FMA(v[r][k], v[2+c][k], want)
				}
				if got[r*4+c] != want {
					t.Errorf("n=%d: 2x4 pair (%d,%d) = %v, portable %v", n, r, c, got[r*4+c], want)
				}
				if r == 0 && got1[c] != want {
					t.Errorf("n=%d: 1x4 pair %d = %v, portable %v", n, c, got1[c], want)
				}
				var naive float64
				for k := 0; k < n; k++ {
					naive += v[r][k] * v[2+c][k]
				}
				if math.Abs(want-naive) > 1e-12*math.Max(1, math.Abs(naive)) {
					t.Errorf("n=%d: pair (%d,%d) = %v, naive %v", n, r, c, want, naive)
				}
			}
		}
	}
	for _, p := range []int{1, 2, 5, 11} {
		rows := make([][]float64, p)
		for i := range rows {
			rows[i] = make([]float64, 37)
			for k := range rows[i] {
				rows[i][k] = rng.NormFloat64()
			}
		}
		g := Gram(rows)
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				if g[i*p+j] != g[j*p+i] || math.Abs(g[i*p+j]-Dot(rows[i], rows[j])) > 1e-12 {
					t.Fatalf("p=%d: G[%d][%d] = %v, G[%d][%d] = %v, dot %v", p, i, j, g[i*p+j], j, i, g[j*p+i], Dot(rows[i], rows[j]))
				}
			}
		}
	}
	t.Logf("AVX2+FMA kernels in use: %v", useAVX2)
}

// Axpy is one fused multiply-add per element, whatever the length (vector body and scalar tail).
func TestAxpy(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 139} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		want := make([]float64, n)
		for i := range want {
			want[i] = math.FMA(0.3, x[i], y[i])
		}
		Axpy(0.3, x, y)
		for i := range y {
			if y[i] != want[i] {
				t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, y[i], want[i])
			}
		}
	}
}

// DotMany gives every column the value of its own 1 x 4 block, for any number of columns.
func TestDotMany(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	v := make([]float64, 53)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	for _, m := range []int{0, 1, 3, 4, 5, 9} {
		cols := make([][]float64, m)
		for k := range cols {
			cols[k] = make([]float64, 53)
			for i := range cols[k] {
				cols[k][i] = rng.NormFloat64()
			}
		}
		out := make([]float64, m)
		DotMany(out, cols, v)
		for k := range cols {
			var q [4]float64
			dots1x4(&q, v, cols[k], cols[k], cols[k], cols[k], 53)
			if out[k] != q[0] {
				t.Fatalf("m=%d: column %d = %v, own block %v", m, k, out[k], q[0])
			}
		}
	}
}
