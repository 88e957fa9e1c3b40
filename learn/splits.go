package learn

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/nprand"
)

// KFoldSplits are scikit-learn's KFold(n_splits=k, shuffle=False) folds: consecutive blocks, the
// first n mod k of them one sample larger.
func KFoldSplits(n, k int) ([]Split, error) {
	if k < 2 || k > n {
		return nil, fmt.Errorf("%d folds for %d samples: need 2 ≤ folds ≤ samples", k, n)
	}
	return kfoldBlocks(rangeInts(0, n), k), nil
}

// kfoldBlocks cuts the samples in the given order into k consecutive blocks, the first n mod k one
// sample larger (KFold's rule), each block a test set in increasing order.
func kfoldBlocks(order []int, k int) []Split {
	n := len(order)
	var out []Split
	start := 0
	for f := 0; f < k; f++ {
		size := n / k
		if f < n%k {
			size++
		}
		test := append([]int(nil), order[start:start+size]...)
		sort.Ints(test)
		out = append(out, complementSplit(n, test))
		start += size
	}
	return out
}

// ShuffledKFoldSplits are scikit-learn's KFold(n_splits=k, shuffle=True, random_state=seed): the
// sample indices shuffled by numpy's RandomState(seed), then cut into consecutive blocks as
// KFoldSplits; test and training indices in increasing order, as scikit-learn yields them.
func ShuffledKFoldSplits(n, k int, seed uint32) ([]Split, error) {
	return shuffledKFold(n, k, nprand.New(seed))
}

func shuffledKFold(n, k int, rng *nprand.RandomState) ([]Split, error) {
	if k < 2 || k > n {
		return nil, fmt.Errorf("%d folds for %d samples: need 2 ≤ folds ≤ samples", k, n)
	}
	idx := rangeInts(0, n)
	rng.Shuffle(idx)
	return kfoldBlocks(idx, k), nil
}

// RepeatedKFoldSplits are scikit-learn's RepeatedKFold(n_splits=k, n_repeats=repeats,
// random_state=seed): repeats shuffled K-folds drawn one after another from one RandomState(seed),
// k x repeats folds in all.
func RepeatedKFoldSplits(n, k, repeats int, seed uint32) ([]Split, error) {
	if repeats < 1 {
		return nil, fmt.Errorf("%d repeats: need at least 1", repeats)
	}
	rng := nprand.New(seed)
	var out []Split
	for r := 0; r < repeats; r++ {
		folds, err := shuffledKFold(n, k, rng)
		if err != nil {
			return nil, err
		}
		out = append(out, folds...)
	}
	return out, nil
}

// StratifiedKFoldSplits are scikit-learn's StratifiedKFold(n_splits=k, shuffle, random_state=seed)
// over class labels: classes numbered by first appearance, each class's samples dealt to the folds
// in blocks sized by a round robin over the sorted labels (shuffled per class with numpy's
// RandomState(seed) when asked). For a continuous target, stratify on QuantileLabels.
func StratifiedKFoldSplits(labels []string, k int, shuffle bool, seed uint32) ([]Split, error) {
	n := len(labels)
	code := map[string]int{}
	enc := make([]int, n)
	var counts []int
	for i, l := range labels {
		c, ok := code[l]
		if !ok {
			c = len(code)
			code[l] = c
			counts = append(counts, 0)
		}
		enc[i] = c
		counts[c]++
	}
	if k < 2 {
		return nil, fmt.Errorf("%d folds: need at least 2", k)
	}
	tooBig := true
	for _, c := range counts {
		if k <= c {
			tooBig = false
		}
	}
	if tooBig {
		return nil, fmt.Errorf("%d folds cannot be greater than the number of members in each class (%v)", k, counts)
	}
	order := append([]int(nil), enc...)
	sort.Ints(order)
	alloc := make([][]int, k) // fold x class: np.bincount(y_order[i::k])
	for f := range alloc {
		alloc[f] = make([]int, len(counts))
		for i := f; i < n; i += k {
			alloc[f][order[i]]++
		}
	}
	var rng *nprand.RandomState
	if shuffle {
		rng = nprand.New(seed)
	}
	testFold := make([]int, n)
	for c := range counts {
		var folds []int
		for f := 0; f < k; f++ {
			for r := 0; r < alloc[f][c]; r++ {
				folds = append(folds, f)
			}
		}
		if shuffle {
			rng.Shuffle(folds)
		}
		next := 0
		for i, e := range enc {
			if e == c {
				testFold[i] = folds[next]
				next++
			}
		}
	}
	out := make([]Split, k)
	for f := range out {
		var test []int
		for i, tf := range testFold {
			if tf == f {
				test = append(test, i)
			}
		}
		out[f] = complementSplit(n, test)
	}
	return out, nil
}

