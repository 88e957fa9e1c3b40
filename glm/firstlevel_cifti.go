package glm

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/cifti"
	"gonum.org/v1/gonum/mat"
)

// isCIFTI reports whether a run is a CIFTI-2 dense time series (.dtseries.nii).
func isCIFTI(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".dtseries.nii") }

// fitCIFTIRun fits one CIFTI-2 dense time series run (scans x grayordinates) as nilearn 0.10.3's
// FirstLevelModel fits the masked data of a run (FirstLevelModel takes no CIFTI: this is its
// _fit on the array nibabel's get_fdata() gives): every grayordinate, mean scaling in float64
// (mean_scaling), then run_glm (fitSeries, the whole matrix as one slab). The TR is the series
// step (seconds) unless given; later runs must have the same brain models.
func (m *FirstLevelModel) fitCIFTIRun(run FirstLevelRun, mask []bool, k int) (*OLSFit, *Design, error) {
	if !isCIFTI(run.BOLD) || (k > 0 && m.CIFTI == nil) {
		return nil, nil, fmt.Errorf("%s: the runs mix CIFTI dense time series (.dtseries.nii) and NIfTI images", run.BOLD)
	}
	if mask != nil {
		return nil, nil, fmt.Errorf("%s: a mask image applies to NIfTI runs; a CIFTI run is fitted at every grayordinate", run.BOLD)
	}
	f, err := cifti.Open(run.BOLD)
	if err != nil {
		return nil, nil, err
	}
	series, models := f.Axes[0], f.Axes[1]
	if series.Type != cifti.Series || models.Type != cifti.BrainModels {
		return nil, nil, fmt.Errorf("%s: not a dense time series (rows %s, columns %s)", run.BOLD, series.Type, models.Type)
	}
	if k == 0 {
		m.CIFTI = models
		m.Voxels = make([]int, models.Len)
		for i := range m.Voxels {
			m.Voxels[i] = i
		}
	} else if models.Len != m.CIFTI.Len || len(models.Models) != len(m.CIFTI.Models) {
		return nil, nil, fmt.Errorf("%s: %d grayordinates in %d brain models, the first run has %d in %d", run.BOLD, models.Len, len(models.Models), m.CIFTI.Len, len(m.CIFTI.Models))
	}
	tr := m.Options.TR
	if tr == 0 {
		if series.SeriesUnit != "SECOND" || !(series.SeriesStep > 0) {
			return nil, nil, fmt.Errorf("%s: the series step is not a time in seconds (%g %s): give the TR", run.BOLD, series.SeriesStep, series.SeriesUnit)
		}
		tr = series.SeriesStep
	}
	data, err := f.Matrix()
	if err != nil {
		return nil, nil, err
	}
	for i, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("%s: a non-finite value (%v) at scan %d, grayordinate %d", run.BOLD, v, i/models.Len, i%models.Len)
		}
	}
	y := mat.NewDense(series.Len, models.Len, data)
	if m.Options.SignalScaling {
		meanScale(y, false)
	}
	d, err := m.design(run, series.Len, tr)
	if err != nil {
		return nil, nil, err
	}
	fit, err := fitSeries(d, models.Len, m.Options, []int{0}, func(int) (*mat.Dense, error) { return y, nil })
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", run.BOLD, err)
	}
	return fit, d, nil
}

// writeCIFTIMap writes values over the grayordinates (k maps one after the other) as a dense
// scalar file with k maps named name (name 1, name 2, ... for several), float32 as CIFTI stores.
func (m *FirstLevelModel) writeCIFTIMap(path, name string, values []float64) error {
	k := len(values) / m.CIFTI.Len
	maps := make([]cifti.NamedMap, k)
	for i := range maps {
		maps[i].Name = name
		if k > 1 {
			maps[i].Name = fmt.Sprintf("%s %d", name, i+1)
		}
	}
	return cifti.Write(path, [2]*cifti.Axis{{Type: cifti.Scalars, Len: k, Maps: maps}, m.CIFTI}, values)
}
