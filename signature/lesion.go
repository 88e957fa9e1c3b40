package signature

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
)

// LesionResult is a virtual-lesion dissection of a signature on a cohort (the CSps study's): the
// explained variance of the intact signature, the drop when each weighted edge alone is removed
// (its weight set to 0), and the explained variance as edges are removed one after another in
// order of decreasing |weight| and in random orders.
type LesionResult struct {
	Full float64
	// Edges are the weighted features (positions in the feature vector), Drop[i] the loss of
	// explained variance when Edges[i] alone is lesioned.
	Edges []int
	Drop  []float64
	// ByWeight[k] is the explained variance with the k edges of largest |weight| removed
	// (k = 0..len(Edges)); RandomMean/RandomSD over Repeats random removal orders.
	ByWeight             []float64
	RandomMean, RandomSD []float64
	Repeats              int
	// BySystem removes the edges system by system, spinal first (the CSps paper's lesions; only
	// when the signature's regions carry system tags): the explained variance after each group,
	// against RandomMean at the same number of edges removed.
	BySystem []SystemLesion
}

// SystemLesion is one step of the removal by system: the group's edges (by their regions'
// systems, e.g. "spinal-spinal" or "brain-spinal") removed on top of the previous groups'.
type SystemLesion struct {
	Group   string  `json:"group"`
	Edges   int     `json:"edges"`
	Removed int     `json:"removed"`
	EV      float64 `json:"explained_variance"`
}

// systemRank orders systems for removal: spinal first, then brainstem, then brain (and untagged).
func systemRank(sys string) int {
	switch sys {
	case spinalSystem:
		return 0
	case "brainstem":
		return 1
	}
	return 2
}

// systemGroups groups the weighted edges (positions in the connectivity vector over the regions)
// by the systems of their two regions, in removal order: groups touching the spinal cord first
// (spinal-spinal, then spinal with brainstem, then with brain), then brainstem, then brain; it
// returns nil when the features are not the regions' edges or a region has no system tag.
func systemGroups(regions []Region, edges []int) (names []string, members [][]int) {
	if len(regions) < 2 || len(edges) == 0 {
		return nil, nil
	}
	all := connectome.Edges(len(regions), true)
	key := map[string]int{}
	type g struct {
		name   string
		r1, r2 int
	}
	var groups []g
	for c, f := range edges {
		if f >= len(all) {
			return nil, nil
		}
		a, b := regions[all[f].I].System, regions[all[f].J].System
		if a == "" || b == "" {
			return nil, nil
		}
		if systemRank(a) > systemRank(b) {
			a, b = b, a
		}
		name := a + "-" + b
		k, ok := key[name]
		if !ok {
			k = len(groups)
			key[name] = k
			groups = append(groups, g{name, systemRank(a), systemRank(b)})
			members = append(members, nil)
		}
		members[k] = append(members[k], c)
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		gx, gy := groups[order[x]], groups[order[y]]
		if gx.r1 != gy.r1 {
			return gx.r1 < gy.r1
		}
		return gx.r2 < gy.r2
	})
	outNames, outMembers := make([]string, len(order)), make([][]int, len(order))
	for i, k := range order {
		outNames[i], outMembers[i] = groups[k].name, members[k]
	}
	return outNames, outMembers
}

// VirtualLesions dissects the signature on a cohort whose outcome is prepared as Evaluate prepares
// it (standardize: none, training or within). Random removal order r is drawn from PCG(seed, r).
func VirtualLesions(s *Signature, x learn.Matrix, y []float64, standardize string, repeats int, seed uint64) (*LesionResult, error) {
	if err := s.RequireWeights(); err != nil {
		return nil, err
	}
	e, err := Evaluate(s, x, y, EvalOptions{Standardize: standardize})
	if err != nil {
		return nil, err
	}
	out := e.Outcome
	n := len(out)
	// Each weighted edge's contribution to every prediction: w_c·(x − centre)/scale.
	var edges []int
	var weights []float64
	var contrib [][]float64
	for c, f := range s.Selected {
		w := s.Weights[c]
		if w == 0 {
			continue
		}
		col := make([]float64, n)
		for i := 0; i < n; i++ {
			v := x.Data[i*x.Cols+f]
			if s.Center != nil {
				v = (v - s.Center[f]) / s.Scale[f]
			}
			col[i] = w * v
		}
		edges, weights, contrib = append(edges, f), append(weights, w), append(contrib, col)
	}
	if len(edges) == 0 {
		return nil, fmt.Errorf("signature %q has no weighted edge to lesion", s.Name)
	}
	ev := func(pred []float64) float64 {
		resid := make([]float64, n)
		for i := range resid {
			resid[i] = out[i] - pred[i]
		}
		return 1 - variance(resid)/variance(out)
	}
	without := func(pred []float64, c int) []float64 {
		p := append([]float64(nil), pred...)
		for i := range p {
			p[i] -= contrib[c][i]
		}
		return p
	}
	r := &LesionResult{Full: ev(e.Predictions), Edges: edges, Drop: make([]float64, len(edges)), Repeats: repeats}
	for c := range edges {
		r.Drop[c] = r.Full - ev(without(e.Predictions, c))
	}
	removal := func(order []int) []float64 {
		curve := []float64{r.Full}
		pred := e.Predictions
		for _, c := range order {
			pred = without(pred, c)
			curve = append(curve, ev(pred))
		}
		return curve
	}
	byWeight := make([]int, len(edges))
	for i := range byWeight {
		byWeight[i] = i
	}
	sort.SliceStable(byWeight, func(a, b int) bool {
		return math.Abs(weights[byWeight[a]]) > math.Abs(weights[byWeight[b]])
	})
	r.ByWeight = removal(byWeight)
	if names, members := systemGroups(s.Regions, edges); names != nil {
		pred, removed := e.Predictions, 0
		for i, m := range members {
			for _, c := range m {
				pred = without(pred, c)
			}
			removed += len(m)
			r.BySystem = append(r.BySystem, SystemLesion{Group: names[i], Edges: len(m), Removed: removed, EV: ev(pred)})
		}
	}
	if repeats > 0 {
		curves := make([][]float64, repeats)
		parallel.For(repeats, func(k int) {
			order := stats.Permutation(seed, uint64(k+1), len(edges))
			curves[k] = removal(order)
		})
		r.RandomMean, r.RandomSD = make([]float64, len(edges)+1), make([]float64, len(edges)+1)
		for step := range r.RandomMean {
			col := make([]float64, repeats)
			for k := range curves {
				col[k] = curves[k][step]
			}
			r.RandomMean[step], r.RandomSD[step] = stats.MeanSD(col)
		}
	}
	return r, nil
}
