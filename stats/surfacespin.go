package stats

import (
	"fmt"
	"hash/fnv"
	"math"
	"sort"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/kdtree"
)

// Vertex-level spin nulls for parcellated maps, as neuromaps defines them (Markello & Misic
// 2021): the sphere mesh's vertices are rotated (the same rotations as SpinPermutations, the right
// hemisphere mirrored), every original vertex takes the nearest rotated vertex (neuromaps'
// gen_spinsamples method "original": cKDTree(coords @ rot).query(coords)), and the parcels are
// rebuilt from the rotated vertices:
//   - Baum et al. (2020): each parcel takes the value of the parcel most of its rotated vertices
//     come from (the mode of their labels, medial wall left out; ties to the earlier parcel, as
//     scipy.stats.mode takes the smallest label; none: no value);
//   - Cornblath et al. (2020): the parcel values are painted on the vertices (medial wall empty),
//     rotated, and averaged again over each parcel's vertices, ignoring empty ones.

// SphereParcellation is a parcellation on the vertices of both hemispheres' sphere meshes
// (e.g. FreeSurfer's ?h.sphere with ?h.aparc.annot): the vertices' sphere coordinates and, per
// vertex, its parcel's index in [0, Parcels) or -1 for the medial wall and unlabelled vertices.
type SphereParcellation struct {
	Left, Right             [][3]float64
	LabelsLeft, LabelsRight []int
	Parcels                 int
}

func (p *SphereParcellation) check() error {
	if len(p.Left) != len(p.LabelsLeft) || len(p.Right) != len(p.LabelsRight) {
		return fmt.Errorf("sphere parcellation: %d and %d vertices but %d and %d labels", len(p.Left), len(p.Right), len(p.LabelsLeft), len(p.LabelsRight))
	}
	if len(p.Left) < 3 || len(p.Right) < 3 {
		return fmt.Errorf("sphere parcellation: %d and %d vertices, need at least 3 per hemisphere", len(p.Left), len(p.Right))
	}
	if p.Parcels < 3 {
		return fmt.Errorf("sphere parcellation: %d parcels, need at least 3", p.Parcels)
	}
	seen := make([]bool, p.Parcels)
	for _, h := range []struct {
		c [][3]float64
		l []int
	}{{p.Left, p.LabelsLeft}, {p.Right, p.LabelsRight}} {
		for i, l := range h.l {
			if l < -1 || l >= p.Parcels {
				return fmt.Errorf("sphere parcellation: vertex %d has parcel %d of %d", i, l, p.Parcels)
			}
			if l >= 0 {
				seen[l] = true
			}
			for _, v := range h.c[i] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("sphere parcellation: vertex %d has a non-finite coordinate %v", i, h.c[i])
				}
			}
		}
	}
	for i, s := range seen {
		if !s {
			return fmt.Errorf("sphere parcellation: parcel %d has no vertex", i)
		}
	}
	return nil
}

// ParcelCount is a number of vertices coming from one parcel.
type ParcelCount struct{ Parcel, Vertices int }

// SurfaceSpin is one rotation's reassignment through the vertices: Sources[i] lists the parcels
// the vertices of parcel i take their values from after the rotation, with vertex counts (by
// parcel index; vertices whose rotated source is medial wall are not counted).
type SurfaceSpin struct {
	Sources [][]ParcelCount
}

// Baum is Baum et al.'s null map of y: each parcel takes y of the parcel most of its vertices
// come from (ties: the smaller parcel index); NaN where none.
func (s SurfaceSpin) Baum(y []float64) []float64 {
	out := make([]float64, len(s.Sources))
	for i, src := range s.Sources {
		best := -1
		for k, c := range src { // sorted by parcel: the first maximum is the smallest index
			if best < 0 || c.Vertices > src[best].Vertices {
				best = k
			}
		}
		if best < 0 {
			out[i] = math.NaN()
			continue
		}
		out[i] = y[src[best].Parcel]
	}
	return out
}

// Cornblath is Cornblath et al.'s null map of y: the mean over each parcel's vertices of the
// values they take after the rotation, vertices with a NaN value left out; NaN where none.
func (s SurfaceSpin) Cornblath(y []float64) []float64 {
	out := make([]float64, len(s.Sources))
	for i, src := range s.Sources {
		var sum, n float64
		for _, c := range src {
			if v := y[c.Parcel]; !math.IsNaN(v) {
				sum += v * float64(c.Vertices)
				n += float64(c.Vertices)
			}
		}
		out[i] = sum / n // 0/0 = NaN where no vertex has a value
	}
	return out
}

// VertexSpin returns, for each original vertex of one hemisphere, the rotated vertex nearest it
// (neuromaps' "original" matching), with the tree built on the unrotated vertices: the rotated
// vertex j nearest c_i minimises ‖c_i − c_j·T‖ = ‖c_i·Tᵀ − c_j‖, so one tree serves every rotation.
func VertexSpin(tree *kdtree.Tree, coords [][3]float64, t [3][3]float64, out []int) {
	for i, c := range coords {
		var q [3]float64
		for m := 0; m < 3; m++ {
			q[m] = c[0]*t[m][0] + c[1]*t[m][1] + c[2]*t[m][2]
		}
		out[i], _ = tree.Nearest(q)
	}
}

