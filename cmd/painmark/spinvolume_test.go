package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/nulls"
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
	model, _ := nulls.Lookup("moran")
	o := nulls.DefaultTestOptions()
	o.Draws, o.XName, o.YName = 200, paths[0], paths[1]
	res, err := nulls.Test(xy[0], xy[1], space, model, o)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "lib.json")
	if err := res.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(lib)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("the CLI's result differs from the library's")
	}
	if _, errOut, code := runCLI(t, "spin", paths[0], paths[1], "--null", "vasa", "-o", filepath.Join(dir, "v.json")); code == 0 {
		t.Errorf("a rotation of volumes: %s", errOut)
	}
}
