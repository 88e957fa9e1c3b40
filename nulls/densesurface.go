package nulls

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/kdtree"
	"github.com/painmark/painmark/stats"
)

// The vertex-level spin test of dense cortical maps (Alexander-Bloch et al. 2018, as neuromaps'
// alexander_bloch on vertex data): both hemispheres' sphere meshes are rotated (the rotations of
// stats.DrawRotation, the right hemisphere mirrored, as every painmark spin), every vertex takes
// the value of the rotated vertex nearest it (neuromaps' gen_spinsamples method "original":
// cKDTree(coords @ rot).query(coords)), and a vertex whose source is outside the map (the medial
// wall, absent from a dscalar's brain models) is empty (NaN) in that null map; correlations use
// the vertices where both maps have a value. Draw k is made from (seed, k) alone when it is
// needed and dropped once correlated, so memory holds the two maps and 2 x draws correlations,
// not draws x vertices. Unlike the parcel spins, draws are not screened for duplicates: with
// thousands of vertices two rotations never give the same matching.

// DenseSurface is where a dense cortical map's brainordinates lie: each hemisphere's sphere mesh
// (every vertex of the surface) and, in the map's order (left then right), the sphere vertex of
// each brainordinate.
type DenseSurface struct {
	Spheres  [2][][3]float64
	Vertices [2][]int
}

// denseSpin is the vertex-level spin's name and description in results and reports; it is not a
// registry model (it needs a dense map, not regions).
type denseSpin struct{}

// DenseSpinName is the --null name of the vertex-level spin of dense surface maps.
const DenseSpinName = "alexander-bloch"

func (denseSpin) Name() string { return DenseSpinName }
func (denseSpin) Description() string {
	return "Alexander-Bloch vertex spin (nearest rotated vertex, medial wall empty)"
}
func (denseSpin) Needs() Need { return NeedsSurface }
func (denseSpin) Draw(*Space, int, uint64) (Null, error) {
	return nil, fmt.Errorf("%s spins the vertices of dense surface maps (two .dscalar.nii of cortical vertices with --spheres), not regions", DenseSpinName)
}

// IsSurfaceDscalar says whether a CIFTI-2 file's brain models include surface vertices (a dense
// cortical map for DenseSurfaceMaps rather than a volumetric one for VolumeMaps).
func IsSurfaceDscalar(path string) (bool, error) {
	f, err := cifti.Open(path)
	if err != nil {
		return false, err
	}
	for _, m := range f.Axes[1].Models {
		if m.Type == cifti.SurfaceModel {
			return true, nil
		}
	}
	return false, nil
}

// DenseSurfaceMaps reads the first map of two CIFTI-2 dscalars of cortical vertices
// (CIFTI_STRUCTURE_CORTEX_LEFT and/or _RIGHT only, the same brain models in both) and the left and
// right sphere meshes (FreeSurfer ?h.sphere or GIFTI) their vertices index, checking that each
// sphere has the surface's number of vertices. Voxel structures are refused (separate them with
// wb_command -cifti-separate and test them with the volumetric nulls).
func DenseSurfaceMaps(xPath, yPath string, spheres []string) (*DenseSurface, [2][]float64, error) {
	var out [2][]float64
	if len(spheres) != 2 {
		return nil, out, fmt.Errorf("%s: a dense surface map's spin needs the left and right sphere meshes (--spheres LEFT,RIGHT)", xPath)
	}
	ds := &DenseSurface{}
	var first []cifti.BrainModel
	for k, p := range []string{xPath, yPath} {
		f, err := cifti.Open(p)
		if err != nil {
			return nil, out, err
		}
		bm := f.Axes[1]
		if f.Axes[0].Type != cifti.Scalars || bm.Type != cifti.BrainModels {
			return nil, out, fmt.Errorf("%s: not a dscalar (rows %s, columns %s)", p, f.Axes[0].Type, bm.Type)
		}
		for _, m := range bm.Models {
			if m.Type != cifti.SurfaceModel || hemisphereOf(m.Structure) < 0 {
				return nil, out, fmt.Errorf("%s: %s is not a cortical surface: the vertex spin takes CORTEX_LEFT and CORTEX_RIGHT vertices only (separate the rest with wb_command -cifti-separate)", p, m.Structure)
			}
		}
		if k == 0 {
			first = bm.Models
		} else if !sameSurfaceModels(first, bm.Models) {
			return nil, out, fmt.Errorf("%s: its brain models differ from %s's", p, xPath)
		}
		m, err := f.Matrix()
		if err != nil {
			return nil, out, err
		}
		out[k] = m[:f.Cols()]
		for i, v := range out[k] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, out, fmt.Errorf("%s: brainordinate %d has no finite value", p, i)
			}
		}
	}
	seen := [2]bool{}
	for _, m := range first {
		h := hemisphereOf(m.Structure)
		if seen[h] {
			return nil, out, fmt.Errorf("%s: %s is listed twice", xPath, m.Structure)
		}
		seen[h] = true
		if ds.Spheres[h] == nil {
			mesh, err := atlas.ReadMesh(spheres[h])
			if err != nil {
				return nil, out, err
			}
			ds.Spheres[h] = mesh.Vertices
		}
		if len(ds.Spheres[h]) != m.SurfaceVertices {
			return nil, out, fmt.Errorf("%s has %d vertices but %s's %s surface has %d: not the map's mesh", spheres[h], len(ds.Spheres[h]), xPath, m.Structure, m.SurfaceVertices)
		}
		ds.Vertices[h] = append(ds.Vertices[h], m.Vertices...)
	}
	if len(ds.Vertices[0])+len(ds.Vertices[1]) < 4 {
		return nil, out, fmt.Errorf("%s: %d vertices, need at least 4", xPath, len(ds.Vertices[0])+len(ds.Vertices[1]))
	}
	// The map's order is its models' order; DenseSurface lists left then right.
	if len(first) == 2 && hemisphereOf(first[0].Structure) == 1 {
		n := first[0].Count
		for k := range out {
			out[k] = append(append([]float64{}, out[k][n:]...), out[k][:n]...)
		}
	}
	return ds, out, nil
}

