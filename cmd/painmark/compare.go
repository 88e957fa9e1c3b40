package main

import (
	"fmt"

	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
	"github.com/spf13/cobra"
)

// evalFlags are the outcome and resampling flags validate and compare share.
func evalFlags(cmd *cobra.Command, o *signature.EvalOptions, std string) {
	f := cmd.Flags()
	choiceVar(f, &o.Standardize, "standardize", o.Standardize, std, oneOf(signature.StandardizeNone, signature.StandardizeTraining, signature.StandardizeWithin))
	choiceVar(f, &o.Flip, "flip", o.Flip, "sign flip of a standardized outcome: auto (as the signature's target recipe: the same measure as in training), no (the outcome already rises with the prediction, e.g. clinical pain ratings for a −z(threshold) signature), yes", oneOf("auto", "no", "yes"))
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "permutations of the predictions for p-values (0: none)")
	f.IntVar(&o.Bootstraps, "bootstraps", o.Bootstraps, "bootstrap resamples of subjects for 95% CIs (0: none)")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (results do not depend on the number of cores)")
}

// newSignatureValidateCmd is `painmark signature validate`: external validation on cohorts.
func newSignatureValidateCmd() *cobra.Command {
	var in learnInputs
	var out, convention, reportFlag string
	o := signature.DefaultValidateOptions()
	cmd := sigCommand("validate SIGNATURE FEATURES [FEATURES...]", "Evaluate a signature on cohorts with outcomes: r, MAE, R², explained variance, permutation p-values, bootstrap CIs", minArgs(2), func(cmd *cobra.Command, args []string) error {
		o.Convention = stats.PermutationConvention(convention)
		s, cohorts, err := readCohorts(args[0], args[1:], in, true)
		if err != nil {
			return err
		}
		if len(o.Covariates) > 0 { // the covariates are columns of the --target table
			pc, err := signature.ReadParticipantsColumn(in.target, "--covariates needs --target")
			if err != nil {
				return err
			}
			o.CovariateTable = pc.Table
		}
		v, err := signature.Validate(s, cohorts, o)
		if err != nil {
			return err
		}
		return finish(cmd, v, out, reportFlag, "Signature validation: "+s.Name, append([]string{args[0], in.target}, args[1:]...)...)
	})
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	targetFlags(cmd, &in, "outcome as TABLE:COLUMN (a participants table joined on subject IDs) or COLUMN of the feature table")
	evalFlags(cmd, &o.EvalOptions, "outcome standardization: none, training (the signature's training mean and SD) or within (z-scored within this cohort)")
	combatFlag(cmd, &in, "for a signature trained with ComBat (its sites only)")
	choiceVar(f, &convention, "p-convention", string(o.Convention), "p-value convention: sklearn, abs, no-plus-one or strict", permConvention)
	f.StringSliceVar(&o.Covariates, "covariates", nil, "participants-table characteristics to test against the predictions: continuous ones (age, motion) by a two-sided permutation test of r, binary ones (text such as sex, or two values) by logistic regression; FDR across them")
	f.StringVarP(&out, "out", "o", "validation.json", "result JSON")
	return cmd
}

// newCompareCmd is `painmark signature compare`: several signatures on the same subjects.
func newCompareCmd() *cobra.Command {
	var in learnInputs
	var out, reportFlag string
	o := signature.DefaultCompareOptions()
	cmd := sigCommand("compare SIGNATURE FEATURES SIGNATURE FEATURES [SIGNATURE FEATURES...]", "Compare signatures on the same subjects: r with CIs, Williams' test and a paired bootstrap of the difference", func(cmd *cobra.Command, args []string) error {
		if len(args) < 4 || len(args)%2 != 0 {
			return usageError{fmt.Errorf("give pairs of SIGNATURE FEATURES, at least two (got %d arguments)", len(args))}
		}
		return nil
	}, func(cmd *cobra.Command, args []string) error {
		var sigs []*signature.Signature
		var cohorts []signature.Cohort
		for k := 0; k < len(args); k += 2 {
			s, c, err := readCohorts(args[k], args[k+1:k+2], in, true)
			if err != nil {
				return err
			}
			sigs, cohorts = append(sigs, s), append(cohorts, c[0])
		}
		res, err := signature.CompareCohorts(sigs, cohorts, o)
		if err != nil {
			return err
		}
		return finish(cmd, res, out, reportFlag, "Signature comparison", append(append([]string{}, args...), in.target)...)
	})
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	targetFlags(cmd, &in, "outcome as TABLE:COLUMN (joined on subject IDs) or COLUMN of the first feature table")
	evalFlags(cmd, &o, "outcome standardization: none, training (the first signature's) or within")
	f.StringVarP(&out, "out", "o", "comparison.json", "result JSON")
	return cmd
}
