package learn

import (
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/painmark/painmark/internal/dense"
	"github.com/painmark/painmark/npy"
)

// TestPopulationEqualsFolds checks the workflow's observed predictions against the fold
// functions (RidgePathFolds, CPMFolds: each tested against its peer) and its choice against the
// mean fold scores.
func TestPopulationEqualsFolds(t *testing.T) {
	x, y, groups := populationData(21, 120, 60)
	c := Cohort{X: x, Y: y, Groups: groups}
	o := DefaultPopulationOptions()
	o.Folds, o.Repeats, o.Seed = 4, 2, 3
	o.Alphas = []float64{0.1, 10, 1000}
	res, err := Population(c, o)
	if err != nil {
		t.Fatal(err)
	}
	splits, _ := RepeatedGroupKFoldSplits(groups, 4, 2, 3)
	want, err := RidgePathFolds(x, y, o.Alphas, splits)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "ridge", res.Folds, want)
	o.Estimator, o.PThresholds = "cpm", []float64{0.05}
	res, err = Population(c, o)
	if err != nil {
		t.Fatal(err)
	}
	want, _ = CPMFolds(x, y, splits, 0.05)
	same(t, "cpm", res.Folds, want)
	best := res.MeanScores[res.Best]
	for _, s := range res.MeanScores {
		if s > best {
			t.Fatalf("best %d scores %v, another %v", res.Best, best, s)
		}
	}
	for r, pred := range res.Predictions {
		for _, fp := range res.Folds[r*4 : r*4+4] {
			for i, s := range fp.Test {
				if pred[s] != fp.Predictions[res.Best][i] {
					t.Fatalf("repeat %d sample %d: prediction not the best candidate's", r, s)
				}
			}
		}
	}
}

func same(t *testing.T, what string, got, want []FoldPredictions) {
	t.Helper()
	for f := range want {
		if !slices.Equal(got[f].Test, want[f].Test) {
			t.Fatalf("%s fold %d: test samples differ", what, f)
		}
		for c := range want[f].Predictions {
			for i, w := range want[f].Predictions[c] {
				if !closeTo(got[f].Predictions[c][i], w, 1e-12) {
					t.Fatalf("%s fold %d candidate %d sample %d: %v, want %v", what, f, c, i, got[f].Predictions[c][i], w)
				}
			}
		}
	}
}

// TestPopulationNullBlocks checks that the permutation null does not depend on the number of
// workers or on its split into blocks, and that the statistic is recomputed from refits: the
// ridge null of the shortcut (one decomposition per fold) equals refitting RidgePathFolds on the
// permuted target.
func TestPopulationNullBlocks(t *testing.T) {
	x, y, _ := populationData(22, 90, 40)
	for _, est := range []string{"ridge", "cpm", "enet"} {
		o := DefaultPopulationOptions()
		o.Estimator, o.Folds, o.Permutations, o.PermutationSeed = est, 3, 6, 5
		o.Alphas = []float64{1, 100}
		if est == "enet" {
			o.Alphas, o.L1Ratios = []float64{0.1, 0.01}, []float64{0.5}
		}
		c := Cohort{X: x, Y: y}
		res, err := Population(c, o)
		if err != nil {
			t.Fatal(err)
		}
		pop, _ := newPopulation(c, o)
		a, _ := pop.null(y, 0, 2)
		b, _ := pop.null(y, 2, 4)
		prev := runtime.GOMAXPROCS(1)
		one, _ := pop.null(y, 0, 6)
		runtime.GOMAXPROCS(prev)
		if !slices.Equal(append(a, b...), res.Null) || !slices.Equal(one, res.Null) {
			t.Fatalf("%s: null %v, in blocks %v %v, one worker %v", est, res.Null, a, b, one)
		}
		if *res.P <= 0 || *res.P > 1 {
			t.Fatalf("%s: p %v", est, *res.P)
		}
		block, err := PopulationNull(c, o, 2, 4)
		if err != nil || !slices.Equal(block, res.Null[2:]) {
			t.Fatalf("%s: PopulationNull %v %v, want %v", est, block, err, res.Null[2:])
		}
		if err := res.SetNull(block); err == nil {
			t.Fatalf("%s: a null of 4 set on a test of 6", est)
		}
	}
}

