package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/glm"
	"github.com/spf13/cobra"
)

func newGLMFirstCmd() *cobra.Command {
	opts := glm.DefaultFirstLevelOptions()
	var bolds, events, confFiles, contrasts []string
	var preset, maskPath, out, reportFlag string
	cmd := withHelp(&cobra.Command{
		Use:   "first",
		Short: "Fit nilearn's first-level GLM (FirstLevelModel) to 4D NIfTI runs and write contrast maps",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			runs, err := glm.LoadFirstLevelRuns(bolds, events, confFiles, preset)
			if err != nil {
				return err
			}
			var mask []bool
			if maskPath != "" {
				if mask, err = glm.LoadMaskLike(maskPath, bolds[0]); err != nil {
					return err
				}
			}
			res, err := glm.RunFirstLevel(runs, mask, contrasts, opts)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d runs, %d voxels, %d contrasts -> %s\n", len(runs), len(res.Model.Voxels), len(contrasts), out)
			doc := newCommandReport("First-level GLM", append(append(append([]string{}, bolds...), events...), confFiles...)...)
			res.AddReport(doc)
			return writeReport(cmd.OutOrStdout(), doc, reportPath(reportFlag, filepath.Join(out, "first_level.json")))
		},
	}, "glm-first")
	f := cmd.Flags()
	f.StringArrayVar(&bolds, "bold", nil, "4D BOLD run (NIfTI); repeat for several runs (fixed effects across runs)")
	f.StringArrayVar(&events, "events", nil, "BIDS events.tsv of each run, in the order of --bold")
	f.StringArrayVar(&confFiles, "confounds", nil, "fMRIPrep confounds TSV of each run (optional), in the order of --bold")
	choiceVar(f, &preset, "confounds-preset", "simple", "confound preset: simple, compcor or ica_aroma (nilearn's load_confounds_strategy)", confoundPreset(false))
	f.StringArrayVar(&contrasts, "contrast", nil, `contrast over the design's columns: t ("heat - warm"), or F with rows separated by ";" ("heat; warm") (repeatable)`)
	f.StringVar(&maskPath, "mask", "", "brain mask on the runs' grid (default: every voxel; nilearn's own EPI mask is not computed)")
	f.Float64Var(&opts.TR, "tr", opts.TR, "repetition time in seconds (default: the header's)")
	f.Float64Var(&opts.SliceTimeRef, "slice-time-ref", opts.SliceTimeRef, "fraction of the TR at which the frame times are taken (fMRIPrep's slice-timing correction: 0.5)")
	designFlags(cmd, &opts.Design)
	choiceVar(f, &opts.NoiseModel, "noise", opts.NoiseModel, "noise model: ar1 or ols", oneOf(glm.NoiseAR1, glm.NoiseOLS))
	f.IntVar(&opts.Bins, "bins", opts.Bins, "bins of the AR(1) coefficients")
	f.BoolVar(&opts.SignalScaling, "signal-scaling", opts.SignalScaling, "scale each voxel to percent of its mean (nilearn's signal_scaling=0)")
	f.IntVar(&opts.SlabMiB, "slab-mib", opts.SlabMiB, "memory of one slab of voxel time series, MiB")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		return requireFlags(cmd, "bold", "events", "contrast", "out")
	}
	return cmd
}
