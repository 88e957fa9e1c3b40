package nulls

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

// fsaverage5Subset returns the real fsaverage5 spheres' paths and every step-th vertex of each
// (indices and sphere positions): a small dense surface.
func fsaverage5Subset(t *testing.T, step int) (spheres []string, vertices [2][]int, coords [2][][3]float64) {
	t.Helper()
	for h, side := range []string{"lh", "rh"} {
		p := fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_"+side+".gii")
		m, err := gifti.ReadSurface(p)
		if err != nil {
			t.Fatal(err)
		}
		spheres = append(spheres, p)
		for v := 0; v < len(m.Vertices); v += step {
			vertices[h] = append(vertices[h], v)
			coords[h] = append(coords[h], m.Vertices[v])
		}
	}
	return spheres, vertices, coords
}

// writeSurfaceDscalar writes a dscalar of one map on the given vertices of fsaverage5's two
// cortices (10,242 vertices each).
func writeSurfaceDscalar(t *testing.T, path string, vertices [2][]int, x []float64) {
	t.Helper()
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: len(x), Surfaces: map[string]int{"CIFTI_STRUCTURE_CORTEX_LEFT": 10242, "CIFTI_STRUCTURE_CORTEX_RIGHT": 10242}}
	off := 0
	for h, s := range []string{"CIFTI_STRUCTURE_CORTEX_LEFT", "CIFTI_STRUCTURE_CORTEX_RIGHT"} {
		bm.Models = append(bm.Models, cifti.BrainModel{Structure: s, Type: cifti.SurfaceModel, Offset: off, Count: len(vertices[h]), SurfaceVertices: 10242, Vertices: vertices[h]})
		off += len(vertices[h])
	}
	if err := cifti.Write(path, [2]*cifti.Axis{{Type: cifti.Scalars, Len: 1, Maps: []cifti.NamedMap{{Name: "map"}}}, bm}, x); err != nil {
		t.Fatal(err)
	}
}

// DscalarMaps on two dscalars of fsaverage5 cortical vertices places each vertex on its
// hemisphere's sphere (a dense surface space); without the spheres, with a sphere of another
// surface, or for a model defined on parcels or distances, it says what is missing.
func TestDscalarDenseSurface(t *testing.T) {
	spheres, vertices, coords := fsaverage5Subset(t, 40)
	n := len(coords[0]) + len(coords[1])
	dir := t.TempDir()
	maps, err := stats.SmoothRandomMaps(coords[0], coords[1], 20, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	x, y := filepath.Join(dir, "x.dscalar.nii"), filepath.Join(dir, "y.dscalar.nii")
	writeSurfaceDscalar(t, x, vertices, maps[0])
	writeSurfaceDscalar(t, y, vertices, maps[1])
	if _, _, err := VolumeMaps(x, y, ""); err == nil || !strings.Contains(err.Error(), x) || !strings.Contains(err.Error(), "--spheres") {
		t.Errorf("no spheres: %v", err)
	}
	if _, _, err := DscalarMaps(x, y, []string{spheres[0], filepath.Join(dir, "missing.gii")}); err == nil || !strings.Contains(err.Error(), "missing.gii") {
		t.Errorf("a missing sphere: %v", err)
	}
	s, xy, err := DscalarMaps(x, y, spheres)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Dense || len(s.Left) != len(coords[0]) || len(s.Right) != len(coords[1]) || len(xy[0]) != n {
		t.Fatalf("space of %d+%d vertices (dense %v), %d values; want %d+%d", len(s.Left), len(s.Right), s.Dense, len(xy[0]), len(coords[0]), len(coords[1]))
	}
	for i, c := range append(append([][3]float64{}, coords[0]...), coords[1]...) {
		got := s.Left
		j := i
		if i >= len(coords[0]) {
			got, j = s.Right, i-len(coords[0])
		}
		if got[j] != c || xy[0][i] != float64(float32(maps[0][i])) {
			t.Fatalf("vertex %d at %v (%v), want %v (%v)", i, got[j], xy[0][i], c, maps[0][i])
		}
	}
	for _, name := range []string{"vasa", "baum", "moran", "variogram", "variogram-sampled"} {
		m, _ := Lookup(name)
		if _, err := m.Draw(s, 10, 1); err == nil || !strings.Contains(err.Error(), "alexander-bloch") {
			t.Errorf("%s on a dense surface: %v", name, err)
		}
	}
	m, _ := Lookup("alexander-bloch")
	if _, err := m.Draw(SphereSpace(coords[0][:5], coords[1][:5]), 10, 1); err == nil {
		t.Error("alexander-bloch on parcels accepted")
	}
	res, err := Test(xy[0], xy[1], s, m, TestOptions{Kind: "pearson", Draws: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NullXY) != 200 || !(res.PNeuromaps > 0 && res.PNeuromaps <= 1) {
		t.Errorf("%d null correlations, p %v", len(res.NullXY), res.PNeuromaps)
	}
	fslr := filepath.Join(dir, "fslr.dscalar.nii") // vertices of a 32,492-vertex surface
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: 3, Surfaces: map[string]int{"CIFTI_STRUCTURE_CORTEX_LEFT": 32492},
		Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT", Type: cifti.SurfaceModel, Count: 3, SurfaceVertices: 32492, Vertices: []int{0, 1, 2}}}}
	if err := cifti.Write(fslr, [2]*cifti.Axis{{Type: cifti.Scalars, Len: 1, Maps: []cifti.NamedMap{{Name: "m"}}}, bm}, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := DscalarMaps(fslr, fslr, spheres); err == nil || !strings.Contains(err.Error(), "not the sphere of its surface") {
		t.Errorf("a sphere of another surface: %v", err)
	}
}

// On pairs of independent smooth random maps on a dense surface (fsaverage5's sphere, every
// 30th vertex, Gaussian-process maps of length 20 mm as Markello & Misic simulate them), the
// alexander-bloch spin keeps the false-positive rate near alpha, where the naive shuffle of the
// vertices is badly liberal.
func TestAlexanderBlochFalsePositiveRate(t *testing.T) {
	_, _, coords := fsaverage5Subset(t, 30)
	const pairs = 300
	maps, err := stats.SmoothRandomMaps(coords[0], coords[1], 20, 2*pairs, 17)
	if err != nil {
		t.Fatal(err)
	}
	s, err := DenseSurfaceSpace(coords[0], coords[1])
	if err != nil {
		t.Fatal(err)
	}
	rate := falsePositiveRates(t, maps, s, 200, "alexander-bloch", "shuffle")
	t.Logf("false-positive rate at alpha 0.05 on %d pairs over %d+%d vertices: alexander-bloch %.3f, shuffle %.3f", pairs, len(coords[0]), len(coords[1]), rate["alexander-bloch"], rate["shuffle"])
	if rate["alexander-bloch"] < 0.02 || rate["alexander-bloch"] > 0.09 {
		t.Errorf("alexander-bloch false-positive rate %.3f, want about 0.05 (0.02-0.09 with %d pairs)", rate["alexander-bloch"], pairs)
	}
	if rate["shuffle"] < 0.15 {
		t.Errorf("the naive shuffle's rate %.3f: the maps are not smooth enough to test a spatial null", rate["shuffle"])
	}
}
