package learn

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// populationData is a synthetic cohort: n x p features with a planted rank-2 signal, the target a
// noisy function of it, and family labels of one to four members.
func populationData(seed int64, n, p int) (Matrix, []float64, []string) {
	rng := rand.New(rand.NewSource(seed))
	f := [2][]float64{make([]float64, n), make([]float64, n)}
	load := [2][]float64{make([]float64, p), make([]float64, p)}
	for k := range f {
		for i := range f[k] {
			f[k][i] = rng.NormFloat64()
		}
		for j := range load[k] {
			load[k][j] = rng.NormFloat64() * 0.3
		}
	}
	x := Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	y := make([]float64, n)
	groups := make([]string, n)
	fam := 0
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Data[i*p+j] = f[0][i]*load[0][j] + f[1][i]*load[1][j] + rng.NormFloat64()
		}
		y[i] = 2*f[0][i] - f[1][i] + rng.NormFloat64()
		if rng.Intn(3) == 0 {
			fam++
		}
		groups[i] = "fam" + string(rune('a'+fam%26)) + string(rune('a'+fam/26%26))
	}
	return x, y, groups
}

func TestShuffledGroupKFoldSplits(t *testing.T) {
	_, _, groups := populationData(1, 120, 2)
	a, err := RepeatedGroupKFoldSplits(groups, 5, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := RepeatedGroupKFoldSplits(groups, 5, 3, 7)
	c, _ := RepeatedGroupKFoldSplits(groups, 5, 3, 8)
	if len(a) != 15 {
		t.Fatalf("%d folds, want 15", len(a))
	}
	same := func(x, y []Split) bool {
		for f := range x {
			if len(x[f].Test) != len(y[f].Test) {
				return false
			}
			for i := range x[f].Test {
				if x[f].Test[i] != y[f].Test[i] {
					return false
				}
			}
		}
		return true
	}
	if !same(a, b) || same(a, c) {
		t.Fatal("splits not determined by the seed")
	}
	for r := 0; r < 3; r++ {
		seen := make([]int, len(groups))
		foldOf := map[string]int{}
		for f, s := range a[r*5 : r*5+5] {
			if len(s.Train)+len(s.Test) != len(groups) {
				t.Fatalf("fold %d does not partition the samples", f)
			}
			for _, i := range s.Test {
				seen[i]++
				if g, ok := foldOf[groups[i]]; ok && g != f {
					t.Fatalf("group %s in folds %d and %d", groups[i], g, f)
				}
				foldOf[groups[i]] = f
			}
		}
		for i, k := range seen {
			if k != 1 {
				t.Fatalf("repeat %d: sample %d tested %d times", r, i, k)
			}
		}
	}
	if _, err := ShuffledGroupKFoldSplits([]string{"a", "a", "b"}, 3, 0); err == nil || !strings.Contains(err.Error(), "2 groups") {
		t.Fatalf("3 folds over 2 groups: %v", err)
	}
}

// TestLiveShuffledGroupKFoldNumpy compares the folds with their numpy definition (scikit-learn
// 1.6's GroupKFold(shuffle=True)): np.random.RandomState(seed).permutation(np.unique(groups)),
// then np.array_split, repeats from one RandomState.
func TestLiveShuffledGroupKFoldNumpy(t *testing.T) {
	requirePython(t)
	_, _, groups := populationData(2, 90, 2)
	got, err := RepeatedGroupKFoldSplits(groups, 4, 2, 11)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]int
	fixtures.RunPythonInline(t, `
import json, sys
import numpy as np
g = np.array(json.load(open(sys.argv[1])))
rng = np.random.RandomState(11)
out = []
for r in range(2):
    for block in np.array_split(rng.permutation(np.unique(g)), 4):
        out.append(np.where(np.isin(g, block))[0].tolist())
json.dump(out, open(sys.argv[2], "w"))
`, groups, &want)
	for f := range want {
		if len(want[f]) != len(got[f].Test) {
			t.Fatalf("fold %d: %d test samples, numpy %d", f, len(got[f].Test), len(want[f]))
		}
		for i := range want[f] {
			if want[f][i] != got[f].Test[i] {
				t.Fatalf("fold %d: test %v, numpy %v", f, got[f].Test, want[f])
			}
		}
	}
}

