// Package extract turns 4D images into ROI time series, streaming one volume at a time so that
// memory is O(regions x time), not O(voxels x time). Maskers follow nilearn's: labels
// (NiftiLabelsMasker, with its reduction strategies), probabilistic maps (NiftiMapsMasker's least
// squares, or a weighted mean) and spheres around coordinates (NiftiSpheresMasker).
package extract

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/space"
)

// Options control extraction.
type Options struct {
	// AllowNonFinite skips NaN/Inf voxels in every reduction (as numpy's nan-functions) instead of
	// failing on the first one.
	AllowNonFinite bool
	// Progress, if set, is called after each volume.
	Progress func(done, total int)
}

// Result is a set of ROI time series.
type Result struct {
	Source  string
	Names   []string
	Signals signal.Matrix // volumes x regions
	// VoxelCounts is the number of data-grid voxels of each region.
	VoxelCounts []int
	// AllZero lists regions whose signal is exactly zero at every frame: typically out of the field
	// of view. The columns are kept (real data need them), and callers should warn.
	AllZero []string
	// TR is the repetition time from the image header (seconds; 0 if unknown).
	TR float64
}

// reducer computes one value per region from one volume.
type reducer interface {
	regions() int
	reduce(vol []float64, out []float64) error
}

// run streams the volumes of path through a reducer.
func run(r *nifti.Reader, red reducer, opts Options) (signal.Matrix, error) {
	nv := r.NumVolumes()
	out := signal.NewMatrix(nv, red.regions())
	vol := make([]float64, r.VoxelsPerVolume())
	for t := 0; t < nv; t++ {
		if err := r.Next(vol); err != nil {
			if errors.Is(err, io.EOF) {
				return signal.Matrix{}, fmt.Errorf("%s: ended after %d of %d volumes", r.Path, t, nv)
			}
			return signal.Matrix{}, err
		}
		if err := red.reduce(vol, out.Data[t*out.Cols:(t+1)*out.Cols]); err != nil {
			return signal.Matrix{}, fmt.Errorf("%s: volume %d: %w", r.Path, t, err)
		}
		if opts.Progress != nil {
			opts.Progress(t+1, nv)
		}
	}
	return out, nil
}

// open4D opens an image that must be a time series.
func open4D(path string, opts Options) (*nifti.Reader, space.Affine, error) {
	r, err := nifti.Open(path, &nifti.Options{AllowNonFinite: opts.AllowNonFinite})
	if err != nil {
		return nil, space.Affine{}, err
	}
	if r.Header.NDim() < 4 {
		r.Close()
		return nil, space.Affine{}, fmt.Errorf("%s: image is %dD (shape %v); extraction needs a 4D time series", path, r.Header.NDim(), r.Header.Shape())
	}
	aff, _, err := r.Header.Affine()
	if err != nil {
		r.Close()
		return nil, space.Affine{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, aff, nil
}

func tr(r *nifti.Reader) float64 {
	// A header TR that is not a positive finite number (NaN, Inf, 0) is unknown, never used.
	if v, ok := r.Header.RepetitionTime(); ok && finite(v) && v > 0 {
		return v
	}
	return 0
}

// sameGrid reports whether two grids coincide (shape equal, affines equal to 1e-6 mm).
func sameGrid(shapeA [3]int, affA space.Affine, shapeB [3]int, affB space.Affine) bool {
	return shapeA == shapeB && affA.MaxAbsDiff(affB) < 1e-6
}

func allZeroColumns(m signal.Matrix, names []string) []string {
	var out []string
	for j := 0; j < m.Cols; j++ {
		zero := true
		for t := 0; t < m.Rows && zero; t++ {
			zero = m.Data[t*m.Cols+j] == 0
		}
		if zero {
			out = append(out, names[j])
		}
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
