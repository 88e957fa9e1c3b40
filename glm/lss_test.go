package glm_test

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/synthetic"
)

// taskRun simulates a small task study and returns run 0's frame times, events, series and planted
// trial responses.
func taskRun(t *testing.T) (*synthetic.Task, []float64, [][]float64) {
	t.Helper()
	o := synthetic.DefaultTaskOptions()
	o.Subjects = 1
	st, err := synthetic.SimulateTask(o)
	if err != nil {
		t.Fatal(err)
	}
	ys, err := st.Series(0)
	if err != nil {
		t.Fatal(err)
	}
	ft, err := glm.FrameTimes(o.Frames, o.TR, 0)
	if err != nil {
		t.Fatal(err)
	}
	return st, ft, ys
}

// singleTrialBetas fits the single-trial model of method and others (ignored for LSA).
func singleTrialBetas(t *testing.T, ft []float64, ev []glm.Event, ys [][]float64, method, others string) [][]float64 {
	t.Helper()
	o := glm.DefaultSingleTrialOptions()
	o.Method = method
	if method == glm.LSS {
		o.Others = others
	}
	m, err := glm.NewSingleTrial(ft, ev, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Betas(ys)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSingleTrialRecoversPlanted: LSA and LSS (both models of the other trials) recover the
// synthetic run's planted trial responses, r > 0.9 over voxels and trials.
func TestSingleTrialRecoversPlanted(t *testing.T) {
	st, ft, ys := taskRun(t)
	run := st.Runs[0]
	for _, c := range [][2]string{{glm.LSA, ""}, {glm.LSS, glm.OthersByCondition}, {glm.LSS, glm.OthersAll}} {
		b := singleTrialBetas(t, ft, run.Events, ys, c[0], c[1])
		var est, truth []float64
		for v := range b {
			for i := range b[v] {
				est, truth = append(est, b[v][i]), append(truth, run.Trials[i][v])
			}
		}
		r := stats.Pearson(est, truth)
		t.Logf("%s %s: r = %.4f over %d voxels x %d trials", c[0], c[1], r, len(b), len(run.Events))
		if !(r > 0.9) {
			t.Errorf("%s %s: r = %.4f between estimated and planted trial responses", c[0], c[1], r)
		}
	}
	if m, _ := glm.NewSingleTrial(ft, run.Events, nil, glm.DefaultSingleTrialOptions()); m.Labels[0] != run.Events[0].TrialType+"__001" {
		t.Errorf("first label %q", m.Labels[0])
	}
	bad := glm.DefaultSingleTrialOptions()
	bad.Method = "lsx"
	if _, err := glm.NewSingleTrial(ft, run.Events, nil, bad); err == nil {
		t.Error("method lsx accepted")
	}
}

// TestLiveSingleTrial: LSA and LSS betas equal a numpy implementation to 1e-10: nilearn's
// make_first_level_design_matrix on the beta-series example's relabelled events
// (plot_beta_series.py: LSA every trial its own trial_type, LSS one trial relabelled; and
// Mumford's LSS with the others as one condition), then numpy's pinv(X) @ Y.
func TestLiveSingleTrial(t *testing.T) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	st, ft, ys := taskRun(t)
	run := st.Runs[0]
	ys = ys[:200]
	type in struct {
		Frames, Onset, Duration []float64
		TrialType               []string
		Y                       [][]float64
	}
	p := in{Frames: ft, Y: ys}
	for _, e := range run.Events {
		p.Onset, p.Duration, p.TrialType = append(p.Onset, e.Onset), append(p.Duration, e.Duration), append(p.TrialType, e.TrialType)
	}
	var want map[string][][]float64
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, pandas as pd
from nilearn.glm.first_level import make_first_level_design_matrix
c = json.load(open(sys.argv[1]))
ft, Y = np.array(c["Frames"]), np.array(c["Y"]).T
ev = pd.DataFrame({"onset": c["Onset"], "duration": c["Duration"], "trial_type": c["TrialType"]})
n = len(ev)
count, labels = {}, []
for tt in ev.trial_type:
    count[tt] = count.get(tt, 0) + 1
    labels.append("%s__%03d" % (tt, count[tt]))
def beta(e, label):
    X = make_first_level_design_matrix(ft, e)
    return (np.linalg.pinv(X.values) @ Y)[list(X.columns).index(label)]
lsa = ev.copy(); lsa["trial_type"] = labels
X = make_first_level_design_matrix(ft, lsa)
B = np.linalg.pinv(X.values) @ Y
out = {"lsa": [B[list(X.columns).index(l)].tolist() for l in labels], "condition": [], "all": []}
for i in range(n):
    e = ev.copy(); e.loc[i, "trial_type"] = labels[i]
    out["condition"].append(beta(e, labels[i]).tolist())
    e = ev.copy(); e["trial_type"] = "other_trials"; e.loc[i, "trial_type"] = labels[i]
    out["all"].append(beta(e, labels[i]).tolist())
json.dump(out, open(sys.argv[2], "w"))
`, p, &want)
	for _, c := range [][2]string{{glm.LSA, "lsa"}, {glm.LSS, glm.OthersByCondition}, {glm.LSS, glm.OthersAll}} {
		b := singleTrialBetas(t, ft, run.Events, ys, c[0], c[1])
		worst := 0.0
		for v := range b {
			for i := range b[v] {
				worst = math.Max(worst, math.Abs(b[v][i]-want[c[1]][i][v]))
			}
		}
		t.Logf("%s: max |painmark - numpy| = %.3g", c[1], worst)
		if !(worst < 1e-10) {
			t.Errorf("%s: max |painmark - numpy| = %.3g", c[1], worst)
		}
	}
}

// TestBetaSeriesNIfTI: BetaSeries on the synthetic study's written runs (streamed in slabs of
// 1 MiB, several per run) recovers the planted trial responses (r > 0.9, data mean-scaled as
// nilearn's signal_scaling); without scaling, it equals the single-trial model on the series read
// back (to float32 rounding of the image: r > 0.99999); the written series hold each condition's
// trials.
func TestBetaSeriesNIfTI(t *testing.T) {
	o := synthetic.DefaultTaskOptions()
	o.Subjects = 1
	dir := t.TempDir()
	st, err := synthetic.WriteTask(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	mask, err := glm.LoadMaskLike(filepath.Join(dir, "truth", "mask.nii.gz"), st.BoldPath(dir, 0))
	if err != nil {
		t.Fatal(err)
	}
	run := glm.FirstLevelRun{BOLD: st.BoldPath(dir, 0), Events: st.Runs[0].Events}
	opts := glm.DefaultBetaSeriesOptions()
	opts.Run.SlabMiB = 1
	res, err := glm.BetaSeries(run, mask, opts)
	if err != nil {
		t.Fatal(err)
	}
	var est, truth []float64
	for i := range res.Betas {
		est, truth = append(est, res.Betas[i]...), append(truth, st.Runs[0].Trials[i]...)
	}
	if r := stats.Pearson(est, truth); !(r > 0.9) {
		t.Errorf("NIfTI LSS (scaled): r = %.4f with the planted responses", r)
	}
	opts.Run.SignalScaling = false
	raw, err := glm.BetaSeries(run, mask, opts)
	if err != nil {
		t.Fatal(err)
	}
	ys, _ := st.Series(0)
	ft, _ := glm.FrameTimes(o.Frames, o.TR, 0)
	b := singleTrialBetas(t, ft, run.Events, ys, glm.LSS, glm.OthersByCondition)
	est, truth = est[:0], truth[:0]
	for i := range raw.Betas {
		for v := range raw.Betas[i] {
			est, truth = append(est, raw.Betas[i][v]), append(truth, b[v][i])
		}
	}
	if r := stats.Pearson(est, truth); !(r > 0.99999) {
		t.Errorf("NIfTI LSS (unscaled) vs series: r = %.7f", r)
	}
	out := t.TempDir()
	if err := res.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
	img, err := nifti.Load(filepath.Join(out, glm.BetaSeriesFileName("heat")), nil)
	if err != nil || img.Header.NumVolumes() != o.Trials {
		t.Fatalf("heat series: %v", err)
	}
	first := slices.IndexFunc(res.Trials, func(e glm.Event) bool { return e.TrialType == "heat" })
	if g := res.Model.Voxels[100]; img.Data[g] != res.Betas[first][100] {
		t.Errorf("heat volume 0 at voxel %d: %v, beta %v", g, img.Data[g], res.Betas[first][100])
	}
}
