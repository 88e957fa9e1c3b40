package learn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/painmark/painmark/stats"
)

// personsData is 10 persons x 3 runs with one target per person, coupled to the first feature.
func personsData() (Matrix, []float64, []string) {
	rng := rand.New(rand.NewPCG(4, 4))
	const persons, runs, p = 10, 3, 5
	x := Matrix{Rows: persons * runs, Cols: p, Data: make([]float64, persons*runs*p)}
	var y []float64
	var ids []string
	for i := 0; i < persons; i++ {
		pain := rng.NormFloat64()
		for r := 0; r < runs; r++ {
			row := len(y)
			for j := 0; j < p; j++ {
				x.Data[row*p+j] = rng.NormFloat64()
			}
			x.Data[row*p] += pain
			y, ids = append(y, pain), append(ids, fmt.Sprintf("p%d", i))
		}
	}
	return x, y, ids
}

// GroupedPermutationTest: permutation k's target is the persons' targets permuted by
// stats.Permutation(seed, k) over the persons (all runs of a person moving together), refitted
// over leave-one-person-out folds; a person with two targets is refused.
func TestGroupedPermutationTest(t *testing.T) {
	x, y, ids := personsData()
	splits, err := PersonCV("loo", y, nil, ids)
	if err != nil {
		t.Fatal(err)
	}
	pl := Pipeline{Scaler: "robust", K: 3, Model: ElasticNet{Alpha: 0.05, L1Ratio: 0.5}}
	res, err := GroupedPermutationTest(pl, x, y, ids, splits, PermutationOptions{N: 8, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	group, g := PersonIndex(ids)
	for k := 1; k <= 8; k++ {
		perm := stats.Permutation(7, uint64(k), g)
		target := make([]float64, len(y))
		for i, p := range group {
			target[i] = y[3*perm[p]] // person q's rows start at 3q
		}
		pred, err := CrossValPredict(pl, x, target, splits)
		if err != nil {
			t.Fatal(err)
		}
		if m := PooledMetrics(pred, target); m != res.Null[k-1] {
			t.Fatalf("permutation %d: %+v, by hand %+v", k, res.Null[k-1], m)
		}
	}
	if !(res.Observed.R > 0.5) || res.P.R > 0.5 {
		t.Errorf("observed r %.3f, p %.3f", res.Observed.R, res.P.R)
	}
	y2 := slices.Clone(y)
	y2[1]++
	if _, err := GroupedPermutationTest(pl, x, y2, ids, splits, PermutationOptions{N: 2, Seed: 7}); err == nil {
		t.Error("a person with two targets accepted")
	}
}

// A bootstrap sample of persons takes every row of each drawn person, as many persons as there
// are; without groups it draws rows as before.
func TestBootstrapRowsGroups(t *testing.T) {
	_, _, ids := personsData()
	group, g := PersonIndex(ids)
	rng := rand.New(rand.NewPCG(1, 1))
	rows := bootstrapRows(len(ids), group, rng.IntN)
	if len(rows) != 3*g {
		t.Fatalf("%d rows for %d persons of 3 runs", len(rows), g)
	}
	for i := 0; i < len(rows); i += 3 {
		p := group[rows[i]]
		if group[rows[i+1]] != p || group[rows[i+2]] != p || rows[i+1] != rows[i]+1 {
			t.Fatalf("rows %v: not one person's runs", rows[i:i+3])
		}
	}
	a, b := rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(1, 1))
	plain := bootstrapRows(7, nil, a.IntN)
	for _, r := range plain {
		if r != b.IntN(7) {
			t.Fatal("the row bootstrap's draws changed")
		}
	}
}
