package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/spf13/cobra"
)

// newForcedChoiceCmd is `painmark signature forced-choice`.
func newForcedChoiceCmd() *cobra.Command {
	var out, reportFlag string
	o := signature.DefaultForcedChoiceOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "forced-choice SIGNATURE A B",
		Short: "Two-alternative forced choice between paired conditions (CanlabCore's definition): accuracy, binomial p, CI",
		Args:  exactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			read := readForFeatures // feature tables are checked against the signature
			if o.DCC {
				read = func(path string, _ ...string) (*signature.Signature, error) { return signature.Read(path) }
			}
			s, err := read(args[0], args[1:]...)
			if err != nil {
				return err
			}
			var scores [2]*signature.Application
			for c, path := range args[1:] {
				if scores[c], err = conditionScores(s, path, o.DCC); err != nil {
					return err
				}
			}
			o.LabelA, o.LabelB = filepath.Base(filepath.Dir(args[1])), filepath.Base(filepath.Dir(args[2]))
			res, err := signature.ForcedChoice(scores[0], scores[1], o)
			if err != nil {
				return err
			}
			res.Print(cmd.OutOrStdout())
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			d := newCommandReport("Forced choice: "+s.Name, args...)
			res.AddReport(d)
			return writeReport(cmd.OutOrStdout(), d, reportPath(reportFlag, out))
		},
	}, "signature-forced-choice")
	addReportFlag(cmd, &reportFlag)
	cmd.Flags().StringVarP(&out, "out", "o", "forced_choice.json", "result JSON")
	cmd.Flags().BoolVar(&o.DCC, "dcc", false, "A and B are folders of ROI time series, scored on dynamic conditional correlations")
	return cmd
}

// conditionScores scores one condition: the signature applied to a feature table or, with dcc,
// the dynamic responses of a folder (or file) of ROI time series.
func conditionScores(s *signature.Signature, path string, dcc bool) (*signature.Application, error) {
	if !dcc {
		c, err := loadCohort(path, learnInputs{}, false)
		if err != nil {
			return nil, err
		}
		return signature.Apply(s, c)
	}
	files, err := study.TimeSeriesFiles(path)
	if err != nil {
		return nil, err
	}
	series, names, regions, err := readSeries(files, nil, "bids")
	if err != nil {
		return nil, err
	}
	a, err := signature.DynamicScores(s, names, regions, series)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// newLesionCmd is `painmark signature lesion`.
func newLesionCmd() *cobra.Command {
	var in learnInputs
	var out, reportFlag string
	o := signature.DefaultLesionOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "lesion SIGNATURE FEATURES",
		Short: "Virtual lesions: explained variance lost per edge, and as edges are removed by weight and at random",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readForFeatures(args[0], args[1])
			if err != nil {
				return err
			}
			c, err := loadCohort(args[1], in, true)
			if err != nil {
				return err
			}
			l, err := signature.Lesion(s, c, o)
			if err != nil {
				return err
			}
			l.Print(cmd.OutOrStdout())
			if err := l.WriteFiles(out); err != nil {
				return err
			}
			d := newCommandReport("Virtual lesions: "+s.Name, args[0], args[1], in.target)
			l.AddReport(d)
			return writeReport(cmd.OutOrStdout(), d, reportPath(reportFlag, out))
		},
	}, "signature-lesion")
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	f.StringVar(&in.target, "target", "", "outcome as TABLE:COLUMN or COLUMN of the feature table")
	f.StringVar(&in.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
	f.StringVar(&o.Standardize, "standardize", o.Standardize, "outcome standardization: none, training or within")
	f.IntVar(&o.Repeats, "repeats", o.Repeats, "random removal orders")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVarP(&out, "out", "o", "lesions.json", "result JSON")
	return cmd
}

// newChangeCmd is `painmark signature change`.
func newChangeCmd() *cobra.Command {
	var pre, post, group, out, reportFlag string
	o := signature.DefaultChangeOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "change SIGNATURE PRE_FEATURES POST_FEATURES",
		Short: "Intervention change: signature change vs pain change per group, and one edge's Fisher-z change between groups",
		Args:  exactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.Edge) > 0 && (len(o.Edge) != 2 || len(o.Compare) != 2) {
				return usageError{fmt.Errorf("--edge takes two region names and --compare two group labels")}
			}
			s, err := readForFeatures(args[0], args[1:]...)
			if err != nil {
				return err
			}
			var cohorts [2]signature.Cohort
			for k, path := range args[1:] {
				if cohorts[k], err = loadCohort(path, learnInputs{}, false); err != nil {
					return err
				}
			}
			var outcomes [3]signature.ParticipantsColumn
			for k, spec := range []struct{ flag, value string }{{"--pain-pre", pre}, {"--pain-post", post}, {"--group", group}} {
				ref, err := table.ParseColumnRef(spec.value, spec.flag)
				if err != nil {
					return usageError{err}
				}
				outcomes[k].Column = ref.Column
				if outcomes[k].Table, err = table.ReadParticipants(ref.Path, "", nil); err != nil {
					return err
				}
			}
			res, err := signature.Change(s, cohorts[0], cohorts[1], signature.ChangeOutcomes{PainPre: outcomes[0], PainPost: outcomes[1], Group: outcomes[2]}, o)
			if err != nil {
				return err
			}
			res.Print(cmd.OutOrStdout())
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			d := newCommandReport("Signature change through an intervention: "+s.Name, args[0], args[1], args[2], pre, post, group)
			res.AddReport(d)
			return writeReport(cmd.OutOrStdout(), d, reportPath(reportFlag, out))
		},
	}, "signature-change")
	addReportFlag(cmd, &reportFlag)
	f := cmd.Flags()
	f.StringVar(&pre, "pain-pre", "", "pain before, as TABLE:COLUMN")
	f.StringVar(&post, "pain-post", "", "pain after, as TABLE:COLUMN")
	f.StringVar(&group, "group", "", "group (arm) labels, as TABLE:COLUMN")
	f.StringSliceVar(&o.Edge, "edge", nil, "two region names: the edge whose Fisher-z change is compared between groups")
	f.StringSliceVar(&o.Compare, "compare", nil, "the two groups the edge test compares (first minus second)")
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "permutations for the change correlations")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVarP(&out, "out", "o", "change.json", "result JSON")
	return cmd
}
