package glm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveFirstLevelSynthetic: FirstLevel and Contrast equal nilearn 0.10.3's
// FirstLevelModel(...).fit(...).compute_contrast(..., output_type='all') on a synthetic float32
// run (24x20x6, 200 volumes, planted heat and warm responses, AR(1) noise) with a mask image and a
// confound regressor, for noise_model ols and ar1, read in 1 MiB slabs: effect size, variance, t,
// z and p maps to 1e-6 (variance relative); two runs give the fixed effects. F contrasts (rows
// separated by ";", nilearn's 2-D contrasts) give effect (q volumes), variance, F, z and p.
func TestLiveFirstLevelSynthetic(t *testing.T) {
	dir := t.TempDir()
	shape := [3]int{24, 20, 6}
	var runs []FirstLevelRun
	rng := rand.New(rand.NewPCG(24, 7))
	for k, n := range []int{200, 160} {
		path := filepath.Join(dir, fmt.Sprintf("run%d.nii.gz", k+1))
		ev := writeSynthRun(t, path, shape, n, 2, uint64(10+k))
		conf := make([]float64, n)
		for i := range conf {
			conf[i] = rng.NormFloat64()
		}
		runs = append(runs, FirstLevelRun{BOLD: path, Events: ev, Confounds: []Regressor{{Name: "motion", Values: conf}}})
	}
	maskPath := filepath.Join(dir, "mask.nii.gz")
	mask := writeSynthMask(t, maskPath, shape)
	var cases []liveCase
	for _, noise := range []string{NoiseOLS, NoiseAR1} {
		for _, nr := range []int{1, 2} {
			opts := DefaultFirstLevelOptions()
			opts.NoiseModel, opts.SlabMiB = noise, 1
			cases = append(cases, liveCase{fmt.Sprintf("%s, %d runs", noise, nr), runs[:nr], mask, maskPath, opts})
		}
	}
	liveFirstLevel(t, cases, []string{"heat - warm", "heat", "0.5*heat + 0.5*warm - rating", "motion", "heat; warm", "heat - warm; rating; motion"})
}

// TestLiveFirstLevelNipy: the same on nipy's example run (../shared/data/fmri/nipy/functional.nii.gz,
// int16 with scaling, 17x21x3, 20 volumes, TR 2 s from its header) with invented heat and warm
// blocks, every voxel (nilearn's mask_img=False), ols and ar1, with and without signal scaling.
func TestLiveFirstLevelNipy(t *testing.T) {
	bold := fixtures.Shared(t, "..", "data", "fmri", "nipy", "functional.nii.gz")
	ev := []Event{{Onset: 4, Duration: 8, TrialType: "heat", Modulation: 1}, {Onset: 20, Duration: 8, TrialType: "warm", Modulation: 1},
		{Onset: 30, Duration: 4, TrialType: "heat", Modulation: 1}}
	var cases []liveCase
	for _, noise := range []string{NoiseOLS, NoiseAR1} {
		for _, scale := range []bool{true, false} {
			opts := DefaultFirstLevelOptions()
			opts.NoiseModel, opts.SignalScaling = noise, scale
			cases = append(cases, liveCase{fmt.Sprintf("%s, scaling %v", noise, scale), []FirstLevelRun{{BOLD: bold, Events: ev}}, nil, "", opts})
		}
	}
	liveFirstLevel(t, cases, []string{"heat - warm", "heat", "heat; warm"})
}

// liveCase is one FirstLevelModel configuration compared with nilearn's.
type liveCase struct {
	name     string
	runs     []FirstLevelRun
	mask     []bool
	maskPath string
	opts     FirstLevelOptions
}

