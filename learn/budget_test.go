package learn

import (
	"reflect"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
)

// `learn permute|bootstrap --n 2000000000` must be refused before anything is allocated (issue 21:
// it died with Go's out-of-memory).
func TestResamplingCountsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	x := Matrix{Rows: 3, Cols: 2, Data: make([]float64, 6)}
	y := []float64{1, 2, 3}
	_, err := PermutationTest(Pipeline{}, x, y, PermutationOptions{N: 2000000000, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "2000000000 permutations") || !strings.Contains(err.Error(), budget.EnvVar) {
		t.Errorf("permutations: %v", err)
	}
	_, err = Bootstrap(Pipeline{}, x, y, BootstrapOptions{N: 2000000000, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "2000000000 bootstrap samples") {
		t.Errorf("bootstrap: %v", err)
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
