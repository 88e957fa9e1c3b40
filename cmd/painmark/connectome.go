package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

func newConnectomeCmd() *cobra.Command {
	o := features.DefaultConnectomeOptions()
	var (
		kind, estimator, scaling          = string(o.Measure.Kind), string(o.Measure.Estimator), string(o.Measure.Scaling)
		out, idFrom, reportFlag, tagsPath string
		drop                              []string
		keepDiagonal, noMatrices, blocks  bool
	)
	cmd := withHelp(&cobra.Command{
		Use:   "connectome TSV...|FOLDER",
		Short: "Connectivity matrices and a cohort feature table from ROI time series (TSV)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			o.Measure = connectome.Measure{Kind: connectome.Kind(kind), Estimator: connectome.Estimator(estimator), Scaling: connectome.SeriesScaling(scaling)}
			o.DiscardDiagonal, o.Matrices = !keepDiagonal, !noMatrices
			if err := o.Check(); err != nil {
				return usageError{err}
			}
			files, err := study.TimeSeriesFiles(args...)
			if err != nil {
				return err
			}
			series, err := features.ReadSeries(files, drop, idFrom)
			if err != nil {
				return err
			}
			if err := series.TagRegions(tagsPath); err != nil {
				return err
			}
			if blocks { // the ablation model M3's block table
				t, err := signature.BlockTable(series, o.Measure)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d subjects x %d block features (M3) in %s\n", t.NumSubjects(), t.NumFeatures(), out)
				return t.Write(out)
			}
			res, err := features.Connectomes(series, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			res.Print(w, out)
			doc := newCommandReport("Connectomes", files...)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, features.SidecarName)))
		},
	}, "connectome")
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	choiceVar(f, &kind, "kind", kind, "covariance, correlation, partial correlation, precision, tangent", oneOf(connectome.Covariance, connectome.Correlation, connectome.PartialCorrelation, connectome.Precision, connectome.Tangent))
	choiceVar(f, &estimator, "estimator", estimator, "ledoit_wolf or empirical", oneOf(connectome.LedoitWolfEstimator, connectome.EmpiricalEstimator))
	choiceVar(f, &scaling, "scaling", scaling, "series scaling before estimation: nilearn, zscore (PAINTeR), none", oneOf(connectome.AsNilearn, connectome.ZScoreSeries, connectome.AsGiven))
	f.StringSliceVar(&drop, "drop", nil, "columns to leave out (e.g. GlobSig)")
	f.BoolVar(&keepDiagonal, "keep-diagonal", !o.DiscardDiagonal, "keep the diagonal in the vectors (divided by √2, as nilearn)")
	f.BoolVar(&o.FisherZ, "fisher-z", o.FisherZ, "apply atanh to the features")
	f.BoolVar(&noMatrices, "no-matrices", !o.Matrices, "write only the cohort table")
	f.StringVar(&tagsPath, "region-tags", "", "table of region tags (columns name and system: brain, brainstem, spinal), recorded in connectome.json for signatures, ablations and restrictions")
	f.BoolVar(&blocks, "blocks", false, "write the ablation model M3's block table instead (brain and spinal regions' matrices computed separately; needs --region-tags): an ablation's M3 signature validates on it")
	choiceVar(f, &idFrom, "id", features.BIDSNames, "row names: bids (the run's sub-/ses-/task-/run- entities; its participant_id joins participants tables) or file (the file name)", oneOf(features.BIDSNames, features.FileNames))
	choiceVar(f, &o.Combine, "combine", o.Combine, "a person's several runs: none (a row per run; cross-validation then holds out whole persons), mean (one row per person, runs' matrices averaged, correlations in Fisher z) or concat (one row per person, centred runs concatenated)", oneOf(features.CombineRules...))
	f.StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}
