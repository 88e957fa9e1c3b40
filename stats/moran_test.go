package stats

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"gonum.org/v1/gonum/mat"
)

// TestLiveMoranBrainSpace compares the Moran eigenvector maps of the inverse-distance weights of
// the left hemisphere's 34 DK parcels with BrainSpace's compute_mem (eigenvalues; eigenvectors up
// to sign), and the singleton and pair surrogates of a real map with BrainSpace's
// spectral_randomization given the same maps and draws.
//
// The same holds for the weights of volumetric maps (GaussianWeights, here of FWHM 30 mm between
// the same centroids): painmark's choice is only the weights, compute_mem and
// spectral_randomization stay BrainSpace's.
func TestLiveMoranBrainSpace(t *testing.T) {
	coords, x := leftDK(t)
	t.Run("inverse distance", func(t *testing.T) { liveMoranBrainSpace(t, InverseDistanceWeights(coords), x) })
	t.Run("Gaussian", func(t *testing.T) { liveMoranBrainSpace(t, GaussianWeights(coords, 30), x) })
}

func liveMoranBrainSpace(t *testing.T, w, x []float64) {
	n := len(x)
	mem, err := NewMoranEigenvectors(w, n, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	_, comps := mem.Vectors.Dims()
	W := make([][]float64, n)
	for i := range W {
		W[i] = w[i*n : (i+1)*n]
	}
	M := make([][]float64, n)
	for i := range M {
		M[i] = make([]float64, comps)
		for j := range M[i] {
			M[i][j] = mem.Vectors.At(i, j)
		}
	}
	rng := rand.New(rand.NewPCG(4, 4))
	var signs, phis [][]float64
	var perms [][]int
	var odd []float64
	for k := 0; k < 5; k++ {
		s := make([]float64, comps)
		for j := range s {
			s[j] = float64(2*rng.IntN(2) - 1)
		}
		signs = append(signs, s)
		perms = append(perms, rng.Perm(comps))
		odd = append(odd, float64(2*rng.IntN(2)-1))
		p := make([]float64, comps/2)
		for q := range p {
			p[q] = 2 * math.Pi * rng.Float64()
		}
		phis = append(phis, p)
	}
	var want struct {
		Values          []float64
		Vectors         [][]float64
		Singleton, Pair [][]float64
	}
	fixtures.RunPython(t, filepath.Join("testdata", "brainspace_moran.py"), map[string]any{"w": W, "tol": 1e-6, "x": x, "mem": M,
		"signs": signs, "perms": perms, "odd": odd, "phi": phis}, &want)
	if len(want.Values) != comps {
		t.Fatalf("%d maps, BrainSpace %d", comps, len(want.Values))
	}
	worst := 0.0
	col := make([]float64, n)
	for j := 0; j < comps; j++ {
		worst = math.Max(worst, math.Abs(mem.Values[j]-want.Values[j])/math.Abs(want.Values[j]))
		mat.Col(col, j, mem.Vectors)
		sign := 1.0
		if col[0]*want.Vectors[0][j] < 0 {
			sign = -1
		}
		for i := range col {
			worst = math.Max(worst, math.Abs(sign*col[i]-want.Vectors[i][j]))
		}
	}
	t.Logf("%d Moran eigenvector maps: largest difference from BrainSpace's %.2g", comps, worst)
	if worst > 1e-9 {
		t.Fatalf("Moran eigenvector maps differ from BrainSpace's by %g", worst)
	}
	mean, sd := MeanSD(x)
	scale := sd * math.Sqrt(float64(n-1))
	r := mem.correlations(x)
	worst = 0
	for k := range signs {
		for name, got := range map[string][]float64{
			"singleton": mem.surrogate(mean, scale, singletonCoefficients(r, signs[k])),
			"pair":      mem.surrogate(mean, scale, pairCoefficients(r, perms[k], odd[k], phis[k])),
		} {
			w := want.Singleton[k]
			if name == "pair" {
				w = want.Pair[k]
			}
			for i := range got {
				worst = math.Max(worst, math.Abs(got[i]-w[i]))
			}
		}
	}
	t.Logf("singleton and pair surrogates: largest difference from BrainSpace's %.2g", worst)
	if worst > 1e-10 {
		t.Fatalf("surrogates differ from BrainSpace's by %g", worst)
	}
}
