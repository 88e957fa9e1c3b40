package main

import (
	"fmt"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
	"github.com/spf13/cobra"
)

// recipeFlags are the target-recipe and search flags train and ablate share (the pipeline and
// grid come from learnInputs).
func recipeFlags(cmd *cobra.Command, o *signature.TrainOptions) {
	f := cmd.Flags()
	f.StringVar(&o.Target.Description, "target-description", "", "what the target is (e.g. \"−z(heat pain threshold)\")")
	f.BoolVar(&o.Target.ZScore, "zscore", false, "z-score the outcome with this cohort's mean and SD (recorded for later cohorts)")
	f.BoolVar(&o.Target.Flip, "flip", false, "multiply the (standardized) outcome by −1")
	choiceVar(f, (*string)(&o.Solver), "solver", string(o.Solver), "path or exact (see learn search)", solver)
	choiceVar(f, (*string)(&o.Scoring), "scoring", string(o.Scoring), "search objective (see learn search)", scoring)
	f.BoolVar(&o.Nested, "nested", false, "also run nested leave-one-out")
	choiceVar(f, (*string)(&o.PermutationMode), "permute", string(o.PermutationMode), "permutation test: refit (the whole CV per permutation) or predictions (the CSps paper's one-sided test of the predictions)", permutationMode)
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
}

// trainInputs reads the feature table with its target, takes the regions and feature definition
// from its connectome.json, and completes the options from the learn flags.
func trainInputs(path string, in *learnInputs, o *signature.TrainOptions) (signature.Cohort, error) {
	c, t, err := loadCohort(path, *in, true, nil)
	if err != nil {
		return c, err
	}
	o.Regions, o.Features = signature.DefinitionFromTable(t)
	m, _, err := in.modelOptions()
	if err == nil {
		o.CVName, err = in.cv, o.SetModel(m)
	}
	return c, err
}

// newSignatureTrainCmd is `painmark signature train`.
func newSignatureTrainCmd() *cobra.Command {
	var in learnInputs
	var out, bootOut, reportFlag string
	o := signature.DefaultTrainOptions()
	cmd := sigCommand("train FEATURES", "Train a signature: target recipe, grid search, refit, cross-validated performance, optional nested CV, permutations and bootstrap", exactArgs(1), func(cmd *cobra.Command, args []string) error {
		o.CVName = in.cv // the choices were checked when parsed (choiceVar)
		c, t, err := loadCohort(args[0], in, true, nil)
		if err != nil {
			return err
		}
		m, _, err := in.modelOptions()
		if err != nil {
			return err
		}
		if err := signature.PrepareTrain(c, t, m, in.groups, &o); err != nil {
			return err
		}
		o.Progress = progress.Stages("signature train")
		o.DiscardNull = reportPath(reportFlag, out) == "" // only the report's histogram needs the null
		res, err := signature.TrainCohort(c, o)
		if err != nil {
			return err
		}
		res.BootstrapFile = bootOut
		return finish(cmd, res, out, reportFlag, "Signature training: "+res.Signature.Name, args[0], in.target)
	})
	in.flags(cmd, true)
	in.modelFlags(cmd)
	addReportFlag(cmd, &reportFlag)
	recipeFlags(cmd, &o)
	combatFlag(cmd, &in, "ComBat harmonises the sites inside every fold, and the signature keeps the ComBat fitted on all subjects")
	f := cmd.Flags()
	f.BoolVar(&o.ComBat.Parametric, "combat-parametric", o.ComBat.Parametric, "ComBat's parametric empirical Bayes (false: non-parametric)")
	f.StringVar(&o.Name, "name", o.Name, "signature name")
	f.StringVar(&o.Cohort, "cohort", "", "training cohort name, for the record")
	f.Float64Var(&o.Target.OutlierZ, "outlier-z", 0, "leave out subjects whose outcome is more than this many SDs from the mean (0: keep all)")
	f.IntVar(&o.Permutations, "permutations", 0, "permutations of leave-one-out at the chosen hyperparameters (see --permute)")
	f.IntVar(&o.Bootstraps, "bootstraps", 0, "bootstrap refits of the weights")
	choiceVar(f, (*string)(&o.BootstrapConvention), "bootstrap-p", string(o.BootstrapConvention), "weight p-values from the bootstrap draws: canlab (CanlabCore, the CSps paper), wald or deipp", oneOf(stats.BootCanlab, stats.BootWald, stats.BootDEIPP))
	f.IntSliceVar(&o.CurveSizes, "learning-curve", nil, "training-set sizes for a learning curve at the chosen hyperparameters (e.g. 10,20,30)")
	f.IntVar(&o.CurveRepeats, "curve-repeats", o.CurveRepeats, "random splits per learning-curve size")
	f.StringVar(&bootOut, "bootstrap-out", "bootstrap.tsv", "per-feature bootstrap table")
	f.StringVarP(&out, "out", "o", "signature.json", "signature file")
	return cmd
}

// newAblateCmd is `painmark signature ablate`: the CSps study's ablation models M1-M5.
func newAblateCmd() *cobra.Command {
	var in learnInputs
	var out, series, reportFlag string
	o := signature.DefaultAblateOptions()
	cmd := sigCommand("ablate FEATURES", "Retrain the signature recipe on region-tag subsets (ablation models M1-M5 of the CSps study)", exactArgs(1), func(cmd *cobra.Command, args []string) error {
		c, err := trainInputs(args[0], &in, &o)
		if err != nil {
			return err
		}
		regions := o.Regions
		if regions == nil {
			return fmt.Errorf("%s: ablations need the feature table's connectome.json (regions and their tags)", args[0])
		}
		var ss *features.Series
		if series != "" {
			if ss, err = features.ReadSubjectSeries(series); err != nil {
				return err
			}
		}
		res, err := signature.Ablate(c, regions, ss, o)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		return finish(cmd, res, out, reportFlag, "Ablation models M1-M5", args[0], in.target, series)
	})
	addReportFlag(cmd, &reportFlag)
	in.flags(cmd, true)
	recipeFlags(cmd, &o)
	f := cmd.Flags()
	f.StringVar(&series, "series", "", "folder (or file) of the subjects' ROI time series, for M3's separately computed blocks")
	f.IntVar(&o.Permutations, "permutations", 0, "permutations per model (see --permute)")
	f.StringVarP(&out, "out", "o", "ablation.json", "result JSON")
	return cmd
}
