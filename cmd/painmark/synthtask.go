package main

import (
	"fmt"

	"github.com/painmark/painmark/synthetic"
	"github.com/spf13/cobra"
)

func newSyntheticTaskCmd() *cobra.Command {
	o := synthetic.DefaultTaskOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "task OUT",
		Short: "Write a simulated heat-vs-warm task fMRI study (BIDS runs, events, planted trial responses) for painmark glm and pattern",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := synthetic.CheckOutputDir(args[0]); err != nil {
				return usageError{err}
			}
			st, err := synthetic.SimulateTask(o)
			if err != nil {
				return usageError{err}
			}
			if err := st.Write(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d subjects x %d runs of %d frames (%d heat and %d warm trials each, %d brain voxels) to %s\n", o.Subjects, o.Runs, o.Frames, o.Trials, o.Trials, len(st.Voxels), args[0])
			return nil
		},
	}, "synthetic-task")
	f := cmd.Flags()
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (the same seed writes the same study)")
	f.IntVar(&o.Subjects, "subjects", o.Subjects, "subjects")
	f.IntVar(&o.Runs, "runs", o.Runs, "runs per subject")
	f.IntVar(&o.Frames, "frames", o.Frames, "volumes per run")
	f.Float64Var(&o.TR, "tr", o.TR, "repetition time, seconds")
	f.IntVar(&o.Trials, "trials", o.Trials, "trials per condition and run")
	f.Float64Var(&o.Noise, "noise", o.Noise, "standard deviation of the measurement noise")
	return cmd
}
