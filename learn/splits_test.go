package learn

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

type splitCase struct {
	Kind    string   `json:"kind"`
	N       int      `json:"n"`
	K       int      `json:"k"`
	Groups  []string `json:"groups"`
	Seed    uint32   `json:"seed"`
	Repeats int      `json:"repeats"`
	Shuffle bool     `json:"shuffle"`
}

// TestLiveSklearnSplitters compares the test indices of every fold with scikit-learn's KFold
// (plain and shuffled with seeds), RepeatedKFold, StratifiedKFold (plain and shuffled; unbalanced
// classes, quantile-binned continuous targets), GroupKFold and LeaveOneGroupOut (uneven groups, ties
// in group sizes).
func TestLiveSklearnSplitters(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var cases []splitCase
	for _, nk := range [][2]int{{10, 3}, {35, 5}, {54, 10}, {7, 7}} {
		cases = append(cases, splitCase{Kind: "kfold", N: nk[0], K: nk[1]})
	}
	for _, ng := range [][3]int{{40, 6, 3}, {30, 10, 5}, {25, 4, 4}} {
		g := make([]string, ng[0])
		for i := range g {
			g[i] = fmt.Sprintf("site%02d", rng.Intn(ng[1]))
		}
		cases = append(cases, splitCase{Kind: "groupkfold", N: ng[0], K: ng[2], Groups: g}, splitCase{Kind: "logo", N: ng[0], Groups: g})
	}
	for _, c := range []struct {
		n, k int
		seed uint32
	}{{10, 3, 0}, {54, 10, 42}, {35, 5, 1<<32 - 1}} {
		cases = append(cases, splitCase{Kind: "shuffled", N: c.n, K: c.k, Seed: c.seed},
			splitCase{Kind: "repeated", N: c.n, K: c.k, Seed: c.seed, Repeats: 3})
	}
	for _, shuffle := range []bool{false, true} {
		labels := make([]string, 31)
		for i := range labels {
			labels[i] = []string{"low", "mid", "high"}[min(2, rng.Intn(4))]
		}
		y := make([]float64, 40)
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		binned, err := QuantileLabels(y, 4)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, splitCase{Kind: "stratified", N: len(labels), K: 4, Groups: labels, Shuffle: shuffle, Seed: 7},
			splitCase{Kind: "stratified", N: len(binned), K: 5, Groups: binned, Shuffle: shuffle, Seed: 3})
	}
	var want [][][]int
	fixtures.RunPython(t, filepath.Join("testdata", "sklearn_splits.py"), cases, &want)
	for i, c := range cases {
		var splits []Split
		var err error
		switch c.Kind {
		case "kfold":
			splits, err = KFoldSplits(c.N, c.K)
		case "shuffled":
			splits, err = ShuffledKFoldSplits(c.N, c.K, c.Seed)
		case "repeated":
			splits, err = RepeatedKFoldSplits(c.N, c.K, c.Repeats, c.Seed)
		case "stratified":
			splits, err = StratifiedKFoldSplits(c.Groups, c.K, c.Shuffle, c.Seed)
		case "groupkfold":
			splits, err = GroupKFoldSplits(c.Groups, c.K)
		default:
			splits, err = LeaveOneGroupOutSplits(c.Groups)
		}
		if err != nil {
			t.Fatal(err)
		}
		var got [][]int
		for _, s := range splits {
			got = append(got, s.Test)
		}
		if fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("%s n=%d k=%d seed=%d shuffle=%v: %v, scikit-learn %v", c.Kind, c.N, c.K, c.Seed, c.Shuffle, got, want[i])
		}
	}
}

func TestSplitterErrors(t *testing.T) {
	if _, err := KFoldSplits(5, 6); err == nil {
		t.Error("more folds than samples accepted")
	}
	if _, err := GroupKFoldSplits([]string{"a", "a", "b"}, 3); err == nil {
		t.Error("more folds than groups accepted")
	}
	if _, err := LeaveOneGroupOutSplits([]string{"a", "a"}); err == nil {
		t.Error("one group accepted")
	}
	if _, err := StratifiedKFoldSplits([]string{"a", "a", "b", "b"}, 3, false, 0); err == nil {
		t.Error("more folds than members of every class accepted")
	}
	if _, err := QuantileLabels([]float64{1, 2, 3}, 4); err == nil {
		t.Error("more bins than samples accepted")
	}
}

// ParseCV names every splitter; its folds are those of the splitter functions, and bad specs are
// refused with the spec in the message.
func TestParseCV(t *testing.T) {
	y := make([]float64, 20)
	groups := make([]string, 20)
	for i := range y {
		y[i] = float64((i * 7) % 20)
		groups[i] = fmt.Sprintf("site%d", i%4)
	}
	for spec, folds := range map[string]int{"loo": 20, "kfold:5": 5, "shuffled:4:42": 4, "repeated:5:3:1": 15,
		"stratified:4": 4, "stratified:4:9": 4, "groupkfold:2": 2, "logo": 4} {
		splits, err := ParseCV(spec, y, groups)
		if err != nil || len(splits) != folds {
			t.Errorf("%s: %d folds, %v; want %d", spec, len(splits), err, folds)
		}
	}
	want, _ := ShuffledKFoldSplits(20, 4, 42)
	got, _ := ParseCV("shuffled:4:42", y, nil)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Error("shuffled:4:42 differs from ShuffledKFoldSplits(20, 4, 42)")
	}
	for _, bad := range []string{"kfold", "kfold:x", "shuffled:4", "bogus", "logo:3"} {
		if _, err := ParseCV(bad, y, groups); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseCV("logo", y, nil); err == nil {
		t.Error("logo without groups accepted")
	}
}

// CrossValPredict assembles each fold's predictions of a pipeline fitted on that fold's training
// samples, and refuses folds that test a sample twice.
func TestCrossValPredict(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	x := Matrix{Rows: 30, Cols: 40, Data: make([]float64, 30*40)}
	y := make([]float64, 30)
	for i := range y {
		for j := 0; j < 40; j++ {
			x.Data[i*40+j] = rng.NormFloat64()
		}
		y[i] = x.Data[i*40] + rng.NormFloat64()
	}
	pl := Pipeline{Scaler: "robust", K: 10, Model: ElasticNet{Alpha: 0.05, L1Ratio: 0.5}}
	splits, _ := ShuffledKFoldSplits(30, 5, 3)
	pred, err := CrossValPredict(pl, x, y, splits)
	if err != nil {
		t.Fatal(err)
	}
	for f, sp := range splits {
		fit, err := pl.Fit(x.SelectRows(sp.Train), pick(y, sp.Train))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range fit.Predict(x.SelectRows(sp.Test)) {
			if pred[sp.Test[k]] != v {
				t.Fatalf("fold %d, sample %d: %v, the fold's own fit %v", f, sp.Test[k], pred[sp.Test[k]], v)
			}
		}
	}
	repeated, _ := RepeatedKFoldSplits(30, 5, 2, 3)
	if _, err := CrossValPredict(pl, x, y, repeated); err == nil {
		t.Error("folds testing samples twice accepted")
	}
}