// hemisphereOf is 0 for the left cortex, 1 for the right, -1 for any other structure.
func hemisphereOf(structure string) int {
	switch strings.TrimPrefix(structure, "CIFTI_STRUCTURE_") {
	case "CORTEX_LEFT":
		return 0
	case "CORTEX_RIGHT":
		return 1
	}
	return -1
}

// sameSurfaceModels says whether two dscalars hold the same surface structures and vertices.
func sameSurfaceModels(a, b []cifti.BrainModel) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k].Structure != b[k].Structure || a[k].SurfaceVertices != b[k].SurfaceVertices || len(a[k].Vertices) != len(b[k].Vertices) {
			return false
		}
		for i := range a[k].Vertices {
			if a[k].Vertices[i] != b[k].Vertices[i] {
				return false
			}
		}
	}
	return true
}

// denseSpinner makes draw k's null maps of the dense surface.
type denseSpinner struct {
	s     *DenseSurface
	trees [2]*kdtree.Tree
	// slot[v] is the brainordinate of sphere vertex v of each hemisphere, -1 outside the map.
	slot [2][]int
	seed uint64
}

func newDenseSpinner(s *DenseSurface, seed uint64) *denseSpinner {
	d := &denseSpinner{s: s, seed: seed}
	offset := 0
	for h := range 2 {
		if len(s.Vertices[h]) == 0 {
			continue
		}
		d.trees[h] = kdtree.New(s.Spheres[h])
		d.slot[h] = make([]int, len(s.Spheres[h]))
		for v := range d.slot[h] {
			d.slot[h][v] = -1
		}
		for i, v := range s.Vertices[h] {
			d.slot[h][v] = offset + i
		}
		offset += len(s.Vertices[h])
	}
	return d
}

// sources returns, for draw k, the brainordinate each brainordinate takes its value from (-1:
// none, its rotated source is outside the map).
func (d *denseSpinner) sources(k int) []int {
	rot := stats.DrawRotation(d.seed, uint64(k))
	var src []int
	for h, t := range [2][3][3]float64{rot.TL, rot.TR} {
		if d.trees[h] == nil {
			continue
		}
		verts := d.s.Vertices[h]
		coords := make([][3]float64, len(verts))
		for i, v := range verts {
			coords[i] = d.s.Spheres[h][v]
		}
		from := make([]int, len(coords))
		stats.VertexSpin(d.trees[h], coords, t, from)
		for _, j := range from {
			src = append(src, d.slot[h][j])
		}
	}
	return src
}

// apply is the null map of values under the sources.
func apply(values []float64, src []int) []float64 {
	out := make([]float64, len(src))
	for i, j := range src {
		if j < 0 {
			out[i] = math.NaN()
		} else {
			out[i] = values[j]
		}
	}
	return out
}

// DenseSpinTest is the vertex-level spin test of two dense cortical maps (values in
// DenseSurface's order): x's null maps against y and y's against x under the same rotations, with
// perm_sphere_p's p-values and the other conventions (TestResult); the null maps are streamed.
func DenseSpinTest(x, y []float64, s *DenseSurface, opts TestOptions) (*TestResult, error) {
	n := len(s.Vertices[0]) + len(s.Vertices[1])
	if len(x) != n || len(y) != n {
		return nil, fmt.Errorf("maps of %d and %d values over %d vertices", len(x), len(y), n)
	}
	if opts.Draws < 1 {
		return nil, fmt.Errorf("need at least one rotation, got %d", opts.Draws)
	}
	// Only the null correlations are kept: 16 bytes a draw.
	if err := budget.Check("spin draws", int64(opts.Draws), 16); err != nil {
		return nil, err
	}
	spinner := newDenseSpinner(s, opts.Seed)
	var mu sync.Mutex
	pending := map[int][]int{} // draw k's sources, made for its first null map, taken by the second
	sources := func(k int) []int {
		mu.Lock()
		src, ok := pending[k]
		delete(pending, k)
		mu.Unlock()
		if ok {
			return src
		}
		src = spinner.sources(k)
		mu.Lock()
		pending[k] = src
		mu.Unlock()
		return src
	}
	t, err := stats.StreamedSpinTest(x, y, opts.Draws, opts.Kind, func(k int) []float64 { return apply(x, sources(k)) },
		func(k int) []float64 { return apply(y, sources(k)) }, !opts.DropNull)
	if err != nil {
		return nil, err
	}
	regions := make([]string, n)
	for i := range regions {
		regions[i] = fmt.Sprint(i + 1)
	}
	res := &TestResult{Kind: opts.Kind, Method: DenseSpinName, N: opts.Draws, Seed: opts.Seed, X: opts.XName, Y: opts.YName,
		Regions: regions, XValues: x, YValues: y, model: denseSpin{}, draws: opts.Draws}
	res.Rho, res.P, res.PXY, res.PYX, res.PNeuromaps, res.PNonparp = t.Rho, t.P, t.PXY, t.PYX, t.PNeuromaps, t.PNonparp
	res.NullXY, res.NullYX = t.NullXY, t.NullYX
	return res, nil
}
