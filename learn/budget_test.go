package learn

import (
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
