package main

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/glm"
	"github.com/spf13/cobra"
)

func newGLMCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "glm",
		Short: "Task fMRI first-level GLM (nilearn 0.10.3's): design matrices from BIDS events",
	}
	opts := glm.DefaultDesignOptions()
	var tr, sliceRef float64
	var nScans int
	var out, reportFlag string
	design := withHelp(&cobra.Command{
		Use:   "design EVENTS",
		Short: "Write the first-level design matrix of a BIDS events.tsv (nilearn's make_first_level_design_matrix)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ev, err := glm.ReadEvents(args[0])
			if err != nil {
				return err
			}
			ft, err := glm.FrameTimes(nScans, tr, sliceRef)
			if err != nil {
				return usageError{err}
			}
			d, err := glm.MakeDesign(ft, ev, nil, opts)
			if err != nil {
				return err
			}
			if err := d.WriteFiles(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d events, %d scans -> %s (%d columns: %s)\n", len(ev), nScans, out, len(d.Names), strings.Join(d.Names, ", "))
			doc := newCommandReport("Design matrix", args[0])
			d.AddReport(doc)
			if err := writeReport(cmd.OutOrStdout(), doc, reportPath(reportFlag, out)); err != nil {
				return err
			}
			if d.Regularized {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: the design is singular at working precision and was regularised (as nilearn's full_rank)")
			}
			return nil
		},
	}, "glm-design")
	f := design.Flags()
	f.Float64Var(&tr, "tr", 0, "repetition time in seconds")
	f.IntVar(&nScans, "n-scans", 0, "number of volumes of the run")
	f.Float64Var(&sliceRef, "slice-time-ref", 0, "fraction of the TR at which the reference slice was acquired (0 to 1; fMRIPrep's slice-timing correction: 0.5)")
	designFlags(design, &opts)
	f.StringVarP(&out, "out", "o", "", "output design matrix (design.tsv)")
	addReportFlag(design, &reportFlag)
	design.MarkFlagRequired("tr")
	design.MarkFlagRequired("n-scans")
	design.PreRunE = func(cmd *cobra.Command, args []string) error { return requireFlags(cmd, "out") }
	cmd.AddCommand(design, newGLMFirstCmd(), newGLMBetasCmd(), newGLMSecondCmd())
	return cmd
}

// designFlags maps the design-matrix flags onto glm.DesignOptions.
func designFlags(cmd *cobra.Command, opts *glm.DesignOptions) {
	f := cmd.Flags()
	choiceVar(f, &opts.HRFModel, "hrf", opts.HRFModel, "HRF model: "+strings.Join(glm.HRFModels, ", "), oneOf(glm.HRFModels...))
	choiceVar(f, &opts.DriftModel, "drift", opts.DriftModel, "drift model: cosine, polynomial or none", oneOf(glm.DriftCosine, glm.DriftPolynomial, glm.DriftNone))
	f.Float64Var(&opts.HighPass, "high-pass", opts.HighPass, "cosine drift cut-off frequency in Hz")
	f.IntVar(&opts.DriftOrder, "drift-order", opts.DriftOrder, "polynomial drift order")
	f.IntSliceVar(&opts.FIRDelays, "fir-delays", opts.FIRDelays, "FIR delays in scans")
	f.Float64Var(&opts.MinOnset, "min-onset", opts.MinOnset, "earliest onset modelled, seconds relative to the first frame")
	f.IntVar(&opts.Oversampling, "oversampling", opts.Oversampling, "temporal oversampling of the convolution")
}
