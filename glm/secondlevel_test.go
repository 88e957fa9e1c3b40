package glm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNonParametricPaired: a paired effect planted in 5 of 40 voxels is found at FWER p < 0.05
// there and not elsewhere; the sign flips depend only on the seed; bad inputs are refused.
func TestNonParametricPaired(t *testing.T) {
	const n, nv = 14, 40
	rng := rand.New(rand.NewPCG(3, 4))
	a, b := make([][]float64, n), make([][]float64, n)
	for s := range a {
		a[s], b[s] = make([]float64, nv), make([]float64, nv)
		for v := range a[s] {
			base := rng.NormFloat64()
			b[s][v] = base + 0.5*rng.NormFloat64()
			a[s][v] = base + 0.5*rng.NormFloat64()
			if v < 5 {
				a[s][v] += 1.5
			}
		}
	}
	d, err := PairedDifferences(a, b)
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultSecondLevelOptions()
	opts.Permutations = 500
	res, err := NonParametric(d, nil, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	for v, lp := range res.LogPMaxT {
		if sig := lp > -math.Log10(0.05); sig != (v < 5) {
			t.Errorf("voxel %d: -log10 p %.3f, t %.3f", v, lp, res.T[v])
		}
	}
	f1, f2 := SignFlips(n, opts), SignFlips(n, opts)
	if f1[7][3] != f2[7][3] || len(f1) != 500 {
		t.Error("sign flips differ between calls")
	}
	if _, err := NonParametric(d, [][]float64{make([]float64, n)}, nil, opts); err == nil {
		t.Error("constant covariate accepted")
	}
	opts.ClusterP = 0.001
	if _, err := NonParametric(d, nil, nil, opts); err == nil {
		t.Error("cluster inference without a grid accepted")
	}
	if _, err := PairedDifferences(a, b[1:]); err == nil {
		t.Error("unpaired subjects accepted")
	}
}
