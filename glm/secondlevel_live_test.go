package glm

import (
	"fmt"
	"math"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveNonParametric: the one-sample sign-flip test with a covariate equals nilearn 0.10.3's
// permuted_ols (what non_parametric_inference runs) fed the same sign flips (its random state
// replaced by one returning painmark's flips; nilearn compounds its flips, so it is handed each
// permutation's flips times the previous ones): t to 1e-10, the max-t null to 1e-10, -log10 FWER
// p exactly, and with a cluster-forming threshold the cluster sizes, masses, their nulls and
// p-values; one- and two-sided.
func TestLiveNonParametric(t *testing.T) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	const n, perms = 12, 50
	sh := [3]int{6, 7, 5}
	var voxels []int
	var y [][]float64
	age := make([]float64, n)
	for s := 0; s < n; s++ {
		age[s] = float64((s*7)%13) - 6
		y = append(y, nil)
	}
	// Voxels in numpy's C order (x slowest), as NiftiMasker returns them.
	for i := 0; i < sh[0]; i++ {
		for j := 0; j < sh[1]; j++ {
			for k := 0; k < sh[2]; k++ {
				if (i+j+k)%9 == 4 {
					continue
				}
				voxels = append(voxels, i+sh[0]*(j+sh[1]*k))
				blob := 0.0
				if i < 3 && j < 4 {
					blob = 1.2
				}
				for s := 0; s < n; s++ {
					y[s] = append(y[s], blob+0.05*age[s]+math.Sin(float64(s*31+i*7+j*3+k*11)))
				}
			}
		}
	}
	for _, two := range []bool{false, true} {
		opts := SecondLevelOptions{Permutations: perms, Seed: 5, ClusterP: 0.01, TwoSided: two}
		flips := SignFlips(n, opts)
		grid := &Grid{Shape: sh, Voxels: voxels}
		got, err := NonParametricFlips(y, [][]float64{age}, grid, flips, opts)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string][]float64
		fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, nibabel as nib
from nilearn.maskers import NiftiMasker
import nilearn.mass_univariate.permuted_least_squares as pls
c = json.load(open(sys.argv[1]))
n = len(c["Y"])
class Flips:
    def __init__(self, f):
        self.f, self.i, self.prev = np.array(c["Flips"]), 0, np.ones(n)
    def randint(self, low, high=None, size=None):
        if size is None:
            return 12345
        s = self.f[self.i] * self.prev
        self.prev, self.i = self.f[self.i], self.i + 1
        return ((s + 1) // 2).astype(int).reshape(size)
fake = Flips(c["Flips"])
pls.check_random_state = lambda rs: fake
sh = c["Shape"]
mask = np.zeros(sh, dtype=np.int8)
for v in c["Voxels"]:
    mask[v % sh[0], (v // sh[0]) % sh[1], v // (sh[0] * sh[1])] = 1
masker = NiftiMasker(nib.Nifti1Image(mask, np.eye(4))).fit()
out = pls.permuted_ols(np.ones((n, 1)), np.array(c["Y"]), confounding_vars=np.array(c["Age"])[:, None],
    n_perm=len(c["Flips"]), two_sided_test=c["Two"], n_jobs=1, masker=masker, threshold=c["P"], output_type="dict")
out = {k: np.ravel(v).astype(float).tolist() for k, v in out.items()}
from scipy import stats
out["threshold"] = [float(stats.t.isf(c["P"] / (2 if c["Two"] else 1), n - 2))]
json.dump(out, open(sys.argv[2], "w"))
`, map[string]any{"Y": y, "Age": age, "Flips": flips, "Shape": sh, "Voxels": voxels, "Two": two, "P": opts.ClusterP}, &want)
		size := make([]float64, len(got.Size))
		for v, s := range got.Size {
			size[v] = float64(s)
		}
		// scipy's t.isf (nilearn's cluster-forming threshold) is accurate to about 1e-9; masses
		// differ by the cluster size times the thresholds' difference.
		dthr := math.Abs(got.Threshold - want["threshold"][0])
		if dthr > 1e-7 {
			t.Errorf("two-sided %v: threshold %.17g, nilearn's %.17g", two, got.Threshold, want["threshold"][0])
		}
		massTol := 1e-10 + dthr*slicesMax(append(append([]float64(nil), size...), got.H0MaxSize...))
		for _, c := range []struct {
			name string
			got  []float64
			tol  float64
		}{{"t", got.T, 1e-10}, {"h0_max_t", got.H0MaxT, 1e-10}, {"logp_max_t", got.LogPMaxT, 1e-12},
			{"size", size, 0}, {"mass", got.Mass, massTol}, {"h0_max_size", got.H0MaxSize, 0}, {"h0_max_mass", got.H0MaxMass, massTol},
			{"logp_max_size", got.LogPMaxSize, 1e-12}, {"logp_max_mass", got.LogPMaxMass, 1e-12}} {
			w := want[c.name]
			if len(w) != len(c.got) {
				t.Fatalf("two-sided %v, %s: %d values, nilearn %d", two, c.name, len(c.got), len(w))
			}
			worst := 0.0
			for i := range w {
				worst = math.Max(worst, math.Abs(w[i]-c.got[i]))
			}
			if !(worst <= c.tol) {
				t.Errorf("two-sided %v, %s: max |painmark - nilearn| = %.3g", two, c.name, worst)
			}
			t.Logf("two-sided %v, %s: max difference %.2g", two, c.name, worst)
		}
		t.Logf("two-sided %v: threshold %.10f (scipy's %.10f), largest cluster %v voxels", two, got.Threshold, want["threshold"][0], slicesMax(size))
	}
}

func slicesMax(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}
