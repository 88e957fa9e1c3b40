package learn

import (
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

// The introsort port sorts (values carried with their samples) for random values, many ties and
// sizes that reach its heapsort fallback.
func TestIntrosortSorts(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 2, 3, 7, 16, 100, 1000} {
		for _, levels := range []int{0, 3} {
			xf := make([]float32, n)
			samples := make([]int32, n)
			orig := make([]float32, n)
			for i := range xf {
				if levels > 0 {
					xf[i] = float32(rng.Intn(levels))
				} else {
					xf[i] = float32(rng.NormFloat64())
				}
				samples[i], orig[i] = int32(i), xf[i]
			}
			maxDepth := 0 // straight to heapsort
			if n > 1 && levels == 0 {
				maxDepth = 2 * int(math.Log2(float64(n)))
			}
			introsort(xf, samples, maxDepth)
			if !sort.SliceIsSorted(xf, func(i, j int) bool { return xf[i] < xf[j] }) {
				t.Fatalf("n %d levels %d: not sorted: %v", n, levels, xf)
			}
			for i, s := range samples {
				if orig[s] != xf[i] {
					t.Fatalf("n %d: sample %d carried value %g, has %g", n, s, xf[i], orig[s])
				}
			}
		}
	}
}

// A fully grown tree reproduces distinct training targets, and its importances fall on the
// feature that carries the signal.
func TestDecisionTreeFitsTraining(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	n, p := 40, 3
	x := Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Data[i*p+j] = rng.NormFloat64()
		}
		y[i] = 3*x.Data[i*p+1] + 0.01*rng.NormFloat64()
	}
	tree, err := DecisionTree{Seed: 1}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxRelDiff(tree.Predict(x), y); d > 1e-12 {
		t.Errorf("training predictions differ from the targets by %g", d)
	}
	imp := tree.Importances()
	if imp[1] < 0.9 {
		t.Errorf("importances %v: the signal is in feature 1", imp)
	}
	if _, err := (DecisionTree{MaxFeatures: "7"}).Fit(x, y); err == nil {
		t.Error("7 max features of 3 accepted")
	}
	bad := Matrix{Rows: 1, Cols: 1, Data: []float64{math.NaN()}}
	if _, err := (RandomForest{}).Fit(bad, []float64{1}); err == nil {
		t.Error("NaN feature accepted")
	}
}

// A forest does not depend on the number of workers that grow it.
func TestRandomForestWorkerIndependent(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	x, _, f := randomDesign(rng, 30, 20, func(f float64, j int) float64 { return f*float64(j%3) + rng.NormFloat64() })
	fit := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, err := RandomForest{Trees: 16, Seed: 4}.Fit(x, f)
		if err != nil {
			t.Fatal(err)
		}
		return append(m.Predict(x), m.Importances...)
	}
	a, b := fit(1), fit(4)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("value %d: %v with 1 worker, %v with 4", i, a[i], b[i])
		}
	}
}

