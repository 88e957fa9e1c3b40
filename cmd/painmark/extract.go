package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/painmark/painmark/confounds"
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
		out, confFile, physioFile, cord        string
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
			if err != nil && !extract.IsSurfaceAtlas(o.Atlas) { // GIFTI data: files joined by commas
				return err
			}
			var jobs []extract.Job
			if err == nil && st.IsDir() {
				flt := study.Filter{"sub": subjects, "ses": sessions, "task": tasks, "run": runs, "space": spaces}
				if jobs, err = extract.FolderJobs(args[0], out, flt, spec); err != nil {
					return err
				}
				if err := study.WriteDerivativeDescription(out, commandLine(invocation), args[0]); err != nil { // out is a BIDS derivative dataset
					return err
				}
			} else {
				j, err := extract.ImageJob(args[0], confFile, out, spec)
				if err != nil {
					return usageError{fmt.Errorf("--confounds-file: %w", err)}
				}
				j.Cord = cord
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
	f.StringVar(&o.Atlas, "atlas", o.Atlas, "built-in atlas name, label image (NIfTI), CIFTI *.dlabel.nii (for a *.dtseries.nii) or GIFTI *.label.gii files joined by commas (for *.func.gii files joined by commas)")
	f.BoolVar(&o.Structures, "cifti-structures", o.Structures, "voxel structures of a CIFTI dtseries its dlabel leaves unlabelled become parcels")
	f.StringVar(&o.AtlasTable, "atlas-table", "", "region table (TSV/CSV) for a label image")
	f.StringVar(&cord, "cord", "", "the run's cord image in PAM50 space (--atlas corticospinal, single image; folders find space-PAM50 beside each run)")
	f.StringVar(&o.Corticospinal.PAM50, "pam50", "", "PAM50 template folder (SCT's data/PAM50/template) for --atlas corticospinal")
	f.StringVar(&o.Corticospinal.PAG, "pag", "", "PAG mask (MNI) for --atlas corticospinal (default: a sphere, see help)")
	f.StringVar(&o.Corticospinal.RVM, "rvm", "", "RVM mask (MNI) for --atlas corticospinal (default: a sphere, see help)")
	f.BoolVar(&o.GlobalSignal, "global-signal", false, "add a column GlobSig, the mean of every voxel the atlas labels (the RPN's 123rd region; volumetric atlases)")
	f.StringVar(&o.Corticospinal.GreyMatter, "gm-mask", "", "grey-matter mask (MNI) of the global signal GM for --atlas corticospinal (default: every MIST-122 voxel)")
	choiceVar(f, &strategy, "strategy", strategy, "reduction per region: mean, median, sum, minimum, maximum, standard_deviation, variance", oneOf(extract.Strategies...))
	choiceVar(f, &missing, "missing", missing, "regions without voxels on the data grid: error, drop or nan", oneOf(extract.MissingError, extract.MissingDrop, extract.MissingNaN))
	f.BoolVar(&o.AllowNonFinite, "allow-nonfinite", o.AllowNonFinite, "skip NaN/Inf voxels instead of failing")
	choiceVar(f, &o.Confounds, "confounds", o.Confounds, "fMRIPrep confound preset: none, simple, scrubbing, compcor, ica_aroma", confoundPreset(true))
	choiceVar(f, &o.Nilearn, "nilearn", o.Nilearn, "nilearn version of the confound preset: 0.13 or 0.10.3 (the CSps study's; scrubbing FD 0.2, std DVARS 3)", oneOf(confounds.Nilearn013, confounds.Nilearn0103))
	f.StringVar(&confFile, "confounds-file", "", "confounds TSV for a single image (folders find it beside each run)")
	f.BoolVar(&o.Detrend, "detrend", o.Detrend, "remove linear trends (nilearn)")
	choiceVar(f, &standardize, "standardize", standardize, "none, zscore (ddof 0), zscore_sample (ddof 1), psc", oneOf(signal.NoStandardization, signal.ZScore, signal.ZScoreSample, signal.PercentSignalChange))
	choiceVar(f, &filter, "filter", filter, "temporal filter for --high-pass/--low-pass: butterworth or cosine", oneOf(signal.Butter, signal.Cosine, signal.NoFilter))
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
