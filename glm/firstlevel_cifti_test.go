package glm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/fixtures"
)

// writeDtseries writes a CIFTI-2 dense time series of 300 surface vertices, n scans of TR 2 s:
// baseline, heat and warm responses planted on part of the vertices, AR(1) noise.
func writeDtseries(t *testing.T, path string, n int, ev []Event, seed uint64) {
	t.Helper()
	ft, _ := FrameTimes(n, 2, 0)
	d, err := MakeDesign(ft, ev, nil, DefaultDesignOptions())
	if err != nil {
		t.Fatal(err)
	}
	const nv = 300
	verts := make([]int, nv)
	for i := range verts {
		verts[i] = 2 * i
	}
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: nv, Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT",
		Type: cifti.SurfaceModel, Count: nv, SurfaceVertices: 2 * nv, Vertices: verts}}}
	rng := rand.New(rand.NewPCG(seed, 5))
	data := make([]float64, n*nv)
	for v := 0; v < nv; v++ {
		e := 0.0
		for tt := 0; tt < n; tt++ {
			e = 0.4*e + rng.NormFloat64()
			data[tt*nv+v] = float32ish(800 + float64(v%7)*20 + float64(v%3)*4*d.Columns[0][tt] + float64(v%2)*2*d.Columns[2][tt] + 3*e)
		}
	}
	if err := cifti.Write(path, [2]*cifti.Axis{{Type: cifti.Series, Len: n, SeriesStep: 2, SeriesUnit: "SECOND"}, bm}, data); err != nil {
		t.Fatal(err)
	}
}

// float32ish rounds to float32, as a CIFTI file stores the values.
func float32ish(v float64) float64 { return float64(float32(v)) }

// TestLiveFirstLevelCIFTI: FirstLevel on CIFTI-2 dtseries runs equals nilearn 0.10.3's fit on the
// arrays nibabel reads (mean_scaling, run_glm, compute_contrast; FirstLevelModel's own steps, as
// it takes no CIFTI), ols and ar1, one and two runs (fixed effects), t and F contrasts, to 1e-6
// (variance relative); WriteFiles writes dscalar maps that nibabel reads back as the same values
// (float32).
func TestLiveFirstLevelCIFTI(t *testing.T) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	dir := t.TempDir()
	ev := []Event{{Onset: 10, Duration: 15, TrialType: "heat", Modulation: 1}, {Onset: 50, Duration: 15, TrialType: "warm", Modulation: 1},
		{Onset: 95, Duration: 15, TrialType: "heat", Modulation: 1}, {Onset: 140, Duration: 15, TrialType: "warm", Modulation: 1},
		{Onset: 180, Duration: 5, TrialType: "rating", Modulation: 1}}
	var runs []FirstLevelRun
	for k, n := range []int{120, 100} {
		p := filepath.Join(dir, fmt.Sprintf("run%d.dtseries.nii", k+1))
		writeDtseries(t, p, n, ev, uint64(k+1))
		runs = append(runs, FirstLevelRun{BOLD: p, Events: ev})
	}
	exprs := []string{"heat - warm", "heat", "heat; warm"}
	type pcase struct {
		BOLD  []string
		Noise string
	}
	var cases []pcase
	var got []map[string]map[string][]float64
	for _, noise := range []string{NoiseOLS, NoiseAR1} {
		for _, nr := range []int{1, 2} {
			o := DefaultFirstLevelOptions()
			o.NoiseModel = noise
			res, err := RunFirstLevel(runs[:nr], nil, exprs, o)
			if err != nil {
				t.Fatal(err)
			}
			g := map[string]map[string][]float64{}
			for _, c := range res.Contrasts {
				g[c.Expr] = map[string][]float64{}
				for _, k := range c.Maps() {
					g[c.Expr][k] = c.Values(k)
				}
			}
			got = append(got, g)
			c := pcase{Noise: noise}
			for _, r := range runs[:nr] {
				c.BOLD = append(c.BOLD, r.BOLD)
			}
			cases = append(cases, c)
			if noise == NoiseAR1 && nr == 2 {
				out := filepath.Join(dir, "out")
				if err := res.WriteFiles(out); err != nil {
					t.Fatal(err)
				}
				f, err := cifti.Open(filepath.Join(out, "contrast-heatWarm_stat-effect_statmap.dscalar.nii"))
				if err != nil || f.Rows() != 2 || f.Cols() != 300 || f.Axes[0].Maps[1].Name != "contrast-heatWarm_stat-effect_statmap 2" {
					t.Fatalf("F effect dscalar: %v %+v", err, f)
				}
				vals, _ := f.Matrix()
				for i, v := range res.Contrasts[2].Values("effect") {
					if vals[i] != float32ish(v) {
						t.Fatalf("dscalar value %d: %v, the map's %v", i, vals[i], v)
					}
				}
				b, _ := os.ReadFile(filepath.Join(out, "first_level.json"))
				if !strings.Contains(string(b), `"peak_grayordinate"`) || strings.Contains(string(b), `"peak_mm"`) {
					t.Errorf("first_level.json of a CIFTI run: %.300s", b)
				}
			}
		}
	}
	var want []map[string]map[string][]float64
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, pandas as pd, nibabel as nib
from nilearn.glm.first_level import make_first_level_design_matrix, run_glm
from nilearn.glm.first_level.first_level import mean_scaling
from nilearn.glm.contrasts import compute_fixed_effect_contrast, expression_to_contrast_vector
a = json.load(open(sys.argv[1]))
ev = pd.DataFrame(a["Events"])
names = {"effect": "effect_size", "variance": "effect_variance", "t": "stat", "F": "stat", "z": "z_score", "p": "p_value"}
res = []
for c in a["Cases"]:
    labels, results, cons = [], [], {e: [] for e in a["Exprs"]}
    for b in c["BOLD"]:
        Y = nib.load(b).get_fdata()
        Y, _ = mean_scaling(Y, 0)
        ft = np.arange(Y.shape[0]) * 2.0
        X = make_first_level_design_matrix(ft, ev, hrf_model="glover", drift_model="cosine", high_pass=0.01)
        lab, r = run_glm(Y, X.values, noise_model=c["Noise"], bins=100)
        labels.append(lab); results.append(r)
        for e in a["Exprs"]:
            rows = [expression_to_contrast_vector(x.strip(), X.columns) for x in e.split(";")]
            cons[e].append(rows[0] if len(rows) == 1 else np.vstack(rows))
    out = {}
    for e in a["Exprs"]:
        con = compute_fixed_effect_contrast(labels, results, cons[e])
        kinds = ["effect", "variance", "F" if ";" in e else "t", "z", "p"]
        out[e] = {k: np.ravel(getattr(con, names[k])()).tolist() for k in kinds}
    res.append(out)
json.dump(res, open(sys.argv[2], "w"))
`, map[string]any{"Cases": cases, "Exprs": exprs, "Events": ev}, &want)
	for ci, c := range cases {
		for _, e := range exprs {
			for k, g := range got[ci][e] {
				compareMap(t, fmt.Sprintf("%s %d runs, %q", c.Noise, len(c.BOLD), e), k, g, want[ci][e][k])
			}
		}
	}
}