func TestPopulationErrors(t *testing.T) {
	x, y, groups := populationData(23, 30, 5)
	for _, tc := range []struct {
		c   Cohort
		mut func(*PopulationOptions)
	}{
		{Cohort{X: x, Y: y[:5]}, func(*PopulationOptions) {}},
		{Cohort{X: x, Y: y, Groups: groups[:3]}, func(*PopulationOptions) {}},
		{Cohort{X: x, Y: y}, func(o *PopulationOptions) { o.Estimator = "lasso" }},
		{Cohort{X: x, Y: y}, func(o *PopulationOptions) { o.Scoring = "auc" }},
		{Cohort{X: x, Y: y}, func(o *PopulationOptions) { o.Folds = 1 }},
		{Cohort{X: x, Y: y}, func(o *PopulationOptions) { o.Estimator, o.PThresholds = "cpm", []float64{2} }},
		{Cohort{X: x, Y: y, Covariates: x}, func(*PopulationOptions) {}},
		{Cohort{X: x, Y: y}, func(o *PopulationOptions) { o.Alphas = []float64{-1} }},
	} {
		o := DefaultPopulationOptions()
		tc.mut(&o)
		if _, err := Population(tc.c, o); err == nil {
			t.Fatalf("%+v accepted", o)
		}
	}
}

