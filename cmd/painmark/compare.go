package main

import (
	"fmt"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

// newCompareCmd is `painmark signature compare`: several signatures on the same subjects.
func newCompareCmd() *cobra.Command {
	var target, idColumn, standardize, flip, out, reportFlag string
	var boots, perms int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "compare SIGNATURE FEATURES SIGNATURE FEATURES [SIGNATURE FEATURES...]",
		Short: "Compare signatures on the same subjects: r with CIs, Williams' test and a paired bootstrap of the difference",
		Long: `compare applies each signature to its own feature table of the same subjects (e.g. CSps on
corticospinal features and RPN on brain features), keeps the subjects present in every table, and
reports each signature's r, MAE and explained variance with permutation p-values and bootstrap
intervals, and for every pair the difference in r with Williams' test of dependent correlations
(Steiger 1980) and a paired bootstrap 95% interval. The outcome is standardized by the first
signature's target definition (--standardize, --flip as in validate).`,
		Example: `  painmark signature compare csps.signature.json cs/features.tsv rpn.signature.json brain/features.tsv \
      --target participants.tsv:heat_pain_threshold --standardize within -o comparison.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 4 || len(args)%2 != 0 {
				return usageError{fmt.Errorf("give pairs of SIGNATURE FEATURES, at least two (got %d arguments)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			in := learnInputs{target: target, idColumn: idColumn}
			var sigs []*signature.Signature
			type cohort struct {
				ids []string
				x   learn.Matrix
				y   []float64
			}
			var tables []cohort
			for k := 0; k < len(args); k += 2 {
				s, err := readForFeatures(args[k], args[k+1])
				if err != nil {
					return err
				}
				ids, _, x, y, err := in.load(args[k+1], true)
				if err != nil {
					return err
				}
				sigs = append(sigs, s)
				tables = append(tables, cohort{ids, x, y})
			}
			// Subjects in every table, in the first table's order.
			rowOf := make([]map[string]int, len(tables))
			for t, c := range tables {
				rowOf[t] = map[string]int{}
				for i, id := range c.ids {
					rowOf[t][id] = i
				}
			}
			var keep []string
			for _, id := range tables[0].ids {
				all := true
				for t := range tables {
					if _, ok := rowOf[t][id]; !ok {
						all = false
					}
				}
				if all {
					keep = append(keep, id)
				}
			}
			if len(keep) < 4 {
				return fmt.Errorf("only %d subjects are in every feature table", len(keep))
			}
			xs := make([]learn.Matrix, len(tables))
			y := make([]float64, len(keep))
			for t, c := range tables {
				rows := make([]int, len(keep))
				for i, id := range keep {
					rows[i] = rowOf[t][id]
				}
				xs[t] = c.x.SelectRows(rows)
				if t == 0 {
					for i, r := range rows {
						y[i] = c.y[r]
					}
				}
			}
			res, err := signature.Compare(sigs, xs, y, signature.EvalOptions{Standardize: standardize, Flip: flip, Permutations: perms, Bootstraps: boots, Seed: seed})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			var evals []map[string]any
			for i, e := range res.Evaluations {
				fmt.Fprintf(w, "%-24s r = %.3f (p = %.3g, 95%% CI %.3f to %.3f), MAE = %.3f, explained variance = %.3f\n", sigs[i].Name, e.R, e.PR, e.RCI[0], e.RCI[1], e.MAE, e.ExplainedVariance)
				evals = append(evals, map[string]any{"signature": sigs[i].Name, "features": args[2*i+1], "r": e.R, "p_r": e.PR, "r_ci95": e.RCI,
					"mae": e.MAE, "explained_variance": e.ExplainedVariance, "predictions": e.Predictions})
			}
			var pairs []map[string]any
			for _, p := range res.Pairs {
				fmt.Fprintf(w, "%s vs %s: Δr = %.3f (bootstrap 95%% CI %.3f to %.3f); Williams t(%g) = %.3f, p = %.3g\n", p.A, p.B, p.DiffR, p.DiffCI[0], p.DiffCI[1], p.Williams.DF, p.Williams.T, p.Williams.P)
				pairs = append(pairs, map[string]any{"a": p.A, "b": p.B, "diff_r": p.DiffR, "diff_r_ci95": p.DiffCI, "r_ab": p.Williams.RAB,
					"williams_t": p.Williams.T, "df": p.Williams.DF, "p": p.Williams.P})
			}
			if err := writeJSON(out, map[string]any{"subjects": keep, "outcome": res.Evaluations[0].Outcome, "signatures": evals, "pairs": pairs,
				"standardize": standardize, "seed": seed, "software_version": version.String()}); err != nil {
				return err
			}
			d := newCommandReport("Signature comparison", append(append([]string{}, args...), target)...)
			d.Seed = &seed
			d.Numbers["signatures"], d.Numbers["pairs"], d.Numbers["subjects"] = evals, pairs, keep
			names, rs, lo, hi := make([]string, len(sigs)), make([]float64, len(sigs)), make([]float64, len(sigs)), make([]float64, len(sigs))
			for i, e := range res.Evaluations {
				names[i], rs[i], lo[i], hi[i] = sigs[i].Name, e.R, e.RCI[0], e.RCI[1]
			}
			sec := d.Section("Signatures on the same subjects")
			sec.Text("%d subjects present in every feature table; outcome standardization: %s.", len(keep), standardize)
			sec.Figure(report.Intervals("r of each signature", "r (prediction, outcome) with 95% bootstrap interval", names, rs, lo, hi, 0), "Dots: r; whiskers: 95% bootstrap intervals.")
			var rows [][]string
			for _, p := range res.Pairs {
				rows = append(rows, []string{p.A + " vs " + p.B, fmt.Sprintf("%.3f", p.DiffR), fmt.Sprintf("%.3f to %.3f", p.DiffCI[0], p.DiffCI[1]), fmt.Sprintf("%.3f", p.Williams.RAB), fmt.Sprintf("%.3f", p.Williams.T), fmt.Sprintf("%.3g", p.Williams.P)})
			}
			sec.Table("Pairwise comparisons (Williams' test of dependent correlations, paired bootstrap)", []string{"pair", "Δr", "95% CI", "r between predictions", "Williams t", "p"}, rows)
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	f.StringVar(&target, "target", "", "outcome as TABLE:COLUMN (joined on subject IDs) or COLUMN of the first feature table")
	f.StringVar(&idColumn, "id-column", "", "subject-ID column of the feature tables (default: their first column)")
	f.StringVar(&standardize, "standardize", signature.StandardizeNone, "outcome standardization: none, training (the first signature's) or within")
	f.StringVar(&flip, "flip", "auto", "sign flip of a standardized outcome: auto, no or yes (see validate)")
	f.IntVar(&perms, "permutations", 10000, "permutations of the predictions for p-values (0: none)")
	f.IntVar(&boots, "bootstraps", 10000, "bootstrap resamples (intervals of r and of the paired difference; 0: none)")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "out", "o", "comparison.json", "result JSON")
	return cmd
}
