package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

func newExtractCmd() *cobra.Command {
	o := extract.DefaultRunOptions()
	var (
		strategy, missing, standardize, filter = string(o.Strategy), string(o.Missing), string(o.Standardize), string(o.Filter)
		out, confFile, physioFile              string
		subjects, sessions, tasks, runs        []string
		spaces                                 []string
		physioSliceTime                        float64
	)
	cmd := withHelp(&cobra.Command{
		Use:   "extract IMAGE|FMRIPREP_DIR",
		Short: "Extract ROI time series (and clean them) from one 4D image or a whole fMRIPrep derivatives folder",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			o.Strategy, o.Missing = extract.Strategy(strategy), extract.MissingPolicy(missing)
			o.Standardize, o.Filter = signal.Standardization(standardize), signal.Filter(filter)
			if err := o.Check(); err != nil {
				return usageError{err}
			}
			spec, err := o.Spec()
			if err != nil {
				return err
			}
			st, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			var jobs []extract.Job
			if st.IsDir() {
				flt := study.Filter{"sub": subjects, "ses": sessions, "task": tasks, "run": runs, "space": spaces}
				if jobs, err = extract.FolderJobs(args[0], out, flt, spec); err != nil {
					return err
				}
			} else {
				j, err := extract.ImageJob(args[0], confFile, out, spec)
				if err != nil {
					return usageError{fmt.Errorf("--confounds-file: %w", err)}
				}
				if physioFile != "" {
					j.Physio = &extract.PhysioSpec{Path: physioFile, SliceTime: physioSliceTime, Orders: signal.DefaultRetroicorOrders}
				}
				jobs = []extract.Job{j}
			}
			bar := progress.New(len(jobs), "extract: runs")
			defer bar.Finish()
			return extract.RunJobs(jobs, spec, func(i int, j extract.Job, res *extract.RunOutput) {
				for _, w := range res.Warnings {
					slog.Warn(w, "run", j.Image)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d regions x %d frames (%d of %d kept) -> %s\n", j.Image, res.Series.Cols, res.Series.Rows, len(res.Kept), res.Signals.Rows, j.Out)
				bar.Set(i + 1)
			})
		},
	}, "extract")
	f := cmd.Flags()
	f.StringVar(&o.Atlas, "atlas", o.Atlas, "built-in atlas name or label image (NIfTI)")
	f.StringVar(&o.AtlasTable, "atlas-table", "", "region table (TSV/CSV) for a label image")
	f.StringVar(&strategy, "strategy", strategy, "reduction per region: mean, median, sum, minimum, maximum, standard_deviation, variance")
	f.StringVar(&missing, "missing", missing, "regions without voxels on the data grid: error, drop or nan")
	f.BoolVar(&o.AllowNonFinite, "allow-nonfinite", o.AllowNonFinite, "skip NaN/Inf voxels instead of failing")
	f.StringVar(&o.Confounds, "confounds", o.Confounds, "fMRIPrep confound preset: none, simple, scrubbing, compcor, ica_aroma")
	f.StringVar(&confFile, "confounds-file", "", "confounds TSV for a single image (folders find it beside each run)")
	f.BoolVar(&o.Detrend, "detrend", o.Detrend, "remove linear trends (nilearn)")
	f.StringVar(&standardize, "standardize", standardize, "none, zscore (ddof 0), zscore_sample (ddof 1), psc")
	f.StringVar(&filter, "filter", filter, "temporal filter for --high-pass/--low-pass: butterworth or cosine")
	f.Float64Var(&o.HighPass, "high-pass", o.HighPass, "high-pass cut-off (Hz)")
	f.Float64Var(&o.LowPass, "low-pass", o.LowPass, "low-pass cut-off (Hz)")
	f.Float64Var(&o.TR, "tr", o.TR, "repetition time (s); default: BIDS sidecar, then the image header")
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
