package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/parallel"
)

// PermutationConvention names how a permutation p-value is counted; the peers differ
// (NUMERICS.md §14), and a study reproduces one of them by name.
type PermutationConvention string

// The permutation p-value conventions.
const (
	// PermSklearn is scikit-learn's permutation_test_score: (C + 1)/(n + 1), C = #{null ≥ obs}
	// (CanlabCore's permutation_test counts the same way, "at least as extreme" in the direction of
	// a better score).
	PermSklearn PermutationConvention = "sklearn"
	// PermAbs is neuromaps/netneurotools: (1 + #{|null| ≥ |obs|})/(n + 1), two-sided on magnitudes.
	PermAbs PermutationConvention = "abs"
	// PermNoPlusOne is #{null ≥ obs}/n (the PLS permutation of Morgan et al. 2019).
	PermNoPlusOne PermutationConvention = "no-plus-one"
	// PermStrict is #{null > obs}/n, one-sided and strict (ENIGMA's perm_sphere_p).
	PermStrict PermutationConvention = "strict"
	// PermAbsStrict is #{|null| > |obs|}/n, two-sided and strict (BrainSMASH's nonparp).
	PermAbsStrict PermutationConvention = "abs-strict"
)

// PermutationP is the p-value of an observed statistic against its permutation null under a named
// convention. With greaterIsBetter false (a loss, such as MAE) "at least as extreme" means at least
// as small, as CanlabCore flips the direction for loss scorers; PermAbs ignores the direction. NaN
// null values are an error: a null distribution with holes would give a plausible wrong p.
func PermutationP(obs float64, null []float64, conv PermutationConvention, greaterIsBetter bool) (float64, error) {
	if len(null) == 0 {
		return 0, fmt.Errorf("empty permutation null")
	}
	if math.IsNaN(obs) {
		return 0, fmt.Errorf("observed statistic is NaN")
	}
	sign := 1.0
	if !greaterIsBetter {
		sign = -1
	}
	var atLeast, beyond, absAtLeast, absBeyond int
	for i, v := range null {
		if math.IsNaN(v) {
			return 0, fmt.Errorf("permutation %d gave NaN", i)
		}
		if sign*v >= sign*obs {
			atLeast++
		}
		if sign*v > sign*obs {
			beyond++
		}
		if math.Abs(v) >= math.Abs(obs) {
			absAtLeast++
		}
		if math.Abs(v) > math.Abs(obs) {
			absBeyond++
		}
	}
	n := float64(len(null))
	switch conv {
	case PermSklearn, "":
		return (float64(atLeast) + 1) / (n + 1), nil
	case PermAbs:
		return (float64(absAtLeast) + 1) / (n + 1), nil
	case PermNoPlusOne:
		return float64(atLeast) / n, nil
	case PermStrict:
		return float64(beyond) / n, nil
	case PermAbsStrict:
		return float64(absBeyond) / n, nil
	}
	return 0, fmt.Errorf("unknown permutation p-value convention %q (%s, %s, %s, %s, %s)", conv, PermSklearn, PermAbs, PermNoPlusOne, PermStrict, PermAbsStrict)
}

// BootstrapConvention names how a two-sided p-value for "this weight differs from zero" is read
// from bootstrap replicates (NUMERICS.md §14).
type BootstrapConvention string

// The bootstrap p-value conventions.
const (
	// BootWald is the normal approximation 2(1 − Φ(|mean/sd|)) (CanlabCore's legacy test).
	BootWald BootstrapConvention = "wald"
	// BootCanlab is CanlabCore's empirical test: 2·(min(#>0, #<0) + 1)/(n + 1), capped at 1.
	BootCanlab BootstrapConvention = "canlab"
	// BootDEIPP is the hierarchical bootstrap's: 2·min((#≤0 + 1)/(n + 1), (#≥0 + 1)/(n + 1)),
	// capped at 1.
	BootDEIPP BootstrapConvention = "deipp"
)

// BootstrapP is the two-sided p-value of the replicates' departure from zero under a named
// convention; mean and sd are the replicates' mean and standard deviation (for BootWald).
func BootstrapP(replicates []float64, mean, sd float64, conv BootstrapConvention) (float64, error) {
	n := float64(len(replicates))
	if n == 0 {
		return 0, fmt.Errorf("no bootstrap replicate")
	}
	var pos, neg, le, ge int
	for _, v := range replicates {
		switch {
		case v > 0:
			pos++
		case v < 0:
			neg++
		}
		if v <= 0 {
			le++
		}
		if v >= 0 {
			ge++
		}
	}
	switch conv {
	case BootWald, "":
		if sd == 0 {
			if mean == 0 {
				return 1, nil
			}
			return 0, nil
		}
		return math.Erfc(math.Abs(mean/sd) / math.Sqrt2), nil // 2(1 − Φ(|z|))
	case BootCanlab:
		return math.Min(1, 2*(float64(min(pos, neg))+1)/(n+1)), nil
	case BootDEIPP:
		return math.Min(1, 2*math.Min((float64(le)+1)/(n+1), (float64(ge)+1)/(n+1))), nil
	}
	return 0, fmt.Errorf("unknown bootstrap p-value convention %q (%s, %s, %s)", conv, BootWald, BootCanlab, BootDEIPP)
}

// FDR returns Benjamini-Hochberg adjusted p-values (q-values), as statsmodels' multipletests with
// method "fdr_bh": p sorted ascending, p_(i)·n/i, the running minimum from the largest down,
// capped at 1, in the input order. NaN p-values are an error.
func FDR(p []float64) ([]float64, error) {
	n := len(p)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
		if math.IsNaN(p[i]) {
			return nil, fmt.Errorf("p-value %d is NaN", i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	q := make([]float64, n)
	running := math.Inf(1)
	for r := n - 1; r >= 0; r-- {
		v := p[idx[r]] / (float64(r+1) / float64(n))
		running = math.Min(running, v)
		q[idx[r]] = math.Min(running, 1)
	}
	return q, nil
}

// Permutation is permutation number stream of n items, drawn from a PCG generator seeded with
// (seed, stream): each permutation of a test has its own stream, so the permutations (and the
// results) do not depend on how many workers draw them or in which order.
func Permutation(seed uint64, stream uint64, n int) []int {
	return rand.New(rand.NewPCG(seed, stream)).Perm(n)
}

// PermutedCorrelation is Pearson's r of a and b with a two-sided permutation p-value (|r| at least
// as large, neuromaps' convention): permutation k shuffles a with Permutation(seed, k+1, n).
func PermutedCorrelation(a, b []float64, permutations int, seed uint64) (r, p float64, err error) {
	if permutations < 1 {
		return 0, 0, fmt.Errorf("a permutation test needs permutations, got %d", permutations)
	}
	r = Pearson(a, b)
	if math.IsNaN(r) {
		return r, 0, fmt.Errorf("the correlation is undefined (a constant variable)")
	}
	null := make([]float64, permutations)
	parallel.For(permutations, func(k int) {
		shuffled := make([]float64, len(a))
		for i, j := range Permutation(seed, uint64(k+1), len(a)) {
			shuffled[i] = a[j]
		}
		null[k] = Pearson(shuffled, b)
	})
	p, err = PermutationP(r, null, PermAbs, true)
	return r, p, err
}
