package morph

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
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
// without a class are left out (classes are matched by name, never by position); the null (a
// spatial null model's draws over the same regions, package nulls; nil: no p) gives the null maps
// of values. Classes are returned sorted by name.
func ClassSummary(regions []string, values []float64, classOf map[string]string, null nulls.Null) ([]ClassMean, error) {
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
	mean := func(v []float64, idx []int) float64 {
		var s float64
		for _, i := range idx {
			s += v[i]
		}
		return s / float64(len(idx))
	}
	all := make([]int, len(values))
	for i := range all {
		all[i] = i
	}
	classes := make([]string, 0, len(members))
	for c := range members {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	// Each null map and its mean serve every class.
	nullMeans := make([][]float64, len(classes))
	var spun [][]float64
	if null != nil {
		var err error
		if spun, err = null.Maps(values, 0); err != nil {
			return nil, fmt.Errorf("class summary: %w", err)
		}
	}
	for _, m := range spun {
		centre := mean(m, all)
		for c, name := range classes {
			nullMeans[c] = append(nullMeans[c], mean(m, members[name])-centre)
		}
	}
	centre := mean(values, all)
	out := make([]ClassMean, len(classes))
	for c, name := range classes {
		m := mean(values, members[name])
		out[c] = ClassMean{Class: name, Regions: len(members[name]), Mean: m, P: math.NaN()}
		if len(spun) > 0 {
			p, err := stats.PermutationP(m-centre, nullMeans[c], stats.PermAbs, true)
			if err != nil {
				return nil, fmt.Errorf("class summary, class %s: %w", name, err)
			}
			out[c].P = p
		}
	}
	return out, nil
}