// TestLiveSklearnForest compares RandomForest and DecisionTree with scikit-learn 1.2.1's
// RandomForestRegressor and DecisionTreeRegressor, same random_state: predictions on new samples
// and feature importances to 1e-6 and the first tree node for node (structure exactly, thresholds,
// values and impurities to 1e-9). Shapes include more features than samples, tied (integer)
// features, max_features below all, depth and leaf limits, and no bootstrap. Skipped unless
// PAINMARK_PYTHON is set.
func TestLiveSklearnForest(t *testing.T) {
	requirePython(t)
	type forestCase struct {
		X               [][]float64 `json:"x"`
		Y               []float64   `json:"y"`
		XNew            [][]float64 `json:"x_new"`
		Forest          bool        `json:"forest"`
		Trees           int         `json:"n_estimators"`
		MaxDepth        int         `json:"max_depth"`
		MinSamplesSplit int         `json:"min_samples_split"`
		MinSamplesLeaf  int         `json:"min_samples_leaf"`
		MaxFeatures     string      `json:"max_features"`
		Bootstrap       bool        `json:"bootstrap"`
		Seed            uint32      `json:"random_state"`
		LooK            int         `json:"loo_k"`
		m, mNew         Matrix
	}
	rng := rand.New(rand.NewSource(21))
	var cases []*forestCase
	for _, c := range []struct {
		n, p     int
		ties     bool
		forest   bool
		trees    int
		depth    int
		split    int
		leaf     int
		features string
		boot     bool
		seed     uint32
	}{
		{50, 5, false, true, 20, 0, 2, 1, "", true, 0},
		{54, 300, false, true, 10, 0, 2, 1, "", true, 42},
		{40, 60, false, true, 15, 0, 2, 1, "sqrt", true, 7},
		{60, 8, true, true, 12, 0, 2, 1, "0.5", true, 3},
		{45, 10, false, true, 10, 4, 5, 3, "log2", false, 11},
		{30, 12, true, false, 1, 0, 2, 1, "", false, 5},
		{80, 6, false, false, 1, 6, 10, 2, "3", false, 1<<31 - 1},
	} {
		gen := func(rows int) (Matrix, [][]float64, []float64) {
			return randomDesign(rng, rows, c.p, func(f float64, j int) float64 {
				v := f*float64(j%4)/2 + rng.NormFloat64()
				if c.ties {
					return math.Round(v)
				}
				return v
			})
		}
		m, rows, f := gen(c.n)
		y := make([]float64, c.n)
		for i := range y {
			y[i] = math.Sin(2*f[i]) + 0.3*rng.NormFloat64()
		}
		mNew, rowsNew, _ := gen(15)
		cases = append(cases, &forestCase{X: rows, Y: y, XNew: rowsNew, Forest: c.forest, Trees: c.trees, MaxDepth: c.depth,
			MinSamplesSplit: c.split, MinSamplesLeaf: c.leaf, MaxFeatures: c.features, Bootstrap: c.boot, Seed: c.seed, m: m, mNew: mNew})
	}
	// The Bochum RPN features: the raw features, and the random-forest baseline's pipeline
	// (RobustScaler, SelectKBest K = 25) under leave-one-out.
	bx, brows, by := bochumRows(t)
	cases = append(cases, &forestCase{X: brows, Y: by, XNew: brows[:5], Forest: true, Trees: 30, MinSamplesSplit: 2, MinSamplesLeaf: 1,
		Bootstrap: true, Seed: 2020, LooK: 25, m: bx, mNew: Matrix{Rows: 5, Cols: bx.Cols, Data: bx.Data[:5*bx.Cols]}})
	var want []struct {
		Loo         []float64
		Pred        []float64
		Importances []float64
		Left, Right []int
		Feature     []int
		Threshold   []float64
		Value       []float64
		Impurity    []float64
		Weighted    []float64
	}
	fixtures.RunPython(t, filepath.Join("testdata", "sklearn_forest.py"), cases, &want)
	for i, c := range cases {
		tree := DecisionTree{MaxDepth: c.MaxDepth, MinSamplesSplit: c.MinSamplesSplit, MinSamplesLeaf: c.MinSamplesLeaf, MaxFeatures: c.MaxFeatures, Seed: c.Seed}
		var pred, imp []float64
		var first *RegressionTree
		if c.Forest {
			m, err := RandomForest{Trees: c.Trees, Tree: tree, NoBootstrap: !c.Bootstrap, Seed: c.Seed}.Fit(c.m, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			pred, imp, first = m.Predict(c.mNew), m.Importances, &m.Trees[0]
		} else {
			m, err := tree.Fit(c.m, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			pred, imp, first = m.Predict(c.mNew), m.Importances(), m
		}
		name := fmt.Sprintf("case %d (forest %v, %dx%d, max features %q)", i, c.Forest, c.m.Rows, c.m.Cols, c.MaxFeatures)
		w := want[i]
		if c.LooK > 0 {
			pl := Pipeline{Scaler: "robust", K: c.LooK, Regressor: RandomForest{Trees: c.Trees, Seed: c.Seed}}
			loo, err := LeaveOneOut(pl, c.m, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxRelDiff(loo, w.Loo); !(d <= 1e-6) {
				t.Errorf("%s: leave-one-out predictions of the forest pipeline differ by %.3g", name, d)
			} else {
				t.Logf("%s: leave-one-out predictions of the forest pipeline within %.2g (r %.3f)", name, d, stats.Pearson(loo, c.Y))
			}
		}
		if d := math.Max(maxRelDiff(pred, w.Pred), maxRelDiff(imp, w.Importances)); !(d <= 1e-6) {
			t.Errorf("%s: predictions/importances differ by %.3g", name, d)
		}
		if len(first.Nodes) != len(w.Left) {
			t.Errorf("%s: first tree has %d nodes, scikit-learn's %d", name, len(first.Nodes), len(w.Left))
			continue
		}
		var dv float64
		for k, nd := range first.Nodes {
			leaf := w.Left[k] < 0
			if (nd.Left < 0) != leaf || (!leaf && (nd.Left != w.Left[k] || nd.Right != w.Right[k] || nd.Feature != w.Feature[k])) {
				t.Errorf("%s: node %d is (%d, %d, feature %d), scikit-learn's (%d, %d, feature %d)", name, k, nd.Left, nd.Right, nd.Feature, w.Left[k], w.Right[k], w.Feature[k])
				break
			}
			if !leaf {
				dv = math.Max(dv, math.Abs(nd.Threshold-w.Threshold[k]))
			}
			dv = math.Max(dv, math.Max(math.Abs(nd.Value-w.Value[k]), math.Abs(nd.Impurity-w.Impurity[k])))
			dv = math.Max(dv, math.Abs(nd.WeightedSamples-w.Weighted[k]))
		}
		if !(dv <= 1e-9) {
			t.Errorf("%s: node thresholds/values/impurities differ by %.3g", name, dv)
		}
		t.Logf("%s: %d nodes in the first tree, node values within %.2g", name, len(first.Nodes), dv)
	}
}
