package signature

import (
	"fmt"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/signal"
)

// DynamicResponse applies the signature to time-resolved connectivity, as the CSps study scored
// its task cohort: for each edge the signature weights, the dynamic conditional correlation of its
// two regions' series (pairwise DCC-GARCH, Lindquist et al. 2014, the reference DCC.m's
// definitions) is averaged over the given frames (all when frames is nil) and takes the place of
// the static feature, then the signature's scaling, weights and intercept give the response.
// DCC is a full correlation while the signature may be trained on partial correlations, so the
// response is meant for within-subject contrasts (heat vs cold in a forced choice), where the
// features' common offsets cancel. x holds the signature's regions in its order.
func (s *Signature) DynamicResponse(x signal.Matrix, frames []int) (float64, error) {
	if err := s.RequireWeights(); err != nil {
		return 0, err
	}
	if x.Cols != len(s.Regions) {
		return 0, fmt.Errorf("series have %d regions, the signature %d", x.Cols, len(s.Regions))
	}
	all := connectome.Edges(len(s.Regions), true)
	var edges []connectome.Edge
	var weights []float64
	var pos []int
	for k, f := range s.Selected {
		if s.Weights[k] == 0 {
			continue
		}
		if f >= len(all) {
			return 0, fmt.Errorf("feature %d is not an edge of the %d regions (the signature's features are not a full connectome vector)", f, len(s.Regions))
		}
		edges = append(edges, all[f])
		weights = append(weights, s.Weights[k])
		pos = append(pos, f)
	}
	resp := s.Intercept
	if len(edges) == 0 {
		return resp, nil
	}
	for _, t := range frames {
		if t < 0 || t >= x.Rows {
			return 0, fmt.Errorf("frame %d outside the run's %d frames", t, x.Rows)
		}
	}
	dcc, _, err := connectome.PairwiseDCCEdges(x, edges)
	if err != nil {
		return 0, err
	}
	for k := range edges {
		var sum float64
		n := 0
		if frames == nil {
			for t := 0; t < dcc.Rows; t++ {
				sum += dcc.Data[t*dcc.Cols+k]
			}
			n = dcc.Rows
		} else {
			for _, t := range frames {
				sum += dcc.Data[t*dcc.Cols+k]
			}
			n = len(frames)
		}
		if n == 0 {
			return 0, fmt.Errorf("no frames to average")
		}
		v := sum / float64(n)
		if s.Center != nil {
			v = (v - s.Center[pos[k]]) / s.Scale[pos[k]]
		}
		resp += weights[k] * v
	}
	return resp, nil
}
