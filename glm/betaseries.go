package glm

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/report"
)

// BetaSeriesOptions are the options of BetaSeries: the run's acquisition and scaling as a
// first-level model's (design options, TR, slice_time_ref, signal scaling, slab memory) and the
// single-trial model (method, others). Run.NoiseModel is not used: the betas are OLS estimates
// (nilearn's beta-series example fits FirstLevelModel with its default ar1, whose prewhitened
// estimates differ slightly; fit it with noise_model="ols" to compare).
type BetaSeriesOptions struct {
	Run    FirstLevelOptions `json:"run"`
	Method string            `json:"method"`
	Others string            `json:"others"`
}

// DefaultBetaSeriesOptions returns nilearn's first-level defaults with LSS, the other trials by
// condition.
func DefaultBetaSeriesOptions() BetaSeriesOptions {
	st := DefaultSingleTrialOptions()
	return BetaSeriesOptions{Run: DefaultFirstLevelOptions(), Method: st.Method, Others: st.Others}
}

// BetaSeriesResult is a run's single-trial response maps: the trials (events in order, with their
// labels) and Betas[i][v], trial i at mask voxel Model.Voxels[v]; Model holds the grid.
type BetaSeriesResult struct {
	Options BetaSeriesOptions
	Model   *FirstLevelModel
	Trials  []Event
	Labels  []string
	Betas   [][]float64
}

// BetaSeries computes the single-trial betas (LSA or LSS) of a 4D run over a mask (nil: every
// voxel), streamed a slab of z-planes at a time (memory bounded by Run.SlabMiB), each voxel
// mean-scaled first when Run.SignalScaling (as FirstLevelModel's signal_scaling=0).
func BetaSeries(run FirstLevelRun, mask []bool, opts BetaSeriesOptions) (*BetaSeriesResult, error) {
	if opts.Run.SlabMiB < 1 {
		return nil, fmt.Errorf("slab memory must be at least 1 MiB (got %d)", opts.Run.SlabMiB)
	}
	src, err := openSlabSource(run.BOLD)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	m := &FirstLevelModel{Options: opts.Run, Grid: src.r.Header, Runs: []string{run.BOLD}}
	nvox := m.Grid.VoxelsPerVolume()
	if mask != nil && len(mask) != nvox {
		return nil, fmt.Errorf("mask of %d voxels for a run of %d voxels per volume", len(mask), nvox)
	}
	for i := 0; i < nvox; i++ {
		if mask == nil || mask[i] {
			m.Voxels = append(m.Voxels, i)
		}
	}
	if len(m.Voxels) == 0 {
		return nil, fmt.Errorf("the mask is empty")
	}
	tr := opts.Run.TR
	if tr == 0 {
		var ok bool
		if tr, ok = m.Grid.RepetitionTime(); !ok {
			return nil, fmt.Errorf("%s: the header gives no repetition time: give the TR", run.BOLD)
		}
	}
	m.TRs = []float64{tr}
	ft, err := FrameTimes(src.nvol, tr, opts.Run.SliceTimeRef)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", run.BOLD, err)
	}
	st, err := NewSingleTrial(ft, run.Events, run.Confounds, SingleTrialOptions{Method: opts.Method, Others: opts.Others, Design: opts.Run.Design})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", run.BOLD, err)
	}
	res := &BetaSeriesResult{Options: opts, Model: m, Trials: st.Trials, Labels: st.Labels, Betas: make([][]float64, len(st.Trials))}
	for i := range res.Betas {
		res.Betas[i] = make([]float64, len(m.Voxels))
	}
	sl := slabs(m.Voxels, src.nxy, int(m.Grid.Dim[3]), src.nvol, int64(opts.Run.SlabMiB)<<20)
	for i, s := range sl {
		y, idx, err := m.readSlab(src, sl, i)
		if err != nil {
			return nil, err
		}
		ys := make([][]float64, len(idx))
		for j := range ys {
			ys[j] = make([]float64, src.nvol)
			for t := range ys[j] {
				ys[j][t] = y.At(t, j)
			}
		}
		b, err := st.Betas(ys)
		if err != nil {
			return nil, err
		}
		for j := range b {
			for k, v := range b[j] {
				res.Betas[k][s[2]+j] = v
			}
		}
	}
	return res, nil
}

// Conditions returns the trials' conditions in order of first appearance.
func (r *BetaSeriesResult) Conditions() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range r.Trials {
		if !seen[e.TrialType] {
			seen[e.TrialType] = true
			out = append(out, e.TrialType)
		}
	}
	return out
}

// BetaSeriesFileName is the 4D beta series file of a condition under the output folder, as
// nilearn's beta-series example concatenates each condition's trial maps (concat_imgs).
func BetaSeriesFileName(condition string) string {
	return "condition-" + ContrastFileName(condition) + "_betaseries.nii.gz"
}

// WriteFiles writes, under dir, one 4D float64 NIfTI per condition (BetaSeriesFileName: its trials'
// maps in event order, 0 outside the mask) and trials.tsv (label, trial_type, onset, duration, the
// file and volume holding the trial).
func (r *BetaSeriesResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("label\ttrial_type\tonset\tduration\tfile\tvolume\n")
	for _, c := range r.Conditions() {
		var vols []float64
		n := 0
		for i, e := range r.Trials {
			if e.TrialType != c {
				continue
			}
			vols = append(vols, r.Model.Map(r.Betas[i])...)
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%d\n", r.Labels[i], c, strconv.FormatFloat(e.Onset, 'g', -1, 64), strconv.FormatFloat(e.Duration, 'g', -1, 64), BetaSeriesFileName(c), n)
			n++
		}
		sh := r.Model.Grid.VolumeShape()
		h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], n}, nifti.Float64)
		a, src, err := r.Model.Grid.Affine()
		if err != nil {
			return err
		}
		code := r.Model.Grid.SformCode
		if src == "qform" {
			code = r.Model.Grid.QformCode
		}
		if code == nifti.XformUnknown {
			code = nifti.XformScannerAnat
		}
		h.SetAffine(a, code)
		if err := nifti.Write(filepath.Join(dir, BetaSeriesFileName(c)), h, vols); err != nil {
			return err
		}
	}
	return atomicfile.WriteFile(filepath.Join(dir, "trials.tsv"), []byte(b.String()))
}

// AddReport adds the beta series: the model and the number of trials per condition.
func (r *BetaSeriesResult) AddReport(doc *report.Document) {
	s := doc.Section("Single-trial beta series")
	method := r.Options.Method
	if method == LSS {
		method += " (other trials: " + r.Options.Others + ")"
	}
	s.Facts([2]string{"method", method},
		[2]string{"run", r.Model.Runs[0]}, [2]string{"voxels", strconv.Itoa(len(r.Model.Voxels))})
	var rows [][]string
	for _, c := range r.Conditions() {
		n := 0
		for _, e := range r.Trials {
			if e.TrialType == c {
				n++
			}
		}
		rows = append(rows, []string{c, strconv.Itoa(n), BetaSeriesFileName(c)})
	}
	s.Table("Trials per condition and their beta series (trials.tsv lists each trial's file and volume).", []string{"condition", "trials", "file"}, rows)
}