// TestLivePopulationPeers runs the workflow on 1,000 people (a planted rank-2 signal, families of
// one to four, 5 grouped folds) and compares every candidate's out-of-fold predictions with the
// peers refitted per fold: scikit-learn's Ridge (1,500 edges, to 1e-10), the numpy CPM with
// Pearson and with partial-correlation selection (to 1e-10) and scikit-learn's ElasticNet run to
// a duality-gap tolerance of 1e-10 (200 edges, to 1e-6).
func TestLivePopulationPeers(t *testing.T) {
	requirePython(t)
	x, y, groups := populationData(24, 1000, 1500)
	o := DefaultPopulationOptions()
	o.Folds, o.Seed = 5, 4
	c := Cohort{X: x, Y: y, Groups: groups}
	splits, _ := ShuffledGroupKFoldSplits(groups, 5, 4)
	in := popPeerInput(x, y, splits)
	res, err := Population(c, o)
	if err != nil {
		t.Fatal(err)
	}
	in.Alphas = res.Options.Alphas
	want := peerFolds(t, in, sklearnRidgeFolds)
	compareFolds(t, "ridge", res.Folds, want, 1e-10)
	// The streamed form (the table read by rows, one pass per Golub–Kahan step) on the same folds.
	str, err := Population(Cohort{Rows: MatrixRows(x), Y: y, Groups: groups}, o)
	if err != nil {
		t.Fatal(err)
	}
	if str.NotConverged != 0 {
		t.Fatalf("streamed ridge: %d (fold, alpha) not converged", str.NotConverged)
	}
	compareFolds(t, "streamed ridge", str.Folds, want, 1e-10)

	z := Matrix{Rows: 1000, Cols: 2, Data: make([]float64, 2000)}
	for i := 0; i < 1000; i++ {
		z.Data[2*i], z.Data[2*i+1] = x.Data[i*1500]+y[i]*0.3+math.Sin(float64(i)), float64(i%7) // not collinear with an edge and y
		in.Z = append(in.Z, z.Data[2*i:2*i+2])
	}
	o.Estimator, o.PThresholds = "cpm", []float64{0.01, 0.001}
	for _, partial := range []bool{false, true} {
		c.Covariates = Matrix{}
		if partial {
			c.Covariates = z
		}
		res, err := Population(c, o)
		if err != nil {
			t.Fatal(err)
		}
		in.P = 0
		if partial {
			in.P = 1
		}
		compareFolds(t, "cpm", res.Folds, peerFolds(t, in, `
from scipy import stats
def resid(A, V):
    return V - A @ np.linalg.lstsq(A, V, rcond=None)[0]
for tr, te in zip(d["train"], d["test"]):
    Xt, yt = X[tr], y[tr]
    n, k = len(tr), 0
    if d["p"]:
        A = np.column_stack([np.ones(n), np.array(d["z"])[tr]])
        k = A.shape[1] - 1
        rx, ry = resid(A, Xt), resid(A, yt)
    else:
        rx, ry = Xt - Xt.mean(0), yt - yt.mean()
    r = (rx * ry[:, None]).sum(0) / np.sqrt((rx**2).sum(0) * (ry**2).sum())
    df = n - 2 - k
    p = 2 * stats.t.sf(np.abs(r * np.sqrt(df / (1 - r**2))), df)
    res = []
    for th in (0.01, 0.001):
        pos, neg = (r > 0) & (p < th), (r < 0) & (p < th)
        assert pos.any() and neg.any()
        sp, sn = Xt[:, pos].sum(1), Xt[:, neg].sum(1)
        tp, tn = X[te][:, pos].sum(1), X[te][:, neg].sum(1)
        fp, fn = np.polyfit(sp, yt, 1), np.polyfit(sn, yt, 1)
        b = np.linalg.lstsq(np.column_stack([np.ones(len(tr)), sp, sn]), yt, rcond=None)[0]
        res += [np.polyval(fp, tp).tolist(), np.polyval(fn, tn).tolist(), (b[0] + b[1]*tp + b[2]*tn).tolist()]
    out.append(res)
`), 1e-10)
	}

	xs := x.SelectColumns(rangeInts(0, 200))
	c = Cohort{X: xs, Y: y, Groups: groups}
	o.Estimator, o.Alphas, o.L1Ratios, o.Tol, o.MaxIter = "enet", []float64{0.3, 0.1, 0.03, 0.01}, []float64{0.2, 0.8}, 1e-10, 100000
	res, err = Population(c, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.NotConverged != 0 {
		t.Fatalf("%d fits did not converge", res.NotConverged)
	}
	in = popPeerInput(xs, y, splits)
	in.Alphas, in.L1 = o.Alphas, o.L1Ratios
	compareFolds(t, "enet", res.Folds, peerFolds(t, in, `
from sklearn.linear_model import ElasticNet
for tr, te in zip(d["train"], d["test"]):
    out.append([ElasticNet(alpha=a, l1_ratio=r, tol=1e-10, max_iter=100000).fit(X[tr], y[tr]).predict(X[te]).tolist()
                for a in d["alphas"] for r in d["l1"]])
`), 1e-6)
}

// sklearnRidgeFolds is the peer script of scikit-learn's Ridge refitted per fold and alpha.
const sklearnRidgeFolds = `
from sklearn.linear_model import Ridge
for tr, te in zip(d["train"], d["test"]):
    out.append([Ridge(alpha=a).fit(X[tr], y[tr]).predict(X[te]).tolist() for a in d["alphas"]])
`

// TestLiveKernelRidgeSklearn checks the kernel form of the population ridge (the table streamed
// from .npy into its Gram matrix, one eigendecomposition of the centred Gram matrix for all folds,
// the held-out residuals from blocks of I − H) with this build's dense kernels (pure Go, or
// OpenBLAS and LAPACK with -tags openblas) against scikit-learn's Ridge refitted on every fold and
// alpha: 1,000 people x 1,500 edges, 5 grouped folds, the 20 default alphas, to 1e-10.
func TestLiveKernelRidgeSklearn(t *testing.T) {
	requirePython(t)
	x, y, groups := populationData(24, 1000, 1500)
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := npy.Write(path, []int{x.Rows, x.Cols}, x.Data, "<f8"); err != nil {
		t.Fatal(err)
	}
	g, err := GramOfNpy(path, 256, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultPopulationOptions()
	o.Folds, o.Seed = 5, 4
	res, err := Population(Cohort{Y: y, Groups: groups, Gram: g}, o)
	if err != nil {
		t.Fatal(err)
	}
	splits, _ := ShuffledGroupKFoldSplits(groups, 5, 4)
	in := popPeerInput(x, y, splits)
	in.Alphas = res.Options.Alphas
	compareFolds(t, "kernel ridge ("+dense.Backend+")", res.Folds, peerFolds(t, in, sklearnRidgeFolds), 1e-10)
}

// TestPopulationGram checks the kernel form of the workflow (a Gram matrix in place of the
// features) against the per-fold decompositions: the same predictions, scores and null to 1e-9,
// and a null that does not depend on its blocks.
func TestPopulationGram(t *testing.T) {
	x, y, groups := populationData(25, 100, 150)
	o := DefaultPopulationOptions()
	o.Folds, o.Repeats, o.Permutations, o.PermutationSeed = 5, 2, 70, 3
	want, err := Population(Cohort{X: x, Y: y, Groups: groups}, o)
	if err != nil {
		t.Fatal(err)
	}
	gc := Cohort{Y: y, Groups: groups, Gram: GramOf(x)}
	got, err := Population(gc, o)
	if err != nil {
		t.Fatal(err)
	}
	compareFoldPredictions(t, "gram", got.Folds, want.Folds, 1e-9)
	if got.Best != want.Best {
		t.Fatalf("best %d, want %d", got.Best, want.Best)
	}
	for k, v := range want.Null {
		if !closeTo(got.Null[k], v, 1e-9) {
			t.Fatalf("null %d: %v, want %v", k, got.Null[k], v)
		}
	}
	pop, _ := newPopulation(gc, o)
	a, _ := pop.null(y, 0, 5)
	b, _ := pop.null(y, 5, 65)
	prev := runtime.GOMAXPROCS(1)
	one, _ := pop.null(y, 0, 70)
	runtime.GOMAXPROCS(prev)
	if !slices.Equal(append(a, b...), got.Null) || !slices.Equal(one, got.Null) {
		t.Fatal("the kernel null depends on its blocks or on the number of cores")
	}
	o.Estimator = "cpm"
	if _, err := Population(gc, o); err == nil {
		t.Fatal("a Gram matrix accepted for CPM")
	}
}
