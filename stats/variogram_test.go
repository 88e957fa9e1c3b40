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
	compareBrainSMASH(t, coords, x, []string{"exp", "gaussian", "invdist", "uniform"})
}

// TestLiveVariogramBrainSMASHVoxels: the same comparison for a volumetric map, a smooth random map
// on the 125 voxels (4 mm) of a 5 x 5 x 5 grid, as painmark's volumetric variogram null draws it
// (nulls.VolumeSpace: the voxels' Euclidean distances). A regular grid's distances tie, and
// numpy's argsort and painmark break ties between equidistant neighbours differently (both are
// BrainSMASH's algorithm); the voxel centres are moved by up to 0.01 mm so that no two distances
// tie and the neighbour sets are the same.
func TestLiveVariogramBrainSMASHVoxels(t *testing.T) {
	coords, x := smoothGridMap(5, 0.01)
	compareBrainSMASH(t, coords, x, []string{"exp", "gaussian"})
}

// smoothGridMap is a smooth random map on the side³ voxels (4 mm) of a grid, the voxel centres
// moved by up to jitter mm (seeded).
func smoothGridMap(side int, jitter float64) ([][3]float64, []float64) {
	var coords [][3]float64
	for k := 0; k < side; k++ {
		for j := 0; j < side; j++ {
			for i := 0; i < side; i++ {
				coords = append(coords, [3]float64{4 * float64(i), 4 * float64(j), 4 * float64(k)})
			}
		}
	}
	rng := rand.New(rand.NewPCG(26, 3))
	for i := range coords {
		for a := range coords[i] {
			coords[i][a] += jitter * rng.Float64()
		}
	}
	z := make([]float64, len(coords))
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	x := make([]float64, len(coords))
	for i, a := range coords {
		for j, b := range coords {
			d2 := (a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2])
			x[i] += math.Exp(-d2/(2*3.4*3.4)) * z[j]
		}
	}
	return coords, x
}

// compareBrainSMASH compares the target variogram and 8 surrogates of x with BrainSMASH's Base
// algorithm run by numpy/scikit-learn (testdata/brainsmash_base.py) on the same permutations and
// normal draws, for each kernel, with and without resampling.
func compareBrainSMASH(t *testing.T, coords [][3]float64, x []float64, kernels []string) {
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
	for _, kernel := range kernels {
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
