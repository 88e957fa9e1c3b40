package morph

import (
	"fmt"
	"math"
	"sort"
)

// ClassMean is a regional map summarised over one class of regions (a von Economo-Koskinas
// cytoarchitectonic class, a Yeo network): the mean over its regions and, with spatial nulls, the
// two-sided p of that mean's deviation from the whole map's mean against the same deviation in
// the reordered (spun) maps, (1 + #|null| ≥ |obs|)/(1 + n).
type ClassMean struct {
	Class   string
	Regions int
	Mean    float64
	P       float64 // NaN without nulls
}

// ClassSummary summarises values (one per region, regions named as in classOf) by class. Regions
// without a class are left out (classes are matched by name, never by position); perms reorder
// the regions (perm[i] = the region whose value region i takes), as stats.SpinPermutations'
// spins of the same regions do. Classes are returned sorted by name.
func ClassSummary(regions []string, values []float64, classOf map[string]string, perms [][]int) ([]ClassMean, error) {
	if len(regions) != len(values) {
		return nil, fmt.Errorf("class summary: %d regions and %d values", len(regions), len(values))
	}
	members := map[string][]int{}
	for i, r := range regions {
		if c, ok := classOf[r]; ok && c != "" {
			members[c] = append(members[c], i)
		}
	}
	if len(members) == 0 {
		return nil, fmt.Errorf("class summary: no region of the map has a class (names such as %q)", regions[0])
	}
	var all float64
	for _, v := range values {
		all += v / float64(len(values))
	}
	mean := func(v []float64, idx []int) float64 {
		var s float64
		for _, i := range idx {
			s += v[i]
		}
		return s / float64(len(idx))
	}
	var out []ClassMean
	for c, idx := range members {
		cm := ClassMean{Class: c, Regions: len(idx), Mean: mean(values, idx), P: math.NaN()}
		if len(perms) > 0 {
			obs := math.Abs(cm.Mean - all)
			spun := make([]float64, len(values))
			count := 0
			for k, perm := range perms {
				if len(perm) != len(values) {
					return nil, fmt.Errorf("class summary: permutation %d has %d entries for %d regions", k, len(perm), len(values))
				}
				for i, j := range perm {
					spun[i] = values[j]
				}
				var spunAll float64
				for _, v := range spun {
					spunAll += v / float64(len(spun))
				}
				if math.Abs(mean(spun, idx)-spunAll) >= obs {
					count++
				}
			}
			cm.P = float64(1+count) / float64(1+len(perms))
		}
		out = append(out, cm)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Class < out[b].Class })
	return out, nil
}
