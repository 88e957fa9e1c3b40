package learn

import (
	"fmt"

	"github.com/painmark/painmark/stats"
)

// Resampling when rows repeat persons (runs or sessions kept as repeated measures): a person's rows
// are not independent, so a permutation moves them together and a bootstrap draws persons.

// PersonIndex numbers the persons of the rows in order of first appearance: group[i] is row i's
// person, and the number of persons.
func PersonIndex(persons []string) ([]int, int) {
	ids := map[string]int{}
	group := make([]int, len(persons))
	for i, p := range persons {
		g, ok := ids[p]
		if !ok {
			g = len(ids)
			ids[p] = g
		}
		group[i] = g
	}
	return group, len(ids)
}

// GroupedPermutationTest is the refit permutation test for rows that repeat persons: permutation
// k permutes the persons' targets (one per person: the target must be constant over a person's
// rows), drawn as stats.Permutation(o.Seed, o.First+k) over the persons numbered by PersonIndex,
// so that all rows of a person move together, and refits the cross-validation over splits
// (folds holding out whole persons: PersonCV). Observed and null metrics are pooled over the
// rows' out-of-fold predictions; p-values as PermutationTest's (o.Convention). Memory holds the
// null metrics (unless o.DiscardNull), one target and one set of predictions at a time.
func GroupedPermutationTest(pl Pipeline, x Matrix, y []float64, persons []string, splits []Split, o PermutationOptions) (*PermutationResult, error) {
	if o.N < 1 {
		return nil, fmt.Errorf("need at least 1 permutation, got %d", o.N)
	}
	if x.Rows != len(y) || len(persons) != len(y) {
		return nil, fmt.Errorf("%d rows, %d targets and %d persons", x.Rows, len(y), len(persons))
	}
	if o.Mode != "" && o.Mode != PermuteRefit {
		return nil, fmt.Errorf("rows repeat persons: the grouped permutation test refits (mode %q is not grouped)", o.Mode)
	}
	if err := o.CheckBudget(x.Rows); err != nil {
		return nil, err
	}
	group, g := PersonIndex(persons)
	of := make([]float64, g)
	set := make([]bool, g)
	for i, p := range group {
		if set[p] && of[p] != y[i] {
			return nil, fmt.Errorf("person %s has several target values (%g, %g): a grouped permutation moves one target per person", persons[i], of[p], y[i])
		}
		of[p], set[p] = y[i], true
	}
	pred, err := CrossValPredict(pl, x, y, splits)
	if err != nil {
		return nil, err
	}
	res := &PermutationResult{Options: o, Observed: PooledMetrics(pred, y), Predictions: pred}
	sink := newNullSink(res.Observed, o)
	target := make([]float64, len(y))
	for k := 1; k <= o.N; k++ {
		perm := stats.Permutation(o.Seed, uint64(o.First+k), g)
		for i, p := range group {
			target[i] = of[perm[p]]
		}
		pk, err := CrossValPredict(pl, x, target, splits)
		if err != nil {
			return nil, fmt.Errorf("permutation %d: %w", k, err)
		}
		sink.add(PooledMetrics(pk, target))
		if o.Progress != nil {
			o.Progress(k, o.N)
		}
	}
	if err := sink.finish(res); err != nil {
		return nil, err
	}
	return res, nil
}

// bootstrapRows draws bootstrap sample rows from rng-like draws: without groups, n rows with
// replacement; with groups (row i's person, PersonIndex), as many persons as there are with
// replacement, each drawn person's rows in order.
func bootstrapRows(n int, groups []int, intN func(int) int) []int {
	if groups == nil {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = intN(n)
		}
		return rows
	}
	var members [][]int
	for i, p := range groups {
		for len(members) <= p {
			members = append(members, nil)
		}
		members[p] = append(members[p], i)
	}
	var rows []int
	for range members {
		rows = append(rows, members[intN(len(members))]...)
	}
	return rows
}
