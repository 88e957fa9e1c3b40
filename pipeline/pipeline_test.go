package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
)

// TestPermutationShardsEqualOneRun: a study whose permutation test is split into shards of 7
// gives the null distribution and p-values of one learn.PermutationTest over all 30
// permutations, and its predictions are learn.LeaveOneOut's.
func TestPermutationShardsEqualOneRun(t *testing.T) {
	dir := t.TempDir()
	target := writeCohort(t, dir, "roi", "participants.tsv", 16, 4)
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
timeseries = "roi"
[connectivity]
kind = "correlation"
[model]
target = "participants.tsv:pain"
k = 10
alpha = 0.05
l1_ratio = 0.5
permutations = 30
shard = 7
seed = 3
`), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Plan("test")
	if err != nil {
		t.Fatal(err)
	}
	shards := 0
	for _, u := range p.Units {
		if u.Step == "permutations" {
			shards++
		}
	}
	if shards != 5 {
		t.Fatalf("%d shards for 30 permutations of 7", shards)
	}
	if _, err := p.RunLocal(Build, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(p); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Predictions []float64
		Observed    learn.Metrics
		P           learn.Metrics
		Null        []learn.Metrics
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "model.json"))
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	arr, _ := npy.Read(filepath.Join(dir, "out", "features.npy"))
	x := learn.Matrix{Rows: arr.Shape[0], Cols: arr.Shape[1], Data: arr.Data}
	pl := learn.Pipeline{Scaler: "robust", K: 10, Model: learn.ElasticNet{Alpha: 0.05, L1Ratio: 0.5, MaxIter: 100000, Tol: 1e-4}}
	want, err := learn.PermutationTest(pl, x, target, learn.PermutationOptions{N: 30, Seed: 3, Mode: learn.PermuteRefit, Convention: stats.PermSklearn})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Null) != 30 {
		t.Fatalf("%d null values", len(got.Null))
	}
	for k := range want.Null {
		if got.Null[k] != want.Null[k] {
			t.Fatalf("permutation %d: %+v, one run %+v", k+1, got.Null[k], want.Null[k])
		}
	}
	if got.P != want.P || got.Observed != want.Observed {
		t.Errorf("p %+v observed %+v; one run %+v %+v", got.P, got.Observed, want.P, want.Observed)
	}
	t.Logf("30 permutations in 5 shards: nulls and p-values equal one run's (r = %.3f, p = %.3f)", got.Observed.R, got.P.R)
}

// writeCohort writes n runs of 8 regions in which two regions couple by the planted pain score,
// and the participants table; it returns the scores.
func writeCohort(t *testing.T, dir, roiName, participants string, n int, seed uint64) []float64 {
	t.Helper()
	roi := filepath.Join(dir, roiName)
	os.MkdirAll(roi, 0o755)
	rng := rand.New(rand.NewPCG(seed, seed))
	var ids []string
	var target []float64
	for s := 0; s < n; s++ {
		cols := make([]*table.Column, 8)
		pain := rng.NormFloat64()
		shared := make([]float64, 90)
		for f := range shared {
			shared[f] = rng.NormFloat64()
		}
		for r := range cols {
			v := make([]float64, 90)
			for f := range v {
				v[f] = rng.NormFloat64()
				if r < 2 {
					v[f] += pain * shared[f]
				}
			}
			cols[r] = table.NumericColumn(fmt.Sprintf("R%d", r), v)
		}
		id := fmt.Sprintf("sub-%02d_task-rest", s)
		table.Write(filepath.Join(roi, id+"_timeseries.tsv"), &table.Table{Columns: cols})
		ids, target = append(ids, id), append(target, pain)
	}
	table.Write(filepath.Join(dir, participants), &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("pain", target)}})
	return target
}

// TestGridAndValidation: a [model] grid is searched by leave-one-out inside the plan (the choice of
// learn.Search), and a validation cohort through the same recipe is predicted by the model fitted
// on the whole training cohort (the predictions of learn's fit and predict).
func TestGridAndValidation(t *testing.T) {
	dir := t.TempDir()
	target := writeCohort(t, dir, "roi", "participants.tsv", 18, 5)
	vtarget := writeCohort(t, dir, "retest", "retest.tsv", 12, 6)
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
timeseries = "roi"
[connectivity]
kind = "correlation"
[model]
target = "participants.tsv:pain"
k = [5, 10]
alpha = [0.01, 0.05]
l1_ratio = 0.5
scoring = "neg_mean_absolute_error"
permutations = 6
shard = 4
[[validation]]
name = "retest"
timeseries = "retest"
target = "retest.tsv:pain"
`), 0o644)
	_, p := runStudy(t, st)
	arr, _ := npy.Read(filepath.Join(dir, "out", "features.npy"))
	x := learn.Matrix{Rows: arr.Shape[0], Cols: arr.Shape[1], Data: arr.Data}
	base := learn.Pipeline{Scaler: "robust", K: 5, Model: learn.ElasticNet{Alpha: 0.01, L1Ratio: 0.5, MaxIter: 100000, Tol: 1e-4}}
	res, err := learn.Search(learn.SolverPath, base, learn.Grid{K: []int{5, 10}, Alpha: []float64{0.01, 0.05}, L1Ratio: []float64{0.5}}, learn.NegMAE, x, target, learn.LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	best := res.Candidates[res.Best]
	var model struct {
		Hyperparameters learn.Candidate
		Permutations    int
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "model.json"))
	json.Unmarshal(b, &model)
	if model.Hyperparameters != best || model.Permutations != 6 {
		t.Errorf("model %+v, learn.Search's best %+v", model, best)
	}
	var val struct {
		Predictions []float64
		Metrics     learn.Metrics
	}
	b, err = os.ReadFile(filepath.Join(dir, "out", "validation", "retest.json"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &val)
	pl := base
	pl.K, pl.Model.Alpha, pl.Model.L1Ratio = best.K, best.Alpha, best.L1Ratio
	fit, err := pl.Fit(x, target)
	if err != nil {
		t.Fatal(err)
	}
	var vdir string
	for _, u := range p.Units {
		if u.Step == "features" && u.Name == "retest" {
			vdir = p.Dir(u)
		}
	}
	varr, _ := npy.Read(filepath.Join(vdir, "features.npy"))
	want := fit.Predict(learn.Matrix{Rows: varr.Shape[0], Cols: varr.Shape[1], Data: varr.Data})
	for i := range want {
		if val.Predictions[i] != want[i] {
			t.Fatalf("validation prediction %d: %v, learn %v", i, val.Predictions[i], want[i])
		}
	}
	if m := learn.PooledMetrics(want, vtarget); m != val.Metrics {
		t.Errorf("validation metrics %+v, learn %+v", val.Metrics, m)
	}
	t.Logf("grid of 4: chose %+v; validation cohort of 12: r = %.3f", best, val.Metrics.R)
}

