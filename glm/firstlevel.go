package glm

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// Noise models of FirstLevelOptions.NoiseModel, named as nilearn's noise_model strings.
const (
	NoiseOLS = "ols"
	NoiseAR1 = "ar1"
)

// FirstLevelOptions are the parameters of nilearn 0.10.3's FirstLevelModel that painmark supports.
// Not supported: smoothing_fwhm (smooth the run first), target_affine/target_shape (resample first),
// standardize, AR orders above 1, and nilearn's default compute_epi_mask (FirstLevel takes a mask
// image, or none for nilearn's mask_img=False: every voxel).
type FirstLevelOptions struct {
	// Design are the design-matrix options (hrf_model, drift_model, high_pass, drift_order,
	// fir_delays, min_onset).
	Design DesignOptions `json:"design"`
	// TR is the repetition time in seconds (nilearn's t_r); 0 takes the run's header pixdim[4].
	TR float64 `json:"t_r"`
	// SliceTimeRef is the fraction of the TR at which the frame times are taken (default 0).
	SliceTimeRef float64 `json:"slice_time_ref"`
	// NoiseModel is "ar1" (default, nilearn's) or "ols".
	NoiseModel string `json:"noise_model"`
	// Bins is the number of bins of the AR(1) coefficients (nilearn's fit(bins=100)).
	Bins int `json:"bins"`
	// SignalScaling scales each voxel to percent of its mean, 100·(y/max(mean, 1) - 1), as
	// nilearn's signal_scaling=0 (default true); false is signal_scaling=False.
	SignalScaling bool `json:"signal_scaling"`
	// SlabMiB bounds the memory of one slab of voxel time series (float64) in MiB (default 64); a
	// run is read in slabs of z-planes, so memory is bounded by a slab, not by the run.
	SlabMiB int `json:"slab_mib"`
}

// DefaultFirstLevelOptions returns nilearn 0.10.3's FirstLevelModel defaults (glover HRF, cosine
// drift at 0.01 Hz, slice_time_ref 0, noise_model ar1 with 100 bins, signal_scaling 0).
func DefaultFirstLevelOptions() FirstLevelOptions {
	return FirstLevelOptions{Design: DefaultDesignOptions(), NoiseModel: NoiseAR1, Bins: 100, SignalScaling: true, SlabMiB: 64}
}

// FirstLevelRun is one run of a first-level model: its 4D BOLD image, its events and any extra
// regressors (confounds, e.g. from confounds.Load with an fMRIPrep preset), one value per volume.
type FirstLevelRun struct {
	BOLD      string
	Events    []Event
	Confounds []Regressor
}

// FirstLevelModel is a fitted first-level GLM: the mask, each run's design and its per-voxel fit
// (estimates, dispersion and AR(1) bin), from which contrasts are computed as nilearn's
// FirstLevelModel.compute_contrast.
type FirstLevelModel struct {
	Options FirstLevelOptions
	// Grid is the header of the first run (shape and affine of the output maps).
	Grid *nifti.Header
	// Runs are the runs' BOLD image paths, in order, and TRs their repetition times in seconds.
	Runs []string
	TRs  []float64
	// Voxels are the NIfTI indices (x fastest) of the voxels in the mask, ascending.
	Voxels  []int
	Designs []*Design
	Fits    []*OLSFit
	// CIFTI is the brain-models axis of CIFTI-2 dense time series runs (.dtseries.nii; nil for
	// NIfTI runs, Grid nil for CIFTI): Voxels then index its grayordinates, and the maps are written
	// as dense scalar files (.dscalar.nii).
	CIFTI *cifti.Axis
}