func closeTo(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestRidgePathEqualsRidge checks the one-SVD path against Ridge's own solve, for more features
// than samples and fewer.
func TestRidgePathEqualsRidge(t *testing.T) {
	for _, p := range []int{40, 150} {
		x, y, _ := populationData(3, 80, p)
		splits, _ := ShuffledKFoldSplits(80, 4, 1)
		alphas := []float64{0.01, 1, 100, 1e4}
		folds, err := RidgePathFolds(x, y, alphas, splits)
		if err != nil {
			t.Fatal(err)
		}
		for f, s := range splits {
			for a, alpha := range alphas {
				m, err := Ridge{Alpha: alpha}.Fit(x.SelectRows(s.Train), pick(y, s.Train))
				if err != nil {
					t.Fatal(err)
				}
				want := m.Predict(x.SelectRows(s.Test))
				for i, v := range folds[f].Predictions[a] {
					if !closeTo(v, want[i], 1e-9) {
						t.Fatalf("p=%d fold %d alpha %g sample %d: path %v, Ridge %v", p, f, alpha, i, v, want[i])
					}
				}
			}
		}
	}
	path, _ := FitRidgePath(Matrix{Rows: 3, Cols: 2, Data: []float64{1, 2, 2, 4, 3, 6}}, []float64{1, 2, 3})
	if _, err := path.Predict(Matrix{Rows: 1, Cols: 2, Data: []float64{1, 1}}, []float64{-1}); err == nil {
		t.Fatal("negative alpha accepted")
	}
	if _, err := path.Predict(Matrix{Rows: 1, Cols: 3, Data: []float64{1, 1, 1}}, []float64{1}); err == nil {
		t.Fatal("wrong feature count accepted")
	}
}

type popPeerIn struct {
	X      [][]float64 `json:"x"`
	Y      []float64   `json:"y"`
	Train  [][]int     `json:"train"`
	Test   [][]int     `json:"test"`
	Alphas []float64   `json:"alphas"`
	P      float64     `json:"p"`
	L1     []float64   `json:"l1,omitempty"`
	Z      [][]float64 `json:"z,omitempty"`
}

func popPeerInput(x Matrix, y []float64, splits []Split) popPeerIn {
	in := popPeerIn{Y: y}
	for i := 0; i < x.Rows; i++ {
		in.X = append(in.X, x.Data[i*x.Cols:(i+1)*x.Cols])
	}
	for _, s := range splits {
		in.Train = append(in.Train, s.Train)
		in.Test = append(in.Test, s.Test)
	}
	return in
}

// peerFolds runs a peer script body that fills out (fold x candidate x test sample) from X, y and
// the fields of d.
func peerFolds(t *testing.T, in popPeerIn, body string) [][][]float64 {
	t.Helper()
	var want [][][]float64
	fixtures.RunPythonInline(t, `
import json, sys
import numpy as np
d = json.load(open(sys.argv[1]))
X, y = np.array(d["x"]), np.array(d["y"])
out = []
`+body+`
json.dump(out, open(sys.argv[2], "w"))
`, in, &want)
	return want
}

func compareFolds(t *testing.T, what string, got []FoldPredictions, want [][][]float64, tol float64) {
	t.Helper()
	worst := 0.0
	for f := range want {
		for c := range want[f] {
			for i, w := range want[f][c] {
				g := got[f].Predictions[c][i]
				if !closeTo(g, w, tol) {
					t.Fatalf("%s fold %d candidate %d sample %d: painmark %.17g, peer %.17g", what, f, c, i, g, w)
				}
				worst = math.Max(worst, math.Abs(g-w))
			}
		}
	}
	t.Logf("%s: largest difference from the peer %.3g", what, worst)
}

// TestLiveRidgePathSklearn compares the cross-validated predictions of a ridge grid with
// scikit-learn's Ridge(alpha) refitted per fold and alpha, on 300 people x 500 edges, to 1e-10.
func TestLiveRidgePathSklearn(t *testing.T) {
	requirePython(t)
	x, y, _ := populationData(4, 300, 500)
	splits, err := RepeatedKFoldSplits(300, 5, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	alphas := []float64{0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5}
	got, err := RidgePathFolds(x, y, alphas, splits)
	if err != nil {
		t.Fatal(err)
	}
	in := popPeerInput(x, y, splits)
	in.Alphas = alphas
	want := peerFolds(t, in, `
from sklearn.linear_model import Ridge
for tr, te in zip(d["train"], d["test"]):
    out.append([Ridge(alpha=a).fit(X[tr], y[tr]).predict(X[te]).tolist() for a in d["alphas"]])
`)
	compareFolds(t, "ridge", got, want, 1e-10)
}

// TestLiveCPMNumpy compares CPM's cross-validated predictions with a numpy transcription of Shen
// et al.'s protocol (scipy.stats.pearsonr per edge, np.polyfit per network, lstsq for both), to
// 1e-10.
func TestLiveCPMNumpy(t *testing.T) {
	requirePython(t)
	x, y, groups := populationData(5, 300, 500)
	splits, err := ShuffledGroupKFoldSplits(groups, 10, 9)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CPMFolds(x, y, splits, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	in := popPeerInput(x, y, splits)
	in.P = 0.01
	want := peerFolds(t, in, `
from scipy import stats
for tr, te in zip(d["train"], d["test"]):
    Xt, yt = X[tr], y[tr]
    r = np.array([stats.pearsonr(Xt[:, j], yt)[0] for j in range(X.shape[1])])
    p = np.array([stats.pearsonr(Xt[:, j], yt)[1] for j in range(X.shape[1])])
    pos, neg = (r > 0) & (p < d["p"]), (r < 0) & (p < d["p"])
    assert pos.any() and neg.any()
    sp, sn = Xt[:, pos].sum(1), Xt[:, neg].sum(1)
    tp, tn = X[te][:, pos].sum(1), X[te][:, neg].sum(1)
    fp, fn = np.polyfit(sp, yt, 1), np.polyfit(sn, yt, 1)
    b = np.linalg.lstsq(np.column_stack([np.ones(len(tr)), sp, sn]), yt, rcond=None)[0]
    out.append([np.polyval(fp, tp).tolist(), np.polyval(fn, tn).tolist(), (b[0] + b[1]*tp + b[2]*tn).tolist()])
`)
	compareFolds(t, "cpm", got, want, 1e-10)
}

func TestCPMErrors(t *testing.T) {
	x, y, _ := populationData(6, 20, 10)
	for _, c := range []CPM{{PThreshold: 0, Network: "both"}, {PThreshold: 0.01, Network: "all"}} {
		if _, err := c.Fit(x, y); err == nil {
			t.Fatalf("%+v accepted", c)
		}
	}
	if _, err := DefaultCPM().Fit(x, y[:5]); err == nil {
		t.Fatal("mismatched targets accepted")
	}
	// no edge passes p < 1e-300: both fits predict the training mean
	m, err := CPM{PThreshold: 1e-300, Network: "positive"}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for _, v := range y {
		mean += v / float64(len(y))
	}
	for _, v := range m.Predict(x) {
		if !closeTo(v, mean, 1e-12) {
			t.Fatalf("empty network predicts %v, want the mean %v", v, mean)
		}
	}
}
