package glm

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
)

// FirstLevelContrast is one contrast (t, or F with rows separated by ";") of a first-level result: its expression, its file name
// (ContrastFileName) and its maps over the mask.
type FirstLevelContrast struct {
	Expr string `json:"expression"`
	Name string `json:"name"`
	*ContrastResult
}

// FirstLevelResult is the first-level workflow's result: the fitted model and its contrasts.
type FirstLevelResult struct {
	Model     *FirstLevelModel
	Contrasts []FirstLevelContrast
}

// RunFirstLevel fits FirstLevel and computes each contrast expression (fixed effects across runs).
func RunFirstLevel(runs []FirstLevelRun, mask []bool, contrasts []string, opts FirstLevelOptions) (*FirstLevelResult, error) {
	if len(contrasts) == 0 {
		return nil, fmt.Errorf("give at least one contrast")
	}
	seen := map[string]string{}
	for _, e := range contrasts {
		n := ContrastFileName(e)
		if n == "" {
			return nil, fmt.Errorf("contrast %q has no letters or digits to name its files", e)
		}
		if o, ok := seen[n]; ok {
			return nil, fmt.Errorf("contrasts %q and %q would both write contrast-%s files", o, e, n)
		}
		seen[n] = e
	}
	m, err := FirstLevel(runs, mask, opts)
	if err != nil {
		return nil, err
	}
	res := &FirstLevelResult{Model: m}
	for _, e := range contrasts {
		c, err := m.Contrast(e)
		if err != nil {
			return nil, err
		}
		res.Contrasts = append(res.Contrasts, FirstLevelContrast{Expr: e, Name: ContrastFileName(e), ContrastResult: c})
	}
	return res, nil
}

// LoadFirstLevelRuns reads each run's events.tsv and, when confound files are given (one per run),
// its fMRIPrep confounds with the named preset of package confounds (confounds.Preset; e.g.
// "motion" or "compcor"). Presets that scrub volumes are refused: FirstLevel fits every volume.
func LoadFirstLevelRuns(bolds, events, confoundFiles []string, preset string) ([]FirstLevelRun, error) {
	if len(events) != len(bolds) {
		return nil, fmt.Errorf("%d runs but %d events files: give one per run, in order", len(bolds), len(events))
	}
	if len(confoundFiles) > 0 && len(confoundFiles) != len(bolds) {
		return nil, fmt.Errorf("%d runs but %d confounds files: give one per run, in order", len(bolds), len(confoundFiles))
	}
	var spec confounds.Spec
	if len(confoundFiles) > 0 {
		var err error
		if spec, err = confounds.Preset(preset); err != nil {
			return nil, err
		}
	}
	runs := make([]FirstLevelRun, len(bolds))
	for k, b := range bolds {
		ev, err := ReadEvents(events[k])
		if err != nil {
			return nil, err
		}
		runs[k] = FirstLevelRun{BOLD: b, Events: ev}
		if len(confoundFiles) == 0 {
			continue
		}
		c, err := confounds.Load(confoundFiles[k], spec)
		if err != nil {
			return nil, err
		}
		if c.SampleMask != nil {
			return nil, fmt.Errorf("%s: preset %q scrubs volumes, which the first-level model does not support: choose a preset without scrubbing", confoundFiles[k], preset)
		}
		for j, n := range c.Names {
			runs[k].Confounds = append(runs[k].Confounds, Regressor{Name: n, Values: c.Column(j)})
		}
	}
	return runs, nil
}

// firstLevelSummary is first_level.json.
type firstLevelSummary struct {
	Options    FirstLevelOptions     `json:"options"`
	Runs       []string              `json:"runs"`
	TRs        []float64             `json:"t_r_per_run"`
	MaskVoxels int                   `json:"mask_voxels"`
	Designs    [][]string            `json:"design_columns"`
	Contrasts  []firstLevelContrastJ `json:"contrasts"`
}

type firstLevelContrastJ struct {
	Expr string `json:"expression"`
	Name string `json:"name"`
	// Stat is "F" for an F contrast (absent for t); its weights are WeightRows, a matrix per run.
	Stat       string        `json:"stat,omitempty"`
	DF         float64       `json:"df"`
	Weights    [][]float64   `json:"weights_per_run,omitempty"`
	WeightRows [][][]float64 `json:"weight_rows_per_run,omitempty"`
	PeakZ      float64       `json:"peak_z"`
	PeakMM     *[3]float64   `json:"peak_mm,omitempty"`
	// PeakGrayordinate is the peak's column in a CIFTI run (instead of PeakMM).
	PeakGrayordinate *int           `json:"peak_grayordinate,omitempty"`
	Files            []string       `json:"files"`
	Above            map[string]int `json:"voxels_abs_z_at_least"`
}

