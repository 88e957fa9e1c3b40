package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/pattern"
	"github.com/painmark/painmark/signature"
	"github.com/spf13/cobra"
)

// newForcedChoiceCmd is `painmark signature forced-choice`.
func newForcedChoiceCmd() *cobra.Command {
	var out, reportFlag string
	o := signature.DefaultForcedChoiceOptions()
	cmd := sigCommand("forced-choice SIGNATURE A B", "Two-alternative forced choice between paired conditions (CanlabCore's definition): accuracy, binomial p, CI", exactArgs(3), func(cmd *cobra.Command, args []string) error {
		var scores [2]*signature.Application
		var name string
		if pattern.IsTable(args[0]) {
			r, err := pattern.ReadResponses(args[0])
			if err == nil {
				scores, err = r.Pair(args[1], args[2])
			}
			if err != nil {
				return err
			}
			name, o.LabelA, o.LabelB = r.Signature, args[1], args[2]
		} else {
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			for c, path := range args[1:] {
				if scores[c], err = signature.ConditionScores(s, path, o.DCC); err != nil {
					return err
				}
			}
			name, o.LabelA, o.LabelB = s.Name, filepath.Base(filepath.Dir(args[1])), filepath.Base(filepath.Dir(args[2]))
		}
		res, err := signature.ForcedChoice(scores[0], scores[1], o)
		if err != nil {
			return err
		}
		return finish(cmd, res, out, reportFlag, "Forced choice: "+name, args...)
	})
	addReportFlag(cmd, &reportFlag)
	cmd.Flags().StringVarP(&out, "out", "o", "forced_choice.json", "result JSON")
	cmd.Flags().BoolVar(&o.DCC, "dcc", false, "A and B are folders of ROI time series, scored on dynamic conditional correlations")
	return cmd
}

// newLesionCmd is `painmark signature lesion`.
func newLesionCmd() *cobra.Command {
	var in learnInputs
	var out, reportFlag string
	o := signature.DefaultLesionOptions()
	cmd := sigCommand("lesion SIGNATURE FEATURES", "Virtual lesions: explained variance lost per edge, and as edges are removed by weight and at random", exactArgs(2), func(cmd *cobra.Command, args []string) error {
		s, c, err := readCohorts(args[0], args[1:], in, true)
		if err != nil {
			return err
		}
		l, err := signature.Lesion(s, c[0], o)
		if err != nil {
			return err
		}
		return finish(cmd, l, out, reportFlag, "Virtual lesions: "+s.Name, args[0], args[1], in.target)
	})
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	targetFlags(cmd, &in, "outcome as TABLE:COLUMN or COLUMN of the feature table")
	choiceVar(f, &o.Standardize, "standardize", o.Standardize, "outcome standardization: none, training or within", oneOf(signature.StandardizeNone, signature.StandardizeTraining, signature.StandardizeWithin))
	f.IntVar(&o.Repeats, "repeats", o.Repeats, "random removal orders")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVarP(&out, "out", "o", "lesions.json", "result JSON")
	return cmd
}

// newChangeCmd is `painmark signature change`.
func newChangeCmd() *cobra.Command {
	var pre, post, group, out, reportFlag string
	var balance []string
	o := signature.DefaultChangeOptions()
	cmd := sigCommand("change SIGNATURE PRE_FEATURES POST_FEATURES", "Intervention change: signature change vs pain change per group, and one edge's Fisher-z change between groups", exactArgs(3), func(cmd *cobra.Command, args []string) error {
		if len(o.Edge) > 0 && (len(o.Edge) != 2 || len(o.Compare) != 2) {
			return usageError{fmt.Errorf("--edge takes two region names and --compare two group labels")}
		}
		s, c, err := readCohorts(args[0], args[1:], learnInputs{}, false)
		if err != nil {
			return err
		}
		var in signature.ChangeOutcomes
		for k, col := range []*signature.ParticipantsColumn{&in.PainPre, &in.PainPost, &in.Group} {
			if *col, err = signature.ReadParticipantsColumn([]string{pre, post, group}[k], []string{"--pain-pre", "--pain-post", "--group"}[k]); err != nil {
				return err
			}
		}
		for _, b := range balance {
			col, err := signature.ReadParticipantsColumn(b, "--balance")
			if err != nil {
				return err
			}
			in.Balance = append(in.Balance, col)
		}
		res, err := signature.Change(s, c[0], c[1], in, o)
		if err != nil {
			return err
		}
		return finish(cmd, res, out, reportFlag, "Signature change through an intervention: "+s.Name, args[0], args[1], args[2], pre, post, group)
	})
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	f.StringVar(&pre, "pain-pre", "", "pain before, as TABLE:COLUMN")
	f.StringVar(&post, "pain-post", "", "pain after, as TABLE:COLUMN")
	f.StringVar(&group, "group", "", "group (arm) labels, as TABLE:COLUMN")
	f.StringArrayVar(&balance, "balance", nil, "a characteristic to compare between the arms, as TABLE:COLUMN (text: chi-square; numbers: t test); repeatable")
	f.StringSliceVar(&o.Edge, "edge", nil, "two region names: the edge whose Fisher-z change is compared between groups")
	f.StringSliceVar(&o.Compare, "compare", nil, "the two groups the edge test compares (first minus second)")
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "permutations for the change correlations")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVarP(&out, "out", "o", "change.json", "result JSON")
	return cmd
}