// SurfaceSpins draws n rotations (draw k from PCG(seed, k), as SpinPermutations, so parcel and
// vertex spins of one seed share their rotations) and returns their vertex-level reassignments of
// the parcels, rejecting identity and duplicate vertex matchings as neuromaps does. The set does
// not depend on the number of workers. It is NewSurfaceSpinStream's draws all at once.
func SurfaceSpins(p SphereParcellation, n int, seed uint64) ([]SurfaceSpin, error) {
	s, err := NewSurfaceSpinStream(p, n, seed)
	if err != nil {
		return nil, err
	}
	return s.all()
}

// NewSurfaceSpinStream is SurfaceSpins' null made a block at a time (DrawStream): its Next
// calls give SurfaceSpins' spins in order, holding only the duplicate check's hashes between
// blocks.
func NewSurfaceSpinStream(p SphereParcellation, n int, seed uint64) (*DrawStream[SurfaceSpin], error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	trees := [2]*kdtree.Tree{kdtree.New(p.Left), kdtree.New(p.Right)}
	return newDrawStream(n, 64, "surface spins", func(k uint64) (SurfaceSpin, uint64, bool) {
		rot := DrawRotation(seed, k)
		counts := make([]map[int]int, p.Parcels)
		h := fnv.New64a() // the vertex matching's fingerprint, for duplicates
		identity := true
		var buf [4]byte
		for hemi, side := range []struct {
			c [][3]float64
			l []int
			t [3][3]float64
		}{{p.Left, p.LabelsLeft, rot.TL}, {p.Right, p.LabelsRight, rot.TR}} {
			src := make([]int, len(side.c))
			VertexSpin(trees[hemi], side.c, side.t, src)
			for i, j := range src {
				if i != j {
					identity = false
				}
				buf[0], buf[1], buf[2], buf[3] = byte(j), byte(j>>8), byte(j>>16), byte(j>>24)
				h.Write(buf[:])
				ti, si := side.l[i], side.l[j]
				if ti < 0 || si < 0 {
					continue
				}
				if counts[ti] == nil {
					counts[ti] = map[int]int{}
				}
				counts[ti][si]++
			}
		}
		spin := SurfaceSpin{Sources: make([][]ParcelCount, p.Parcels)}
		for i, c := range counts {
			for parcel, v := range c {
				spin.Sources[i] = append(spin.Sources[i], ParcelCount{parcel, v})
			}
			sort.Slice(spin.Sources[i], func(a, b int) bool { return spin.Sources[i][a].Parcel < spin.Sources[i][b].Parcel })
		}
		return spin, h.Sum64(), identity
	})
}

// VertexSpins is the spin null of dense surface maps (Alexander-Bloch et al. 2018, as neuromaps'
// alexander_bloch null on vertex data: gen_spinsamples with method "original"): n rotations of
// the vertices' sphere positions (draw k from PCG(seed, k), DrawRotation, the right hemisphere's
// rotation mirrored), every original vertex taking the value of the rotated vertex nearest it in
// its hemisphere. Spin s's source[i] is the vertex whose value vertex i takes, indexed left then
// right (right vertex j is len(left)+j); identity and duplicate matchings are rejected as in
// SurfaceSpins. Only the given vertices take part: a map's missing vertices (the medial wall of
// a CIFTI file) neither give nor receive values. It is NewVertexSpinStream's draws all at once.
func VertexSpins(left, right [][3]float64, n int, seed uint64) ([][]int32, error) {
	if err := budget.Check("vertex spins", int64(n), int64(4*(len(left)+len(right))+64)); err != nil {
		return nil, err
	}
	s, err := NewVertexSpinStream(left, right, n, seed)
	if err != nil {
		return nil, err
	}
	return s.all()
}

// NewVertexSpinStream is VertexSpins' null made a block at a time (DrawStream): its Next calls
// give VertexSpins' spins in order, holding only the duplicate check's hashes between blocks.
func NewVertexSpinStream(left, right [][3]float64, n int, seed uint64) (*DrawStream[[]int32], error) {
	if len(left) < 2 || (len(right) == 1) {
		return nil, fmt.Errorf("vertex spins: %d left and %d right vertices (need at least 2 in each hemisphere given)", len(left), len(right))
	}
	if len(left)+len(right) > math.MaxInt32 {
		return nil, fmt.Errorf("vertex spins: %d vertices", len(left)+len(right))
	}
	for _, c := range append(append([][3]float64{}, left...), right...) {
		for _, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("vertex spins: a vertex at %v", c)
			}
		}
	}
	var trees [2]*kdtree.Tree
	trees[0] = kdtree.New(left)
	if len(right) > 0 {
		trees[1] = kdtree.New(right)
	}
	return newDrawStream(n, 64, "vertex spins", func(k uint64) ([]int32, uint64, bool) {
		rot := DrawRotation(seed, k)
		out := make([]int32, 0, len(left)+len(right))
		h := fnv.New64a() // the matching's fingerprint, for duplicates
		identity := true
		var buf [4]byte
		for hemi, side := range []struct {
			c [][3]float64
			t [3][3]float64
		}{{left, rot.TL}, {right, rot.TR}} {
			if len(side.c) == 0 {
				continue
			}
			src := make([]int, len(side.c))
			VertexSpin(trees[hemi], side.c, side.t, src)
			base := hemi * len(left)
			for i, j := range src {
				if i != j {
					identity = false
				}
				buf[0], buf[1], buf[2], buf[3] = byte(j), byte(j>>8), byte(j>>16), byte(j>>24)
				h.Write(buf[:])
				out = append(out, int32(base+j))
			}
		}
		return out, h.Sum64(), identity
	})
}