// TestTargetRecipe: a study with a [target] recipe plans each fMRIPrep run's targets as painmark
// target does: on two simulated participants whose precentral SCAN nodes lie 10 mm from the
// group's, every planted left SCAN node has a target within 6 mm. The BIDS App's participant level
// with the same recipe in a study file without [inputs] and output (the App's replace them) plans
// the targets of the selected participant only, byte-identical to the study's, under BIDS
// derivative names.
func TestTargetRecipe(t *testing.T) {
	dir := t.TempDir()
	fp := filepath.Join(dir, "fmriprep")
	var sims []*target.Simulation
	for k, sub := range []string{"01", "02"} {
		sim := target.SimulateParticipant(uint64(k+1), 70)
		sims = append(sims, sim)
		tmp := filepath.Join(dir, "sim"+sub)
		if err := sim.Write(tmp, false); err != nil {
			t.Fatal(err)
		}
		fdir := filepath.Join(fp, "sub-"+sub, "func")
		os.MkdirAll(fdir, 0o755)
		prefix := filepath.Join(fdir, "sub-"+sub+"_task-rest_space-MNI152NLin2009cAsym")
		os.Rename(filepath.Join(tmp, "bold.nii.gz"), prefix+"_desc-preproc_bold.nii.gz")
		os.Rename(filepath.Join(tmp, "mask.nii.gz"), prefix+"_desc-brain_mask.nii.gz")
		if k == 0 {
			os.Rename(filepath.Join(tmp, "templates.nii.gz"), filepath.Join(dir, "templates.nii.gz"))
			os.Rename(filepath.Join(tmp, "precentral.nii.gz"), filepath.Join(dir, "precentral.nii.gz"))
		}
	}
	recipe := `[extract]
missing = "drop"
[connectivity]
kind = "correlation"
[target]
templates = "templates.nii.gz"
names = ["SCAN", "AMN", "foot", "hand", "mouth"]
network = "SCAN"
avoid = ["foot", "hand", "mouth"]
search_space = "precentral.nii.gz"
min_score = 0.15
`
	st, appStudy := filepath.Join(dir, "study.toml"), filepath.Join(dir, "app.toml")
	os.WriteFile(st, []byte("output = \"out\"\n[inputs]\nfmriprep = \"fmriprep\"\n"+recipe), 0o644)
	os.WriteFile(appStudy, []byte(recipe), 0o644) // the App's inputs and output replace a study's
	runStudy(t, st)
	for k, sub := range []string{"01", "02"} {
		tb, err := table.Read(filepath.Join(dir, "out", "targets", "sub-"+sub+"_task-rest_targets.tsv"), nil)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := tb.Floats("x_mm")
		y, _ := tb.Floats("y_mm")
		z, _ := tb.Floats("z_mm")
		for _, n := range sims[k].Nodes {
			if n.Network != "SCAN" || !n.Precentral || n.Person[0] > 0 {
				continue
			}
			best := math.Inf(1)
			for i := range x {
				best = math.Min(best, target.Distance([3]float64{x[i], y[i], z[i]}, n.Person))
			}
			if best > 6 {
				t.Errorf("sub-%s: the node at %v is %.1f mm from the nearest target", sub, n.Person, best)
			}
		}
	}
	app := filepath.Join(dir, "app")
	res, err := RunBIDSApp(BIDSAppOptions{BIDSDir: dir, OutputDir: app, Level: ParticipantLevel, ParticipantLabels: []string{"02"}, Fmriprep: fp, Study: appStudy})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 8 { // time series, connectivity, targets and network map, each with its sidecar
		t.Errorf("the participant level lists %d files: %v", len(res.Files), res.Files)
	}
	prefix := filepath.Join(app, "sub-02", "func", "sub-02_task-rest_space-MNI152NLin2009cAsym")
	got, err := os.ReadFile(prefix + "_desc-SCAN_targets.tsv")
	want, _ := os.ReadFile(filepath.Join(dir, "out", "targets", "sub-02_task-rest_targets.tsv"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("the BIDS App's targets of sub-02 differ from the study's (%v)", err)
	}
	var sc TargetsSidecar
	if b, err := os.ReadFile(prefix + "_desc-SCAN_targets.json"); err != nil || json.Unmarshal(b, &sc) != nil || sc.Network != "SCAN" || len(sc.Sources) != 4 || sc.Sources[1] != "sub-02_task-rest_space-MNI152NLin2009cAsym_desc-brain_mask.nii.gz" {
		t.Errorf("targets sidecar: %+v (%v)", sc, err)
	}
	for _, f := range []string{prefix + "_desc-networks_dseg.nii.gz", prefix + "_desc-networks_dseg.tsv", prefix + "_atlas-mist122_timeseries.tsv", filepath.Join(app, "dataset_description.json")} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(app, "sub-01")); err == nil {
		t.Error("--participant-label 02 also processed sub-01")
	}
}

// runStudy loads, plans, builds locally and publishes a study.
func runStudy(t *testing.T, path string) (*Study, *study.Plan) {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Plan("test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.RunLocal(Build, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(p); err != nil {
		t.Fatal(err)
	}
	return s, p
}
