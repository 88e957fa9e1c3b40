package target

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/internal/kdtree"
)

// Target is one candidate stimulation site: a cluster of brainordinates of the target network in
// the search space, its size, its mean and peak score, and the point to aim at (the cluster's
// brainordinate nearest the score-weighted centroid, so the target always lies in the cluster, or
// its peak).
type Target struct {
	Rank  int        `json:"rank"`
	Index int        `json:"index"` // brainordinate of the target point
	MM    [3]float64 `json:"mm"`    // its position in the data's space (mm)
	// TemplateMM is the position in a template space, when a native-to-template affine is given.
	TemplateMM *[3]float64 `json:"template_mm,omitempty"`
	Voxel      *[3]int     `json:"voxel,omitempty"`
	Centroid   [3]float64  `json:"centroid_mm"`
	Size       int         `json:"size"`
	MeanScore  float64     `json:"mean_score"`
	PeakScore  float64     `json:"peak_score"`
	Members    []int       `json:"-"`
	// Tolerability: the scalp site nearest the target (when scalp positions are given) and its
	// mean ratings; Weighted is the score after the tolerability weighting.
	ScalpSite  string  `json:"scalp_site,omitempty"`
	Pain       Number  `json:"pain"`      // NaN (null) without a rating
	Annoyance  Number  `json:"annoyance"` //
	Weighted   float64 `json:"weighted_score"`
	ScalpDist  float64 `json:"scalp_distance_mm,omitempty"`
	Candidates int     `json:"-"`
}

// SelectOptions say where and how to look for targets.
type SelectOptions struct {
	// In marks the brainordinates that may be targeted: the search space and the target network
	// (e.g. the lateral prefrontal mask and the brainordinates assigned to the AMN).
	In []bool
	// Avoid marks brainordinates that must not be near a target (other networks); brainordinates
	// within AvoidMargin mm of one are taken out of the search.
	Avoid       []bool
	AvoidMargin float64
	// Score ranks the clusters by their mean (e.g. the similarity to the target network, or a seed
	// map's z); NaN scores and scores below MinScore are not targetable (a winner-take-all map
	// assigns noise too: the threshold keeps the network's cores apart).
	Score    []float64
	MinScore float64
	// Neighbour is the distance (mm) within which two brainordinates belong to one cluster: 1.01 x
	// the voxel diagonal joins voxels by faces, edges and corners (26-connectivity).
	Neighbour  float64
	MinSize    int
	MaxTargets int
	// Peak aims at each cluster's highest-scoring brainordinate instead of the one nearest its
	// score-weighted centroid.
	Peak         bool
	Tolerability *Tolerability
}

