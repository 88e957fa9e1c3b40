package pattern_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/pattern"
)

// TestLivePatternResponses: dot product, cosine similarity and correlation equal numpy's on the
// voxels CanlabCore uses (non-zero weight, image value neither zero nor NaN) to 1e-12: random
// weight maps applied to random images (with zeros and NaNs) on a 20x24x18 grid, and PAINTeR's
// RPN_predictive_network_nodes.nii.gz (BSD) applied to random 1 mm images.
func TestLivePatternResponses(t *testing.T) {
	rpn := fixtures.Shared(t, "painter-bochum", "res", "RPN_predictive_network_nodes.nii.gz")
	dir := t.TempDir()
	var want map[string][][3]float64
	fixtures.RunPythonInline(t, `
import json, sys
import numpy as np, nibabel as nib
c = json.load(open(sys.argv[1]))
rng = np.random.default_rng(7)
def metrics(w, x):
    m = (w != 0) & (x != 0) & ~np.isnan(x)
    a, b = w[m], x[m]
    d = float(a @ b)
    return [d, d / (np.linalg.norm(a) * np.linalg.norm(b)), float(np.corrcoef(a, b)[0, 1])]
def image(shape, aff, path):
    x = rng.normal(size=shape) * 3 + 0.5
    x[rng.random(shape) < 0.1] = 0
    x[rng.random(shape) < 0.05] = np.nan
    nib.save(nib.Nifti1Image(x, aff), path)
    return x.ravel(order="F")
out = {"random": [], "rpn": []}
aff = np.diag([3.0, 3.0, 3.0, 1.0]); aff[:3, 3] = [-30, -36, -27]
for k in range(3):
    w = rng.normal(size=(20, 24, 18)); w[rng.random(w.shape) < 0.3] = 0
    nib.save(nib.Nifti1Image(w, aff), c["dir"] + "/w%d.nii" % k)
    x = image(w.shape, aff, c["dir"] + "/x%d.nii" % k)
    out["random"].append(metrics(w.ravel(order="F"), x))
r = nib.load(c["rpn"])
w = r.get_fdata().ravel(order="F")
for k in range(2):
    x = image(r.shape, r.affine, c["dir"] + "/rpn-x%d.nii" % k)
    out["rpn"].append(metrics(w, x))
json.dump(out, open(sys.argv[2], "w"))
`, map[string]string{"dir": dir, "rpn": rpn}, &want)
	check := func(name string, m *pattern.Map, img string, w [3]float64) {
		t.Helper()
		res, err := pattern.Apply(m, name, []pattern.Input{{Subject: "s", Condition: "c", Path: img}}, pattern.DefaultApplyOptions())
		if err != nil {
			t.Fatal(err)
		}
		s := res.Rows[0].Similarity
		for i, got := range []float64{s.Dot, s.Cosine, s.Correlation} {
			tol := 1e-12 * math.Max(1, math.Abs(w[i]))
			if !(math.Abs(got-w[i]) <= tol) {
				t.Errorf("%s %s: %s %.17g, numpy %.17g", name, img, pattern.Metrics[i], got, w[i])
			}
		}
		t.Logf("%s: dot %.6g, cosine %.6g, r %.6g over %d voxels", name, s.Dot, s.Cosine, s.Correlation, s.NVoxels)
	}
	for k, w := range want["random"] {
		m, err := pattern.LoadMap(filepath.Join(dir, fmt.Sprintf("w%d.nii", k)))
		if err != nil {
			t.Fatal(err)
		}
		check("random", m, filepath.Join(dir, fmt.Sprintf("x%d.nii", k)), w)
	}
	m, err := pattern.LoadMap(rpn)
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range want["rpn"] {
		check("RPN", m, filepath.Join(dir, fmt.Sprintf("rpn-x%d.nii", k)), w)
	}
}

// TestLiveResample: the weight map resampled to another grid equals nilearn 0.10.3's
// resample_to_img (interpolation "linear" and "nearest", fill 0) to 1e-12: PAINTeR's RPN node map
// (1 mm) onto the synthetic task's 8 mm grid and onto an oblique 3.5 mm grid.
func TestLiveResample(t *testing.T) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	rpn := fixtures.Shared(t, "painter-bochum", "res", "RPN_predictive_network_nodes.nii.gz")
	type grid struct {
		Shape  [3]int
		Affine [4][4]float64
	}
	c, s := math.Cos(0.2), math.Sin(0.2)
	grids := []grid{
		{[3]int{23, 27, 23}, [4][4]float64{{8, 0, 0, -90}, {0, 8, 0, -126}, {0, 0, 8, -72}, {0, 0, 0, 1}}},
		{[3]int{40, 50, 38}, [4][4]float64{{3.5 * c, -3.5 * s, 0, -60}, {3.5 * s, 3.5 * c, 0, -100}, {0, 0, 3.5, -60}, {0, 0, 0, 1}}},
	}
	var want [][][]float64
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, nibabel as nib
from nilearn.image import resample_to_img
c = json.load(open(sys.argv[1]))
src = nib.load(c["Map"])
out = []
for g in c["Grids"]:
    tgt = nib.Nifti1Image(np.zeros(g["Shape"]), np.array(g["Affine"]))
    out.append([resample_to_img(src, tgt, interpolation=k).get_fdata().ravel(order="F").tolist() for k in ("linear", "nearest")])
json.dump(out, open(sys.argv[2], "w"))
`, map[string]any{"Map": rpn, "Grids": grids}, &want)
	m, err := pattern.LoadMap(rpn)
	if err != nil {
		t.Fatal(err)
	}
	for gi, g := range grids {
		for k, interp := range []string{pattern.Linear, pattern.Nearest} {
			r, err := m.ResampleTo(g.Shape, g.Affine, interp)
			if err != nil {
				t.Fatal(err)
			}
			worst, bad := 0.0, 0
			for i, v := range r.Values {
				d := math.Abs(v - want[gi][k][i])
				worst = math.Max(worst, d)
				if d > 1e-12 {
					bad++
				}
			}
			t.Logf("grid %d %s: max |painmark - nilearn| %.3g, %d of %d voxels differ", gi, interp, worst, bad, len(r.Values))
			if bad > 0 {
				t.Errorf("grid %d %s: %d voxels differ from nilearn's resample_to_img (max %.3g)", gi, interp, bad, worst)
			}
		}
	}
}
