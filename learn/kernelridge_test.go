package learn

import (
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/painmark/painmark/npy"
)

// TestKernelRidgeCVEqualsRefits checks the one-decomposition cross-validation against ridge refitted
// on each fold's training samples (RidgePathFolds, itself equal to scikit-learn's Ridge), for more
// features than samples and fewer, grouped repeated folds, several targets at once; and the Gram
// matrix streamed from a .npy file by column blocks against the one of the whole table.
func TestKernelRidgeCVEqualsRefits(t *testing.T) {
	for _, p := range []int{30, 200} {
		x, y, groups := populationData(31, 90, p)
		splits, _ := RepeatedGroupKFoldSplits(groups, 5, 2, 4)
		alphas := []float64{0.1, 10, 1000, 1e5}
		path := filepath.Join(t.TempDir(), "x.npy")
		if err := npy.Write(path, []int{x.Rows, x.Cols}, x.Data, "<f8"); err != nil {
			t.Fatal(err)
		}
		g, err := GramOfNpy(path, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		whole := GramOf(x)
		for i, v := range whole.k {
			if !closeTo(g.k[i], v, 1e-12) {
				t.Fatalf("p=%d: streamed Gram entry %d %v, whole %v", p, i, g.k[i], v)
			}
		}
		prev, procs := gramTile, runtime.GOMAXPROCS(1)
		gramTile = 16
		tiled := GramOf(x)
		runtime.GOMAXPROCS(procs)
		tiledPar := GramOf(x)
		gramTile = prev
		if !slices.Equal(tiled.k, tiledPar.k) {
			t.Fatalf("p=%d: the tiled Gram matrix depends on the number of cores", p)
		}
		for i := 0; i < x.Rows; i++ {
			for j := i; j < x.Rows; j++ {
				if v := whole.k[i*x.Rows+j]; !closeTo(tiled.k[i*x.Rows+j], v, 1e-12) {
					t.Fatalf("p=%d: tiled Gram entry %d,%d %v, whole %v", p, i, j, tiled.k[i*x.Rows+j], v)
				}
			}
		}
		if g.P != p {
			t.Fatalf("streamed %d features, want %d", g.P, p)
		}
		k, err := NewKernelRidgeCV(g, alphas, splits)
		if err != nil {
			t.Fatal(err)
		}
		y2 := make([]float64, len(y))
		for i := range y {
			y2[i] = y[(i*7)%len(y)]
		}
		got, err := k.Predict([][]float64{y, y2})
		if err != nil {
			t.Fatal(err)
		}
		for b, target := range [][]float64{y, y2} {
			want, err := RidgePathFolds(x, target, alphas, splits)
			if err != nil {
				t.Fatal(err)
			}
			compareFoldPredictions(t, "kernel ridge", got[b], want, 1e-9)
		}
	}
	g := GramOf(Matrix{Rows: 4, Cols: 1, Data: []float64{1, 2, 3, 4}})
	if _, err := NewKernelRidgeCV(g, []float64{0}, nil); err == nil {
		t.Fatal("alpha 0 accepted")
	}
}

func compareFoldPredictions(t *testing.T, what string, got, want []FoldPredictions, tol float64) {
	t.Helper()
	worst := 0.0
	for f := range want {
		for c := range want[f].Predictions {
			for i, w := range want[f].Predictions[c] {
				g := got[f].Predictions[c][i]
				if !closeTo(g, w, tol) {
					t.Fatalf("%s fold %d candidate %d sample %d: %.17g, want %.17g", what, f, c, i, g, w)
				}
				worst = max(worst, abs(g-w))
			}
		}
	}
	t.Logf("%s: largest difference %.3g", what, worst)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