// QuantileLabels bins a continuous target into q groups of equal size by rank (ties broken by
// sample order), labelled "0" to "q-1": the classes for stratifying cross-validation on a
// continuous outcome (each fold then spans the outcome's range).
func QuantileLabels(y []float64, q int) ([]string, error) {
	if q < 2 || q > len(y) {
		return nil, fmt.Errorf("%d quantile bins for %d samples: need 2 ≤ bins ≤ samples", q, len(y))
	}
	idx := rangeInts(0, len(y))
	sort.SliceStable(idx, func(a, b int) bool { return y[idx[a]] < y[idx[b]] })
	out := make([]string, len(y))
	for rank, i := range idx {
		if math.IsNaN(y[i]) {
			return nil, fmt.Errorf("sample %d: target is NaN", i)
		}
		out[i] = strconv.Itoa(rank * q / len(y))
	}
	return out, nil
}

// GroupKFoldSplits are scikit-learn's GroupKFold(n_splits=k) folds: groups (sites, subjects,
// sessions) never straddle folds; groups are taken from the largest to the smallest and each goes
// to the fold with the fewest samples so far (the first such fold on ties).
func GroupKFoldSplits(groups []string, k int) ([]Split, error) {
	uniq, idx := uniqueSorted(groups)
	if k < 2 || k > len(uniq) {
		return nil, fmt.Errorf("%d folds for %d groups: need 2 ≤ folds ≤ groups", k, len(uniq))
	}
	size := make([]int, len(uniq))
	for _, g := range idx {
		size[g]++
	}
	// np.argsort(n_samples_per_group)[::-1]: a stable ascending sort, reversed.
	order := make([]int, len(uniq))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return size[order[a]] < size[order[b]] })
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	foldOf := make([]int, len(uniq))
	load := make([]int, k)
	for _, g := range order {
		best := 0
		for f := 1; f < k; f++ {
			if load[f] < load[best] {
				best = f
			}
		}
		foldOf[g] = best
		load[best] += size[g]
	}
	out := make([]Split, k)
	for f := range out {
		var test []int
		for i, g := range idx {
			if foldOf[g] == f {
				test = append(test, i)
			}
		}
		out[f] = complementSplit(len(groups), test)
	}
	return out, nil
}

// LeaveOneGroupOutSplits holds out one group per fold, groups in sorted order (scikit-learn's
// LeaveOneGroupOut): leave-one-site-out, leave-one-session-out.
func LeaveOneGroupOutSplits(groups []string) ([]Split, error) {
	uniq, idx := uniqueSorted(groups)
	if len(uniq) < 2 {
		return nil, fmt.Errorf("leave-one-group-out needs at least 2 groups, found %d", len(uniq))
	}
	out := make([]Split, len(uniq))
	for g := range uniq {
		var test []int
		for i, gi := range idx {
			if gi == g {
				test = append(test, i)
			}
		}
		out[g] = complementSplit(len(groups), test)
	}
	return out, nil
}

// uniqueSorted returns the sorted distinct labels (np.unique) and each sample's index among them.
func uniqueSorted(labels []string) ([]string, []int) {
	set := map[string]bool{}
	for _, l := range labels {
		set[l] = true
	}
	uniq := make([]string, 0, len(set))
	for l := range set {
		uniq = append(uniq, l)
	}
	sort.Strings(uniq)
	pos := map[string]int{}
	for i, l := range uniq {
		pos[l] = i
	}
	idx := make([]int, len(labels))
	for i, l := range labels {
		idx[i] = pos[l]
	}
	return uniq, idx
}

