package signature

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/stats"
)

// GroupChange relates, within one group of an intervention study (e.g. active vs sham rTMS), the
// change of the signature's prediction (post − pre) to the change of pain: Pearson r with a
// two-sided permutation p-value.
type GroupChange struct {
	Group string  `json:"group"`
	N     int     `json:"n"`
	R     float64 `json:"r"`
	P     float64 `json:"p"`
	// MeanSignatureChange and MeanPainChange summarise the group's changes.
	MeanSignatureChange float64 `json:"mean_signature_change"`
	MeanPainChange      float64 `json:"mean_pain_change"`
}

// ChangeByGroup computes GroupChange for every group (in sorted order); permutation k of a group is
// drawn from PCG(seed, k).
func ChangeByGroup(sigChange, painChange []float64, groups []string, permutations int, seed uint64) ([]GroupChange, error) {
	if len(sigChange) != len(painChange) || len(groups) != len(sigChange) {
		return nil, fmt.Errorf("%d signature changes, %d pain changes and %d group labels", len(sigChange), len(painChange), len(groups))
	}
	members := map[string][]int{}
	for i, g := range groups {
		members[g] = append(members[g], i)
	}
	names := make([]string, 0, len(members))
	for g := range members {
		names = append(names, g)
	}
	sort.Strings(names)
	var out []GroupChange
	for _, g := range names {
		idx := members[g]
		if len(idx) < 3 {
			return nil, fmt.Errorf("group %s has %d subjects with both sessions: need at least 3", g, len(idx))
		}
		s, p := make([]float64, len(idx)), make([]float64, len(idx))
		for k, i := range idx {
			s[k], p[k] = sigChange[i], painChange[i]
		}
		r, pv, err := stats.PermutedCorrelation(s, p, permutations, seed)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", g, err)
		}
		out = append(out, GroupChange{Group: g, N: len(idx), R: r, P: pv, MeanSignatureChange: stats.Mean(s), MeanPainChange: stats.Mean(p)})
	}
	return out, nil
}

// EdgeChange compares the change (post − pre) of one edge's connectivity, in Fisher z
// (atanh of a correlation-like value), between two groups with a two-sample t test.
func EdgeChange(pre, post []float64, groups []string, groupA, groupB string, equalVar bool) (*stats.TTest, error) {
	if len(pre) != len(post) || len(groups) != len(pre) {
		return nil, fmt.Errorf("%d pre values, %d post values and %d group labels", len(pre), len(post), len(groups))
	}
	var a, b []float64
	for i := range pre {
		if math.Abs(pre[i]) >= 1 || math.Abs(post[i]) >= 1 {
			return nil, fmt.Errorf("subject %d: edge values %g and %g are not correlations (|r| < 1), Fisher z is undefined", i, pre[i], post[i])
		}
		d := math.Atanh(post[i]) - math.Atanh(pre[i])
		switch groups[i] {
		case groupA:
			a = append(a, d)
		case groupB:
			b = append(b, d)
		}
	}
	return stats.TTestInd(a, b, equalVar)
}
