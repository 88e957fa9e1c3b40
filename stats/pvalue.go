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
	t := NewPermutationTally(obs, greaterIsBetter)
	for _, v := range null {
		t.Add(v)
	}
	return t.P(conv)
}

// PermutationTally counts, draw by draw, how many permutation statistics are at least as extreme
// as the observed one (in each of PermutationConvention's senses), so a permutation test can give
// PermutationP's p-value without holding its null: memory for the statistic, not the draws. Added
// in any order, the same draws give the same counts, hence PermutationP's p-value to the last bit.
type PermutationTally struct {
	obs, sign                                 float64
	n, atLeast, beyond, absAtLeast, absBeyond int64
	firstNaN                                  int64 // index of the first NaN draw added, -1: none
}

// NewPermutationTally starts a tally against the observed statistic; greaterIsBetter as in
// PermutationP.
func NewPermutationTally(obs float64, greaterIsBetter bool) *PermutationTally {
	t := &PermutationTally{obs: obs, sign: 1, firstNaN: -1}
	if !greaterIsBetter {
		t.sign = -1
	}
	return t
}

// Add counts one permutation statistic (a NaN one makes P an error naming it).
func (t *PermutationTally) Add(v float64) {
	if math.IsNaN(v) && t.firstNaN < 0 {
		t.firstNaN = t.n
	}
	t.n++
	s, o := t.sign, t.obs
	if s*v >= s*o {
		t.atLeast++
	}
	if s*v > s*o {
		t.beyond++
	}
	if math.Abs(v) >= math.Abs(o) {
		t.absAtLeast++
	}
	if math.Abs(v) > math.Abs(o) {
		t.absBeyond++
	}
}

// Merge adds another tally's counts (of the same observed statistic and direction) to t: tallies
// of disjoint blocks of draws, merged, equal one tally of all of them. A NaN in u is named by its
// index in u plus t's count before the merge.
func (t *PermutationTally) Merge(u *PermutationTally) {
	if u.firstNaN >= 0 && t.firstNaN < 0 {
		t.firstNaN = t.n + u.firstNaN
	}
	t.n += u.n
	t.atLeast += u.atLeast
	t.beyond += u.beyond
	t.absAtLeast += u.absAtLeast
	t.absBeyond += u.absBeyond
}

// N is the number of draws counted.
func (t *PermutationTally) N() int64 { return t.n }

// P is the p-value of the draws counted so far under the convention, as PermutationP computes it
// from the whole null.
func (t *PermutationTally) P(conv PermutationConvention) (float64, error) {
	if t.n == 0 {
		return 0, fmt.Errorf("empty permutation null")
	}
	if math.IsNaN(t.obs) {
		return 0, fmt.Errorf("observed statistic is NaN")
	}
	if t.firstNaN >= 0 {
		return 0, fmt.Errorf("permutation %d gave NaN", t.firstNaN)
	}
	n := float64(t.n)
	switch conv {
	case PermSklearn, "":
		return (float64(t.atLeast) + 1) / (n + 1), nil
	case PermAbs:
		return (float64(t.absAtLeast) + 1) / (n + 1), nil
	case PermNoPlusOne:
		return float64(t.atLeast) / n, nil
	case PermStrict:
		return float64(t.beyond) / n, nil
	case PermAbsStrict:
		return float64(t.absBeyond) / n, nil
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
	var pos, neg int
	for _, v := range replicates {
		switch {
		case v > 0:
			pos++
		case v < 0:
			neg++
		}
	}
	return BootstrapPCounts(len(replicates), pos, neg, mean, sd, conv)
}

// BootstrapPCounts is BootstrapP from the replicates' counts, so a bootstrap can tally its
// replicates as they are drawn: n replicates, pos of them > 0 and neg < 0 (the rest exactly 0;
// NaN replicates count as 0 here as in BootstrapP).
func BootstrapPCounts(replicates, pos, neg int, mean, sd float64, conv BootstrapConvention) (float64, error) {
	n := float64(replicates)
	if n == 0 {
		return 0, fmt.Errorf("no bootstrap replicate")
	}
	le, ge := replicates-pos, replicates-neg
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
// as large, neuromaps' convention): permutation k shuffles a with Permutation(seed, k+1, n). The
// null is counted as it is drawn (TallyBlocks): memory does not grow with the permutations.
func PermutedCorrelation(a, b []float64, permutations int, seed uint64) (r, p float64, err error) {
	if permutations < 1 {
		return 0, 0, fmt.Errorf("a permutation test needs permutations, got %d", permutations)
	}
	r = Pearson(a, b)
	if math.IsNaN(r) {
		return r, 0, fmt.Errorf("the correlation is undefined (a constant variable)")
	}
	t := NewPermutationTally(r, true)
	TallyBlocks(permutations, []*PermutationTally{t}, func(k int, out []float64) {
		shuffled := make([]float64, len(a))
		for i, j := range Permutation(seed, uint64(k+1), len(a)) {
			shuffled[i] = a[j]
		}
		out[0] = Pearson(shuffled, b)
	})
	p, err = t.P(PermAbs)
	return r, p, err
}

// permutationBlock is how many permutation statistics TallyBlocks draws at once.
const permutationBlock = 1 << 14

// TallyBlocks computes n permutation draws' statistics, stat(k, out) for draw k = 0 .. n-1 filling
// one value per tally, in parallel blocks of 16,384 draws, and adds each block to the tallies in
// draw order: memory for one block, not for the n draws, and counts (hence p-values) that do not
// depend on the number of workers.
func TallyBlocks(n int, tallies []*PermutationTally, stat func(k int, out []float64)) {
	m := len(tallies)
	block := min(n, permutationBlock)
	vals := make([]float64, block*m)
	for first := 0; first < n; first += block {
		count := min(block, n-first)
		parallel.For(count, func(b int) { stat(first+b, vals[b*m:(b+1)*m]) })
		for b := range count {
			for i, t := range tallies {
				t.Add(vals[b*m+i])
			}
		}
	}
}
