package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newConfoundsCmd() *cobra.Command {
	var (
		preset, strategy, motion, wmcsf, gs, compcor, aroma, out string
		nCompcor, scrub                                          int
		compcorVar, fd, dvars                                    float64
		noDemean                                                 bool
	)
	cmd := &cobra.Command{
		Use:   "confounds CONFOUNDS_TSV",
		Short: "Build a confound matrix and sample mask from fMRIPrep confounds (nilearn load_confounds)",
		Long: `confounds selects nuisance regressors from fMRIPrep's *_desc-confounds_timeseries.tsv by strategy,
with the definitions of nilearn.interfaces.fmriprep.load_confounds: motion (basic 6, derivatives 12,
power2 12, full 24), wm_csf and global_signal with the same expansions, compcor (anat_combined,
anat_separated, temporal, ...) by count or cumulative variance, high_pass (cosine drifts), ica_aroma,
scrub (FD and standardized DVARS thresholds with a minimum segment length) and non-steady-state
volumes. Regressors are sorted by name and demeaned over retained volumes.
It writes the regressors as TSV and a JSON sidecar with the sample mask (retained volumes).`,
		Example: `  painmark confounds --preset simple sub-01_task-rest_desc-confounds_timeseries.tsv -o conf.tsv
  painmark confounds --strategy motion,wm_csf,scrub --motion full --fd-threshold 0.2 c.tsv -o conf.tsv`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec := confounds.Defaults()
			if preset != "" {
				var err error
				if spec, err = confounds.Preset(preset); err != nil {
					return usageError{err}
				}
			}
			if strategy != "" {
				spec.Strategy = strings.Split(strategy, ",")
			}
			set := func(flag string, dst *string, v string) {
				if cmd.Flags().Changed(flag) {
					*dst = v
				}
			}
			set("motion", &spec.Motion, motion)
			set("wm-csf", &spec.WMCSF, wmcsf)
			set("global-signal", &spec.GlobalSignal, gs)
			set("compcor", &spec.Compcor, compcor)
			set("ica-aroma", &spec.ICAAroma, aroma)
			if cmd.Flags().Changed("n-compcor") {
				spec.NCompcor = nCompcor
			}
			if cmd.Flags().Changed("compcor-variance") {
				spec.CompcorVariance = compcorVar
			}
			if cmd.Flags().Changed("scrub") {
				spec.Scrub = scrub
			}
			if cmd.Flags().Changed("fd-threshold") {
				spec.FDThreshold = fd
			}
			if cmd.Flags().Changed("std-dvars-threshold") {
				spec.StdDVARSThreshold = dvars
			}
			spec.Demean = !noDemean
			res, err := confounds.Load(args[0], spec)
			if err != nil {
				return err
			}
			cols := make([]*table.Column, len(res.Names))
			for j, n := range res.Names {
				cols[j] = table.NumericColumn(n, res.Column(j))
			}
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			if err := table.Write(out, &table.Table{Columns: cols}); err != nil {
				return err
			}
			mask := res.SampleMask
			if mask == nil {
				mask = make([]int, res.NumFrames)
				for i := range mask {
					mask[i] = i
				}
			}
			side := map[string]any{
				"Source":             args[0],
				"Strategy":           spec.Strategy,
				"Options":            sidecarOptions(spec),
				"NumVolumes":         res.NumFrames,
				"NumRetained":        len(mask),
				"SampleMask":         mask,
				"Regressors":         res.Names,
				"SoftwareVersion":    version.String(),
				"Definition":         "nilearn.interfaces.fmriprep.load_confounds",
				"SampleMaskIndexing": "0-based volume indices",
			}
			b, _ := json.MarshalIndent(side, "", "  ")
			jsonPath := strings.TrimSuffix(strings.TrimSuffix(out, ".tsv"), ".csv") + ".json"
			if err := atomicfile.WriteFile(jsonPath, append(b, '\n')); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d regressors, %d of %d volumes retained: %s, %s\n", len(res.Names), len(mask), res.NumFrames, out, jsonPath)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", "", "nilearn preset: simple, scrubbing, compcor, ica_aroma")
	f.StringVar(&strategy, "strategy", "", "comma-separated components (motion,high_pass,wm_csf,global_signal,compcor,ica_aroma,scrub)")
	f.StringVar(&motion, "motion", "full", "motion expansion: basic, derivatives, power2, full")
	f.StringVar(&wmcsf, "wm-csf", "basic", "white matter/CSF expansion")
	f.StringVar(&gs, "global-signal", "basic", "global signal expansion")
	f.StringVar(&compcor, "compcor", "anat_combined", "CompCor method")
	f.IntVar(&nCompcor, "n-compcor", 0, "CompCor components per mask (0 = all)")
	f.Float64Var(&compcorVar, "compcor-variance", 0, "keep CompCor components up to this cumulative variance fraction (e.g. 0.5)")
	f.StringVar(&aroma, "ica-aroma", "full", "ICA-AROMA: full or basic")
	f.IntVar(&scrub, "scrub", 5, "minimum retained segment length (volumes); 0 disables")
	f.Float64Var(&fd, "fd-threshold", 0.5, "framewise displacement threshold (mm)")
	f.Float64Var(&dvars, "std-dvars-threshold", 1.5, "standardized DVARS threshold")
	f.BoolVar(&noDemean, "no-demean", false, "keep the regressors' means")
	f.StringVarP(&out, "out", "o", "", "output TSV (a JSON sidecar with the sample mask is written beside it)")
	return cmd
}

func sidecarOptions(s confounds.Spec) map[string]any {
	num := func(v float64) any {
		if math.IsInf(v, 0) {
			return "none"
		}
		return v
	}
	return map[string]any{
		"motion": s.Motion, "wm_csf": s.WMCSF, "global_signal": s.GlobalSignal, "compcor": s.Compcor,
		"n_compcor": s.NCompcor, "compcor_variance": s.CompcorVariance, "ica_aroma": s.ICAAroma,
		"scrub": s.Scrub, "fd_threshold": num(s.FDThreshold), "std_dvars_threshold": num(s.StdDVARSThreshold),
		"demean": s.Demean,
	}
}
