package main

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/pipeline"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

// studyReference is the study-file reference page (generated from the code by
// TestStudyReference), which painmark run --reference prints.
//
//go:embed reference/study-file.md
var studyReference string

func newRunCmd() *cobra.Command {
	var o pipeline.RunOptions
	var reference bool
	cmd := withHelp(&cobra.Command{
		Use:   "run STUDY.toml",
		Short: "Run the analysis a study file declares, locally or on a Slurm cluster, cached and resumable",
		Args: func(cmd *cobra.Command, args []string) error {
			if reference {
				return nil
			}
			return exactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if reference {
				fmt.Fprint(cmd.OutOrStdout(), studyReference)
				return nil
			}
			s, err := pipeline.Load(args[0])
			if err != nil {
				return err
			}
			o.Version = version.String()
			res, err := s.Run(o)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d units (%d computed, %d cached) on %s in %s -> %s\n", s.Name, res.Units, res.Computed, res.Units-res.Computed,
				res.Executor, res.Elapsed.Round(time.Millisecond), res.Features)
			return nil
		},
	}, "run")
	choiceVar(cmd.Flags(), &o.Executor, "executor", "", "override the study file's executor: local or slurm", oneOf("local", "slurm"))
	cmd.Flags().StringVar(&o.Painmark, "painmark", "", "the painmark binary Slurm tasks run (default: this one)")
	cmd.Flags().BoolVar(&reference, "reference", false, "print the study-file reference (every section, step, key, type, default and meaning) and exit")
	return cmd
}

// newRunTaskCmd is the command a Slurm array task runs: build units of a saved plan.
func newRunTaskCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "run-task PLAN UNIT...",
		Short:  "Build units of a saved study plan (what Slurm array tasks run)",
		Hidden: true,
		Args:   cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := study.ReadPlan(args[0])
			if err != nil {
				return err
			}
			if p.Version != version.String() {
				return fmt.Errorf("%s was planned by painmark %q; this is %q: the cache keys would differ", args[0], p.Version, version.String())
			}
			for _, a := range args[1:] {
				i, err := strconv.Atoi(a)
				if err != nil || i < 0 || i >= len(p.Units) {
					return usageError{fmt.Errorf("unit %q: an index below %d", a, len(p.Units))}
				}
				made, err := p.BuildUnit(i, pipeline.Build)
				if err != nil {
					return err
				}
				state := "cached"
				if made {
					state = "built"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %s\n", p.Units[i].Step, p.Units[i].Name, state)
			}
			return nil
		},
	}
}

func newStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status STUDY.toml",
		Short: "Show how far a study is: units built per step, and its Slurm jobs",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := pipeline.Load(args[0])
			if err != nil {
				return err
			}
			st, err := s.Status(version.String())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, p := range st.Steps {
				fmt.Fprintf(w, "  %-14s %6d of %6d built\n", p.Step, p.Built, p.Total)
			}
			for _, o := range st.Outputs {
				fmt.Fprintf(w, "%s: %d files\n", o.Step, len(o.Files))
				for _, f := range o.Files {
					fmt.Fprintf(w, "  %s\n", f)
				}
			}
			if len(st.SlurmJobs) > 0 {
				fmt.Fprintf(w, "Slurm jobs:\n  %s\n", strings.Join(st.SlurmJobs, "\n  "))
			}
			if st.Complete {
				fmt.Fprintf(w, "complete: %s\n", st.Features)
			}
			return nil
		},
	}
}
