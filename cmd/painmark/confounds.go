package main

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/confounds"
	"github.com/spf13/cobra"
)

func newConfoundsCmd() *cobra.Command {
	var preset, strategy, out string
	nilearn := confounds.DefaultNilearnVersion
	var noDemean bool
	flagSpec := confounds.Defaults() // the flags' values, with the library's defaults
	cmd := withHelp(&cobra.Command{
		Use:   "confounds CONFOUNDS_TSV",
		Short: "Build a confound matrix and sample mask from fMRIPrep confounds (nilearn load_confounds)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec := confounds.Defaults()
			if preset != "" {
				var err error
				if spec, err = confounds.PresetFor(preset, nilearn); err != nil {
					return usageError{err}
				}
			}
			if strategy != "" {
				spec.Strategy = strings.Split(strategy, ",")
			}
			// Only the flags given override the preset (or the defaults).
			for name, set := range map[string]func(){
				"motion": func() { spec.Motion = flagSpec.Motion }, "wm-csf": func() { spec.WMCSF = flagSpec.WMCSF },
				"global-signal": func() { spec.GlobalSignal = flagSpec.GlobalSignal }, "compcor": func() { spec.Compcor = flagSpec.Compcor },
				"ica-aroma": func() { spec.ICAAroma = flagSpec.ICAAroma }, "n-compcor": func() { spec.NCompcor = flagSpec.NCompcor },
				"compcor-variance": func() { spec.CompcorVariance = flagSpec.CompcorVariance }, "scrub": func() { spec.Scrub = flagSpec.Scrub },
				"fd-threshold":        func() { spec.FDThreshold = flagSpec.FDThreshold },
				"std-dvars-threshold": func() { spec.StdDVARSThreshold = flagSpec.StdDVARSThreshold },
			} {
				if cmd.Flags().Changed(name) {
					set()
				}
			}
			spec.Demean = !noDemean
			res, err := confounds.Load(args[0], spec)
			if err != nil {
				return err
			}
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			jsonPath, err := res.WriteFiles(out, args[0], spec)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d regressors, %d of %d volumes retained: %s, %s\n", len(res.Names), res.Kept(), res.NumFrames, out, jsonPath)
			return nil
		},
	}, "confounds")
	f := cmd.Flags()
	choiceVar(f, &preset, "preset", "", "nilearn preset: simple, scrubbing, compcor, ica_aroma", confoundPreset(false))
	choiceVar(f, &nilearn, "nilearn", nilearn, "nilearn version of the preset: 0.13 or 0.10.3 (the CSps study's; scrubbing FD 0.2, std DVARS 3)", oneOf(confounds.Nilearn013, confounds.Nilearn0103))
	choiceVar(f, &strategy, "strategy", "", "comma-separated components (motion,high_pass,wm_csf,global_signal,compcor,ica_aroma,scrub)",
		eachOf(oneOf("motion", "high_pass", "wm_csf", "global_signal", "compcor", "ica_aroma", "scrub")))
	choiceVar(f, &flagSpec.Motion, "motion", flagSpec.Motion, "motion expansion: basic, derivatives, power2, full", expansion)
	choiceVar(f, &flagSpec.WMCSF, "wm-csf", flagSpec.WMCSF, "white matter/CSF expansion: basic, derivatives, power2, full", expansion)
	choiceVar(f, &flagSpec.GlobalSignal, "global-signal", flagSpec.GlobalSignal, "global signal expansion: basic, derivatives, power2, full", expansion)
	choiceVar(f, &flagSpec.Compcor, "compcor", flagSpec.Compcor, "CompCor method: anat_combined, anat_separated, temporal, temporal_anat_combined or temporal_anat_separated",
		oneOf("anat_combined", "anat_separated", "temporal", "temporal_anat_combined", "temporal_anat_separated"))
	f.IntVar(&flagSpec.NCompcor, "n-compcor", flagSpec.NCompcor, "CompCor components per mask (0 = all)")
	f.Float64Var(&flagSpec.CompcorVariance, "compcor-variance", flagSpec.CompcorVariance, "keep CompCor components up to this cumulative variance fraction (e.g. 0.5)")
	choiceVar(f, &flagSpec.ICAAroma, "ica-aroma", flagSpec.ICAAroma, "ICA-AROMA: full or basic", oneOf("full", "basic"))
	f.IntVar(&flagSpec.Scrub, "scrub", flagSpec.Scrub, "minimum retained segment length (volumes); 0 disables")
	f.Float64Var(&flagSpec.FDThreshold, "fd-threshold", flagSpec.FDThreshold, "framewise displacement threshold (mm)")
	f.Float64Var(&flagSpec.StdDVARSThreshold, "std-dvars-threshold", flagSpec.StdDVARSThreshold, "standardized DVARS threshold")
	f.BoolVar(&noDemean, "no-demean", false, "keep the regressors' means")
	f.StringVarP(&out, "out", "o", "", "output TSV (a JSON sidecar with the sample mask is written beside it)")
	return cmd
}
