package nulls

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/space"
)

// dscalarMaps reads the first map of two CIFTI-2 dscalar files on the same brain models for a
// volumetric test (VolumeMaps with .dscalar.nii files): every voxel brainordinate (subcortical and
// cerebellar structures) at its mm position (the dimension's volume affine), VolumeSpace with the
// 26-neighbour distance. Surface brainordinates are refused here, their positions not being in
// the file: DscalarMaps takes them with the sphere meshes.
func dscalarMaps(xPath, yPath, maskPath string) (*Space, [2][]float64, error) {
	if maskPath != "" {
		return nil, [2][]float64{}, fmt.Errorf("%s: a dscalar's brainordinates are the mask; drop %s", xPath, maskPath)
	}
	return DscalarMaps(xPath, yPath, nil)
}

// DscalarMaps reads the first map of two CIFTI-2 dscalar files on the same brain models and their
// space: a file of voxel brainordinates only as VolumeMaps reads it (their mm positions, the
// 26-neighbour graph); a file of surface brainordinates only (CORTEX_LEFT and/or CORTEX_RIGHT,
// e.g. fsaverage5 or fs_LR 32k) as a dense surface (DenseSurfaceSpace), each vertex at its
// position on spheres[0] (left) or spheres[1] (right), sphere meshes of the surface the file's
// vertices index (FreeSurfer ?h.sphere or GIFTI; the vertex counts must agree). Files mixing
// voxels and vertices are refused: test the parts separately (wb_command -cifti-separate).
func DscalarMaps(xPath, yPath string, spheres []string) (*Space, [2][]float64, error) {
	var out [2][]float64
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
	var voxels, vertices int
	for _, m := range axis.Models {
		if m.Type == cifti.VoxelModel {
			voxels += m.Count
		} else {
			vertices += m.Count
		}
	}
	switch {
	case voxels > 0 && vertices > 0:
		return nil, out, fmt.Errorf("%s: %d surface and %d voxel brainordinates: the nulls take a dense surface or a volume, not both (separate them with wb_command -cifti-separate)", xPath, vertices, voxels)
	case vertices > 0:
		s, err := surfaceSpace(xPath, axis, spheres)
		return s, out, err
	case voxels == 0:
		return nil, out, fmt.Errorf("%s: no brainordinates", xPath)
	case axis.Volume == nil:
		return nil, out, fmt.Errorf("%s: voxel brainordinates without a volume (no TransformationMatrixVoxelIndicesIJKtoXYZ)", xPath)
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

// surfaceSpace places a dscalar's surface brainordinates on the sphere meshes (left, right) and
// returns their dense surface space, in the file's order (which must be the left cortex's
// vertices, then the right's).
func surfaceSpace(path string, axis *cifti.Axis, spheres []string) (*Space, error) {
	if len(spheres) != 2 {
		return nil, fmt.Errorf("%s: its brainordinates are surface vertices, whose positions the file does not hold: give the sphere meshes of its surface (painmark spin --spheres LEFT,RIGHT, e.g. fsaverage5's or fs_LR 32k's ?h.sphere or .surf.gii)", path)
	}
	var side [2][][3]float64
	last := -1
	for _, m := range axis.Models {
		h := -1
		switch m.Structure {
		case "CIFTI_STRUCTURE_CORTEX_LEFT":
			h = 0
		case "CIFTI_STRUCTURE_CORTEX_RIGHT":
			h = 1
		default:
			return nil, fmt.Errorf("%s: surface structure %s: the dense surface nulls take CORTEX_LEFT and CORTEX_RIGHT", path, m.Structure)
		}
		if h <= last {
			return nil, fmt.Errorf("%s: %s after the other cortex (want the left cortex first, each once)", path, m.Structure)
		}
		last = h
		sph, err := atlas.ReadMesh(spheres[h])
		if err != nil {
			return nil, err
		}
		if len(sph.Vertices) != m.SurfaceVertices {
			return nil, fmt.Errorf("%s: %s has %d vertices, %s's surface %d: not the sphere of its surface", spheres[h], m.Structure, len(sph.Vertices), path, m.SurfaceVertices)
		}
		for _, v := range m.Vertices {
			if v < 0 || v >= len(sph.Vertices) {
				return nil, fmt.Errorf("%s: %s vertex %d outside its %d-vertex surface", path, m.Structure, v, len(sph.Vertices))
			}
			side[h] = append(side[h], sph.Vertices[v])
		}
	}
	s, err := DenseSurfaceSpace(side[0], side[1])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// sameModels says whether two brain-model axes hold the same structures and voxels.
func sameModels(a, b *cifti.Axis) bool {
	if len(a.Models) != len(b.Models) || (a.Volume == nil) != (b.Volume == nil) || (a.Volume != nil && a.Volume.Affine != b.Volume.Affine) {
		return false
	}
	for k, m := range a.Models {
		n := b.Models[k]
		if m.Structure != n.Structure || m.Type != n.Type || len(m.Voxels) != len(n.Voxels) || len(m.Vertices) != len(n.Vertices) || m.SurfaceVertices != n.SurfaceVertices {
			return false
		}
		for i := range m.Voxels {
			if m.Voxels[i] != n.Voxels[i] {
				return false
			}
		}
		for i := range m.Vertices {
			if m.Vertices[i] != n.Vertices[i] {
				return false
			}
		}
	}
	return true
}
