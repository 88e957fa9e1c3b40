package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

// recipeFlags are the target-recipe and search flags train and ablate share (the pipeline and
// grid come from learnInputs).
func recipeFlags(cmd *cobra.Command, o *signature.TrainOptions, solver, scoring *string) {
	f := cmd.Flags()
	f.StringVar(&o.Target.Description, "target-description", "", "what the target is (e.g. \"−z(heat pain threshold)\")")
	f.BoolVar(&o.Target.ZScore, "zscore", false, "z-score the outcome with this cohort's mean and SD (recorded for later cohorts)")
	f.BoolVar(&o.Target.Flip, "flip", false, "multiply the (standardized) outcome by −1")
	f.StringVar(solver, "solver", string(o.Solver), "path or exact (see learn search)")
	f.StringVar(scoring, "scoring", string(o.Scoring), "search objective (see learn search)")
	f.BoolVar(&o.Nested, "nested", false, "also run nested leave-one-out")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
}

// trainInputs reads the feature table, its sidecar's regions and definition, and completes the
// options from the learn flags.
func trainInputs(path string, in *learnInputs, o *signature.TrainOptions, solver, scoring string) (signature.Cohort, error) {
	c, err := loadCohort(path, *in, true)
	if err != nil {
		return c, err
	}
	if o.Regions, o.Features, err = readConnectomeSidecar(filepath.Join(filepath.Dir(path), "connectome.json")); err != nil {
		return c, err
	}
	o.Base, o.Grid, o.CVName = in.pipeline(), learn.Grid{K: in.k, Alpha: in.alpha, L1Ratio: in.l1}, in.cv
	o.Solver, o.Scoring = learn.Solver(solver), learn.Scoring(scoring)
	return c, nil
}

// newSignatureTrainCmd is `painmark signature train`.
func newSignatureTrainCmd() *cobra.Command {
	var in learnInputs
	var out, solver, scoring, bootOut, reportFlag string
	o := signature.DefaultTrainOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "train FEATURES",
		Short: "Train a signature: target recipe, grid search, refit, cross-validated performance, optional nested CV, permutations and bootstrap",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := trainInputs(args[0], &in, &o, solver, scoring)
			if err != nil {
				return err
			}
			if o.Target.OutlierZ <= 0 { // with the outlier rule, Train builds the folds on the subjects kept
				if o.Splits, err = in.splits(c.Subjects, c.Y); err != nil {
					return err
				}
			}
			res, err := signature.TrainCohort(c, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			if res.Report.Bootstrap != nil {
				if _, err := writeBootstrapTable(bootOut, c.Columns, res.Report.Bootstrap); err != nil {
					return err
				}
				res.BootstrapFile = bootOut
			}
			w := cmd.OutOrStdout()
			res.Print(w)
			fmt.Fprintf(w, "wrote %s\n", out)
			d := newCommandReport("Signature training: "+res.Signature.Name, args[0], in.target)
			res.AddReport(d)
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}, "signature-train")
	in.flags(cmd, true)
	addReportFlag(cmd, &reportFlag)
	recipeFlags(cmd, &o, &solver, &scoring)
	f := cmd.Flags()
	f.StringVar(&o.Name, "name", o.Name, "signature name")
	f.StringVar(&o.Cohort, "cohort", "", "training cohort name, for the record")
	f.Float64Var(&o.Target.OutlierZ, "outlier-z", 0, "leave out subjects whose outcome is more than this many SDs from the mean (0: keep all)")
	f.IntVar(&o.Permutations, "permutations", 0, "refit permutations of leave-one-out at the chosen hyperparameters")
	f.IntVar(&o.Bootstraps, "bootstraps", 0, "bootstrap refits of the weights")
	f.IntSliceVar(&o.CurveSizes, "learning-curve", nil, "training-set sizes for a learning curve at the chosen hyperparameters (e.g. 10,20,30)")
	f.IntVar(&o.CurveRepeats, "curve-repeats", o.CurveRepeats, "random splits per learning-curve size")
	f.StringVar(&bootOut, "bootstrap-out", "bootstrap.tsv", "per-feature bootstrap table")
	f.StringVarP(&out, "out", "o", "signature.json", "signature file")
	return cmd
}

// newAblateCmd is `painmark signature ablate`: the CSps study's ablation models M1-M5.
func newAblateCmd() *cobra.Command {
	var in learnInputs
	var out, series, scoring, solver, reportFlag string
	o := signature.DefaultAblateOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "ablate FEATURES",
		Short: "Retrain the signature recipe on region-tag subsets (ablation models M1-M5 of the CSps study)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := trainInputs(args[0], &in, &o, solver, scoring)
			if err != nil {
				return err
			}
			regions := o.Regions
			if regions == nil {
				return fmt.Errorf("%s: ablations need the feature table's connectome.json (regions and their tags)", args[0])
			}
			var ss *signature.SubjectSeries
			if series != "" {
				files, err := study.TimeSeriesFiles(series)
				if err != nil {
					return err
				}
				ser, names, rn, err := readSeries(files, nil, "bids")
				if err != nil {
					return err
				}
				ss = &signature.SubjectSeries{Names: names, Regions: rn, Series: ser}
			}
			res, err := signature.Ablate(c, regions, ss, o)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			res.Print(cmd.OutOrStdout())
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			d := newCommandReport("Ablation models M1-M5", args[0], in.target, series)
			res.AddReport(d)
			return writeReport(cmd.OutOrStdout(), d, reportPath(reportFlag, out))
		},
	}, "signature-ablate")
	addReportFlag(cmd, &reportFlag)
	in.flags(cmd, true)
	recipeFlags(cmd, &o, &solver, &scoring)
	f := cmd.Flags()
	f.StringVar(&series, "series", "", "folder (or file) of the subjects' ROI time series, for M3's separately computed blocks")
	f.IntVar(&o.Permutations, "permutations", 0, "refit permutations per model")
	f.StringVarP(&out, "out", "o", "ablation.json", "result JSON")
	return cmd
}
