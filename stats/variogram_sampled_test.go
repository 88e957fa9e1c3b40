package stats

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveVariogramSampledBrainSMASH compares sampled variogram surrogates with BrainSMASH's
// Sampled algorithm run by numpy/scikit-learn (testdata/brainsmash_sampled.py) on the same
// permutations, samples and normal draws: a smooth random map on the 216 voxels of a 6 x 6 x 6
// grid (moved by up to 0.01 mm so that no neighbour distances tie: numpy's argsort and painmark
// order equidistant neighbours differently), 100 neighbours, 60 sampled voxels.
func TestLiveVariogramSampledBrainSMASH(t *testing.T) {
	coords, x := smoothGridMap(6, 0.01)
	n := len(x)
	dist := EuclideanDistances(coords)
	D := make([][]float64, n)
	for i := range D {
		D[i] = dist[i*n : (i+1)*n]
	}
	rng := rand.New(rand.NewPCG(4, 4))
	var perms, samples [][]int
	var noise [][]float64
	for k := 0; k < 6; k++ {
		perms, samples = append(perms, rng.Perm(n)), append(samples, rng.Perm(n)[:60])
		z := make([]float64, n)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		noise = append(noise, z)
	}
	for _, kernel := range []string{"exp", "gaussian"} {
		for _, resample := range []bool{false, true} {
			g, err := NewSampledVariogramSurrogates(x, coords, SampledVariogramOptions{Samples: 60, Neighbours: 100, Kernel: kernel, Resample: resample})
			if err != nil {
				t.Fatal(err)
			}
			var want struct{ Surrogates [][]float64 }
			fixtures.RunPython(t, filepath.Join("testdata", "brainsmash_sampled.py"), map[string]any{"x": x, "D": D, "knn": 100, "kernel": kernel, "resample": resample, "perms": perms, "samples": samples, "noise": noise}, &want)
			worst := 0.0
			for s := range perms {
				got := g.surrogate(perms[s], samples[s], noise[s])
				for i := range got {
					worst = math.Max(worst, math.Abs(got[i]-want.Surrogates[s][i]))
				}
			}
			t.Logf("kernel %s, resample %v: largest difference %.2g", kernel, resample, worst)
			if worst > 1e-9 {
				t.Fatalf("kernel %s, resample %v: surrogates differ from BrainSMASH Sampled's by %g", kernel, resample, worst)
			}
		}
	}
}

// TestSampledVariogramSurrogates: on a regular grid the variogram summed per distinct distance
// equals the pair-by-pair sum; surrogates are reproducible and keep the map's length; bad options
// are refused.
func TestSampledVariogramSurrogates(t *testing.T) {
	coords, x := smoothGridMap(6, 0)
	g, err := NewSampledVariogramSurrogates(x, coords, SampledVariogramOptions{Samples: 80, Neighbours: 120})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.gweights[0]) > 50 {
		t.Errorf("%d distinct distances on a grid", len(g.gweights[0]))
	}
	idx := rand.New(rand.NewPCG(1, 2)).Perm(len(x))[:80]
	grouped := g.smoothVariogram(x, idx)
	g.group = nil
	pairs := g.smoothVariogram(x, idx)
	for k := range grouped {
		if math.Abs(grouped[k]-pairs[k]) > 1e-12*math.Abs(pairs[k]) {
			t.Fatalf("bin %d: %v grouped, %v pair by pair", k, grouped[k], pairs[k])
		}
	}
	a, b := g.Generate(4, 9), g.Generate(4, 9)
	for k := range a {
		if len(a[k]) != len(x) {
			t.Fatalf("surrogate of %d values", len(a[k]))
		}
		for i := range a[k] {
			if a[k][i] != b[k][i] {
				t.Fatal("surrogates differ between runs of one seed")
			}
		}
	}
	for _, o := range []SampledVariogramOptions{{Neighbours: len(x)}, {Samples: len(x) + 1}, {Kernel: "box"}, {Percentile: 101}} {
		if _, err := NewSampledVariogramSurrogates(x, coords, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := NewSampledVariogramSurrogates(x, coords[:3], SampledVariogramOptions{}); err == nil {
		t.Error("3 positions for a longer map accepted")
	}
}
