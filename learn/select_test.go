package learn

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/internal/linalg"
)

// topK keeps exactly the last k of the stable ascending sort (featureRanking), ties and NaN
// included, for every k.
func TestTopKEqualsStableSort(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	scores := make([]float64, 60)
	for j := range scores {
		scores[j] = float64(rng.Intn(12)) // many ties
	}
	scores[3], scores[17] = math.NaN(), math.NaN()
	ranking := featureRanking(scores)
	for k := 0; k <= len(scores)+1; k++ {
		want := append([]int(nil), ranking[len(scores)-min(k, len(scores)):]...)
		sort.Ints(want)
		if got := topK(scores, k); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("k=%d: topK %v, stable sort %v", k, got, want)
		}
	}
}

// The face solution with more active features than 4n (Woodbury, refined) equals the direct
// solve of (X_AᵀX_A + l2·I)·w = X_Aᵀy − l1·s.
func TestFaceSolutionWoodbury(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	n, p := 5, 40
	cols := make([][]float64, p)
	norms := make([]float64, p)
	for j := range cols {
		cols[j] = make([]float64, n)
		for i := range cols[j] {
			cols[j][i] = rng.NormFloat64()
		}
		norms[j] = linalg.Dot(cols[j], cols[j])
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	e := newEnetPath(n, p)
	e.reset(cols, norms, y, linalg.Dot(y, y))
	for j := range e.w {
		e.w[j] = rng.NormFloat64()
		e.active = append(e.active, j)
	}
	l1, l2 := 0.3, 0.01
	got, ok := e.faceSolution(l1, l2)
	if !ok {
		t.Fatal("no solution")
	}
	g := linalg.Gram(cols)
	want := make([]float64, p)
	for j := range want {
		g[j*p+j] += l2
		want[j] = linalg.Dot(cols[j], y) - math.Copysign(l1, e.w[j])
	}
	if err := linalg.CholeskySolve(g, want, p); err != nil {
		t.Fatal(err)
	}
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-9*math.Max(1, math.Abs(want[j])) {
			t.Fatalf("w[%d] = %v, direct %v", j, got[j], want[j])
		}
	}
}

// ROCAUC is the Mann-Whitney probability, ties counting a half (worked by hand on small cases;
// TestLiveROCAUCEqualsSklearn compares it with scikit-learn), and refuses non-binary or one-class
// targets.
func TestROCAUC(t *testing.T) {
	for _, c := range []struct {
		s, y []float64
		want float64
	}{
		{[]float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, 0.75},
		{[]float64{0.5, 0.5}, []float64{0, 1}, 0.5},
		{[]float64{1, 2, 3}, []float64{0, 1, 1}, 1},
	} {
		if got, err := ROCAUC(c.s, c.y); err != nil || got != c.want {
			t.Errorf("AUC(%v, %v) = %v, %v; want %v", c.s, c.y, got, err, c.want)
		}
	}
	if _, err := ROCAUC([]float64{1, 2}, []float64{0, 2}); err == nil {
		t.Error("non-binary target accepted")
	}
	if _, err := ROCAUC([]float64{1, 2}, []float64{1, 1}); err == nil {
		t.Error("one-class target accepted")
	}
}

// A pipeline with an SVR in place of the ElasticNet fits the SVR on the fold's scaled, selected
// features and predicts through the same steps; searches and weight bootstraps refuse it.
func TestPipelineWithRegressor(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	x := Matrix{Rows: 30, Cols: 20, Data: make([]float64, 600)}
	y := make([]float64, 30)
	for i := range y {
		for j := 0; j < 20; j++ {
			x.Data[i*20+j] = rng.NormFloat64()
		}
		y[i] = math.Sin(x.Data[i*20]) + 0.1*rng.NormFloat64()
	}
	svr := SVR{C: 2, Tol: 1e-10}
	pl := Pipeline{Scaler: "robust", K: 5, Regressor: svr}
	f, err := pl.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := RobustScaler{}.Fit(x)
	sel := SelectKBest(FRegression(s.Transform(x), y), 5)
	m, err := svr.Fit(s.Transform(x).SelectColumns(sel), y)
	if err != nil {
		t.Fatal(err)
	}
	got, want := f.Predict(x), m.Predict(s.Transform(x).SelectColumns(sel))
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: pipeline %v, steps by hand %v", i, got[i], want[i])
		}
	}
	if _, err := CrossValPredict(pl, x, y, LeaveOneOutSplits(30)); err != nil {
		t.Fatal(err)
	}
	if _, err := Search(SolverPath, pl, Grid{K: []int{5}, Alpha: []float64{1}, L1Ratio: []float64{1}}, NegMSE, x, y, LeaveOneOutSplits(30)); err == nil {
		t.Error("a grid search over an SVR pipeline accepted")
	}
	if _, err := Bootstrap(pl, x, y, BootstrapOptions{N: 5}); err == nil {
		t.Error("a weight bootstrap of an SVR pipeline accepted")
	}
	if res, err := PermutationTest(pl, x, y, PermutationOptions{N: 5, Seed: 1}); err != nil || len(res.Null) != 5 {
		t.Errorf("permutation test of an SVR pipeline: %v", err)
	}
}

// ROCAUC equals scikit-learn's roc_auc_score on random scores with many ties. Skipped unless
// PAINMARK_PYTHON is set.
func TestLiveROCAUCEqualsSklearn(t *testing.T) {
	rng := rand.New(rand.NewSource(24))
	var scores, truth []float64
	for i := 0; i < 200; i++ {
		y := float64(rng.Intn(2))
		scores = append(scores, math.Round((rng.NormFloat64()+0.7*y)*4)/4) // quarter steps: ties
		truth = append(truth, y)
	}
	want := fixtures.PythonFloats(t, "import json\nfrom sklearn.metrics import roc_auc_score\n"+
		"print(json.dumps([roc_auc_score("+fixtures.PyList(truth)+", "+fixtures.PyList(scores)+")]))")
	got, err := ROCAUC(scores, truth)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want[0]) > 1e-14 {
		t.Errorf("AUC %v, scikit-learn %v", got, want[0])
	}
}
