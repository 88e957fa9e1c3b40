package main

import (
	"fmt"

	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"github.com/spf13/cobra"
)

// newLearnPopulationCmd is painmark learn population: learn.Population on a cohort read by
// learn.ReadCohort.
func newLearnPopulationCmd() *cobra.Command {
	o := learn.DefaultPopulationOptions()
	var in learn.CohortInputs
	var out, conv string
	in.BlockColumns = 1024
	cmd := withHelp(&cobra.Command{
		Use:   "population FEATURES",
		Short: "Repeated (grouped) k-fold ridge, elastic-net or CPM grid for thousands of people, with permutations",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Convention = stats.PermutationConvention(conv)
			c, err := learn.ReadCohort(args[0], o.Estimator, in)
			if err != nil {
				return err
			}
			defer c.Close()
			if c.Rows != nil {
				if bar := progress.NewReporter("learn population (passes over the table)").Func(); bar != nil { // a terminal only
					o.StreamProgress = func(pass int, _ float64) { bar(pass, o.StreamedMaxIter+1) }
				}
			}
			if o.Permutations > 0 {
				o.Progress = progress.NewReporter("learn population").Func() // a bar on a terminal only
			}
			res, err := learn.Population(c, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			if w := res.ConvergenceWarning(); w != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			m := res.Metrics[0]
			fmt.Fprintf(cmd.OutOrStdout(), "%s, %d subjects: best %s, mean %s %.4f (pooled r %.4f, R² %.4f)", o.Estimator, len(res.Target),
				learn.CandidateText(res.Candidates[res.Best]), o.Scoring, res.MeanScores[res.Best], m.R, m.R2)
			if res.P != nil {
				fmt.Fprintf(cmd.OutOrStdout(), ", permutation p = %.4g", *res.P)
			}
			fmt.Fprintf(cmd.OutOrStdout(), " -> %s\n", out)
			return nil
		},
	}, "learn-population")
	f := cmd.Flags()
	f.StringVar(&in.Target, "target", "", "the outcome: TABLE:COLUMN (a participants table joined on subject IDs; for a .npy matrix its rows are this table's subjects) or COLUMN of the feature table")
	f.StringVar(&in.Groups, "groups", "", "family or site labels as TABLE:COLUMN: folds keep a group whole")
	f.StringArrayVar(&in.Covariates, "covariate", nil, "TABLE:COLUMN partialled out of CPM's edge selection (repeatable)")
	f.IntVar(&in.BlockColumns, "block-columns", in.BlockColumns, "columns of a .npy matrix read at a time into ridge's Gram matrix")
	choiceVar(f, &in.RidgeSolver, "ridge-solver", "auto", "how ridge reads a .npy table: kernel (its Gram matrix), streamed (by rows, one pass per step: for cohorts whose samples x samples matrices do not fit) or auto", oneOf("auto", "kernel", "streamed"))
	f.Float64Var(&o.StreamedTol, "streamed-tol", o.StreamedTol, "streamed ridge: relative residual of the normal equations at which a fold stops")
	f.IntVar(&o.StreamedMaxIter, "streamed-max-iter", o.StreamedMaxIter, "streamed ridge: most steps (passes over the table)")
	choiceVar(f, &o.Estimator, "estimator", o.Estimator, "ridge, enet (ElasticNet) or cpm", oneOf("ridge", "enet", "cpm"))
	f.IntVar(&o.Folds, "folds", o.Folds, "folds per repeat")
	f.IntVar(&o.Repeats, "repeats", o.Repeats, "repeats of the k-fold split")
	f.Uint32Var(&o.Seed, "seed", o.Seed, "the folds' seed (numpy RandomState, as scikit-learn's GroupKFold(shuffle=True))")
	f.Float64SliceVar(&o.Alphas, "alphas", nil, "ridge or ElasticNet alphas (default: 20 from 0.01 for ridge, 9 from 1e-4 to 1 for enet)")
	f.Float64SliceVar(&o.L1Ratios, "l1-ratios", o.L1Ratios, "ElasticNet l1_ratios")
	f.Float64SliceVar(&o.PThresholds, "p-thresholds", o.PThresholds, "CPM edge-selection p thresholds")
	choiceVar(f, &o.Scoring, "scoring", o.Scoring, "fold score: r2, r or neg_mean_squared_error", oneOf("r2", "r", "neg_mean_squared_error"))
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "permutations of the target (0: none)")
	f.Uint64Var(&o.PermutationSeed, "permutation-seed", o.PermutationSeed, "permutation k is drawn from PCG(seed, k)")
	choiceVar(f, &conv, "convention", string(o.Convention), "p-value convention: sklearn, abs, no-plus-one or strict", permConvention)
	f.Float64Var(&o.Tol, "tol", o.Tol, "ElasticNet duality-gap tolerance (scikit-learn's)")
	f.IntVar(&o.MaxIter, "max-iter", o.MaxIter, "ElasticNet sweeps per fit")
	f.StringVarP(&out, "out", "o", "", "output folder (population.json, scores.tsv, predictions.tsv)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return usageError{fmt.Errorf("-o is required")}
		}
		return nil
	}
	return cmd
}
