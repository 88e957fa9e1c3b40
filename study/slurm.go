package study

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SlurmOptions configure the Slurm executor.
type SlurmOptions struct {
	// Painmark is the painmark binary the tasks run (its absolute path on the cluster's shared
	// file system).
	Painmark  string
	Partition string
	Time      string // e.g. "00:30:00"
	Mem       string // e.g. "2G"
	CPUs      int
	// Retries is how many times the units of failed tasks are submitted again.
	Retries int
	// Poll is the interval between queue checks.
	Poll time.Duration
	// Name prefixes the job names (painmark-<name>-<step>).
	Name string
	// Chunk is the number of units each array task builds (default 1): larger chunks spread the
	// scheduler's per-task overhead over more work on big cohorts.
	Chunk int
}

// ShellQuote quotes a value for a POSIX shell: single quotes, with embedded single quotes closed,
// escaped and reopened, so no user-provided value is ever interpreted by the shell.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// batchScript is a job-array script: task k builds the units of chunk k of the plan (unit
// indices are integers: the only values not quoted).
func batchScript(painmark, plan string, chunks [][]int) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\nset -euo pipefail\nchunks=(")
	for k, c := range chunks {
		if k > 0 {
			b.WriteString(" ")
		}
		parts := make([]string, len(c))
		for i, u := range c {
			parts[i] = strconv.Itoa(u)
		}
		b.WriteString(`"` + strings.Join(parts, " ") + `"`)
	}
	b.WriteString(")\n")
	fmt.Fprintf(&b, "exec %s run-task %s ${chunks[$SLURM_ARRAY_TASK_ID]}\n", ShellQuote(painmark), ShellQuote(plan))
	return b.String()
}

// chunked splits units into groups of size (the last one shorter).
func chunked(units []int, size int) [][]int {
	if size < 1 {
		size = 1
	}
	var out [][]int
	for i := 0; i < len(units); i += size {
		out = append(out, units[i:min(i+size, len(units))])
	}
	return out
}

// sbatch submits a script with options given as arguments (no shell parses them) and returns the
// job id.
func sbatch(args []string) (string, error) {
	cmd := exec.Command("sbatch", append([]string{"--parsable"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("sbatch %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	id := strings.TrimSpace(out.String())
	if i := strings.Index(id, ";"); i >= 0 { // "jobid;cluster"
		id = id[:i]
	}
	if id == "" {
		return "", fmt.Errorf("sbatch printed no job id")
	}
	return id, nil
}

// queued reports whether any of the jobs is still pending or running.
func queued(ids []string) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	out, err := exec.Command("squeue", "-h", "-o", "%i %T", "-j", strings.Join(ids, ",")).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "Invalid job id") { // purged: finished
			return false, nil
		}
		return false, fmt.Errorf("squeue: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)) != "", nil
}

// RunSlurm builds the missing units on a Slurm cluster: per step, one job array over its missing
// units (each task runs `painmark run-task PLAN UNIT`), each array depending on the previous one
// (afterok; killed when that fails), then waits for the queue to drain and submits the units that
// are still missing again, up to Retries times. The plan must live on a file system the nodes
// share. It returns the number of units built by the cluster.
func (p *Plan) RunSlurm(o SlurmOptions, logger *slog.Logger) (int, error) {
	planPath, err := p.WritePlan()
	if err != nil {
		return 0, err
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	logs := filepath.Join(p.Cache, "slurm")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return 0, err
	}
	before := 0
	for _, u := range p.Units {
		if p.Done(u) {
			before++
		}
	}
	for attempt := 0; attempt <= o.Retries; attempt++ {
		missing := p.Missing()
		if len(missing) == 0 {
			break
		}
		var ids []string
		prev := ""
		for _, step := range p.Steps() {
			units := missing[step]
			if len(units) == 0 {
				continue
			}
			script := filepath.Join(logs, fmt.Sprintf("%s-%d.sh", step, attempt))
			chunks := chunked(units, o.Chunk)
			if err := os.WriteFile(script, []byte(batchScript(o.Painmark, planPath, chunks)), 0o755); err != nil {
				return 0, err
			}
			output, err := OutputPattern(logs, step)
			if err != nil {
				return 0, err
			}
			args := []string{"--job-name=" + JobName(o.Name, step), fmt.Sprintf("--array=0-%d", len(chunks)-1),
				"--output=" + output, "--kill-on-invalid-dep=yes"}
			if o.Partition != "" {
				args = append(args, "--partition="+o.Partition)
			}
			if o.Time != "" {
				args = append(args, "--time="+o.Time)
			}
			if o.Mem != "" {
				args = append(args, "--mem="+o.Mem)
			}
			if o.CPUs > 0 {
				args = append(args, fmt.Sprintf("--cpus-per-task=%d", o.CPUs))
			}
			if prev != "" {
				args = append(args, "--dependency=afterok:"+prev)
			}
			id, err := sbatch(append(args, script))
			if err != nil {
				return 0, err
			}
			if logger != nil {
				logger.Info("study: submitted", "step", step, "job", id, "units", len(units), "tasks", len(chunks), "attempt", attempt+1)
			}
			ids = append(ids, id)
			prev = id
		}
		for {
			q, err := queued(ids)
			if err != nil {
				return 0, err
			}
			if !q {
				break
			}
			time.Sleep(o.Poll)
		}
	}
	after := 0
	for _, u := range p.Units {
		if p.Done(u) {
			after++
		}
	}
	if missing := p.Missing(); len(missing) > 0 {
		var parts []string
		for s, u := range missing {
			parts = append(parts, fmt.Sprintf("%s: %d", s, len(u)))
		}
		return after - before, fmt.Errorf("units still missing after %d attempts (%s); the task logs are in %s", o.Retries+1, strings.Join(parts, ", "), logs)
	}
	return after - before, nil
}

// JobName is the Slurm job name of a study's step: painmark-<study>-<step>.
func JobName(study, step string) string { return "painmark-" + study + "-" + step }

// SlurmJobs lists the queued and running Slurm jobs of a study's steps (squeue's id, name, state
// and time, sorted); none when there is no squeue or no job.
func SlurmJobs(study string, steps []string) []string {
	if _, err := exec.LookPath("squeue"); err != nil {
		return nil
	}
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = JobName(study, s)
	}
	// A cluster whose controller does not answer makes squeue retry for many seconds: status
	// waits 3 s at most and then lists no jobs.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "squeue", "-h", "-o", "%i %j %T %M", "--name", strings.Join(names, ",")).Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(lines)
	return lines
}

// OutputPattern is sbatch's --output file-name pattern for a step's task logs in the folder logs:
// step-<job>_<task>.out. A '%' in the folder or step is doubled (Slurm's escape for a literal '%'),
// so an output folder such as "run_100%" keeps one log per task; a backslash, which makes Slurm
// ignore every pattern (all tasks would share one log), is refused.
func OutputPattern(logs, step string) (string, error) {
	path := filepath.Join(logs, step)
	if strings.Contains(path, `\`) {
		return "", fmt.Errorf("the Slurm log folder %q contains a backslash, which makes sbatch ignore its %%A/%%a patterns: choose an output folder without one", logs)
	}
	return strings.ReplaceAll(path, "%", "%%") + "-%A_%a.out", nil
}