// liveFirstLevel fits every case with FirstLevel and with nilearn's FirstLevelModel (one Python
// process for all) and compares the maps of every contrast.
func liveFirstLevel(t *testing.T, cases []liveCase, exprs []string) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	type in struct {
		BOLD      []string
		Events    [][]Event
		Confounds []map[string][]float64
		Mask      string
		Noise     string
		Scaling   bool
	}
	var ins []in
	var got []map[string]map[string][]float64
	for _, c := range cases {
		m, err := FirstLevel(c.runs, c.mask, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		g := map[string]map[string][]float64{}
		for _, e := range exprs {
			r, err := m.Contrast(e)
			if err != nil {
				t.Fatal(err)
			}
			g[e] = map[string][]float64{}
			for _, k := range r.Maps() {
				g[e][k] = m.Map(r.Values(k))
			}
		}
		got = append(got, g)
		a := in{Mask: c.maskPath, Noise: c.opts.NoiseModel, Scaling: c.opts.SignalScaling}
		for _, r := range c.runs {
			a.BOLD, a.Events = append(a.BOLD, r.BOLD), append(a.Events, r.Events)
			conf := map[string][]float64{}
			for _, c := range r.Confounds {
				conf[c.Name] = c.Values
			}
			a.Confounds = append(a.Confounds, conf)
		}
		ins = append(ins, a)
	}
	var want []map[string]map[string][]float64
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, pandas as pd
from nilearn.glm.first_level import FirstLevelModel
from nilearn.glm.contrasts import expression_to_contrast_vector
a = json.load(open(sys.argv[1]))
names = {"effect": "effect_size", "variance": "effect_variance", "t": "stat", "F": "stat", "z": "z_score", "p": "p_value"}
def con(e, k):
    # an F contrast: rows separated by ";", each a linear expression over run k's columns
    if ";" not in e:
        return e
    return np.vstack([expression_to_contrast_vector(r.strip(), m.design_matrices_[k].columns) for r in e.split(";")])
res = []
for c in a["Cases"]:
    ev = [pd.DataFrame(es) for es in c["Events"]]
    conf = [pd.DataFrame(x) for x in c["Confounds"]] if any(c["Confounds"]) else None
    m = FirstLevelModel(t_r=2.0, noise_model=c["Noise"], mask_img=c["Mask"] or False,
        signal_scaling=0 if c["Scaling"] else False, minimize_memory=True)
    m.fit(c["BOLD"], events=ev, confounds=conf)
    out = {}
    for e in a["Exprs"]:
        maps = m.compute_contrast([con(e, k) for k in range(len(c["BOLD"]))], output_type="all")
        kinds = ["effect", "variance", "F" if ";" in e else "t", "z", "p"]
        out[e] = {k: maps[names[k]].get_fdata().ravel(order="F").tolist() for k in kinds}
    res.append(out)
json.dump(res, open(sys.argv[2], "w"))
`, map[string]any{"Cases": ins, "Exprs": exprs}, &want)
	for ci, c := range cases {
		for _, e := range exprs {
			kinds := StatMaps
			if strings.Contains(e, ";") {
				kinds = []string{"effect", "variance", "F", "z", "p"}
			}
			for _, k := range kinds {
				compareMap(t, fmt.Sprintf("%s, %q", c.name, e), k, got[ci][e][k], want[ci][e][k])
			}
		}
	}
}

// compareMap fails unless a map equals nilearn's to 1e-6 (the variance relative to nilearn's).
func compareMap(t *testing.T, label, kind string, g, w []float64) {
	t.Helper()
	if len(g) != len(w) {
		t.Fatalf("%s %s: %d values, nilearn %d", label, kind, len(g), len(w))
	}
	worst := 0.0
	for i := range g {
		d := math.Abs(g[i] - w[i])
		if kind == "variance" {
			d /= math.Max(math.Abs(w[i]), 1e-300)
		}
		worst = math.Max(worst, d)
	}
	if worst > 1e-6 {
		t.Errorf("%s: %s map differs from nilearn's by %.3g", label, kind, worst)
	}
	t.Logf("%s: %s max difference %.2g", label, kind, worst)
}
