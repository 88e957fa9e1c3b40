package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

// newAblateCmd is `painmark signature ablate`: the CSps study's ablation models M1-M5.
func newAblateCmd() *cobra.Command {
	var in learnInputs
	var out, series, scoring, solver, desc, reportFlag string
	var z, flip, nested bool
	var perms int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "ablate FEATURES",
		Short: "Retrain the signature recipe on region-tag subsets (ablation models M1-M5 of the CSps study)",
		Long: `ablate retrains the signature's pipeline, grid and cross-validation on subsets of a corticospinal
feature table (painmark connectome's features.tsv, whose connectome.json must carry region tags:
painmark connectome --region-tags) and reports each model's cross-validated r, MAE and R²:
  M1  brain only: edges among brain (and brainstem) regions of the full matrix
  M2  spinal only: edges among spinal regions of the full matrix
  M3  brain and spinal partial correlations computed separately (needs --series, the ROI time series)
  M4  the full matrix without its cross-system edges
  M5  only the cross-system (brain-spinal) edges
Compare them with the full signature trained by painmark signature train on the same table.`,
		Example: `  painmark signature ablate connectomes/features.tsv --target participants.tsv:heat_pain_threshold \
      --zscore --flip --series roi/ --k 25,50,100 --alpha 0.01,0.1 -o ablation.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, _, x, y, err := in.load(args[0], true)
			if err != nil {
				return err
			}
			sidecar := filepath.Join(filepath.Dir(args[0]), "connectome.json")
			regions, features, err := readConnectomeSidecar(sidecar)
			if err != nil {
				return err
			}
			if regions == nil {
				return fmt.Errorf("%s: ablations need the feature table's connectome.json (regions and their tags)", args[0])
			}
			var blocks *learn.Matrix
			if series != "" {
				files, err := study.TimeSeriesFiles(series)
				if err != nil {
					return err
				}
				ser, names, rn, err := readSeries(files, nil, "bids")
				if err != nil {
					return err
				}
				if len(rn) != len(regions) {
					return fmt.Errorf("%s: %d regions, the features have %d", series, len(rn), len(regions))
				}
				// The series must be the feature table's subjects, in its order.
				byName := map[string]int{}
				for i, n := range names {
					byName[n] = i
				}
				ordered := make([]signal.Matrix, len(ids))
				for i, id := range ids {
					k, ok := byName[id]
					if !ok {
						return fmt.Errorf("%s: no series for subject %s of %s", series, id, args[0])
					}
					ordered[i] = ser[k]
				}
				m := connectome.Measure{Kind: connectome.Kind(features.Kind), Estimator: connectome.Estimator(features.Estimator), Scaling: connectome.SeriesScaling(features.Scaling)}
				b, err := signature.BlockFeatures(ordered, regions, m)
				if err != nil {
					return err
				}
				blocks = &b
			}
			o := signature.TrainOptions{Name: "ablation", Features: features,
				Target: signature.TargetRecipe{Description: desc, ZScore: z, Flip: flip},
				Base:   in.pipeline(), Grid: learn.Grid{K: in.k, Alpha: in.alpha, L1Ratio: in.l1},
				Scoring: learn.Scoring(scoring), Solver: learn.Solver(solver), CVName: in.cv, Nested: nested,
				Permutations: perms, Seed: seed}
			res, err := signature.Ablations(x, y, regions, blocks, o)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%-4s %-48s %9s  %7s %7s %7s\n", "", "model", "features", "CV r", "MAE", "R²")
			for _, r := range res {
				fmt.Fprintf(w, "%-4s %-48s %9d  %7.3f %7.3f %7.3f", r.Model, r.Description, r.Features, r.R, r.MAE, r.R2)
				if perms > 0 {
					fmt.Fprintf(w, "  p(r) = %.4g", r.PR)
				}
				if nested {
					fmt.Fprintf(w, "  nested r = %.3f", r.NestedR)
				}
				fmt.Fprintln(w)
			}
			if err := writeJSON(out, map[string]any{"models": res, "subjects": ids, "cv": in.cv, "grid": o.Grid, "software_version": version.String()}); err != nil {
				return err
			}
			d := newCommandReport("Ablation models M1-M5", args[0], in.target, series)
			d.Seed = &seed
			d.Numbers["models"] = res
			labels, rs := make([]string, len(res)), make([]float64, len(res))
			var rows [][]string
			for i, r := range res {
				labels[i], rs[i] = r.Model+" "+r.Description, r.R
				rows = append(rows, []string{r.Model, r.Description, fmt.Sprint(r.Features), r.Chosen, fmt.Sprintf("%.3f", r.R), fmt.Sprintf("%.3f", r.MAE), fmt.Sprintf("%.3f", r.R2)})
			}
			sec := d.Section("Ablation models")
			sec.Text("Each model is retrained with the same pipeline, grid (%d candidates) and cross-validation (%s) on a subset of the corticospinal connectome.", len(o.Grid.Candidates()), in.cv)
			sec.Figure(report.Bars("Cross-validated r per model", "cross-validated r", labels, rs, 0), "Pooled out-of-fold r of each ablation model.")
			sec.Table("Models", []string{"model", "description", "features", "chosen", "CV r", "MAE", "R²"}, rows)
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	addReportFlag(cmd, &reportFlag)
	in.flags(cmd, true)
	f := cmd.Flags()
	f.StringVar(&series, "series", "", "folder (or file) of the subjects' ROI time series, for M3's separately computed blocks")
	f.StringVar(&desc, "target-description", "", "what the target is")
	f.BoolVar(&z, "zscore", false, "z-score the outcome (as signature train)")
	f.BoolVar(&flip, "flip", false, "multiply the (standardized) outcome by −1")
	f.StringVar(&solver, "solver", string(learn.SolverPath), "path or exact")
	f.StringVar(&scoring, "scoring", string(learn.NegMAE), "search objective")
	f.BoolVar(&nested, "nested", false, "also run nested leave-one-out per model")
	f.IntVar(&perms, "permutations", 0, "refit permutations per model")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "out", "o", "ablation.json", "result JSON")
	return cmd
}
