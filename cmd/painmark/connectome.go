package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newConnectomeCmd() *cobra.Command {
	var (
		kind, estimator, scaling, out, idFrom, reportFlag string
		tagsPath                                          string
		drop                                              []string
		keepDiagonal, fisherZ, noMatrices                 bool
	)
	cmd := &cobra.Command{
		Use:   "connectome TSV...|FOLDER",
		Short: "Connectivity matrices and a cohort feature table from ROI time series (TSV)",
		Long: `connectome reads ROI time series (frames x regions TSVs, e.g. from painmark extract; a folder is
searched for *_timeseries.tsv), computes one connectivity matrix per file and writes:
  OUT/matrices/<name>_connectome.tsv and .npy   each subject's regions x regions matrix
  OUT/features.tsv and features.npy              subjects x edges (nilearn's sym_matrix_to_vec order)
  OUT/edges.tsv                                   each feature column's two regions
  OUT/connectome.json                             the definition, per-subject shrinkage, version

Kinds (nilearn's ConnectivityMeasure): covariance, correlation, "partial correlation", precision,
tangent. Estimators: ledoit_wolf (scikit-learn's), empirical. --scaling zscore z-scores each series
first (PAINTeR's recipe for the RPN signature); nilearn (default) uses series as given except for the
correlation kind; none never scales. The tangent reference is fitted on all inputs given: inside
cross-validation fit it on training subjects only (the learn command does).`,
		Example: `  painmark connectome roi/ --kind "partial correlation" --scaling zscore -o connectomes/
  painmark connectome sub-*_timeseries.tsv --drop GlobSig --kind correlation --fisher-z -o out/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			files, err := study.TimeSeriesFiles(args...)
			if err != nil {
				return err
			}
			series, names, regions, err := readSeries(files, drop, idFrom)
			if err != nil {
				return err
			}
			var systems []string
			if tagsPath != "" {
				if systems, err = readRegionTags(tagsPath, regions); err != nil {
					return err
				}
			}
			m := connectome.Measure{Kind: connectome.Kind(kind), Estimator: connectome.Estimator(estimator), Scaling: connectome.SeriesScaling(scaling)}
			res, err := connectome.Cohort(series, connectome.CohortOptions{Measure: m, DiscardDiagonal: !keepDiagonal, FisherZ: fisherZ})
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(out, "matrices"), 0o755); err != nil {
				return err
			}
			if !noMatrices {
				for s, mat := range res.Matrices {
					base := filepath.Join(out, "matrices", names[s]+"_connectome")
					cols := make([]*table.Column, 0, mat.N+1)
					cols = append(cols, table.TextColumn("region", regions))
					for j := 0; j < mat.N; j++ {
						v := make([]float64, mat.N)
						for i := range v {
							v[i] = mat.At(i, j)
						}
						cols = append(cols, table.NumericColumn(regions[j], v))
					}
					if err := table.Write(base+".tsv", &table.Table{Columns: cols}); err != nil {
						return err
					}
					if err := npy.Write(base+".npy", []int{mat.N, mat.N}, mat.Data, "<f8"); err != nil {
						return err
					}
				}
			}
			shrink := make([]float64, len(names))
			for s, in := range res.Info {
				shrink[s] = in.Shrinkage
			}
			def := features.Definition{Regions: make([]features.Region, len(regions)), DiscardDiagonal: !keepDiagonal,
				Measure:    features.Measure{Kind: m.Kind, Estimator: m.Estimator, Scaling: m.Scaling, FisherZ: fisherZ},
				Provenance: features.Provenance{SoftwareVersion: version.String(), Inputs: files, Shrinkage: shrink}}
			for i, r := range regions {
				def.Regions[i].Name = r
				if systems != nil {
					def.Regions[i].System = systems[i]
				}
			}
			ft, err := features.FromVectors(names, res.Features, def)
			if err != nil {
				return err
			}
			if err := ft.Write(out); err != nil {
				return err
			}
			ne := ft.NumFeatures()
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d subjects x %d regions -> %d features (%s) in %s\n", len(names), len(regions), ne, kind, out)
			// Report: the cohort's mean matrix as a heat map, and the shrinkage per subject.
			nr := len(regions)
			mean := make([]float64, nr*nr)
			for _, mat := range res.Matrices {
				for i, v := range mat.Data {
					mean[i] += v / float64(len(res.Matrices))
				}
			}
			doc := newCommandReport("Connectomes", files...)
			doc.Numbers["subjects"], doc.Numbers["regions"], doc.Numbers["mean_matrix"], doc.Numbers["shrinkage"] = names, regions, mean, shrink
			sec := doc.Section("Mean connectivity matrix")
			if fig, err := report.Heatmap(fmt.Sprintf("Mean %s over %d subjects", kind, len(names)), kind, regions, mean, !keepDiagonal); err == nil {
				sec.Figure(fig, fmt.Sprintf("Each cell the mean over subjects of one region pair's %s (%s estimator, %s scaling); the diagonal is left blank when discarded.", kind, estimator, scaling))
			}
			if estimator == string(connectome.LedoitWolfEstimator) {
				sec.Figure(report.Bars("Ledoit-Wolf shrinkage per subject", "shrinkage", names, shrink, 40), "scikit-learn's Ledoit-Wolf shrinkage intensity of each subject's covariance.")
			}
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, "connectome.json")))
		},
	}
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "partial correlation", "covariance, correlation, partial correlation, precision, tangent")
	f.StringVar(&estimator, "estimator", "ledoit_wolf", "ledoit_wolf or empirical")
	f.StringVar(&scaling, "scaling", "nilearn", "series scaling before estimation: nilearn, zscore (PAINTeR), none")
	f.StringSliceVar(&drop, "drop", nil, "columns to leave out (e.g. GlobSig)")
	f.BoolVar(&keepDiagonal, "keep-diagonal", false, "keep the diagonal in the vectors (divided by √2, as nilearn)")
	f.BoolVar(&fisherZ, "fisher-z", false, "apply atanh to the features")
	f.BoolVar(&noMatrices, "no-matrices", false, "write only the cohort table")
	f.StringVar(&tagsPath, "region-tags", "", "table of region tags (columns name and system: brain, brainstem, spinal), recorded in connectome.json for signatures, ablations and restrictions")
	f.StringVar(&idFrom, "id", "bids", "subject names: bids (sub-/ses-/run- entities of the file name) or file (the file name)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}

// readSeries reads ROI time series tables (frames x regions), leaving out the drop columns; every
// file must have the same regions in the same order. Subjects are named by idFrom (see
// subjectName).
func readSeries(files, drop []string, idFrom string) (series []signal.Matrix, names, regions []string, err error) {
	for _, f := range files {
		tb, err := table.Read(f, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		cols, rn := tb.ColumnsExcept(drop)
		if regions == nil {
			regions = rn
		} else if strings.Join(regions, "\t") != strings.Join(rn, "\t") {
			return nil, nil, nil, fmt.Errorf("%s: its regions differ from %s's; all inputs need the same regions in the same order", f, files[0])
		}
		data, err := tb.Matrix(cols, false)
		if err != nil {
			return nil, nil, nil, err
		}
		series = append(series, signal.Matrix{Rows: tb.NumRows(), Cols: len(cols), Data: data})
		names = append(names, subjectName(f, idFrom))
	}
	return series, names, regions, nil
}

// readRegionTags reads the system tag of every region from a table with columns name and system.
func readRegionTags(path string, regions []string) ([]string, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	names, err := tb.Column("name")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sys, err := tb.Column("system")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tag := map[string]string{}
	for i, n := range names.Raw {
		tag[n] = sys.Raw[i]
	}
	out := make([]string, len(regions))
	for i, r := range regions {
		t, ok := tag[r]
		if !ok {
			return nil, fmt.Errorf("%s: no tag for region %q", path, r)
		}
		out[i] = t
	}
	return out, nil
}

// subjectName names a row of the cohort table.
func subjectName(path, idFrom string) string { return study.RunName(path, idFrom == "bids") }
