package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/pipeline"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newRunCmd() *cobra.Command {
	var executor, painmark string
	cmd := &cobra.Command{
		Use:   "run STUDY.toml",
		Short: "Run the analysis a study file declares, locally or on a Slurm cluster, cached and resumable",
		Long: `run builds what a study file (TOML) declares: from ROI time series ([inputs] timeseries) to the
cohort feature table ([connectivity] as painmark connectome's options), as a plan of units whose
outputs are cached by content (inputs + options + version): an interrupted run re-run finishes the
missing units only, and never leaves a partial file under a final name. [executor] type = "slurm"
(or --executor slurm) submits each step as a job array (afterok between steps, failed tasks
resubmitted [executor] retries times); the result is byte-identical to a local run. The output
folder is locked while a run writes it.

Example study file:

  name = "cohort"
  output = "results"
  [inputs]
  timeseries = "roi"                 # a folder of *_timeseries.tsv, or a glob
  [connectivity]
  kind = "partial correlation"
  estimator = "ledoit_wolf"
  scaling = "zscore"
  [executor]
  type = "local"                     # or "slurm": partition, time, mem, cpus, retries, chunk`,
		Example: `  painmark run study.toml
  painmark run study.toml --executor slurm`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := pipeline.Load(args[0])
			if err != nil {
				return err
			}
			if executor != "" {
				s.Executor.Type = executor
			}
			lock, err := study.AcquireLock(s.Output)
			if err != nil {
				return err
			}
			defer lock.Release()
			start := time.Now()
			plan, err := s.Plan(version.String())
			if err != nil {
				return err
			}
			if err := plan.CleanTemporary(); err != nil {
				return err
			}
			logger := slog.Default()
			var computed int
			switch s.Executor.Type {
			case "local":
				computed, err = plan.RunLocal(pipeline.Build, logger)
			case "slurm":
				if painmark == "" {
					if painmark, err = os.Executable(); err != nil {
						return err
					}
				}
				e := s.Executor
				computed, err = plan.RunSlurm(study.SlurmOptions{Painmark: painmark, Partition: e.Partition, Time: e.Time, Mem: e.Mem, CPUs: e.CPUs, Retries: e.Retries, Chunk: e.Chunk, Name: s.Name}, logger)
			default:
				return usageError{fmt.Errorf("--executor %q: local or slurm", s.Executor.Type)}
			}
			if err != nil {
				return err
			}
			if err := s.Publish(plan); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d units (%d computed, %d cached) on %s in %s -> %s\n", s.Name, len(plan.Units), computed, len(plan.Units)-computed,
				s.Executor.Type, time.Since(start).Round(time.Millisecond), filepath.Join(s.Output, "features.tsv"))
			return nil
		},
	}
	cmd.Flags().StringVar(&executor, "executor", "", "override the study file's executor: local or slurm")
	cmd.Flags().StringVar(&painmark, "painmark", "", "the painmark binary Slurm tasks run (default: this one)")
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
			plan, err := s.Plan(version.String())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			missing := plan.Missing()
			total := map[string]int{}
			for _, u := range plan.Units {
				total[u.Step]++
			}
			for _, step := range plan.Steps() {
				fmt.Fprintf(w, "  %-14s %6d of %6d built\n", step, total[step]-len(missing[step]), total[step])
			}
			if _, err := exec.LookPath("squeue"); err == nil {
				out, err := exec.Command("squeue", "-h", "-o", "%i %j %T %M", "--name", jobNames(s.Name, plan.Steps())).Output()
				if err == nil && strings.TrimSpace(string(out)) != "" {
					lines := strings.Split(strings.TrimSpace(string(out)), "\n")
					sort.Strings(lines)
					fmt.Fprintf(w, "Slurm jobs:\n  %s\n", strings.Join(lines, "\n  "))
				}
			}
			if len(missing) == 0 {
				fmt.Fprintf(w, "complete: %s\n", filepath.Join(s.Output, "features.tsv"))
			}
			return nil
		},
	}
}

func jobNames(name string, steps []string) string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = "painmark-" + name + "-" + s
	}
	return strings.Join(out, ",")
}
