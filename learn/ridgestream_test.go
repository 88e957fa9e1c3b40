package learn

import (
	"math"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/npy"
)

// TestStreamedRidgeEqualsRidgePath checks the streamed (Golub–Kahan) ridge against the exact
// decomposition route (RidgePathFolds, itself equal to scikit-learn's Ridge) on grouped folds,
// with more features than samples and fewer, over the whole default alpha grid, reading the table
// from a .npy file by blocks of rows that do not divide it.
func TestStreamedRidgeEqualsRidgePath(t *testing.T) {
	for _, sh := range [][2]int{{240, 700}, {300, 60}} {
		n, p := sh[0], sh[1]
		x, y, groups := populationData(5, n, p)
		splits, err := RepeatedGroupKFoldSplits(groups, 5, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		alphas := PopulationAlphas("ridge")
		want, err := RidgePathFolds(x, y, alphas, splits)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "x.npy")
		if err := npy.Write(path, []int{n, p}, x.Data, "<f8"); err != nil {
			t.Fatal(err)
		}
		f, err := npy.OpenMatrix(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		passes := 0
		res, err := StreamedRidgeCV(NpyRows{f}, [][]float64{y}, alphas, splits, StreamedRidgeOptions{BlockRows: 37, Tol: 1e-12,
			Progress: func(int, float64) { passes++ }})
		if err != nil {
			t.Fatal(err)
		}
		if res.NotConverged != 0 {
			t.Fatalf("%dx%d: %d (fold, alpha) not converged: %v", n, p, res.NotConverged, res.Residual)
		}
		worst := 0.0
		for fo, fp := range res.Folds[0] {
			for a := range alphas {
				for i, v := range fp.Predictions[a] {
					w := want[fo].Predictions[a][i]
					worst = math.Max(worst, math.Abs(v-w)/math.Max(1, math.Abs(w)))
				}
			}
		}
		t.Logf("%dx%d: %d passes (steps per fold %v), largest difference from the decomposition %.2g", n, p, res.Passes, res.Steps[0], worst)
		if worst > 1e-10 {
			t.Fatalf("%dx%d: streamed ridge differs from the exact path by %g", n, p, worst)
		}
		if passes != res.Passes-2 {
			t.Fatalf("progress called %d times for %d passes", passes, res.Passes)
		}
	}
}

// TestPopulationStreamedEqualsInMemory runs Population on a cohort read by rows and on the same
// cohort in memory: the same scores and predictions (1e-10), and a permutation null that is the
// same in any split into blocks (the study's Slurm shards) and close to the in-memory one.
func TestPopulationStreamedEqualsInMemory(t *testing.T) {
	x, y, groups := populationData(7, 160, 400)
	o := DefaultPopulationOptions()
	o.Folds, o.Permutations, o.PermutationSeed = 4, 6, 3
	o.StreamedTol = 1e-12
	mem, err := Population(Cohort{X: x, Y: y, Groups: groups}, o)
	if err != nil {
		t.Fatal(err)
	}
	c := Cohort{Rows: MatrixRows(x), Y: y, Groups: groups}
	str, err := Population(c, o)
	if err != nil {
		t.Fatal(err)
	}
	if str.Best != mem.Best || str.NotConverged != 0 {
		t.Fatalf("best %d (streamed) vs %d; %d not converged", str.Best, mem.Best, str.NotConverged)
	}
	for f := range mem.FoldScores {
		for k, v := range mem.FoldScores[f] {
			if !closeTo(str.FoldScores[f][k], v, 1e-10) {
				t.Fatalf("fold %d candidate %d: streamed score %v, in memory %v", f, k, str.FoldScores[f][k], v)
			}
		}
	}
	for i, v := range mem.Predictions[0] {
		if !closeTo(str.Predictions[0][i], v, 1e-10) {
			t.Fatalf("subject %d: streamed prediction %v, in memory %v", i, str.Predictions[0][i], v)
		}
	}
	for k, v := range mem.Null {
		if !closeTo(str.Null[k], v, 1e-9) {
			t.Fatalf("permutation %d: streamed %v, in memory %v", k+1, str.Null[k], v)
		}
	}
	part, err := PopulationNull(c, o, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range part {
		if v != str.Null[2+k] {
			t.Fatalf("permutation %d: %v in a block of 3 from 3, %v in the whole run", 3+k, v, str.Null[2+k])
		}
	}
	if _, err := Population(Cohort{Rows: MatrixRows(x), Y: y}, PopulationOptions{Estimator: "cpm", Folds: 4, Repeats: 1, Scoring: "r2"}); err == nil {
		t.Fatal("a table read by rows accepted for CPM")
	}
	// The kept Lanczos vectors are charged to the memory budget before the first pass.
	t.Setenv(budget.EnvVar, "1MiB")
	if _, err := Population(c, o); err == nil || !strings.Contains(err.Error(), "--streamed-max-iter") {
		t.Fatalf("over the budget: %v", err)
	}
}

// TestStreamedRidgeStepLimit: folds stopped by the step limit are counted, and the population
// result says so and what to raise.
func TestStreamedRidgeStepLimit(t *testing.T) {
	x, y, groups := populationData(9, 120, 300)
	o := DefaultPopulationOptions()
	o.Folds, o.StreamedMaxIter = 4, 3
	res, err := Population(Cohort{Rows: MatrixRows(x), Y: y, Groups: groups}, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.NotConverged == 0 || !strings.Contains(res.ConvergenceWarning(), "--streamed-max-iter 3") {
		t.Fatalf("3 steps: %d not converged, warning %q", res.NotConverged, res.ConvergenceWarning())
	}
	o.StreamedMaxIter = 400
	if res, err = Population(Cohort{Rows: MatrixRows(x), Y: y, Groups: groups}, o); err != nil || res.ConvergenceWarning() != "" {
		t.Fatalf("400 steps: %v, warning %q", err, res.ConvergenceWarning())
	}
}

// TestStreamedRidgeWorkersIndependent: the same predictions, bit for bit, on 1, 2 and 4 cores
// (the products have fixed tiles; each problem's vectors are updated by one worker).
func TestStreamedRidgeWorkersIndependent(t *testing.T) {
	x, y, groups := populationData(11, 150, 2500)
	splits, _ := ShuffledGroupKFoldSplits(groups, 5, 2)
	var ref [][]FoldPredictions
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		res, err := StreamedRidgeCV(MatrixRows(x), [][]float64{y}, PopulationAlphas("ridge"), splits, StreamedRidgeOptions{BlockRows: 40})
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res.Folds
			continue
		}
		if !reflect.DeepEqual(res.Folds, ref) {
			t.Fatalf("%d workers: predictions differ from 1 worker's", procs)
		}
	}
}
