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

func TestCholeskyInverse(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	p, n := 40, 60
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
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var s float64
			for k := 0; k < p; k++ {
				s += g[i*p+k] * inv[k*p+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-11 {
				t.Fatalf("(A·A⁻¹)[%d][%d] = %v", i, j, s)
			}
		}
	}
	if _, err := CholeskyInverse([]float64{1, 2, 2, 1}, 2); err == nil {
		t.Error("indefinite matrix accepted")
	}
}
