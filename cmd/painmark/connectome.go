package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

func newConnectomeCmd() *cobra.Command {
	o := features.DefaultConnectomeOptions()
	var (
		kind, estimator, scaling          = string(o.Measure.Kind), string(o.Measure.Estimator), string(o.Measure.Scaling)
		out, idFrom, reportFlag, tagsPath string
		drop                              []string
		keepDiagonal, noMatrices          bool
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
			if tagsPath != "" {
				if err := series.TagRegions(tagsPath); err != nil {
					return err
				}
			}
			res, err := features.Connectomes(series, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d subjects x %d regions -> %d features (%s) in %s\n", res.Table.NumSubjects(), len(series.Regions), res.Table.NumFeatures(), kind, out)
			doc := newCommandReport("Connectomes", files...)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, features.SidecarName)))
		},
	}, "connectome")
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	f.StringVar(&kind, "kind", kind, "covariance, correlation, partial correlation, precision, tangent")
	f.StringVar(&estimator, "estimator", estimator, "ledoit_wolf or empirical")
	f.StringVar(&scaling, "scaling", scaling, "series scaling before estimation: nilearn, zscore (PAINTeR), none")
	f.StringSliceVar(&drop, "drop", nil, "columns to leave out (e.g. GlobSig)")
	f.BoolVar(&keepDiagonal, "keep-diagonal", !o.DiscardDiagonal, "keep the diagonal in the vectors (divided by √2, as nilearn)")
	f.BoolVar(&o.FisherZ, "fisher-z", o.FisherZ, "apply atanh to the features")
	f.BoolVar(&noMatrices, "no-matrices", !o.Matrices, "write only the cohort table")
	f.StringVar(&tagsPath, "region-tags", "", "table of region tags (columns name and system: brain, brainstem, spinal), recorded in connectome.json for signatures, ablations and restrictions")
	f.StringVar(&idFrom, "id", features.BIDSNames, "subject names: bids (sub-/ses-/run- entities of the file name) or file (the file name)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}
