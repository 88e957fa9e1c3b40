package stats

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

// leftDK reads the left hemisphere's 34 DK parcels (fsaverage5 sphere centroids) and a real
// ENIGMA map on them (schizophrenia thickness effects, the golden spin maps).
func leftDK(t *testing.T) ([][3]float64, []float64) {
	t.Helper()
	ct, err := table.Read(fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var xyz [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		xyz[k], _ = ct.Floats(c)
	}
	mt, err := table.Read(fixtures.Shared(t, "golden", "spin", "maps.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := mt.Floats("scz_CortThick_d_icv")
	coords := make([][3]float64, 34)
	for i := range coords {
		coords[i] = [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}
	}
	return coords, m[:34]
}

// TestLiveVariogramBrainSMASH compares surrogates with BrainSMASH's Base algorithm run by
// numpy/scikit-learn on the same permutations and normal draws, for each kernel, with and without
// resampling.
func TestLiveVariogramBrainSMASH(t *testing.T) {
	coords, x := leftDK(t)
	dist := EuclideanDistances(coords)
	n := len(x)
	rng := rand.New(rand.NewPCG(9, 9))
	var perms [][]int
	var noise [][]float64
	for k := 0; k < 8; k++ {
		perms = append(perms, rng.Perm(n))
		z := make([]float64, n)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		noise = append(noise, z)
	}
	D := make([][]float64, n)
	for i := range D {
		D[i] = dist[i*n : (i+1)*n]
	}
	for _, kernel := range []string{"exp", "gaussian", "invdist", "uniform"} {
		for _, resample := range []bool{false, true} {
			g, err := NewVariogramSurrogates(x, dist, VariogramOptions{Kernel: kernel, Resample: resample})
			if err != nil {
				t.Fatal(err)
			}
			var want struct {
				Target     []float64
				Surrogates [][]float64
			}
			fixtures.RunPython(t, filepath.Join("testdata", "brainsmash_base.py"), map[string]any{"x": x, "D": D, "kernel": kernel, "resample": resample, "perms": perms, "noise": noise}, &want)
			worst := 0.0
			for k := range g.target {
				worst = math.Max(worst, math.Abs(g.target[k]-want.Target[k])/math.Abs(want.Target[k]))
			}
			for s := range perms {
				got := g.surrogate(perms[s], noise[s])
				for i := range got {
					worst = math.Max(worst, math.Abs(got[i]-want.Surrogates[s][i]))
				}
			}
			t.Logf("kernel %s, resample %v: largest difference %.2g", kernel, resample, worst)
			if worst > 1e-9 {
				t.Fatalf("kernel %s, resample %v: surrogates differ from BrainSMASH's by %g", kernel, resample, worst)
			}
		}
	}
}

// TestVariogramSurrogates: surrogates are reproducible, keep a smooth map's spatial autocorrelation
// (their smoothed variogram is close to the map's, much closer than a random permutation's) and
// bad input is refused.
func TestVariogramSurrogates(t *testing.T) {
	coords, _ := leftDK(t)
	maps, err := SmoothRandomMaps(coords, coords[:3], 40, 1, 5) // a strongly autocorrelated map
	if err != nil {
		t.Fatal(err)
	}
	x := maps[0][:len(coords)]
	dist := EuclideanDistances(coords)
	g, err := NewVariogramSurrogates(x, dist, VariogramOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := g.Generate(50, 3), g.Generate(50, 3)
	misfit := func(m []float64) float64 {
		sv := g.smoothVariogram(m)
		var s float64
		for k := range sv {
			s += math.Abs(sv[k]-g.target[k]) / g.target[k]
		}
		return s / float64(len(sv))
	}
	var surr, perm []float64
	rng := rand.New(rand.NewPCG(1, 1))
	for k := range a {
		for i := range a[k] {
			if a[k][i] != b[k][i] {
				t.Fatal("surrogates differ between runs of one seed")
			}
		}
		surr = append(surr, misfit(a[k]))
		p := make([]float64, len(x))
		for i, j := range rng.Perm(len(x)) {
			p[i] = x[j]
		}
		perm = append(perm, misfit(p))
	}
	if ms, mp := Median(surr), Median(perm); !(ms < 0.7*mp) {
		t.Errorf("median variogram misfit %v of surrogates, %v of permutations", ms, mp)
	}
	if _, err := NewVariogramSurrogates(x, dist[:10], VariogramOptions{}); err == nil {
		t.Error("a short distance matrix was accepted")
	}
	bad := append([]float64(nil), dist...)
	bad[1] = -1
	if _, err := NewVariogramSurrogates(x, bad, VariogramOptions{}); err == nil {
		t.Error("a negative distance was accepted")
	}
	if _, err := NewVariogramSurrogates(x, dist, VariogramOptions{Kernel: "box"}); err == nil {
		t.Error("an unknown kernel was accepted")
	}
}
