package nulls

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/freesurfer"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

// fsaverage5Dense writes two dscalars of the cortex of fsaverage5 (ENIGMA's spheres and DK
// annotations in ../shared/data/enigma: every vertex but "unknown" and "corpuscallosum", the
// medial wall) holding smooth random maps (random linear and quadratic functions of the sphere
// position plus noise), and returns their paths, the sphere files and the vertices they hold.
func fsaverage5Dense(t *testing.T, dir string, seed uint64) (paths [2]string, spheres []string, verts [2][]int) {
	t.Helper()
	var models []cifti.BrainModel
	var pos [][3]float64
	offset := 0
	for h, side := range []string{"lh", "rh"} {
		sphere := fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_"+side+".gii")
		spheres = append(spheres, sphere)
		mesh, err := atlas.ReadMesh(sphere)
		if err != nil {
			t.Fatal(err)
		}
		a, err := freesurfer.ReadAnnotation(fixtures.Shared(t, "enigma", "annot", "fsa5_"+side+"_aparc.annot"))
		if err != nil {
			t.Fatal(err)
		}
		for v, l := range a.Labels {
			if l >= 0 && a.Table[l].Name != "unknown" && a.Table[l].Name != "corpuscallosum" {
				verts[h] = append(verts[h], v)
				c := mesh.Vertices[v]
				r := math.Sqrt(c[0]*c[0] + c[1]*c[1] + c[2]*c[2])
				pos = append(pos, [3]float64{c[0] / r, c[1] / r, c[2] / r})
			}
		}
		models = append(models, cifti.BrainModel{Structure: []string{"CIFTI_STRUCTURE_CORTEX_LEFT", "CIFTI_STRUCTURE_CORTEX_RIGHT"}[h], Type: cifti.SurfaceModel,
			Offset: offset, Count: len(verts[h]), SurfaceVertices: len(mesh.Vertices), Vertices: verts[h]})
		offset += len(verts[h])
	}
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: offset, Models: models}
	rng := rand.New(rand.NewPCG(seed, 1))
	for k, name := range []string{"x", "y"} {
		var c [6]float64
		for i := range c {
			c[i] = rng.NormFloat64()
		}
		m := make([]float64, offset)
		for i, p := range pos {
			m[i] = c[0]*p[0] + c[1]*p[1] + c[2]*p[2] + c[3]*p[0]*p[1] + c[4]*p[1]*p[2] + c[5]*p[2]*p[2] + 0.3*rng.NormFloat64()
		}
		paths[k] = filepath.Join(dir, name+".dscalar.nii")
		if err := cifti.Write(paths[k], [2]*cifti.Axis{{Type: cifti.Scalars, Len: 1, Maps: []cifti.NamedMap{{Name: name}}}, bm}, m); err != nil {
			t.Fatal(err)
		}
	}
	return paths, spheres, verts
}

// TestLiveDenseSpinNeuromaps: the vertex spin's null maps of a dense fsaverage5 map equal
// neuromaps' alexander_bloch on vertex data (numpy/scipy transcription, the same rotations),
// medial-wall sources empty in both.
func TestLiveDenseSpinNeuromaps(t *testing.T) {
	paths, spheres, verts := fsaverage5Dense(t, t.TempDir(), 4)
	s, maps, err := DenseSurfaceMaps(paths[0], paths[1], spheres)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Vertices[0]) != len(verts[0]) || len(s.Vertices[1]) != len(verts[1]) {
		t.Fatalf("read %d + %d vertices, wrote %d + %d", len(s.Vertices[0]), len(s.Vertices[1]), len(verts[0]), len(verts[1]))
	}
	const n, seed = 5, 9
	spinner := newDenseSpinner(s, seed)
	var rots [][2][3][3]float64
	for k := 0; k < n; k++ {
		r := stats.DrawRotation(seed, uint64(k))
		rots = append(rots, [2][3][3]float64{r.TL, r.TR})
	}
	var want struct{ Nulls [][]*float64 }
	fixtures.RunPython(t, filepath.Join("testdata", "neuromaps_vertex_spin.py"), map[string]any{
		"left": s.Spheres[0], "right": s.Spheres[1], "vertices_left": s.Vertices[0], "vertices_right": s.Vertices[1],
		"rotations": rots, "x": maps[0]}, &want)
	empty := 0
	for k := 0; k < n; k++ {
		got := apply(maps[0], spinner.sources(k))
		for i, v := range got {
			w := want.Nulls[k][i]
			if (w == nil) != math.IsNaN(v) || (w != nil && *w != v) {
				t.Fatalf("rotation %d vertex %d: %v, neuromaps %v", k, i, v, w)
			}
			if w == nil {
				empty++
			}
		}
	}
	t.Logf("%d rotations of %d + %d vertices equal neuromaps' (%.1f%% of null values from the medial wall, empty)", n, len(verts[0]), len(verts[1]), 100*float64(empty)/float64(n*len(maps[0])))
}

