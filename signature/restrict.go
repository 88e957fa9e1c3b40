package signature

import (
	"fmt"
	"sort"

	"github.com/painmark/painmark/connectome"
)

// Restrict returns the part of the signature on a subset of its regions (the CSps study's
// brain-only "bCSps"), to apply to data that lack the other regions: the features become the
// lower triangle of the kept regions (nilearn's order, regions in the signature's order), only the
// weighted edges between kept regions remain, with their scaler parameters, and the intercept is
// unchanged. keep reports, for each region, whether it stays.
func (s *Signature) Restrict(name string, keep func(Region) bool) (*Signature, error) {
	if s.Model != nil {
		return nil, fmt.Errorf("signature %q holds a %s model, which cannot be restricted to a region subset (only a linear model's weights can)", s.Name, s.Model.Type)
	}
	p := len(s.Regions)
	if connectome.NumEdges(p, true) != s.Features.NumFeatures {
		return nil, fmt.Errorf("signature %q: %d features are not the edges of its %d regions", s.Name, s.Features.NumFeatures, p)
	}
	var kept []int
	for i, r := range s.Regions {
		if keep(r) {
			kept = append(kept, i)
		}
	}
	if len(kept) < 2 {
		return nil, fmt.Errorf("restricting %q keeps %d regions: need at least 2", s.Name, len(kept))
	}
	q := len(kept)
	// Feature k of the restricted vector is edge (a, b) of the kept regions, i.e. edge
	// (kept[a], kept[b]) of the original.
	edges := connectome.Edges(q, true)
	orig := make([]int, len(edges))
	for k, e := range edges {
		orig[k] = connectome.EdgeIndex(kept[e.I], kept[e.J])
	}
	r := *s
	r.Name, r.Checksum = name, ""
	r.Description = fmt.Sprintf("%s restricted to %d of its %d regions", s.Name, q, p)
	r.Regions = make([]Region, q)
	for a, i := range kept {
		r.Regions[a] = s.Regions[i]
	}
	r.Features.NumFeatures = len(orig)
	if s.FeatureNames != nil {
		r.FeatureNames = make([]string, len(orig))
		for k, f := range orig {
			r.FeatureNames[k] = s.FeatureNames[f]
		}
	}
	if s.Center != nil {
		r.Center, r.Scale = make([]float64, len(orig)), make([]float64, len(orig))
		for k, f := range orig {
			r.Center[k], r.Scale[k] = s.Center[f], s.Scale[f]
		}
	}
	pos := make(map[int]int, len(orig))
	for k, f := range orig {
		pos[f] = k
	}
	r.Selected, r.Weights = nil, nil
	type sw struct {
		k int
		w float64
	}
	var sel []sw
	for c, f := range s.Selected {
		if k, ok := pos[f]; ok {
			sel = append(sel, sw{k, s.Weights[c]})
		}
	}
	sort.Slice(sel, func(a, b int) bool { return sel[a].k < sel[b].k })
	for _, v := range sel {
		r.Selected, r.Weights = append(r.Selected, v.k), append(r.Weights, v.w)
	}
	r.Provenance.Source = fmt.Sprintf("restricted from %q (%s)", s.Name, s.Provenance.Source)
	return &r, r.Validate()
}
