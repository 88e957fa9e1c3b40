// Package target plans neuromodulation targets from a person's resting-state fMRI (Darrow,
// Herman et al.'s action-network model of pain; Gordon et al.'s precision functional mapping;
// Lynch et al.'s targeted functional network stimulation): seed-based connectivity maps, individual
// network maps by template matching, target selection in a search space, lesion network mapping
// and Bayesian optimization of stimulation parameters.
package target

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// Dataset is resting-state data on brainordinates: the in-mask voxels of a 4D NIfTI image or the
// columns of a CIFTI-2 dtseries. Series holds each brainordinate's time series (brainordinate
// major, float32: 91,282 grayordinates x 1,200 volumes take 440 MB), Coords their positions in mm
// (NaN for surface vertices without a surface mesh).
type Dataset struct {
	Source     string
	Timepoints int
	Series     [][]float32
	Coords     [][3]float64
	// Volume data: the grid, its affine and each brainordinate's voxel (i, j, k).
	Shape  [3]int
	Affine space.Affine
	Voxels [][3]int
	// CIFTI data: the brain-models dimension (Structure and vertex of each brainordinate).
	Models *cifti.Axis
}

// Distance is the Euclidean distance between two positions (mm).
func Distance(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// Len is the number of brainordinates.
func (d *Dataset) Len() int { return len(d.Series) }

// FromNIfTI reads a 4D image's voxels inside the mask (a NIfTI mask on the same grid, value ≥ 0.5;
// without one, every voxel whose value varies over time, found by a first pass), volume by volume.
func FromNIfTI(path, mask string) (*Dataset, error) {
	r, err := nifti.Open(path, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	aff, _, err := r.Header.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	shape := r.Header.VolumeShape()
	nv := r.NumVolumes()
	if nv < 3 {
		return nil, fmt.Errorf("%s: %d volumes; connectivity needs a time series", path, nv)
	}
	var in []bool
	if mask != "" {
		m, err := atlas.LoadMask(mask, 0.5)
		if err != nil {
			return nil, err
		}
		if m.Shape != shape || m.Affine.MaxAbsDiff(aff) > 1e-3 {
			return nil, fmt.Errorf("%s: the mask's grid %v differs from the data's %v (%s): resample it first", mask, m.Shape, shape, path)
		}
		in = make([]bool, len(m.Labels))
		for i, l := range m.Labels {
			in[i] = l > 0
		}
	}
	vol := make([]float64, r.VoxelsPerVolume())
	if in == nil {
		// No mask: a first pass finds the voxels whose value varies (outside the brain it does not).
		first := make([]float64, len(vol))
		in = make([]bool, len(vol))
		for t := 0; t < nv; t++ {
			if err := r.Next(vol); err != nil {
				return nil, fmt.Errorf("%s: volume %d: %w", path, t, err)
			}
			if t == 0 {
				copy(first, vol)
			}
			for i, v := range vol {
				if v != first[i] {
					in[i] = true
				}
			}
		}
		if err := r.Rewind(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	var idx []int
	for i, ok := range in {
		if ok {
			idx = append(idx, i)
		}
	}
	all := make([][]float32, len(idx))
	for k := range all {
		all[k] = make([]float32, nv)
	}
	for t := 0; t < nv; t++ {
		if err := r.Next(vol); err != nil {
			return nil, fmt.Errorf("%s: volume %d: %w", path, t, err)
		}
		for k, i := range idx {
			all[k][t] = float32(vol[i])
		}
	}
	d := &Dataset{Source: path, Timepoints: nv, Shape: shape, Affine: aff}
	for k, i := range idx {
		vox := [3]int{i % shape[0], (i / shape[0]) % shape[1], i / (shape[0] * shape[1])}
		x, y, z := aff.Apply(float64(vox[0]), float64(vox[1]), float64(vox[2]))
		d.Series = append(d.Series, all[k])
		d.Voxels = append(d.Voxels, vox)
		d.Coords = append(d.Coords, [3]float64{x, y, z})
	}
	if len(d.Series) == 0 {
		return nil, fmt.Errorf("%s: no voxel with a varying time series", path)
	}
	return d, nil
}

// FromCIFTI reads a dtseries (rows: time points; columns: brain models). Voxel models get their
// mm coordinates from the CIFTI volume; surface vertices from the surfaces given by structure
// (e.g. "CIFTI_STRUCTURE_CORTEX_LEFT" -> midthickness vertex coordinates), NaN without one.
func FromCIFTI(path string, surfaces map[string][][3]float64) (*Dataset, error) {
	f, err := cifti.Open(path)
	if err != nil {
		return nil, err
	}
	if f.Axes[0].Type != cifti.Series || f.Axes[1].Type != cifti.BrainModels {
		return nil, fmt.Errorf("%s: a %s x %s file; a dtseries (series x brain models) is needed", path, f.Axes[0].Type, f.Axes[1].Type)
	}
	if f.Rows() < 3 {
		return nil, fmt.Errorf("%s: %d time points; connectivity needs a time series", path, f.Rows())
	}
	d, err := modelsDataset(path, f.Axes[1], surfaces)
	if err != nil {
		return nil, err
	}
	d.Timepoints = f.Rows()
	err = f.Columns(func(c int, v []float64) error {
		s := make([]float32, len(v))
		for i, x := range v {
			s[i] = float32(x)
		}
		d.Series[c] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// modelsDataset is a dataset (without series: Series holds one nil per brainordinate) on a CIFTI
// brain-models axis: voxel models get their mm coordinates from the CIFTI volume, surface vertices
// from the surfaces given by structure, NaN without one.
func modelsDataset(path string, models *cifti.Axis, surfaces map[string][][3]float64) (*Dataset, error) {
	d := &Dataset{Source: path, Models: models, Series: make([][]float32, models.Len), Coords: make([][3]float64, models.Len)}
	if v := models.Volume; v != nil {
		d.Shape, d.Affine = v.Dims, space.Affine(v.Affine)
	}
	for _, m := range models.Models {
		for k := 0; k < m.Count; k++ {
			c := [3]float64{math.NaN(), math.NaN(), math.NaN()}
			if m.Type == cifti.VoxelModel {
				v := m.Voxels[k]
				c[0], c[1], c[2] = d.Affine.Apply(float64(v[0]), float64(v[1]), float64(v[2]))
			} else if s, ok := surfaces[m.Structure]; ok {
				if len(s) != m.SurfaceVertices {
					return nil, fmt.Errorf("%s: the %s surface has %d vertices, the CIFTI file's %d", path, m.Structure, len(s), m.SurfaceVertices)
				}
				c = s[m.Vertices[k]]
			}
			d.Coords[m.Offset+k] = c
		}
	}
	return d, nil
}
