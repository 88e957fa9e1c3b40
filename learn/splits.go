package learn

import (
	"fmt"
	"sort"
)

// KFoldSplits are scikit-learn's KFold(n_splits=k, shuffle=False) folds: consecutive blocks, the
// first n mod k of them one sample larger.
func KFoldSplits(n, k int) ([]Split, error) {
	if k < 2 || k > n {
		return nil, fmt.Errorf("%d folds for %d samples: need 2 ≤ folds ≤ samples", k, n)
	}
	var out []Split
	start := 0
	for f := 0; f < k; f++ {
		size := n / k
		if f < n%k {
			size++
		}
		out = append(out, complementSplit(n, rangeInts(start, start+size)))
		start += size
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
