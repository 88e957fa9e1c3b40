package signature

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/painmark/painmark/learn"
)

// TestTrainGroupsPersons: a cohort with two runs per person trains with leave-one-person-out
// folds (the predictions of a person's runs come from the same fold), nested CV grouped alike,
// refit permutations that move a person's runs together (learn.GroupedPermutationTest over the
// same folds) and a bootstrap of persons; permutations of the predictions, which would treat
// runs as independent, are refused.
func TestTrainGroupsPersons(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const persons, p = 12, 6
	x := learn.Matrix{Rows: 2 * persons, Cols: p, Data: make([]float64, 2*persons*p)}
	var y []float64
	var ids []string
	for i := 0; i < persons; i++ {
		pain := rng.NormFloat64()
		for r := 0; r < 2; r++ {
			row := 2*i + r
			for j := 0; j < p; j++ {
				x.Data[row*p+j] = rng.NormFloat64()
			}
			x.Data[row*p] += pain
			y = append(y, pain)
			ids = append(ids, fmt.Sprintf("sub-%02d", i))
		}
	}
	o := DefaultTrainOptions()
	o.Grid.K, o.Base.K = []int{3}, 3
	o.Nested = true
	o.Persons = ids
	_, rep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	want, err := learn.PersonCV("loo", y, nil, ids)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := o.Base.WithCandidate(rep.Search.Candidates[rep.Search.Best])
	pred, err := learn.CrossValPredict(pl, x, y, want)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pred {
		if pred[i] != rep.CVPredictions[i] {
			t.Fatalf("row %d: %v, leave-one-person-out gives %v", i, rep.CVPredictions[i], pred[i])
		}
	}
	if rep.CV.R < 0.5 || len(rep.Nested.Predictions) != 2*persons {
		t.Fatalf("cross-validated r %.3f, nested %d predictions", rep.CV.R, len(rep.Nested.Predictions))
	}
	o.Permutations, o.Bootstraps, o.Nested = 10, 10, false
	_, rep, err = Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	grouped, err := learn.GroupedPermutationTest(pl, x, y, ids, want, learn.PermutationOptions{N: 10, Seed: o.Seed})
	if err != nil {
		t.Fatal(err)
	}
	for k := range grouped.Null {
		if rep.Permutation.Null[k] != grouped.Null[k] {
			t.Fatalf("permutation %d: %+v, the grouped test gives %+v", k+1, rep.Permutation.Null[k], grouped.Null[k])
		}
	}
	if rep.Bootstrap == nil || rep.Bootstrap.Options.N != 10 {
		t.Fatal("no bootstrap of persons")
	}
	o.PermutationMode = learn.PermutePredictions
	if _, _, err := Train(x, y, o); err == nil || !strings.Contains(err.Error(), "repeat persons") {
		t.Fatalf("permutations of the predictions over repeated measures: %v", err)
	}
}
