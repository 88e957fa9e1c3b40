package signature

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
)

// NodeStrength is a region's nodal predictive strength in a signature, as the RPN and CSps papers
// map it: the weights of the signature's edges that touch the region, summed (Sum) and summed in
// magnitude (AbsSum), with the number of those edges.
type NodeStrength struct {
	Region, System string
	Edges          int
	Sum, AbsSum    float64
}

// NodalStrength sums the signature's nonzero weights over the regions of each weighted edge; the
// features must be a connectivity matrix's lower triangle without the diagonal, in nilearn's order.
func (s *Signature) NodalStrength() ([]NodeStrength, error) {
	if err := s.RequireWeights(); err != nil {
		return nil, err
	}
	p := len(s.Regions)
	if connectome.NumEdges(p, true) != s.Features.NumFeatures {
		return nil, fmt.Errorf("signature %q: %d features are not the edges of its %d regions (lower triangle without diagonal)", s.Name, s.Features.NumFeatures, p)
	}
	edges := connectome.Edges(p, true)
	out := make([]NodeStrength, p)
	for i, r := range s.Regions {
		out[i] = NodeStrength{Region: r.Name, System: r.System}
	}
	for c, f := range s.Selected {
		w := s.Weights[c]
		if w == 0 {
			continue
		}
		for _, r := range []int{edges[f].I, edges[f].J} {
			out[r].Edges++
			out[r].Sum += w
			out[r].AbsSum += math.Abs(w)
		}
	}
	return out, nil
}

// NodalImage paints each region's value into a label image (regions matched to the atlas table by
// name; voxels of other labels and unlabelled voxels stay 0). It returns the voxel values in NIfTI
// order and the names of the regions with a value the atlas does not have (e.g. a global signal).
func NodalImage(values map[string]float64, img *atlas.LabelImage, table *atlas.Table) ([]float64, []string) {
	byLabel := map[int32]float64{}
	var missing []string
	for name, v := range values {
		found := false
		for _, r := range table.Regions {
			if r.Name == name {
				byLabel[int32(r.Index)], found = v, true
				break
			}
		}
		if !found {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	out := make([]float64, len(img.Labels))
	for i, l := range img.Labels {
		out[i] = byLabel[l]
	}
	return out, missing
}
