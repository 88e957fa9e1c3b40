package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
)

// painmark spin on two NIfTI maps (smooth random volumes) with the voxel Moran null writes byte
// for byte the library's nulls.Test result; a rotation null refuses the volumes.
func TestSpinVolumeCommand(t *testing.T) {
	dir := t.TempDir()
	maps, _, err := nulls.SmoothRandomVolumes([3]int{5, 5, 4}, 4, 8, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for k, m := range maps {
		hdr := nifti.NewHeader([]int{5, 5, 4}, nifti.Float64)
		hdr.SetAffine([4][4]float64{{4, 0, 0, -10}, {0, 4, 0, -10}, {0, 0, 4, 0}, {0, 0, 0, 1}}, nifti.XformScannerAnat)
		p := filepath.Join(dir, []string{"x.nii.gz", "y.nii.gz"}[k])
		if err := nifti.Write(p, hdr, m); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "spin.json")
	if stdout, errOut, code := runCLI(t, "spin", paths[0], paths[1], "--null", "moran", "--n", "200", "-o", out); code != 0 {
		t.Fatalf("%d %s %s", code, stdout, errOut)
	}
	space, xy, err := nulls.VolumeMaps(paths[0], paths[1], "")
	if err != nil || len(xy[0]) != 100 {
		t.Fatalf("%d voxels: %v", len(xy[0]), err)
	}
	sameAsLibrary(t, out, space, xy, "moran", 200, paths)
	if _, errOut, code := runCLI(t, "spin", paths[0], paths[1], "--null", "vasa", "-o", filepath.Join(dir, "v.json")); code == 0 {
		t.Errorf("a rotation of volumes: %s", errOut)
	}
}

// painmark spin on two dense surface dscalars (fsaverage5 cortical vertices) with --spheres and
// the alexander-bloch null writes the library's nulls.Test result; without --spheres it fails
// naming the file.
func TestSpinDenseSurfaceCommand(t *testing.T) {
	dir := t.TempDir()
	var spheres []string
	var coords [2][][3]float64
	var vertices [2][]int
	for h, side := range []string{"lh", "rh"} {
		p := fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_"+side+".gii")
		m, err := gifti.ReadSurface(p)
		if err != nil {
			t.Fatal(err)
		}
		spheres = append(spheres, p)
		for v := 0; v < len(m.Vertices); v += 50 {
			vertices[h] = append(vertices[h], v)
			coords[h] = append(coords[h], m.Vertices[v])
		}
	}
	maps, err := stats.SmoothRandomMaps(coords[0], coords[1], 20, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: len(maps[0]), Surfaces: map[string]int{"CIFTI_STRUCTURE_CORTEX_LEFT": 10242, "CIFTI_STRUCTURE_CORTEX_RIGHT": 10242}}
	for h, s := range []string{"CIFTI_STRUCTURE_CORTEX_LEFT", "CIFTI_STRUCTURE_CORTEX_RIGHT"} {
		bm.Models = append(bm.Models, cifti.BrainModel{Structure: s, Type: cifti.SurfaceModel, Offset: h * len(vertices[0]), Count: len(vertices[h]), SurfaceVertices: 10242, Vertices: vertices[h]})
	}
	var paths []string
	for k, m := range maps {
		p := filepath.Join(dir, []string{"x", "y"}[k]+".dscalar.nii")
		if err := cifti.Write(p, [2]*cifti.Axis{{Type: cifti.Scalars, Len: 1, Maps: []cifti.NamedMap{{Name: "map"}}}, bm}, m); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, errOut, code := runCLI(t, "spin", paths[0], paths[1], "--null", "alexander-bloch", "-o", filepath.Join(dir, "no.json")); code == 0 || !strings.Contains(errOut, paths[0]) || !strings.Contains(errOut, "--spheres") {
		t.Errorf("no spheres: exit %d, %s", code, errOut)
	}
	out := filepath.Join(dir, "spin.json")
	if stdout, errOut, code := runCLI(t, "spin", paths[0], paths[1], "--spheres", strings.Join(spheres, ","), "--null", "alexander-bloch", "--n", "100", "-o", out); code != 0 {
		t.Fatalf("%d %s %s", code, stdout, errOut)
	}
	space, xy, err := nulls.DscalarMaps(paths[0], paths[1], spheres)
	if err != nil {
		t.Fatal(err)
	}
	sameAsLibrary(t, out, space, xy, "alexander-bloch", 100, paths)
}

// sameAsLibrary checks that the result file painmark spin wrote (out) is byte for byte
// nulls.Test's with the model and draws (spin's other defaults) on the maps of paths.
func sameAsLibrary(t *testing.T, out string, space *nulls.Space, xy [2][]float64, null string, draws int, paths []string) {
	t.Helper()
	model, _ := nulls.Lookup(null)
	o := nulls.DefaultTestOptions()
	o.Draws, o.XName, o.YName = draws, paths[0], paths[1]
	res, err := nulls.Test(xy[0], xy[1], space, model, o)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(t.TempDir(), "lib.json")
	if err := res.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(lib)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the CLI's %s result differs from the library's", null)
	}
}