func rangeInts(a, b int) []int {
	out := make([]int, 0, b-a)
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

// complementSplit makes a split whose test set is test and training set everything else, both in
// increasing order.
func complementSplit(n int, test []int) Split {
	in := make([]bool, n)
	for _, i := range test {
		in[i] = true
	}
	var train []int
	for i := 0; i < n; i++ {
		if !in[i] {
			train = append(train, i)
		}
	}
	return Split{Train: train, Test: append([]int(nil), test...)}
}

// ParseCV builds the folds a cross-validation spec names, for n samples with target y (for
// stratification) and group labels (nil unless a group scheme is named):
//
//	loo                       leave-one-out
//	kfold:K                   K consecutive folds (KFold)
//	shuffled:K:SEED           KFold(shuffle=True, random_state=SEED)
//	repeated:K:R:SEED         RepeatedKFold(n_splits=K, n_repeats=R, random_state=SEED)
//	stratified:K[:SEED]       StratifiedKFold on K quantile bins of the target (shuffled with SEED)
//	groupkfold:K              GroupKFold over the group labels
//	logo                      LeaveOneGroupOut (sites, sessions, runs)
func ParseCV(spec string, y []float64, groups []string) ([]Split, error) {
	n := len(y)
	parts := strings.Split(spec, ":")
	ints := func(want int) ([]int, error) {
		if len(parts)-1 != want {
			return nil, fmt.Errorf("cross-validation %q: %s takes %d number(s)", spec, parts[0], want)
		}
		out := make([]int, want)
		for i := range out {
			v, err := strconv.Atoi(parts[i+1])
			if err != nil || v < 0 {
				return nil, fmt.Errorf("cross-validation %q: %q is not a non-negative integer", spec, parts[i+1])
			}
			out[i] = v
		}
		return out, nil
	}
	needGroups := func() error {
		if len(groups) != n {
			return fmt.Errorf("cross-validation %q needs a group label for each of the %d samples", spec, n)
		}
		return nil
	}
	switch parts[0] {
	case "loo", "":
		if _, err := ints(0); err != nil {
			return nil, err
		}
		return LeaveOneOutSplits(n), nil
	case "kfold":
		v, err := ints(1)
		if err != nil {
			return nil, err
		}
		return KFoldSplits(n, v[0])
	case "shuffled":
		v, err := ints(2)
		if err != nil {
			return nil, err
		}
		return ShuffledKFoldSplits(n, v[0], uint32(v[1]))
	case "repeated":
		v, err := ints(3)
		if err != nil {
			return nil, err
		}
		// Every repeat's folds hold the n sample indices: refuse a count beyond the memory budget.
		if err := budget.Check("repeats of "+strconv.Itoa(v[0])+" folds (repeated:K:R)", int64(v[1]), budget.Bytes(int64(n), 8*2)); err != nil {
			return nil, err
		}
		return RepeatedKFoldSplits(n, v[0], v[1], uint32(v[2]))
	case "stratified":
		var v []int
		var err error
		shuffle := len(parts) == 3
		if shuffle {
			v, err = ints(2)
		} else {
			v, err = ints(1)
			v = append(v, 0)
		}
		if err != nil {
			return nil, err
		}
		labels, err := QuantileLabels(y, v[0])
		if err != nil {
			return nil, err
		}
		return StratifiedKFoldSplits(labels, v[0], shuffle, uint32(v[1]))
	case "groupkfold":
		v, err := ints(1)
		if err != nil {
			return nil, err
		}
		if err := needGroups(); err != nil {
			return nil, err
		}
		return GroupKFoldSplits(groups, v[0])
	case "logo":
		if _, err := ints(0); err != nil {
			return nil, err
		}
		if err := needGroups(); err != nil {
			return nil, err
		}
		return LeaveOneGroupOutSplits(groups)
	}
	return nil, fmt.Errorf("unknown cross-validation %q (loo, kfold:K, shuffled:K:SEED, repeated:K:R:SEED, stratified:K[:SEED], groupkfold:K, logo)", spec)
}
