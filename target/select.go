package target

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/table"

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
	ScalpSite string  `json:"scalp_site,omitempty"`
	Pain      Number  `json:"pain"`      // NaN (null) without a rating
	Annoyance Number  `json:"annoyance"` //
	Weighted  float64 `json:"weighted_score"`
	ScalpDist float64 `json:"scalp_distance_mm,omitempty"`
	// Population targeting (PlanAtlas): the network's probability at the target point, the chance
	// that the network lies within the hit radius (exact with the people's maps: the share of them
	// whose network lies there; otherwise at least the largest probability there, the maps giving
	// no joint probabilities) and the mean probability in that sphere (the share of it expected on
	// the network).
	Probability    *float64 `json:"probability,omitempty"`
	HitProbability *float64 `json:"hit_probability,omitempty"`
	ExpectedShare  *float64 `json:"expected_share,omitempty"`
	Candidates     int      `json:"-"`
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

// ReadMaps reads maps on the dataset's brainordinates: a NIfTI on its grid (a 4D image:
// one map per volume; a 3D image of integer labels with names: one binary map per label 1..K;
// otherwise the one map) or a CIFTI file with the same brain models (dscalar/dtseries rows, or a
// dlabel's labels as binary maps).
func ReadMaps(d *Dataset, path string, names []string) ([][]float64, []string, error) {
	if strings.HasSuffix(path, ".dscalar.nii") || strings.HasSuffix(path, ".dtseries.nii") || strings.HasSuffix(path, ".dlabel.nii") {
		f, err := cifti.Open(path)
		if err != nil {
			return nil, nil, err
		}
		if d.Models == nil || f.Cols() != d.Len() || f.Axes[1].Type != cifti.BrainModels || len(f.Axes[1].Models) != len(d.Models.Models) {
			return nil, nil, fmt.Errorf("%s: its brainordinates are not the data's (%d columns, data %d)", path, f.Cols(), d.Len())
		}
		for k, m := range f.Axes[1].Models {
			if m.Structure != d.Models.Models[k].Structure || m.Count != d.Models.Models[k].Count {
				return nil, nil, fmt.Errorf("%s: brain model %d is %s (%d), the data's %s (%d)", path, k, m.Structure, m.Count, d.Models.Models[k].Structure, d.Models.Models[k].Count)
			}
		}
		m, err := f.Matrix()
		if err != nil {
			return nil, nil, err
		}
		var maps [][]float64
		var got []string
		if f.Axes[0].Type == cifti.Labels {
			for _, l := range f.Axes[0].Maps[0].Labels {
				if l.Key == 0 {
					continue
				}
				b := make([]float64, f.Cols())
				for i := range b {
					if m[i] == float64(l.Key) {
						b[i] = 1
					}
				}
				maps, got = append(maps, b), append(got, l.Name)
			}
		} else {
			for r := 0; r < f.Rows(); r++ {
				maps = append(maps, m[r*f.Cols():(r+1)*f.Cols()])
				name := fmt.Sprintf("map %d", r+1)
				if r < len(f.Axes[0].Maps) && f.Axes[0].Maps[r].Name != "" {
					name = f.Axes[0].Maps[r].Name
				}
				got = append(got, name)
			}
		}
		if names != nil {
			if len(names) != len(maps) {
				return nil, nil, fmt.Errorf("%s holds %d maps, --names gives %d", path, len(maps), len(names))
			}
			got = names
		}
		return maps, got, nil
	}
	if d.Voxels == nil {
		return nil, nil, fmt.Errorf("%s: a NIfTI map for CIFTI data; give a CIFTI file with the data's brain models", path)
	}
	im, err := nifti.Load(path, nil)
	if err != nil {
		return nil, nil, err
	}
	aff, _, err := im.Header.Affine()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if im.Header.VolumeShape() != d.Shape || aff.MaxAbsDiff(d.Affine) > 1e-3 {
		return nil, nil, fmt.Errorf("%s: grid %v differs from the data's %v: resample it first", path, im.Header.VolumeShape(), d.Shape)
	}
	nvox, nvol := d.Shape[0]*d.Shape[1]*d.Shape[2], im.Header.NumVolumes()
	var maps [][]float64
	for v := 0; v < nvol; v++ {
		m := make([]float64, d.Len())
		for i, vox := range d.Voxels {
			m[i] = im.Data[v*nvox+vox[0]+d.Shape[0]*(vox[1]+d.Shape[1]*vox[2])]
		}
		maps = append(maps, m)
	}
	if nvol == 1 && len(names) > 1 { // a label image: one binary map per label 1..K
		labels := maps[0]
		maps = nil
		for k := range names {
			b := make([]float64, d.Len())
			for i, l := range labels {
				if l == float64(k+1) {
					b[i] = 1
				}
			}
			maps = append(maps, b)
		}
		return maps, names, nil
	}
	if names == nil {
		for v := 0; v < nvol; v++ {
			names = append(names, fmt.Sprintf("map %d", v+1))
		}
	}
	if len(names) != nvol {
		return nil, nil, fmt.Errorf("%s holds %d volumes, --names gives %d", path, nvol, len(names))
	}
	return maps, names, nil
}

// WriteTable writes ranked targets as a table (TSV or CSV by the name).
func WriteTable(path string, ts []Target) error {
	n := len(ts)
	tmpl := func(a int) func(t Target) float64 {
		return func(t Target) float64 {
			if t.TemplateMM == nil {
				return math.NaN()
			}
			return t.TemplateMM[a]
		}
	}
	col := func(name string, f func(t Target) float64) *table.Column {
		v := make([]float64, n)
		for i, t := range ts {
			v[i] = f(t)
		}
		return table.NumericColumn(name, v)
	}
	vox := func(a int) func(t Target) float64 {
		return func(t Target) float64 {
			if t.Voxel == nil {
				return math.NaN()
			}
			return float64(t.Voxel[a])
		}
	}
	sites := make([]string, n)
	for i, t := range ts {
		sites[i] = t.ScalpSite
	}
	cols := []*table.Column{
		col("rank", func(t Target) float64 { return float64(t.Rank) }),
		col("x_mm", func(t Target) float64 { return t.MM[0] }), col("y_mm", func(t Target) float64 { return t.MM[1] }),
		col("z_mm", func(t Target) float64 { return t.MM[2] }),
		col("i", vox(0)), col("j", vox(1)), col("k", vox(2)),
		col("template_x_mm", tmpl(0)), col("template_y_mm", tmpl(1)), col("template_z_mm", tmpl(2)),
		col("size", func(t Target) float64 { return float64(t.Size) }),
		col("mean_score", func(t Target) float64 { return t.MeanScore }), col("peak_score", func(t Target) float64 { return t.PeakScore }),
		table.TextColumn("scalp_site", sites),
		col("pain", func(t Target) float64 { return float64(t.Pain) }), col("annoyance", func(t Target) float64 { return float64(t.Annoyance) }),
		col("weighted_score", func(t Target) float64 { return t.Weighted }),
	}
	if n > 0 && ts[0].Probability != nil {
		cols = append(cols, col("probability", func(t Target) float64 { return *t.Probability }),
			col("hit_probability", func(t Target) float64 { return *t.HitProbability }), col("expected_share", func(t Target) float64 { return *t.ExpectedShare }))
	}
	return table.Write(path, &table.Table{Columns: cols})
}
