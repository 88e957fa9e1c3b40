package learn

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/stats"
)

// `learn permute --n 2000000000` (a kept null) must be refused before anything is allocated (issue 21:
// it died with Go's out-of-memory).
func TestResamplingCountsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	x := Matrix{Rows: 3, Cols: 2, Data: make([]float64, 6)}
	y := []float64{1, 2, 3}
	_, err := PermutationTest(Pipeline{}, x, y, PermutationOptions{N: 2000000000, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "2000000000 permutations") || !strings.Contains(err.Error(), budget.EnvVar) {
		t.Errorf("permutations: %v", err)
	}
}

// Bootstrap's budget charges what it holds, which does not grow with the samples (a block of
// 256 samples' weights, the tallies, each worker's resampled rows): 2e9 samples of 3 x 2 data
// pass the default budget, with the 256 samples' memory; a budget below it refuses Bootstrap
// before any refit, the message naming what is held.
func TestBootstrapBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	if err := (BootstrapOptions{N: 2000000000}).CheckBudget(3, 2); err != nil {
		t.Errorf("2e9 samples: %v", err)
	}
	for _, n := range []int{256, 2000000000} {
		if got, want := bootstrapBytes(n, 100, 5000), bootstrapBytes(256, 100, 5000); got != want {
			t.Errorf("%d samples hold %d B, 256 samples %d B", n, got, want)
		}
	}
	if b := bootstrapBytes(2, 100, 5000); b < int64(runtime.GOMAXPROCS(0))*100*5000*8 || b > bootstrapBytes(256, 100, 5000) {
		t.Errorf("2 samples of 100 x 5000 hold %d B", b)
	}
	t.Setenv(budget.EnvVar, "1KiB")
	x := Matrix{Rows: 3, Cols: 2, Data: make([]float64, 6)}
	_, err := Bootstrap(Pipeline{}, x, []float64{1, 2, 3}, BootstrapOptions{N: 2000000000, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "2000000000 bootstrap samples (tallied in blocks of 256") || !strings.Contains(err.Error(), "more than the budget of 1 KiB") {
		t.Errorf("bootstrap under 1 KiB: %v", err)
	}
}

// A refit permutation test drawn in batches (memory for one batch of targets and predictions, not
// all N) gives the null of one batch: the same metrics, p-values and convergence count.
func TestPermutationBatchesEqualOneBatch(t *testing.T) {
	x, y, _ := bochumData(t)
	o := PermutationOptions{N: 20, Seed: 11, Mode: PermuteRefit}
	one, err := PermutationTest(rpnPipeline, x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	prev := permutationBatch
	permutationBatch = 6
	defer func() { permutationBatch = prev }()
	batched, err := PermutationTest(rpnPipeline, x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, batched) {
		t.Errorf("batches of 6 differ from one batch:\n%+v\n%+v", one.Null, batched.Null)
	}
}

// With DiscardNull the null is counted as drawn: the p-values (and everything else) equal those of
// a kept null to the last bit, in every mode, and the budget no longer grows with the count, so
// 2e9 permutations pass where a kept null is refused.
func TestPermutationDiscardNull(t *testing.T) {
	x, y, _ := bochumData(t)
	for _, mode := range []PermutationMode{PermuteRefit, PermutePredictions} {
		for _, conv := range []stats.PermutationConvention{stats.PermSklearn, stats.PermAbs, stats.PermStrict} {
			o := PermutationOptions{N: 30, Seed: 5, Mode: mode, Convention: conv}
			kept, err := PermutationTest(rpnPipeline, x, y, o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := MetricsP(kept.Observed, kept.Null, conv)
			if err != nil || want != kept.P {
				t.Fatalf("%s %s: kept null's p %+v, MetricsP %+v (%v)", mode, conv, kept.P, want, err)
			}
			o.DiscardNull = true
			streamed, err := PermutationTest(rpnPipeline, x, y, o)
			if err != nil {
				t.Fatal(err)
			}
			if streamed.Null != nil {
				t.Errorf("%s: %d null metrics kept", mode, len(streamed.Null))
			}
			streamed.Null, streamed.Options = kept.Null, kept.Options
			if !reflect.DeepEqual(kept, streamed) {
				t.Errorf("%s %s: streamed %+v, kept %+v", mode, conv, streamed.P, kept.P)
			}
		}
	}
	t.Setenv(budget.EnvVar, "")
	o := PermutationOptions{N: 2000000000, DiscardNull: true}
	if err := o.CheckBudget(len(y)); err != nil {
		t.Errorf("2e9 permutations, null discarded: %v", err)
	}
	o.DiscardNull = false
	if err := o.CheckBudget(len(y)); err == nil {
		t.Error("2e9 permutations, null kept: passed the budget")
	}
}

// `signature train --learning-curve 10,20 --curve-repeats 2e9` died with Go's out-of-memory and
// `--cv repeated:5:2e9:1` grew until killed (issue 21): both counts are refused by the budget.
func TestCurveAndRepeatedCVWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	x := Matrix{Rows: 10, Cols: 1, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	y := []float64{1, 3, 2, 4, 5, 7, 6, 8, 9, 10}
	if _, err := LearningCurve(Pipeline{}, x, y, []int{5}, 2000000000, 1); err == nil || !strings.Contains(err.Error(), "2000000000 learning-curve repeats") {
		t.Errorf("learning curve: %v", err)
	}
	if _, err := ParseCV("repeated:5:2000000000:1", y, nil); err == nil || !strings.Contains(err.Error(), "2000000000 repeats of 5 folds") {
		t.Errorf("repeated:5:2e9: %v", err)
	}
	if s, err := ParseCV("repeated:5:3:1", y, nil); err != nil || len(s) != 15 {
		t.Errorf("repeated:5:3: %d splits, %v", len(s), err)
	}
}
