package signature

import (
	"reflect"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// `signature validate --permutations 2e9` grew without bound (issue 21): the permutation null is
// now counted as drawn (memory for the statistic, not the draws), so a count whose null would
// exceed the budget runs, with the p-values of the whole null; the bootstrap, whose percentile
// intervals need the draws, is still refused before allocating.
func TestEvaluateCountsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "1MiB")
	pred := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	out := []float64{2, 1, 4, 3, 6, 5, 8, 7, 12, 9, 11, 10}
	const n = 100000 // 1.6 MB of null: over the budget when it was held whole
	for _, conv := range []stats.PermutationConvention{stats.PermSklearn, stats.PermAbs, stats.PermStrict} {
		e, err := evaluatePredictions(pred, out, EvalOptions{Permutations: n, Seed: 4, Convention: conv})
		if err != nil {
			t.Fatal(err)
		}
		nullR, nullMAE := make([]float64, n), make([]float64, n)
		for k := range nullR {
			shuffled := make([]float64, len(pred))
			for i, j := range stats.Permutation(4, uint64(k+1), len(pred)) {
				shuffled[i] = pred[j]
			}
			m := learn.PooledMetrics(shuffled, out)
			nullR[k], nullMAE[k] = m.R, m.MAE
		}
		pr, _ := stats.PermutationP(e.R, nullR, conv, true)
		pm, _ := stats.PermutationP(e.MAE, nullMAE, conv, false)
		if e.PR != pr || e.PMAE != pm || pr >= 0.5 {
			t.Errorf("%s: streamed p(r) %v, p(MAE) %v; the whole null's %v, %v", conv, e.PR, e.PMAE, pr, pm)
		}
	}
	t.Setenv(budget.EnvVar, "")
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

// With DiscardNull, training counts the permutation null as drawn: the signature (p-values
// included) is that of a kept null, the budget no longer grows with the count, and the report
// says the null was not kept instead of drawing its histogram.
func TestTrainDiscardNull(t *testing.T) {
	_, x, y, _ := rpnOnBochum(t)
	o := DefaultTrainOptions()
	o.Grid = learn.Grid{K: []int{25}, Alpha: []float64{0.005}, L1Ratio: []float64{0.999}}
	o.Permutations, o.PermutationMode = 20000, learn.PermutePredictions
	kept, keptRep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	o.DiscardNull = true
	t.Setenv(budget.EnvVar, "600KiB") // 20,000 kept null metrics would need 625 KiB
	s, rep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Permutation.Null != nil || len(keptRep.Permutation.Null) != 20000 || rep.Permutation.P != keptRep.Permutation.P || !reflect.DeepEqual(s.Training.CV, kept.Training.CV) {
		t.Errorf("discarded null: p %+v (%d kept), kept null: p %+v", rep.Permutation.P, len(rep.Permutation.Null), keptRep.Permutation.P)
	}
	d := report.New("train", "")
	(&TrainResult{Signature: s, Report: rep, Options: o}).AddReport(d)
	if !strings.Contains(string(d.HTML()), "counted as drawn (the null was not kept)") {
		t.Error("the report without the null does not say so")
	}
}
