package decode

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	randv2pkg "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/synthetic"
)

// The Gram-matrix decoder is learn.PCRLasso (PCA, lasso path by LARS, relaxed OLS refit; equal to
// scikit-learn's composition in the extended suite): for every number of components the same
// predictions on new bins and the same weights on the features.
func TestKernelFitEqualsPCRLasso(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	n, p := 45, 160
	x := learn.Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		f := rng.NormFloat64()
		for j := 0; j < p; j++ {
			x.Data[i*p+j] = f*float64(j%5)/3 + rng.NormFloat64()
		}
		y[i] = f + 0.4*x.Data[i*p+7] + 0.3*rng.NormFloat64()
	}
	train, test := make([]int, 0, 35), []int{}
	for i := 0; i < n; i++ {
		if i%4 == 3 {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	g := newGram(x)
	f, err := g.fit(train, y, math.MaxInt, false)
	if err != nil {
		t.Fatal(err)
	}
	xtr := x.SelectRows(train)
	ytr := make([]float64, len(train))
	for k, i := range train {
		ytr[k] = y[i]
	}
	path, err := learn.PCRLasso{}.Fit(xtr, ytr)
	if err != nil {
		t.Fatal(err)
	}
	if len(path.Models) != len(f.u) {
		t.Fatalf("%d relaxed models, the Gram path has %d components", len(path.Models), len(f.u))
	}
	kp := g.predict(f, test)
	xte := x.SelectRows(test)
	var dp, dw float64
	for k, m := range path.Models {
		if len(m.Selected) != k+1 {
			t.Fatalf("model %d selects %d components", k, len(m.Selected))
		}
		want := m.Predict(xte)
		for i := range test {
			dp = math.Max(dp, math.Abs(kp[i][k+1]-want[i]))
		}
		w, b := f.edgeWeights(x, k+1)
		for j := range w {
			dw = math.Max(dw, math.Abs(w[j]-m.Coef[j]))
		}
		dw = math.Max(dw, math.Abs(b-m.Intercept))
	}
	if dp > 1e-8 || dw > 1e-8 {
		t.Errorf("predictions differ by %.3g, weights by %.3g", dp, dw)
	}
	t.Logf("%d models: predictions within %.2g, weights within %.2g", len(path.Models), dp, dw)
}

// peerInput is the bins as a peer script reads them: x (bins x edges), y and sessions.
func peerInput(d *Data) map[string]any {
	rows := make([][]float64, d.X.Rows)
	for i := range rows {
		rows[i] = d.X.Data[i*d.X.Cols : (i+1)*d.X.Cols]
	}
	return map[string]any{"x": rows, "y": d.Y, "sessions": d.Session}
}

// simulated simulates a participant and prepares its bins with the default preparation.
func simulated(t *testing.T, o synthetic.ParticipantOptions) (*Data, *synthetic.Participant) {
	t.Helper()
	sp, err := synthetic.SimulateParticipant(o)
	if err != nil {
		t.Fatal(err)
	}
	runs := make([]Run, len(sp.Runs))
	for i, r := range sp.Runs {
		runs[i] = Run{Session: r.Session, Run: r.Run, TR: r.TR, Series: r.Series, Censored: r.Censored, RatingTime: r.RatingTime, Rating: r.Rating}
	}
	d, err := Prepare(runs, DefaultPrepare)
	if err != nil {
		t.Fatal(err)
	}
	return d, sp
}

// On a simulated participant the nested leave-one-session-out decoder tracks the rating, and a
// second person with another planted pattern is not decoded by the first person's model.
func TestDecoderOnSimulatedParticipants(t *testing.T) {
	var planted [][]int
	sim := func(seed uint64) *Data {
		d, sp := simulated(t, synthetic.ParticipantOptions{Sessions: 12, RunsPerSession: 2, Frames: 600, Regions: 24, Planted: 5, Seed: seed})
		planted = append(planted, sp.Planted)
		return d
	}
	a, b := sim(1), sim(4) // two people whose planted regions do not overlap
	for _, i := range planted[0] {
		for _, j := range planted[1] {
			if i == j {
				t.Fatalf("planted regions overlap: %v and %v", planted[0], planted[1])
			}
		}
	}
	res, err := NestedLOSO(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.R < 0.35 {
		t.Errorf("nested leave-one-session-out r = %.3f on a participant with a planted pattern", res.R)
	}
	// DEIPP's parametrization decodes the same person, and its penalty grid selects exactly the
	// intended number of components on the bins it was fixed on (DEIPP's assertion).
	deipp, err := NestedLOSO(a, Options{Selection: SelectDEIPP})
	if err != nil {
		t.Fatal(err)
	}
	if deipp.R < 0.25 {
		t.Errorf("DEIPP selection: nested r = %.3f", deipp.R)
	}
	all := make([]int, a.X.Rows)
	for i := range all {
		all[i] = i
	}
	ga := newGram(a.X)
	gr, err := ga.newGrid(a.Y, all, Options{Selection: SelectDEIPP})
	if err != nil {
		t.Fatal(err)
	}
	fa, err := gr.fitFor(ga, all, a.Y)
	if err != nil {
		t.Fatal(err)
	}
	for i := range gr.lambda {
		if k, want := gr.components(fa, i), len(gr.lambda)-i; k != want {
			t.Errorf("penalty %d (%.6g) selects %d components on all bins, not %d", i, gr.lambda[i], k, want)
		}
	}
	t.Logf("DEIPP selection: nested r = %.3f, components %v", deipp.R, deipp.Components)
	// Sharing each pair's inner fit between two outer folds chooses as the direct procedure does.
	g := newGram(a.X)
	for o, s := range res.Sessions {
		train, _ := split(a.Session, s)
		f, gr, c, err := g.trainOn(a, train, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if k := gr.components(f, c); k != res.Components[o] {
			t.Errorf("outer fold %d: %d components, direct inner leave-one-session-out %d", o, res.Components[o], k)
		}
	}
	// The first person's model (trained without session 1) on the second person's bins.
	cross := make([]float64, b.X.Rows)
	for i := range cross {
		cross[i] = res.Intercepts[0]
		for j, w := range res.Weights[0] {
			cross[i] += w * b.X.Data[i*b.X.Cols+j]
		}
	}
	if r := stats.Pearson(cross, b.Y); math.Abs(r) > 0.25 {
		t.Errorf("person A's model on person B: r = %.3f (different planted regions)", r)
	}
	t.Logf("%d bins, nested r = %.3f, components %v; cross-person r = %.3f", a.X.Rows, res.R, res.Components, stats.Pearson(cross, b.Y))
}

// Frame-wise predictions are the edge time series times the weights, without building them.
func TestFramePredictions(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	x := signal.NewMatrix(50, 7)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	w := make([]float64, 21)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	got, err := FramePredictions(x, w, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	ets := connectome.EdgeTimeSeries(x)
	for tt := 0; tt < x.Rows; tt++ {
		want := 0.7
		for k := range w {
			want += w[k] * ets.Data[tt*21+k]
		}
		if math.Abs(got[tt]-want) > 1e-12 {
			t.Fatalf("frame %d: %v, from the edge time series %v", tt, got[tt], want)
		}
	}
	if _, err := FramePredictions(x, w[:5], 0); err == nil {
		t.Error("wrong number of weights accepted")
	}
}

// On a simulated participant: the evaluation at every scale, the hierarchical bootstrap and the
// region importance, whose top regions are the planted ones.
func TestEvaluationImportanceBootstrap(t *testing.T) {
	d, sp := simulated(t, synthetic.ParticipantOptions{Sessions: 12, RunsPerSession: 2, Frames: 600, Regions: 24, Planted: 5, Seed: 1})
	res, err := NestedLOSO(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	scales, err := MultiScale(d, res)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scales {
		t.Logf("%-8s n = %4d  r = %.3f  AUC = %.3f", s.Name, s.N, s.R, s.AUC)
		if !(s.R > 0.2) || !(s.AUC > 0.55) {
			t.Errorf("scale %s: r %.3f, AUC %.3f", s.Name, s.R, s.AUC)
		}
	}
	bs, err := HierarchicalBootstrap(d, res.Predictions, 2000, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !(bs.RCI[0] > 0) || !(bs.RCI[0] < res.R && res.R < bs.RCI[1]) || bs.PR > 0.01 {
		t.Errorf("bootstrap: r %.3f, CI %v, p %.3g", res.R, bs.RCI, bs.PR)
	}
	curve, err := LearningCurve(d, []int{3, 6, 11}, 40, 2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !(curve[2].MeanR > curve[0].MeanR) {
		t.Errorf("learning curve does not grow: %.3f with 3 sessions, %.3f with 11", curve[0].MeanR, curve[2].MeanR)
	}
	t.Logf("learning curve: r = %.3f (3 sessions), %.3f (6), %.3f (11)", curve[0].MeanR, curve[1].MeanR, curve[2].MeanR)
	importance, err := RegionImportance(d, res, 100, 3)
	if err != nil {
		t.Fatal(err)
	}
	imp := importance.Mean
	order := make([]int, len(imp))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return imp[order[a]] > imp[order[b]] })
	for _, j := range sp.Planted {
		if importance.P[j] > 0.05 {
			t.Errorf("planted region %d: importance %.3f, p %.3g", j, imp[j], importance.P[j])
		}
	}
	planted := map[int]bool{}
	for _, j := range sp.Planted {
		planted[j] = true
	}
	hits := 0
	for _, j := range order[:len(sp.Planted)] {
		if planted[j] {
			hits++
		}
	}
	if hits < len(sp.Planted)-1 {
		t.Errorf("top regions by importance %v, planted %v", order[:len(sp.Planted)], sp.Planted)
	}
	t.Logf("bootstrap r CI %.3f to %.3f (p %.3g); top regions %v, planted %v", bs.RCI[0], bs.RCI[1], bs.PR, order[:len(sp.Planted)], sp.Planted)
}

// DEIPP's percentile interval and p-value of a set of bootstrap draws equal a numpy script of
// DEIPP's formulas (np.sort, draws at MATLAB's round(n·α/2) and round(n·(1−α/2)) counted from 1,
// 2·min((#≤0+1)/(n+1), (#≥0+1)/(n+1))). Skipped unless PAINMARK_PYTHON is set.
func TestLiveDEIPPBootstrapSummary(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(9))
	for _, n := range []int{7, 100, 1001} {
		draws := make([]float64, n)
		for i := range draws {
			draws[i] = 0.1 + 0.3*rng.NormFloat64()
		}
		b, _ := json.Marshal(draws)
		script := `
import json, sys, numpy as np
v = np.sort(np.array(json.loads(sys.stdin.read())))
n = len(v)
mround = lambda x: int(np.floor(x + 0.5))  # MATLAB's round (half away from zero), as DEIPP runs
lo, hi = v[max(mround(n * 0.025), 1) - 1], v[mround(n * 0.975) - 1]
p = min(1.0, 2 * min((np.sum(v <= 0) + 1) / (n + 1), (np.sum(v >= 0) + 1) / (n + 1)))
print(json.dumps([float(lo), float(hi), float(p)]))
`
		cmd := exec.Command(py, "-c", script)
		cmd.Stdin = bytes.NewReader(b)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		var want [3]float64
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		ci, p, _ := deippSummary(draws, 0)
		if ci[0] != want[0] || ci[1] != want[1] || math.Abs(p-want[2]) > 1e-15 {
			t.Errorf("n = %d: CI %v p %v, numpy %v", n, ci, p, want)
		}
	}
}

// A small worked example of DEIPP's hierarchical bootstrap: the bins drawn by each of 300 draws
// (sessions, then runs within them, then bins within runs, with replacement) are handed to a numpy
// script of DEIPP's procedure, which recomputes every draw's r and median-split AUC (scikit-learn's
// roc_auc_score) and the percentile intervals and p-values; painmark's result must be the same.
// Skipped unless PAINMARK_PYTHON is set.
func TestLiveHierarchicalBootstrapWorkedExample(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(21))
	d := &Data{}
	var pred []float64
	for s := 0; s < 4; s++ {
		for r := 0; r < 2; r++ {
			for b := 0; b < 3+rng.Intn(3); b++ {
				y := 50 + 10*rng.NormFloat64()
				d.Y = append(d.Y, y)
				d.Session = append(d.Session, string(rune('A'+s)))
				d.Run = append(d.Run, 2*s+r)
				pred = append(pred, 0.5*y+8*rng.NormFloat64())
			}
		}
	}
	const n = 300
	const seed = 7
	res, err := HierarchicalBootstrap(d, pred, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	h := newHierarchy(d.Session, d.Run)
	draws := make([][]int, n)
	for k := range draws {
		draws[k] = h.draw(randv2(seed, k))
	}
	in, _ := json.Marshal(map[string]any{"pred": pred, "y": d.Y, "draws": draws})
	script := `
import json, sys, numpy as np
from sklearn.metrics import roc_auc_score
d = json.loads(sys.stdin.read())
p, y = np.array(d["pred"]), np.array(d["y"])
rs, aucs = [], []
for idx in d["draws"]:
    pp, yy = p[idx], y[idx]
    rs.append(np.corrcoef(pp, yy)[0, 1])
    cls = (yy > np.median(yy)).astype(int)
    aucs.append(roc_auc_score(cls, pp) if 0 < cls.sum() < len(cls) else np.nan)
mround = lambda x: int(np.floor(x + 0.5))
def summary(v, null):
    v = np.sort(np.array(v)[~np.isnan(v)]); n = len(v)
    p = min(1.0, 2 * min((np.sum(v - null <= 0) + 1) / (n + 1), (np.sum(v - null >= 0) + 1) / (n + 1)))
    return [float(v[max(mround(n * 0.025), 1) - 1]), float(v[mround(n * 0.975) - 1]), float(p)]
print(json.dumps({"r": summary(rs, 0), "auc": summary(aucs, 0.5), "r_draws": [float(x) for x in rs]}))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		R, AUC [3]float64
		RDraws []float64 `json:"r_draws"`
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for k := range want.RDraws {
		if math.Abs(res.R[k]-want.RDraws[k]) > 1e-12 {
			t.Fatalf("draw %d: r %v, numpy %v", k, res.R[k], want.RDraws[k])
		}
	}
	got := [2][3]float64{{res.RCI[0], res.RCI[1], res.PR}, {res.AUCCI[0], res.AUCCI[1], res.PAUC}}
	for i, w := range [2][3]float64{want.R, want.AUC} {
		for j := range w {
			if math.Abs(got[i][j]-w[j]) > 1e-12 {
				t.Errorf("summary %d: painmark %v, numpy %v", i, got[i], w)
				break
			}
		}
	}
	t.Logf("r CI %.3f to %.3f (p %.3g), AUC CI %.3f to %.3f (p %.3g): as numpy", res.RCI[0], res.RCI[1], res.PR, res.AUCCI[0], res.AUCCI[1], res.PAUC)
}

// randv2 is the generator of draw k (as HierarchicalBootstrap seeds it).
func randv2(seed uint64, k int) *randv2pkg.Rand {
	return randv2pkg.New(randv2pkg.NewPCG(seed, uint64(k)))
}

// Ratings named by subject, session and run only are found for series with more entities (as
// painmark extract names them), and a run without a rating is refused when ratings are needed.
func TestReadRunsCompanionFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	series := "a\tb\n1\t2\n3\t5\n2\t2\n"
	write("sub-01_ses-1_task-pain_run-1_atlas-x_timeseries.tsv", series)
	write("sub-01_ses-1_task-pain_run-1_atlas-x_timeseries.json", `{"RepetitionTime": 2}`)
	write("sub-01_ses-1_run-1_rating.tsv", "time\trating\n0\t10\n5\t20\n")
	write("sub-01_ses-1_run-1_censor.tsv", "censored\n0\n1\n0\n")
	runs, regions, err := ReadRuns(dir, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].TR != 2 || len(runs[0].Rating) != 2 || !runs[0].Censored[1] || strings.Join(regions, ",") != "a,b" {
		t.Errorf("runs %+v, regions %v", runs, regions)
	}
	write("sub-01_ses-2_task-pain_run-1_atlas-x_timeseries.tsv", series)
	if _, _, err := ReadRuns(dir, 1, true); err == nil || !strings.Contains(err.Error(), "no rating") {
		t.Errorf("a run without a rating: %v", err)
	}
	if runs, _, err := ReadRuns(dir, 1, false); err != nil || len(runs) != 2 {
		t.Errorf("rest runs allowed: %d runs, %v", len(runs), err)
	}
}

// Issue 21: a NaN (or missing) rating is refused naming the file, column and row, not decoded.
func TestReadRunsRefusesNaNRatings(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sub-01_ses-1_task-pain_run-1_atlas-x_timeseries.tsv"), []byte("a\tb\n1\t2\n3\t5\n2\t2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub-01_ses-1_run-1_rating.tsv"), []byte("time\trating\n0\t10\n5\tnan\n"), 0o644)
	if _, _, err := ReadRuns(dir, 2, true); err == nil || !strings.Contains(err.Error(), "sub-01_ses-1_run-1_rating.tsv: column rating") || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("NaN rating: %v", err)
	}
}

// With --selection deipp the decoder does what DEIPP's MATLAB code does (penalty grid fixed by
// lasso_rocha's path on all bins, MATLAB lasso on standardized component scores in every fold,
// relaxed OLS refit, choice by the pooled inner r): testdata/deipp_nested.py runs those steps
// with numpy and scikit-learn (lars_path, lasso_path, LinearRegression) on the same simulated
// participant, and the penalties, each outer fold's choice, the nested predictions and the final
// model must agree. Skipped unless PAINMARK_PYTHON is set.
func TestLiveDEIPPSelectionEqualsScript(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	d, _ := simulated(t, synthetic.ParticipantOptions{Sessions: 6, RunsPerSession: 2, Frames: 500, Regions: 20, Planted: 4, Seed: 11})
	var want struct {
		Lambdas     []float64
		Predictions []float64
		Chosen      []struct {
			Lambda     float64
			Components int
		}
		Final struct {
			Weights    []float64
			Intercept  float64
			Lambda     float64
			Components int
		}
	}
	fixtures.RunPython(t, filepath.Join("testdata", "deipp_nested.py"), peerInput(d), &want)

	o := Options{Selection: SelectDEIPP}
	all := make([]int, d.X.Rows)
	for i := range all {
		all[i] = i
	}
	gr, err := newGram(d.X).newGrid(d.Y, all, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(gr.lambda) != len(want.Lambdas) {
		t.Fatalf("%d penalties, DEIPP's script %d", len(gr.lambda), len(want.Lambdas))
	}
	var dl float64
	for i, l := range gr.lambda {
		dl = math.Max(dl, math.Abs(l-want.Lambdas[i])/want.Lambdas[i])
	}
	if dl > 1e-8 {
		t.Errorf("penalties differ from DEIPP's script by %.3g (relative)", dl)
	}
	res, err := NestedLOSO(d, o)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range want.Chosen {
		if math.Abs(res.Lambdas[k]-c.Lambda) > 1e-8*c.Lambda || res.Components[k] != c.Components {
			t.Errorf("outer fold %d: penalty %.6g (%d components), DEIPP's script %.6g (%d)", k, res.Lambdas[k], res.Components[k], c.Lambda, c.Components)
		}
	}
	var dp float64
	for i, p := range want.Predictions {
		dp = math.Max(dp, math.Abs(p-res.Predictions[i]))
	}
	if dp > 1e-8 {
		t.Errorf("nested predictions differ from DEIPP's script by %.3g", dp)
	}
	m, err := FitModel(d, nil, DefaultPrepare, o, "test")
	if err != nil {
		t.Fatal(err)
	}
	var dw float64
	for j, w := range want.Final.Weights {
		dw = math.Max(dw, math.Abs(w-m.Weights[j]))
	}
	dw = math.Max(dw, math.Abs(want.Final.Intercept-m.Intercept))
	if m.Components != want.Final.Components || math.Abs(m.Lambda-want.Final.Lambda) > 1e-8*want.Final.Lambda || dw > 1e-8 {
		t.Errorf("final model: %d components at %.6g, weights within %.3g; DEIPP's script %d at %.6g", m.Components, m.Lambda, dw, want.Final.Components, want.Final.Lambda)
	}
	// DEIPP's parametrization differs from choosing a number of components (folds select by a
	// shared penalty, not a count), so both are reported.
	cnt, err := NestedLOSO(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bins x %d edges, %d penalties within %.2g; nested r = %.3f (components per fold %v), predictions within %.2g; final model %d components, weights within %.2g; by number of components r = %.3f",
		d.X.Rows, d.X.Cols, len(gr.lambda), dl, res.R, res.Components, dp, m.Components, dw, cnt.R)
}

// The default decoder's nested leave-one-session-out equals the same procedure composed of
// scikit-learn's PCA, lars_path and LinearRegression (testdata/sklearn_nested.py, also the peer
// of bench/decode) on a simulated participant. Skipped unless PAINMARK_PYTHON is set.
func TestLiveNestedEqualsScikitLearn(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	d, _ := simulated(t, synthetic.ParticipantOptions{Sessions: 6, RunsPerSession: 2, Frames: 500, Regions: 20, Planted: 4, Seed: 12})
	var want struct {
		Predictions []float64
		Bins        []int
	}
	fixtures.RunPython(t, filepath.Join("testdata", "sklearn_nested.py"), peerInput(d), &want)
	res, err := NestedLOSO(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Bins) != d.X.Rows {
		t.Fatalf("scikit-learn predicted %d of %d bins", len(want.Bins), d.X.Rows)
	}
	var dp float64
	for k, i := range want.Bins {
		dp = math.Max(dp, math.Abs(want.Predictions[k]-res.Predictions[i]))
	}
	if dp > 1e-8 {
		t.Errorf("nested predictions differ from scikit-learn's by %.3g", dp)
	}
	t.Logf("%d bins x %d edges: nested r = %.3f (components per fold %v), predictions within %.2g of scikit-learn", d.X.Rows, d.X.Cols, res.R, res.Components, dp)
}
