package signature

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/learn"
)

// `signature validate --permutations 2e9` is refused before the null is allocated (issue 21).
func TestEvaluateCountsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	pred, out := []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}
	if _, err := evaluatePredictions(pred, out, EvalOptions{Permutations: 2000000000}); err == nil || !strings.Contains(err.Error(), "2000000000 permutations") {
		t.Errorf("permutations: %v", err)
	}
	if _, err := evaluatePredictions(pred, out, EvalOptions{Bootstraps: 2000000000}); err == nil || !strings.Contains(err.Error(), "2000000000 bootstrap samples") {
		t.Errorf("bootstraps: %v", err)
	}
}

// `signature train --permutations 2000000000` is refused before the grid search (issue 21: it died
// with Go's out-of-memory).
func TestTrainCountsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	x := learn.Matrix{Rows: 4, Cols: 1, Data: []float64{1, 2, 3, 4}}
	_, _, err := Train(x, []float64{1, 2, 3, 4}, TrainOptions{Permutations: 2000000000})
	if err == nil || !strings.Contains(err.Error(), "2000000000 permutations") {
		t.Errorf("train: %v", err)
	}
}
