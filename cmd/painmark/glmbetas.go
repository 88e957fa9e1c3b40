package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/glm"
	"github.com/spf13/cobra"
)

// newGLMBetasCmd is `painmark glm betas`: single-trial beta series of a run.
func newGLMBetasCmd() *cobra.Command {
	opts := glm.DefaultBetaSeriesOptions()
	var bold, events, conf, preset, maskPath, out, reportFlag string
	cmd := withHelp(&cobra.Command{
		Use:   "betas",
		Short: "Single-trial beta series (LSS or LSA, as nilearn's beta-series example) of a 4D run",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			runs, err := glm.LoadFirstLevelRuns([]string{bold}, []string{events}, nonEmpty(conf), preset)
			var mask []bool
			if err == nil && maskPath != "" {
				mask, err = glm.LoadMaskLike(maskPath, bold)
			}
			if err != nil {
				return err
			}
			res, err := glm.BetaSeries(runs[0], mask, opts)
			if err == nil {
				err = res.WriteFiles(out)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d trials (%s), %d voxels -> %s\n", len(res.Trials), opts.Method, len(res.Model.Voxels), out)
			doc := newCommandReport("Single-trial beta series", bold, events)
			res.AddReport(doc)
			return writeReport(cmd.OutOrStdout(), doc, reportPath(reportFlag, filepath.Join(out, "trials.tsv")))
		},
	}, "glm-betas")
	f := cmd.Flags()
	f.StringVar(&bold, "bold", "", "4D BOLD run (NIfTI)")
	f.StringVar(&events, "events", "", "the run's BIDS events.tsv")
	f.StringVar(&conf, "confounds", "", "the run's fMRIPrep confounds TSV (optional)")
	choiceVar(f, &preset, "confounds-preset", "simple", "confound preset: simple, compcor or ica_aroma", confoundPreset(false))
	f.StringVar(&maskPath, "mask", "", "brain mask on the run's grid (default: every voxel)")
	choiceVar(f, &opts.Method, "method", opts.Method, "lss or lsa", oneOf(glm.LSS, glm.LSA))
	choiceVar(f, &opts.Others, "others", opts.Others, "LSS: the other trials by condition (nilearn's example) or all (Mumford 2012)", oneOf(glm.OthersByCondition, glm.OthersAll))
	f.Float64Var(&opts.Run.TR, "tr", opts.Run.TR, "repetition time in seconds (default: the header's)")
	f.Float64Var(&opts.Run.SliceTimeRef, "slice-time-ref", opts.Run.SliceTimeRef, "fraction of the TR at which the frame times are taken")
	designFlags(cmd, &opts.Run.Design)
	f.BoolVar(&opts.Run.SignalScaling, "signal-scaling", opts.Run.SignalScaling, "scale each voxel to percent of its mean (nilearn's signal_scaling=0)")
	f.IntVar(&opts.Run.SlabMiB, "slab-mib", opts.Run.SlabMiB, "memory of one slab of voxel time series, MiB")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		return requireFlags(cmd, "bold", "events", "out")
	}
	return cmd
}

// nonEmpty is the one-element list of s, or none when s is empty.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
