package glm

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/painmark/painmark/nifti"
)

// Contrast computes the contrast given by an expression over each run's design columns, as
// nilearn's FirstLevelModel.compute_contrast: a t contrast (ContrastVector), or an F contrast when
// the expression has several rows separated by ";" (ContrastMatrix; nilearn's 2-D contrast, e.g.
// "heat; warm"). Per run compute_contrast, then the fixed effect across runs
// (compute_fixed_effect_contrast: runs whose contrast is all zero are skipped; effects the mean,
// variance the sum over n², degrees of freedom the sum). Values are over the mask's voxels
// (FirstLevelModel.Voxels); Map puts them on the grid.
func (m *FirstLevelModel) Contrast(expr string) (*ContrastResult, error) {
	var per []*ContrastResult
	for k, fit := range m.Fits {
		c, err := ContrastMatrix(expr, m.Designs[k].Names)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", k+1, err)
		}
		zero := true
		for _, row := range c {
			for _, w := range row {
				zero = zero && w == 0
			}
		}
		if zero {
			continue
		}
		var r *ContrastResult
		if len(c) == 1 {
			r, err = fit.TContrast(c[0])
		} else {
			r, err = fit.FContrast(c)
		}
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", k+1, err)
		}
		per = append(per, r)
	}
	if len(per) == 0 {
		return nil, fmt.Errorf("contrast %q is null in every run", expr)
	}
	return FixedEffects(per)
}

// Map puts values over the mask's voxels on the grid: the volume in NIfTI order with 0 outside the
// mask (nilearn's masker.inverse_transform); k maps one after the other (an F contrast's effects)
// give k volumes. For CIFTI runs the values are the grayordinates' already (a copy).
func (m *FirstLevelModel) Map(values []float64) []float64 {
	if m.CIFTI != nil {
		return append([]float64(nil), values...)
	}
	nv, nvox := len(m.Voxels), m.Grid.VoxelsPerVolume()
	out := make([]float64, nvox*(len(values)/nv))
	for i, x := range values {
		out[i/nv*nvox+m.Voxels[i%nv]] = x
	}
	return out
}

// WriteMap writes values over the mask's voxels as a float64 NIfTI volume on the model's grid (its
// affine; .nii.gz compressed; k maps one after the other give a 4D image of k volumes); for CIFTI
// runs a dense scalar file of k maps named after the file, as nilearn writes compute_contrast's maps (float64 arrays).
func (m *FirstLevelModel) WriteMap(path string, values []float64) error {
	if len(values) == 0 || len(values)%len(m.Voxels) != 0 {
		return fmt.Errorf("%s: %d values for %d voxels in the mask", path, len(values), len(m.Voxels))
	}
	if m.CIFTI != nil {
		name := filepath.Base(path)
		return m.writeCIFTIMap(path, name[:strings.IndexByte(name+".", '.')], values)
	}
	sh := m.Grid.VolumeShape()
	shape := sh[:]
	if k := len(values) / len(m.Voxels); k > 1 {
		shape = append(shape, k)
	}
	h := nifti.NewHeader(shape, nifti.Float64)
	a, src, err := m.Grid.Affine()
	if err != nil {
		return err
	}
	code := m.Grid.SformCode
	if src == "qform" {
		code = m.Grid.QformCode
	}
	if code == nifti.XformUnknown {
		code = nifti.XformScannerAnat
	}
	h.SetAffine(a, code)
	return nifti.Write(path, h, m.Map(values))
}

// StatMaps are the map kinds written per contrast, in nilearn's BIDS names
// (contrast-<name>_stat-<kind>_statmap.nii.gz, save_glm_to_bids): effect size, effect variance,
// t, z and one-sided p.
var StatMaps = []string{"effect", "variance", "t", "z", "p"}

// ContrastFileName is nilearn's _clean_contrast_name (save_glm_to_bids): "-" becomes " Minus ", "+"
// " Plus ", ">" " Gt ", "<" " Lt ", "_" a space; words after the first are title-cased, the first
// lower-cased, and non-alphanumeric characters dropped ("heat - warm" gives "heatMinusWarm").
func ContrastFileName(expr string) string {
	r := strings.NewReplacer("-", " Minus ", "+", " Plus ", ">", " Gt ", "<", " Lt ", "_", " ")
	words := strings.Split(r.Replace(expr), " ")
	for i, w := range words {
		if i == 0 {
			words[i] = strings.ToLower(w)
		} else {
			words[i] = pyTitle(w)
		}
	}
	var b strings.Builder
	for _, ch := range strings.Join(words, " ") {
		if unicode.IsLetter(ch) || unicode.IsDigit(ch) {
			b.WriteRune(ch)
		}
	}
	return b.String()
}

// pyTitle is Python's str.title: a letter after a non-letter is upper-cased, others lower-cased.
func pyTitle(s string) string {
	var b strings.Builder
	prev := false
	for _, ch := range s {
		if unicode.IsLetter(ch) {
			if prev {
				ch = unicode.ToLower(ch)
			} else {
				ch = unicode.ToUpper(ch)
			}
			prev = true
		} else {
			prev = false
		}
		b.WriteRune(ch)
	}
	return b.String()
}