// LoadMask reads a 3D mask image on the grid of hdr (same shape, affine equal to 1e-4 mm): voxels
// with a non-zero value are in the mask.
func LoadMask(path string, hdr *nifti.Header) ([]bool, error) {
	im, err := nifti.Load(path, nil)
	if err != nil {
		return nil, err
	}
	if im.Header.VolumeShape() != hdr.VolumeShape() || im.Header.NumVolumes() != 1 {
		return nil, fmt.Errorf("%s: mask of shape %v, the run's volumes are %v: resample the mask to the run first", path, im.Header.Shape(), hdr.VolumeShape())
	}
	a, _, err := im.Header.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, _, err := hdr.Affine()
	if err != nil {
		return nil, err
	}
	if !sameAffine(a, b) {
		return nil, fmt.Errorf("%s: the mask's affine differs from the run's: resample the mask to the run first", path)
	}
	m := make([]bool, len(im.Data))
	n := 0
	for i, v := range im.Data {
		m[i] = v != 0
		if m[i] {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: the mask is empty", path)
	}
	return m, nil
}

// LoadMaskLike is LoadMask on the grid of a run's image (its header only is read).
func LoadMaskLike(path, bold string) ([]bool, error) {
	r, err := nifti.Open(bold, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return LoadMask(path, r.Header)
}

func sameAffine(a, b space.Affine) bool {
	for i := range a {
		for j := range a[i] {
			if math.Abs(a[i][j]-b[i][j]) > 1e-4 {
				return false
			}
		}
	}
	return true
}

// FirstLevel fits nilearn 0.10.3's FirstLevelModel(...).fit(runs, events, confounds) on 4D NIfTI
// runs inside mask (nil: every voxel, nilearn's mask_img=False; CIFTI-2 .dtseries.nii runs are
// fitted at every grayordinate, see FirstLevelModel.CIFTI): per run the design of
// MakeDesign at the run's frame times, the masked time series (mean-scaled when SignalScaling),
// then run_glm: OLS, and for ar1 the Yule-Walker AR(1) coefficient of each voxel's OLS residuals
// (centred on the mean over the whole mask and run), binned to 1/Bins, and each bin's prewhitened
// fit. Runs are read in slabs of z-planes (SlabMiB); ar1 reads each slab twice unless the mask fits
// one slab, and a gzip run that needs several slabs is decompressed once into an unnamed temporary
// file (the masked run as float64) from which the slabs are read. Voxels are fitted in parallel
// blocks; the results do not depend on the number of workers or on the slab size.
func FirstLevel(runs []FirstLevelRun, mask []bool, opts FirstLevelOptions) (*FirstLevelModel, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("a first-level model needs at least one run")
	}
	if opts.NoiseModel != NoiseOLS && opts.NoiseModel != NoiseAR1 {
		return nil, fmt.Errorf("noise model %q: use %q or %q", opts.NoiseModel, NoiseOLS, NoiseAR1)
	}
	if opts.Bins < 1 {
		return nil, fmt.Errorf("AR(1) bins must be at least 1 (got %d)", opts.Bins)
	}
	if opts.SlabMiB < 1 {
		return nil, fmt.Errorf("slab memory must be at least 1 MiB (got %d)", opts.SlabMiB)
	}
	m := &FirstLevelModel{Options: opts}
	for k, run := range runs {
		if isCIFTI(run.BOLD) || m.CIFTI != nil {
			fit, d, err := m.fitCIFTIRun(run, mask, k)
			if err != nil {
				return nil, err
			}
			m.Designs, m.Fits, m.Runs = append(m.Designs, d), append(m.Fits, fit), append(m.Runs, run.BOLD)
			continue
		}
		src, err := openSlabSource(run.BOLD)
		if err != nil {
			return nil, err
		}
		fit, d, err := m.fitRun(src, run, mask, k)
		src.Close()
		if err != nil {
			return nil, err
		}
		m.Designs, m.Fits, m.Runs = append(m.Designs, d), append(m.Fits, fit), append(m.Runs, run.BOLD)
	}
	return m, nil
}

// fitRun sets the grid and mask from the first run, checks later runs against it, makes the run's
// design and fits it.
func (m *FirstLevelModel) fitRun(src *slabSource, run FirstLevelRun, mask []bool, k int) (*OLSFit, *Design, error) {
	h := src.r.Header
	if k == 0 {
		m.Grid = h
		nvox := h.VoxelsPerVolume()
		if mask != nil && len(mask) != nvox {
			return nil, nil, fmt.Errorf("mask of %d voxels for a run of %d voxels per volume", len(mask), nvox)
		}
		for i := 0; i < nvox; i++ {
			if mask == nil || mask[i] {
				m.Voxels = append(m.Voxels, i)
			}
		}
		if len(m.Voxels) == 0 {
			return nil, nil, fmt.Errorf("the mask is empty")
		}
	} else if h.VolumeShape() != m.Grid.VolumeShape() {
		return nil, nil, fmt.Errorf("%s: volumes of shape %v, the first run's are %v", run.BOLD, h.VolumeShape(), m.Grid.VolumeShape())
	}
	tr := m.Options.TR
	if tr == 0 {
		var ok bool
		if tr, ok = h.RepetitionTime(); !ok {
			return nil, nil, fmt.Errorf("%s: the header gives no repetition time: give the TR", run.BOLD)
		}
	}
	d, err := m.design(run, src.nvol, tr)
	if err != nil {
		return nil, nil, err
	}
	fit, err := m.fitSlabs(src, d)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", run.BOLD, err)
	}
	return fit, d, nil
}

// design makes a run's design at its frame times (nvol scans, repetition time tr) with its events
// and confounds, and records the TR.
func (m *FirstLevelModel) design(run FirstLevelRun, nvol int, tr float64) (*Design, error) {
	ft, err := FrameTimes(nvol, tr, m.Options.SliceTimeRef)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", run.BOLD, err)
	}
	for _, c := range run.Confounds {
		if len(c.Values) != nvol {
			return nil, fmt.Errorf("%s: confound %q has %d rows, the run has %d volumes", run.BOLD, c.Name, len(c.Values), nvol)
		}
	}
	m.TRs = append(m.TRs, tr)
	d, err := MakeDesign(ft, run.Events, run.Confounds, m.Options.Design)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", run.BOLD, err)
	}
	return d, nil
}
