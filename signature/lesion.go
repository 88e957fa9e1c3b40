package signature

import (
	"fmt"
	"math"
	"sort"

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
