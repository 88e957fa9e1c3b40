package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/study"
)

// RunOptions say how a study is run.
type RunOptions struct {
	// Executor overrides the study file's [executor] type (local or slurm) when not empty.
	Executor string
	// Painmark is the painmark binary Slurm tasks run (default: this program).
	Painmark string
	// Version is the software version in the cache keys (version.String() for painmark).
	Version string
	// Logger receives the progress (default: slog.Default()).
	Logger *slog.Logger
}

// RunResult summarises a study run.
type RunResult struct {
	Units    int           `json:"units"`
	Computed int           `json:"computed"`
	Executor string        `json:"executor"`
	Elapsed  time.Duration `json:"elapsed"`
	// Features is the published cohort feature table.
	Features string `json:"features"`
}

// Run runs the study: it locks the output folder, plans the units, builds the missing ones with
// the executor (in this process, or as Slurm job arrays) and publishes the results.
func (s *Study) Run(o RunOptions) (*RunResult, error) {
	if o.Executor != "" {
		s.Executor.Type = o.Executor
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	lock, err := study.AcquireLock(s.Output)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	start := time.Now()
	plan, err := s.Plan(o.Version)
	if err != nil {
		return nil, err
	}
	if err := plan.CleanTemporary(); err != nil {
		return nil, err
	}
	var computed int
	switch s.Executor.Type {
	case "local":
		computed, err = plan.RunLocal(Build, o.Logger)
	case "slurm":
		if o.Painmark == "" {
			if o.Painmark, err = os.Executable(); err != nil {
				return nil, err
			}
		}
		e := s.Executor
		computed, err = plan.RunSlurm(study.SlurmOptions{Painmark: o.Painmark, Partition: e.Partition, Time: e.Time, Mem: e.Mem, CPUs: e.CPUs, Retries: e.Retries, Chunk: e.Chunk, Name: s.Name}, o.Logger)
	default:
		return nil, fmt.Errorf("executor %q: local or slurm", s.Executor.Type)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Publish(plan); err != nil {
		return nil, err
	}
	return &RunResult{Units: len(plan.Units), Computed: computed, Executor: s.Executor.Type, Elapsed: time.Since(start), Features: filepath.Join(s.Output, features.TSVName)}, nil
}

// Status is how far a study is: each step's units built, its queued Slurm jobs, and whether it is
// complete.
type Status struct {
	Steps     []study.StepProgress
	SlurmJobs []string
	Complete  bool
	Features  string
	// Outputs are the published result files (paths in the output folder) by step name: each
	// declared step's files under OUTPUT/NAME, the cohort's (with the [model]'s under
	// OUTPUT/model) and the runs' ROI series (OUTPUT/extract).
	Outputs []StepOutputs
}

// StepOutputs are one step's published files.
type StepOutputs struct {
	Step  string
	Files []string
}

// Status plans the study (without building) and reports how far it is.
func (s *Study) Status(version string) (*Status, error) {
	plan, err := s.Plan(version)
	if err != nil {
		return nil, err
	}
	st := &Status{Steps: plan.Progress(), SlurmJobs: study.SlurmJobs(s.Name, plan.Steps()), Complete: len(plan.Missing()) == 0, Features: filepath.Join(s.Output, features.TSVName)}
	var cohort []string
	for _, f := range []string{features.TSVName, features.NPYName, features.EdgesName, features.SidecarName, "model.json", "study.json"} {
		if fileExists(filepath.Join(s.Output, f)) {
			cohort = append(cohort, filepath.Join(s.Output, f))
		}
	}
	for _, sub := range []string{"model", "validation", "targets"} {
		files, _ := filesUnder(filepath.Join(s.Output, sub))
		cohort = append(cohort, files...)
	}
	if len(cohort) > 0 {
		st.Outputs = append(st.Outputs, StepOutputs{Step: "cohort", Files: cohort})
	}
	if files, _ := filesUnder(filepath.Join(s.Output, "extract")); len(files) > 0 {
		st.Outputs = append(st.Outputs, StepOutputs{Step: "extract", Files: files})
	}
	for _, c := range s.Cohorts {
		files, _ := filesUnder(filepath.Join(s.Output, c.Name))
		st.Outputs = append(st.Outputs, StepOutputs{Step: "cohort " + c.Name, Files: files})
	}
	for _, step := range s.Steps {
		files, _ := filesUnder(filepath.Join(s.Output, step.Name))
		st.Outputs = append(st.Outputs, StepOutputs{Step: step.Kind.Section + " " + step.Name, Files: files})
	}
	return st, nil
}
