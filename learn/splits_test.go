package learn

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/testdata"
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
	testdata.RunPython(t, filepath.Join("testdata", "sklearn_splits.py"), cases, &want)
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
