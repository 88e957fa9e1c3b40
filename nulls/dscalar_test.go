package nulls

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/nifti"
)

// VolumeMaps on two dscalars of voxel brainordinates gives the space and values of the same maps
// as NIfTI volumes (every voxel, in the grid's order; values to float32, as the dscalar holds them); a mask or a surface structure is refused.
func TestVolumeMapsDscalar(t *testing.T) {
	dir := t.TempDir()
	shape := [3]int{4, 3, 3}
	maps, _, err := SmoothRandomFields(shape, 4, 8, nil, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	aff := [4][4]float64{{4, 0, 0, -10}, {0, 4, 0, -10}, {0, 0, 4, 0}, {0, 0, 0, 1}}
	var voxels [][3]int
	for i := 0; i < 36; i++ {
		voxels = append(voxels, [3]int{i % 4, i / 4 % 3, i / 12})
	}
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: 36, Volume: &cifti.Volume{Dims: shape, Affine: aff},
		Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_THALAMUS_LEFT", Type: cifti.VoxelModel, Count: 36, Voxels: voxels}}}
	var ds, nii []string
	for k, m := range maps {
		p := filepath.Join(dir, []string{"x", "y"}[k])
		if err := cifti.Write(p+".dscalar.nii", [2]*cifti.Axis{{Type: cifti.Scalars, Len: 1, Maps: []cifti.NamedMap{{Name: "map"}}}, bm}, m); err != nil {
			t.Fatal(err)
		}
		hdr := nifti.NewHeader([]int{4, 3, 3}, nifti.Float64)
		hdr.SetAffine(aff, nifti.XformScannerAnat)
		if err := nifti.Write(p+".nii.gz", hdr, m); err != nil {
			t.Fatal(err)
		}
		ds, nii = append(ds, p+".dscalar.nii"), append(nii, p+".nii.gz")
	}
	s, xy, err := VolumeMaps(ds[0], ds[1], "")
	if err != nil {
		t.Fatal(err)
	}
	s2, xy2, err := VolumeMaps(nii[0], nii[1], "")
	if err != nil {
		t.Fatal(err)
	}
	for i := range s2.Left {
		if s.Left[i] != s2.Left[i] || xy[0][i] != float64(float32(xy2[0][i])) || xy[1][i] != float64(float32(xy2[1][i])) { // dscalars hold float32
			t.Fatalf("brainordinate %d: %v (%v, %v), the NIfTI's %v (%v, %v)", i, s.Left[i], xy[0][i], xy[1][i], s2.Left[i], xy2[0][i], xy2[1][i])
		}
	}
	if len(s.Left) != 36 || s.Neighbour != s2.Neighbour {
		t.Errorf("%d brainordinates, neighbour %v (NIfTI %v)", len(s.Left), s.Neighbour, s2.Neighbour)
	}
	if _, _, err := VolumeMaps(ds[0], ds[1], nii[0]); err == nil {
		t.Error("a mask with dscalars accepted")
	}
	surf := filepath.Join(dir, "surf.dscalar.nii")
	sm := &cifti.Axis{Type: cifti.BrainModels, Len: 3, Surfaces: map[string]int{"CIFTI_STRUCTURE_CORTEX_LEFT": 10},
		Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT", Type: cifti.SurfaceModel, Count: 3, SurfaceVertices: 10, Vertices: []int{0, 1, 2}}}}
	if err := cifti.Write(surf, [2]*cifti.Axis{{Type: cifti.Scalars, Len: 1, Maps: []cifti.NamedMap{{Name: "m"}}}, sm}, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := VolumeMaps(surf, surf, ""); err == nil || !strings.Contains(err.Error(), "surface") {
		t.Errorf("surface brainordinates: %v", err)
	}
}
