package glm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveOLSContrasts: OLS estimates and t contrasts equal nilearn 0.10.3's run_glm(noise_model=
// 'ols') and compute_contrast (FirstLevelModel's own calls) on 200 synthetic voxels with planted
// responses (including null voxels, negative effects and a voxel of pure drift): beta, effect size,
// variance, t, z and p to 1e-6 (relative for variance), contrast vectors from expressions equal
// expression_to_contrast_vector.
func TestLiveOLSContrasts(t *testing.T) { liveGLM(t, "ols") }

// TestLiveAR1Contrasts: the same with noise_model='ar1' on voxels of AR(1) noise (phi 0 to 0.6):
// per-voxel binned AR coefficients equal nilearn's labels, and effect size, variance, t, z, p
// equal compute_contrast's to 1e-6.
func TestLiveAR1Contrasts(t *testing.T) { liveGLM(t, "ar1") }

func liveGLM(t *testing.T, noise string) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	ft, _ := FrameTimes(120, 2, 0.5)
	opts := DefaultDesignOptions()
	opts.HRFModel = HRFSPMDerivative
	d, err := MakeDesign(ft, liveEventSets()[0], nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(24, 1))
	ys := make([][]float64, 200)
	for v := range ys {
		ys[v] = make([]float64, len(ft))
		phi, e := 0.0, 0.0
		if noise == "ar1" {
			phi = 0.6 * float64(v%9) / 8
		}
		for i := range ys[v] {
			e = phi*e + 2*rng.NormFloat64()
			ys[v][i] = 100 + e
			if v%4 != 0 {
				ys[v][i] += float64(v%7-3)*d.Columns[0][i] + float64(v%5-2)*d.Columns[2][i]
			}
		}
	}
	var fit *OLSFit
	var rho []float64
	if noise == "ar1" {
		fit, rho, err = FitAR1(d, ys, 100)
	} else {
		var m *OLS
		if m, err = NewOLS(d); err == nil {
			fit, err = m.Fit(ys)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{"heat - warm", "heat", "0.5*heat + 0.5*warm - rating", "-warm_derivative"}
	type out struct{ Effect, Variance, T, Z, P, Vec []float64 }
	var got []out
	for _, e := range exprs {
		c, err := ContrastVector(e, d.Names)
		if err != nil {
			t.Fatal(err)
		}
		r, err := fit.TContrast(c)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out{r.Effect, r.Variance, r.T, r.Z, r.P, c})
	}
	var want struct {
		Beta [][]float64
		Rho  []float64
		Con  []out
	}
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, pandas as pd
from nilearn.glm.first_level.first_level import run_glm
from nilearn.glm.contrasts import compute_contrast, expression_to_contrast_vector
a = json.load(open(sys.argv[1]))
X = np.array(a["X"]).T
Y = np.array(a["Y"]).T
labels, results = run_glm(Y, X, noise_model=a["Noise"])
if a["Noise"] == "ols":
    out = {"Beta": results[0.0].theta.T.tolist(), "Rho": None, "Con": []}
else:
    beta = np.zeros((X.shape[1], Y.shape[1]))
    for k, r in results.items():
        beta[:, labels == k] = r.theta
    out = {"Beta": beta.T.tolist(), "Rho": [float(l) for l in labels], "Con": []}
for e in a["Exprs"]:
    c = expression_to_contrast_vector(e, a["Names"])
    con = compute_contrast(labels, results, c)
    out["Con"].append({"Effect": con.effect_size().ravel().tolist(), "Variance": con.effect_variance().ravel().tolist(),
        "T": con.stat().ravel().tolist(), "Z": con.z_score().ravel().tolist(), "P": con.p_value().ravel().tolist(), "Vec": [float(x) for x in c]})
json.dump(out, open(sys.argv[2], "w"))
`, map[string]any{"X": d.Columns, "Y": ys, "Names": d.Names, "Exprs": exprs, "Noise": noise}, &want)
	worst := func(a, b []float64, rel bool) float64 {
		w := 0.0
		for i := range a {
			den := 1.0
			if rel {
				den = math.Max(math.Abs(b[i]), 1e-300)
			}
			w = math.Max(w, math.Abs(a[i]-b[i])/den)
		}
		return w
	}
	if noise == "ar1" {
		if e := worst(rho, want.Rho, false); e != 0 {
			t.Fatalf("AR(1) bins differ from nilearn's by %.3g:\n%v\n%v", e, rho, want.Rho)
		}
		t.Logf("AR(1) bins: %v", rho[:9])
	}
	for v := range ys {
		if e := worst(fit.Beta[v], want.Beta[v], false); e > 1e-6 {
			t.Fatalf("voxel %d: beta differs by %.3g", v, e)
		}
	}
	for i, e := range exprs {
		g, w := got[i], want.Con[i]
		for _, c := range []struct {
			what string
			a, b []float64
			rel  bool
		}{{"vector", g.Vec, w.Vec, false}, {"effect", g.Effect, w.Effect, false}, {"variance", g.Variance, w.Variance, true},
			{"t", g.T, w.T, false}, {"z", g.Z, w.Z, false}, {"p", g.P, w.P, false}} {
			d := worst(c.a, c.b, c.rel)
			if d > 1e-6 {
				t.Errorf("%q: %s differs from nilearn's by %.3g", e, c.what, d)
			}
			t.Logf("%q: %s max difference %.2g", e, c.what, d)
		}
	}
}

// TestLiveFixedEffects: the fixed-effects contrast of two runs (different events and lengths, ar1)
// equals nilearn's compute_fixed_effect_contrast of the runs' run_glm results: effect, variance,
// t, z and p to 1e-6.
func TestLiveFixedEffects(t *testing.T) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	rng := rand.New(rand.NewPCG(24, 2))
	type run struct {
		X, Y [][]float64
		Vec  []float64
	}
	var runs []run
	var cons []*ContrastResult
	for k, n := range []int{100, 130} {
		ft, _ := FrameTimes(n, 2, 0)
		ev := []Event{{Onset: 10 + float64(k), Duration: 16, TrialType: "heat", Modulation: 1}, {Onset: 50, Duration: 16, TrialType: "warm", Modulation: 1},
			{Onset: 120 + 3*float64(k), Duration: 16, TrialType: "heat", Modulation: 1}, {Onset: 160, Duration: 10, TrialType: "warm", Modulation: 1}}
		d, err := MakeDesign(ft, ev, nil, DefaultDesignOptions())
		if err != nil {
			t.Fatal(err)
		}
		ys := make([][]float64, 60)
		for v := range ys {
			ys[v] = make([]float64, n)
			e := 0.0
			for i := range ys[v] {
				e = 0.3*e + rng.NormFloat64()
				ys[v][i] = 50 + e + float64(v%3)*d.Columns[0][i]
			}
		}
		fit, _, err := FitAR1(d, ys, 100)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ContrastVector("heat - warm", d.Names)
		if err != nil {
			t.Fatal(err)
		}
		r, err := fit.TContrast(c)
		if err != nil {
			t.Fatal(err)
		}
		cons = append(cons, r)
		runs = append(runs, run{d.Columns, ys, c})
	}
	got, err := FixedEffects(cons)
	if err != nil {
		t.Fatal(err)
	}
	var want struct{ Effect, Variance, T, Z, P []float64 }
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np
from nilearn.glm.first_level.first_level import run_glm
from nilearn.glm.contrasts import compute_fixed_effect_contrast
labels, results, cons = [], [], []
for r in json.load(open(sys.argv[1])):
    l, res = run_glm(np.array(r["Y"]).T, np.array(r["X"]).T, noise_model="ar1")
    labels.append(l); results.append(res); cons.append(np.array(r["Vec"]))
c = compute_fixed_effect_contrast(labels, results, cons)
json.dump({"Effect": c.effect_size().ravel().tolist(), "Variance": c.effect_variance().ravel().tolist(),
    "T": c.stat().ravel().tolist(), "Z": c.z_score().ravel().tolist(), "P": c.p_value().ravel().tolist()}, open(sys.argv[2], "w"))
`, runs, &want)
	for _, c := range []struct {
		what string
		a, b []float64
	}{{"effect", got.Effect, want.Effect}, {"variance", got.Variance, want.Variance}, {"t", got.T, want.T}, {"z", got.Z, want.Z}, {"p", got.P, want.P}} {
		w := 0.0
		for i := range c.a {
			w = math.Max(w, math.Abs(c.a[i]-c.b[i]))
		}
		if w > 1e-6 || len(c.a) != len(c.b) {
			t.Errorf("fixed effects %s differs from nilearn's by %.3g", c.what, w)
		}
		t.Logf("fixed effects %s: max difference %.2g", c.what, w)
	}
}
