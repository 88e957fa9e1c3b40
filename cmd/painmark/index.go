package main

import (
	"fmt"

	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

func newIndexCmd() *cobra.Command {
	var subjects, sessions, tasks, runs, spaces []string
	var strict bool
	cmd := withHelp(&cobra.Command{
		Use:   "index ROOT...",
		Short: "Inventory a study's data (BIDS raw, fMRIPrep, ciftify, FreeSurfer) per subject, and what is missing",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, err := study.BuildIndex(args...)
			if err != nil {
				return err
			}
			sum := ix.Summary(study.Filter{"sub": subjects, "ses": sessions, "task": tasks, "run": runs, "space": spaces})
			if incomplete := study.WriteSummary(cmd.OutOrStdout(), sum); strict && incomplete > 0 {
				return fmt.Errorf("%d of %d subjects are incomplete", incomplete, len(sum))
			}
			return nil
		},
	}, "index")
	f := cmd.Flags()
	f.StringSliceVar(&subjects, "subject", nil, "subjects (the report names those without data)")
	f.StringSliceVar(&sessions, "session", nil, "sessions")
	f.StringSliceVar(&tasks, "task", nil, "tasks")
	f.StringSliceVar(&runs, "run", nil, "runs")
	f.StringSliceVar(&spaces, "space", nil, "output spaces of the preprocessed runs")
	f.BoolVar(&strict, "strict", false, "exit with status 1 when a subject is incomplete")
	return cmd
}
