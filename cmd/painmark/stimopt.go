package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newStimoptCmd() *cobra.Command {
	cmd := withHelp(&cobra.Command{Use: "stimopt", Short: "Bayesian search for stimulation parameters, session by session (init, suggest, record, status)"}, "stimopt")
	cmd.AddCommand(newStimoptInitCmd(), newStimoptSuggestCmd(), newStimoptRecordCmd(), newStimoptStatusCmd())
	return cmd
}

func newStimoptInitCmd() *cobra.Command {
	var out string
	var force bool
	o := target.DefaultSearchOptions()
	cmd := &cobra.Command{
		Use:   "init SPACE",
		Short: "Create a search state from a parameter space",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			params, err := target.ReadParameterSpace(args[0])
			if err != nil {
				return err
			}
			st, err := target.InitSearch(params, o)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := st.SaveNew(out, force); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "search of %d parameters (%s, %d random settings first) -> %s\n", len(params), o.Acquisition, st.InitialTrials, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "stimopt.json", "the state file to create")
	choiceVar(f, &o.Acquisition, "acquisition", o.Acquisition, "ei (expected improvement) or ucb (upper confidence bound)", oneOf("ei", "ucb"))
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.BoolVar(&o.Minimize, "minimize", o.Minimize, "lower outcomes are better (e.g. pain ratings instead of relief)")
	f.StringVar(&o.OutcomeName, "outcome-name", o.OutcomeName, "what the outcome is, with its scale, for the report (e.g. \"pain relief (0-10 NRS)\")")
	f.IntVar(&o.Initial, "initial", o.Initial, "random settings before the model is used (default 2·parameters + 1)")
	f.BoolVar(&force, "force", false, "replace an existing state file")
	return cmd
}

func newStimoptSuggestCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "suggest STATE",
		Short: "Propose the next setting (kept as pending in the state)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := target.LoadState(args[0])
			if err != nil {
				return err
			}
			sug, err := st.Next()
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := st.Save(args[0]); err != nil {
				return err
			}
			st.Describe(cmd.OutOrStdout(), sug)
			return nil
		},
	}
}

func newStimoptRecordCmd() *cobra.Command {
	var outcome float64
	var setting, note string
	cmd := &cobra.Command{
		Use:   "record STATE --outcome Y",
		Short: "Record the outcome of the pending suggestion (or of --setting)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("outcome") {
				return usageError{fmt.Errorf("--outcome is required")}
			}
			st, err := target.LoadState(args[0])
			if err != nil {
				return err
			}
			if err := st.RecordSetting(setting, outcome, note); errors.Is(err, target.ErrNoPending) {
				return usageError{fmt.Errorf("%s has no pending suggestion: run 'stimopt suggest' or give --setting", args[0])}
			} else if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := st.Save(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "trial %d recorded (outcome %g); best so far %g\n", len(st.Trials), outcome, st.Best().Outcome)
			return nil
		},
	}
	f := cmd.Flags()
	f.Float64Var(&outcome, "outcome", math.NaN(), "the outcome (e.g. pain relief, 0-10)")
	f.StringVar(&setting, "setting", "", "the setting tested, name=value,... (default: the pending suggestion)")
	f.StringVar(&note, "note", "", "a note kept with the trial")
	return cmd
}

func newStimoptStatusCmd() *cobra.Command {
	var jsonOut, reportFlag string
	cmd := &cobra.Command{
		Use:   "status STATE",
		Short: "Show the trials, the best setting and the model's prediction there",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := target.LoadState(args[0])
			if err != nil {
				return err
			}
			status, err := st.Status()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			status.Print(w)
			if jsonOut != "" {
				if err := status.WriteFiles(jsonOut); err != nil {
					return err
				}
			}
			if reportFlag == "" || reportFlag == "none" || status.Trials == 0 {
				return nil
			}
			doc := newCommandReport("Stimulation search", args[0])
			status.AddReport(doc)
			return writeReport(w, doc, reportFlag)
		},
	}
	cmd.Flags().StringVar(&jsonOut, "json", "", "also write the summary as JSON")
	cmd.Flags().StringVar(&reportFlag, "report", "", "write an HTML report of the search (trials and outcomes) to this file")
	return cmd
}
