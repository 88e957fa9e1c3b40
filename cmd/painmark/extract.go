package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

func newExtractCmd() *cobra.Command {
	var (
		atlasArg, atlasTable, strategy, missing, out          string
		confPreset, confFile, standardize, filter, physioFile string
		subjects, sessions, tasks, runs, spaces               []string
		highPass, lowPass, tr, physioSliceTime                float64
		detrend, allowNonFinite                               bool
	)
	cmd := &cobra.Command{
		Use:   "extract IMAGE|FMRIPREP_DIR",
		Short: "Extract ROI time series (and clean them) from one 4D image or a whole fMRIPrep derivatives folder",
		Long: `extract streams each 4D image volume by volume and writes one TSV per run (frames x regions,
header = region names) with a JSON sidecar (atlas, options, frames kept, warnings, software version).

The atlas is a built-in one (mist122) or a label image (--atlas LABELS.nii.gz with --atlas-table
regions.tsv; without a table, regions are named by label value). It is resampled to the data grid
(nearest neighbour, as nilearn) when grids differ. Reductions: mean, median, sum, minimum, maximum,
standard_deviation, variance. Regions without voxels on the data grid are an error unless
--missing drop|nan; all-zero regions (out of the field of view) are kept and reported.

Cleaning follows nilearn.signal.clean and happens only when asked: --confounds PRESET (fMRIPrep
confounds by nilearn's load_confounds_strategy presets: simple, scrubbing, compcor, ica_aroma),
--detrend, --standardize, --high-pass/--low-pass (Butterworth, or --filter cosine), --physio
(RETROICOR regressors from a BIDS physio recording).

Given a folder, every *_desc-preproc_bold.nii[.gz] matching the entity filters is processed and the
outputs keep the BIDS entities: OUT/sub-01/func/sub-01_task-rest_run-1_space-..._atlas-mist122_timeseries.tsv.`,
		Example: `  painmark extract sub-01_task-rest_bold.nii.gz --atlas mist122 -o roi/
  painmark extract derivatives/fmriprep --space MNI152NLin2009cAsym --atlas mist122 \
      --confounds simple --high-pass 0.008 --low-pass 0.08 --standardize zscore_sample -o roi/`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			set, atlasName, atlasSource, err := atlas.LoadSet(atlasArg, atlasTable)
			if err != nil {
				return err
			}
			base := extract.RunSpec{
				Set: set, AtlasName: atlasName, AtlasSource: atlasSource,
				Labels: extract.LabelOptions{Strategy: extract.Strategy(strategy), Missing: extract.MissingPolicy(missing), Options: extract.Options{AllowNonFinite: allowNonFinite}},
				TR:     tr,
			}
			if confPreset != "" && confPreset != "none" {
				spec, err := confounds.Preset(confPreset)
				if err != nil {
					return usageError{err}
				}
				base.ConfoundSpec = &spec
			}
			clean := detrend || (standardize != "" && standardize != "none") || highPass > 0 || lowPass > 0 || filter == "cosine"
			if clean {
				o := signal.DefaultCleanOptions()
				o.Detrend = detrend
				o.Standardize = signal.Standardization(standardize)
				if standardize == "" {
					o.Standardize = signal.NoStandardization
				}
				o.HighPass, o.LowPass = highPass, lowPass
				o.Filter = signal.Filter(filter)
				base.Clean = &o
			}
			type job struct {
				image, confounds, physio, outTSV string
				tr                               float64
			}
			var jobs []job
			st, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			if st.IsDir() {
				flt := study.Filter{"sub": subjects, "ses": sessions, "task": tasks, "run": runs, "space": spaces}
				bolds, err := study.FindPreprocBold(args[0], flt)
				if err != nil {
					return err
				}
				if len(bolds) == 0 {
					return fmt.Errorf("%s: no *_desc-preproc_bold.nii[.gz] matches the filters", args[0])
				}
				for _, b := range bolds {
					j := job{image: b.Path}
					if base.ConfoundSpec != nil {
						if j.confounds, err = study.ConfoundsFor(b); err != nil {
							return err
						}
					}
					j.tr = sidecarTR(study.Sidecar(b))
					dir := filepath.Join(out, "sub-"+b.Entities["sub"])
					if ses := b.Entities["ses"]; ses != "" {
						dir = filepath.Join(dir, "ses-"+ses)
					}
					j.outTSV = filepath.Join(dir, "func", b.Prefix("desc")+"_atlas-"+atlasName+"_timeseries.tsv")
					jobs = append(jobs, j)
				}
			} else {
				if base.ConfoundSpec != nil && confFile == "" {
					return usageError{fmt.Errorf("--confounds on a single image needs --confounds-file")}
				}
				name := filepath.Base(args[0])
				for _, e := range []string{".nii.gz", ".nii"} {
					name = strings.TrimSuffix(name, e)
				}
				jobs = append(jobs, job{image: args[0], confounds: confFile, physio: physioFile, outTSV: filepath.Join(out, name+"_atlas-"+atlasName+"_timeseries.tsv")})
			}
			bar := progress.New(len(jobs), "extract: runs")
			defer bar.Finish()
			for i, j := range jobs {
				spec := base
				spec.Images = map[string]string{"data": j.image}
				spec.ConfoundsPath = j.confounds
				if spec.TR == 0 {
					spec.TR = j.tr
				}
				if j.physio != "" {
					spec.Physio = &extract.PhysioSpec{Path: j.physio, SliceTime: physioSliceTime, Orders: signal.DefaultRetroicorOrders}
				}
				res, err := extract.ExtractRun(spec)
				if err != nil {
					return err
				}
				for _, w := range res.Warnings {
					slog.Warn(w, "run", j.image)
				}
				if err := os.MkdirAll(filepath.Dir(j.outTSV), 0o755); err != nil {
					return err
				}
				if err := res.Write(j.outTSV); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d regions x %d frames (%d of %d kept) -> %s\n", j.image, res.Series.Cols, res.Series.Rows, len(res.Kept), res.Signals.Rows, j.outTSV)
				bar.Set(i + 1)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&atlasArg, "atlas", "mist122", "built-in atlas name or label image (NIfTI)")
	f.StringVar(&atlasTable, "atlas-table", "", "region table (TSV/CSV) for a label image")
	f.StringVar(&strategy, "strategy", "mean", "reduction per region: mean, median, sum, minimum, maximum, standard_deviation, variance")
	f.StringVar(&missing, "missing", "error", "regions without voxels on the data grid: error, drop or nan")
	f.BoolVar(&allowNonFinite, "allow-nonfinite", false, "skip NaN/Inf voxels instead of failing")
	f.StringVar(&confPreset, "confounds", "none", "fMRIPrep confound preset: none, simple, scrubbing, compcor, ica_aroma")
	f.StringVar(&confFile, "confounds-file", "", "confounds TSV for a single image (folders find it beside each run)")
	f.BoolVar(&detrend, "detrend", false, "remove linear trends (nilearn)")
	f.StringVar(&standardize, "standardize", "none", "none, zscore (ddof 0), zscore_sample (ddof 1), psc")
	f.StringVar(&filter, "filter", "butterworth", "temporal filter for --high-pass/--low-pass: butterworth or cosine")
	f.Float64Var(&highPass, "high-pass", 0, "high-pass cut-off (Hz)")
	f.Float64Var(&lowPass, "low-pass", 0, "low-pass cut-off (Hz)")
	f.Float64Var(&tr, "tr", 0, "repetition time (s); default: BIDS sidecar, then the image header")
	f.StringVar(&physioFile, "physio", "", "BIDS *_physio.tsv.gz for RETROICOR regressors (single image)")
	f.Float64Var(&physioSliceTime, "physio-slice-time", 0, "acquisition time of the slice of interest after each volume onset (s)")
	f.StringSliceVar(&subjects, "subject", nil, "subjects to process (folder mode)")
	f.StringSliceVar(&sessions, "session", nil, "sessions (folder mode)")
	f.StringSliceVar(&tasks, "task", nil, "tasks (folder mode)")
	f.StringSliceVar(&runs, "run", nil, "runs (folder mode)")
	f.StringSliceVar(&spaces, "space", nil, "output spaces, e.g. MNI152NLin2009cAsym (folder mode)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}

// sidecarTR reads RepetitionTime from a BIDS JSON sidecar (0 when absent or unreadable: the
// image header is the fallback).
func sidecarTR(path string) float64 {
	if path == "" {
		return 0
	}
	tr, err := study.RepetitionTime(path)
	if err != nil {
		return 0
	}
	return tr
}