// SelectTargets finds the clusters of targetable brainordinates and ranks them by mean score
// (weighted by tolerability when given), best first.
func SelectTargets(d *Dataset, o SelectOptions) ([]Target, error) {
	N := d.Len()
	if len(o.In) != N || len(o.Score) != N || (o.Avoid != nil && len(o.Avoid) != N) {
		return nil, fmt.Errorf("target selection: masks and scores must cover the %d brainordinates", N)
	}
	if !(o.Neighbour > 0) {
		return nil, fmt.Errorf("target selection: a neighbour distance is needed (mm)")
	}
	ok := make([]bool, N)
	var pts [][3]float64
	var idx []int
	noCoords := 0
	for i := 0; i < N; i++ {
		c := d.Coords[i]
		if o.In[i] && !math.IsNaN(o.Score[i]) && o.Score[i] >= o.MinScore {
			if math.IsNaN(c[0]) {
				noCoords++
				continue
			}
			ok[i] = true
		}
	}
	if noCoords > 0 {
		return nil, fmt.Errorf("target selection: %d targetable surface vertices of %s have no position: give the surfaces (midthickness) of the CIFTI file's cortex", noCoords, d.Source)
	}
	if o.Avoid != nil && o.AvoidMargin >= 0 {
		var avoid [][3]float64
		for i, a := range o.Avoid {
			if a && !math.IsNaN(d.Coords[i][0]) {
				avoid = append(avoid, d.Coords[i])
			}
		}
		if len(avoid) > 0 {
			tree := kdtree.New(avoid)
			for i := range ok {
				if ok[i] {
					if _, d2 := tree.Nearest(d.Coords[i]); math.Sqrt(d2) <= o.AvoidMargin {
						ok[i] = false
					}
				}
			}
		}
	}
	for i, v := range ok {
		if v {
			pts = append(pts, d.Coords[i])
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("target selection: no brainordinate is in the search space, in the target network and away from the networks to avoid")
	}
	// Connected components by the neighbour distance (a grid of cells of that size).
	cell := o.Neighbour
	key := func(p [3]float64) [3]int {
		return [3]int{int(math.Floor(p[0] / cell)), int(math.Floor(p[1] / cell)), int(math.Floor(p[2] / cell))}
	}
	grid := map[[3]int][]int{}
	for k, p := range pts {
		grid[key(p)] = append(grid[key(p)], k)
	}
	comp := make([]int, len(pts))
	for k := range comp {
		comp[k] = -1
	}
	var clusters [][]int
	for start := range pts {
		if comp[start] >= 0 {
			continue
		}
		c := len(clusters)
		comp[start] = c
		queue := []int{start}
		var members []int
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			members = append(members, k)
			kk := key(pts[k])
			for dx := -1; dx <= 1; dx++ {
				for dy := -1; dy <= 1; dy++ {
					for dz := -1; dz <= 1; dz++ {
						for _, m := range grid[[3]int{kk[0] + dx, kk[1] + dy, kk[2] + dz}] {
							if comp[m] >= 0 {
								continue
							}
							p, q := pts[k], pts[m]
							if (p[0]-q[0])*(p[0]-q[0])+(p[1]-q[1])*(p[1]-q[1])+(p[2]-q[2])*(p[2]-q[2]) <= cell*cell {
								comp[m] = c
								queue = append(queue, m)
							}
						}
					}
				}
			}
		}
		clusters = append(clusters, members)
	}
	var out []Target
	for _, members := range clusters {
		if len(members) < max(o.MinSize, 1) {
			continue
		}
		t := Target{Size: len(members), PeakScore: math.Inf(-1)}
		var wsum float64
		minScore := math.Inf(1)
		for _, k := range members {
			minScore = math.Min(minScore, o.Score[idx[k]])
		}
		for _, k := range members {
			i := idx[k]
			s := o.Score[i]
			t.Members = append(t.Members, i)
			t.MeanScore += s / float64(len(members))
			t.PeakScore = math.Max(t.PeakScore, s)
			w := s - minScore + 1e-12 // weights relative to the cluster's lowest score
			for a := 0; a < 3; a++ {
				t.Centroid[a] += w * pts[k][a]
			}
			wsum += w
		}
		for a := 0; a < 3; a++ {
			t.Centroid[a] /= wsum
		}
		best := math.Inf(1)
		for _, k := range members {
			p := pts[k]
			dd := (p[0]-t.Centroid[0])*(p[0]-t.Centroid[0]) + (p[1]-t.Centroid[1])*(p[1]-t.Centroid[1]) + (p[2]-t.Centroid[2])*(p[2]-t.Centroid[2])
			if o.Peak {
				dd = -o.Score[idx[k]]
			}
			if dd < best {
				best, t.Index = dd, idx[k]
			}
		}
		t.MM = d.Coords[t.Index]
		if d.Voxels != nil {
			v := d.Voxels[t.Index]
			t.Voxel = &v
		} else if d.Models != nil {
			for _, m := range d.Models.Models {
				if t.Index >= m.Offset && t.Index < m.Offset+m.Count && m.Voxels != nil {
					v := m.Voxels[t.Index-m.Offset]
					t.Voxel = &v
				}
			}
		}
		t.Weighted = t.MeanScore
		t.Pain, t.Annoyance = Number(math.NaN()), Number(math.NaN())
		if o.Tolerability != nil {
			o.Tolerability.apply(&t)
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("target selection: no cluster of at least %d brainordinates", o.MinSize)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Weighted > out[b].Weighted })
	if o.MaxTargets > 0 && len(out) > o.MaxTargets {
		out = out[:o.MaxTargets]
	}
	for k := range out {
		out[k].Rank = k + 1
	}
	return out, nil
}
