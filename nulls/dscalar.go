package nulls

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/space"
)

// dscalarMaps reads the first map of two CIFTI-2 dscalar files on the same brain models for a
// volumetric test (VolumeMaps with .dscalar.nii files): every voxel brainordinate (subcortical and
// cerebellar structures) at its mm position (the dimension's volume affine), VolumeSpace with the
// 26-neighbour distance. Surface brainordinates are refused: their positions are not in the file
// (test cortical maps by parcel, or separate the volume part with wb_command -cifti-separate).
func dscalarMaps(xPath, yPath, maskPath string) (*Space, [2][]float64, error) {
	var out [2][]float64
	if maskPath != "" {
		return nil, out, fmt.Errorf("%s: a dscalar's brainordinates are the mask; drop %s", xPath, maskPath)
	}
	var axis *cifti.Axis
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
			if m.Type != cifti.VoxelModel {
				return nil, out, fmt.Errorf("%s: %s has surface brainordinates, whose positions the file does not hold: the volumetric nulls take voxel structures only (separate them with wb_command -cifti-separate, or test the cortex by parcel)", p, m.Structure)
			}
		}
		if k == 1 && !sameModels(axis, bm) {
			return nil, out, fmt.Errorf("%s: its brain models differ from %s's", p, xPath)
		}
		axis = bm
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
	if axis.Volume == nil || len(out[0]) == 0 {
		return nil, out, fmt.Errorf("%s: no voxel brainordinates", xPath)
	}
	aff := space.Affine(axis.Volume.Affine)
	var coords [][3]float64
	for _, m := range axis.Models {
		for _, v := range m.Voxels {
			x, y, z := aff.Apply(float64(v[0]), float64(v[1]), float64(v[2]))
			coords = append(coords, [3]float64{x, y, z})
		}
	}
	if len(coords) > MaxSampledVoxels {
		return nil, out, fmt.Errorf("%s: %d voxels; the volumetric nulls take at most %d", xPath, len(coords), MaxSampledVoxels)
	}
	vs := aff.VoxelSizes()
	s, err := VolumeSpace(coords, 1.01*math.Sqrt(vs[0]*vs[0]+vs[1]*vs[1]+vs[2]*vs[2]))
	if err != nil {
		return nil, out, fmt.Errorf("%s: %w", xPath, err)
	}
	return s, out, nil
}

// sameModels says whether two brain-model axes hold the same structures and voxels.
func sameModels(a, b *cifti.Axis) bool {
	if len(a.Models) != len(b.Models) || a.Volume == nil || b.Volume == nil || a.Volume.Affine != b.Volume.Affine {
		return false
	}
	for k, m := range a.Models {
		n := b.Models[k]
		if m.Structure != n.Structure || len(m.Voxels) != len(n.Voxels) {
			return false
		}
		for i := range m.Voxels {
			if m.Voxels[i] != n.Voxels[i] {
				return false
			}
		}
	}
	return true
}
