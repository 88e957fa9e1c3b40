package main

import (
	"fmt"

	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

func newIndexCmd() *cobra.Command {
	var subjects, sessions, tasks, runs, spaces []string
	var strict bool
	cmd := &cobra.Command{
		Use:   "index ROOT...",
		Short: "Inventory a study's data (BIDS raw, fMRIPrep, ciftify, FreeSurfer) per subject, and what is missing",
		Long: `index walks a BIDS dataset, its derivatives, a FreeSurfer SUBJECTS_DIR and a ciftify folder (any of
them) and reports per subject: raw BOLD runs, fMRIPrep's preprocessed runs and their confounds,
ciftify dense time series, FreeSurfer stats, and what is missing (a raw run never preprocessed,
a preprocessed run without confounds, a subject the filters name without runs, outputs other
subjects have). --strict exits with status 1 when anything is missing.`,
		Example: `  painmark index bids/ bids/derivatives/freesurfer --task rest --space MNI152NLin2009cAsym`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, err := study.BuildIndex(args...)
			if err != nil {
				return err
			}
			sum := ix.Summary(study.Filter{"sub": subjects, "ses": sessions, "task": tasks, "run": runs, "space": spaces})
			w := cmd.OutOrStdout()
			incomplete := 0
			for _, s := range sum {
				fmt.Fprintln(w, s)
				if len(s.Missing) > 0 {
					incomplete++
				}
			}
			fmt.Fprintf(w, "%d subjects, %d with something missing\n", len(sum), incomplete)
			if strict && incomplete > 0 {
				return fmt.Errorf("%d of %d subjects are incomplete", incomplete, len(sum))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&subjects, "subject", nil, "subjects (the report names those without data)")
	f.StringSliceVar(&sessions, "session", nil, "sessions")
	f.StringSliceVar(&tasks, "task", nil, "tasks")
	f.StringSliceVar(&runs, "run", nil, "runs")
	f.StringSliceVar(&spaces, "space", nil, "output spaces of the preprocessed runs")
	f.BoolVar(&strict, "strict", false, "exit with status 1 when a subject is incomplete")
	return cmd
}