// TestDenseSpinStreamed: the streamed test gives exactly the p-values and null correlations of
// SurrogateTest on the same null maps held in memory, for any number of workers; the result does
// not depend on the draws' order; refusals name the file.
func TestDenseSpinStreamed(t *testing.T) {
	dir := t.TempDir()
	paths, spheres, _ := fsaverage5Dense(t, dir, 7)
	s, maps, err := DenseSurfaceMaps(paths[0], paths[1], spheres)
	if err != nil {
		t.Fatal(err)
	}
	o := TestOptions{Kind: "spearman", Draws: 24, Seed: 3, XName: "x", YName: "y"}
	res, err := DenseSpinTest(maps[0], maps[1], s, o)
	if err != nil {
		t.Fatal(err)
	}
	spinner := newDenseSpinner(s, o.Seed)
	var nx, ny [][]float64
	for k := 0; k < o.Draws; k++ {
		src := spinner.sources(k)
		nx, ny = append(nx, apply(maps[0], src)), append(ny, apply(maps[1], src))
	}
	held, err := stats.SurrogateTest(maps[0], maps[1], nx, ny, "spearman")
	if err != nil {
		t.Fatal(err)
	}
	if res.Rho != held.Rho || res.P != held.P || res.PNeuromaps != held.PNeuromaps || res.PNonparp != held.PNonparp {
		t.Errorf("streamed rho %v p %v %v %v, held %v p %v %v %v", res.Rho, res.P, res.PNeuromaps, res.PNonparp, held.Rho, held.P, held.PNeuromaps, held.PNonparp)
	}
	for k := range held.NullXY {
		if res.NullXY[k] != held.NullXY[k] || res.NullYX[k] != held.NullYX[k] {
			t.Fatalf("draw %d: streamed %v %v, held %v %v", k, res.NullXY[k], res.NullYX[k], held.NullXY[k], held.NullYX[k])
		}
	}
	// With the null dropped (spin --save-null=false): the same numbers, no null kept.
	o.DropNull = true
	dropped, err := DenseSpinTest(maps[0], maps[1], s, o)
	if err != nil {
		t.Fatal(err)
	}
	if dropped.NullXY != nil || dropped.NullYX != nil || dropped.Rho != held.Rho || dropped.P != held.P || dropped.PXY != held.PXY ||
		dropped.PYX != held.PYX || dropped.PNeuromaps != held.PNeuromaps || dropped.PNonparp != held.PNonparp || dropped.HeadlineP() != res.HeadlineP() {
		t.Errorf("dropped null: %+v, held %+v", dropped, held)
	}
	t.Logf("rho %.3f, spin p %.3f (neuromaps) over %d vertices, %d rotations", res.Rho, res.PNeuromaps, len(maps[0]), o.Draws)
	// Refusals: no spheres, a file that is not a sphere, a draw count past the budget.
	if _, _, err := DenseSurfaceMaps(paths[0], paths[1], nil); err == nil || !strings.Contains(err.Error(), "--spheres") {
		t.Errorf("no spheres: %v", err)
	}
	if _, _, err := DenseSurfaceMaps(paths[0], paths[1], []string{spheres[0], filepath.Join(dir, "x.dscalar.nii")}); err == nil || !strings.Contains(err.Error(), "x.dscalar.nii") {
		t.Errorf("a dscalar given as the right sphere: %v", err)
	}
	o.Draws = 2_000_000_000
	if _, err := DenseSpinTest(maps[0], maps[1], s, o); err == nil || !strings.Contains(err.Error(), "budget") {
		t.Errorf("2e9 draws: %v", err)
	}
}