// peak returns the index (within the mask) of the largest |z|.
func (c FirstLevelContrast) peak() int {
	best := 0
	for i, z := range c.Z {
		if math.Abs(z) > math.Abs(c.Z[best]) {
			best = i
		}
	}
	return best
}

// WriteFiles writes, in dir, nilearn's save_glm_to_bids names: design.tsv (run-K_design.tsv for
// several runs); per contrast contrast-NAME_stat-{effect,variance,t,z,p}_statmap.nii.gz (float64,
// 0 outside the mask; an F contrast writes stat-F instead of stat-t and its q effects as q volumes); and first_level.json (options, runs, design columns, per contrast its
// weights per run, degrees of freedom, peak z and its position in mm, voxels with |z| ≥ 2.3 and
// 3.1, and its files).
func (r *FirstLevelResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m := r.Model
	s := firstLevelSummary{Options: m.Options, MaskVoxels: len(m.Voxels)}
	for k, d := range m.Designs {
		name := "design.tsv"
		if len(m.Designs) > 1 {
			name = fmt.Sprintf("run-%d_design.tsv", k+1)
		}
		if err := d.WriteFiles(filepath.Join(dir, name)); err != nil {
			return err
		}
		s.Designs = append(s.Designs, d.Names)
	}
	for _, c := range r.Contrasts {
		j := firstLevelContrastJ{Expr: c.Expr, Name: c.Name, DF: c.DF, Above: map[string]int{"2.3": 0, "3.1": 0}}
		for _, d := range m.Designs {
			w, _ := ContrastMatrix(c.Expr, d.Names)
			if c.Type == StatF {
				j.Stat, j.WeightRows = StatF, append(j.WeightRows, w)
			} else {
				j.Weights = append(j.Weights, w[0])
			}
		}
		p := c.peak()
		v := m.Voxels[p]
		j.PeakZ = c.Z[p]
		if m.CIFTI != nil {
			j.PeakGrayordinate = &v
		} else {
			mm, err := m.voxelMM(v)
			if err != nil {
				return err
			}
			j.PeakMM = mm
		}
		for _, z := range c.Z {
			if math.Abs(z) >= 2.3 {
				j.Above["2.3"]++
			}
			if math.Abs(z) >= 3.1 {
				j.Above["3.1"]++
			}
		}
		for _, k := range c.Maps() {
			name := fmt.Sprintf("contrast-%s_stat-%s_statmap%s", c.Name, k, m.mapExt())
			if err := m.WriteMap(filepath.Join(dir, name), c.Values(k)); err != nil {
				return err
			}
			j.Files = append(j.Files, name)
		}
		s.Contrasts = append(s.Contrasts, j)
	}
	s.Runs, s.TRs = m.Runs, m.TRs
	return atomicfile.WriteJSON(filepath.Join(dir, "first_level.json"), s)
}

// voxelMM is the position in mm of a voxel (NIfTI index) of the grid.
func (m *FirstLevelModel) voxelMM(v int) (*[3]float64, error) {
	aff, _, err := m.Grid.Affine()
	if err != nil {
		return nil, err
	}
	sh := m.Grid.VolumeShape()
	x, y, z := aff.Apply(float64(v%sh[0]), float64(v/sh[0]%sh[1]), float64(v/(sh[0]*sh[1])))
	return &[3]float64{x, y, z}, nil
}

// mapExt is the file extension of the model's maps: .nii.gz, or .dscalar.nii for CIFTI runs.
func (m *FirstLevelModel) mapExt() string {
	if m.CIFTI != nil {
		return ".dscalar.nii"
	}
	return ".nii.gz"
}

// isMNI reports whether the grid is in MNI space: an MNI152 xform code, or "space-MNI" in the BIDS
// name of the first run.
func (m *FirstLevelModel) isMNI() bool {
	h := m.Grid
	if h == nil {
		return false
	}
	return h.SformCode == nifti.XformMNI152 || (h.SformCode == nifti.XformUnknown && h.QformCode == nifti.XformMNI152) || (len(m.Runs) > 0 && strings.Contains(filepath.Base(m.Runs[0]), "space-MNI"))
}
