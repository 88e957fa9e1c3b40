package study

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchScriptQuoting runs a generated batch script with bash, with a painmark binary and a
// plan whose paths hold quotes, spaces, $(...) and `...`: the binary receives them unchanged and
// nothing in them is executed.
func TestBatchScriptQuoting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `it's a "dir" $(touch pwned1) `+"`touch pwned2`"+` ; touch pwned3`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "paint'mark $HOME")
	out := filepath.Join(t.TempDir(), "args.txt")
	os.WriteFile(bin, []byte("#!/bin/bash\nprintf '%s\\n' \"$@\" > "+ShellQuote(out)+"\n"), 0o755)
	plan := filepath.Join(dir, "plan $(touch pwned4).json")
	script := filepath.Join(t.TempDir(), "task.sh")
	os.WriteFile(script, []byte(batchScript(bin, plan, [][]int{{3}, {7, 8}, {11}})), 0o755)
	cmd := exec.Command("bash", script)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	got, _ := os.ReadFile(out)
	if want := "run-task\n" + plan + "\n7\n8\n"; string(got) != want {
		t.Errorf("arguments %q, want %q", got, want)
	}
	for _, d := range []string{cmd.Dir, dir} {
		if m, _ := filepath.Glob(filepath.Join(d, "pwned*")); len(m) > 0 {
			t.Errorf("a path was executed: %v", m)
		}
	}
	if q := ShellQuote("a'b"); q != `'a'\''b'` || !strings.HasPrefix(ShellQuote(""), "'") {
		t.Errorf("ShellQuote: %s", q)
	}
	if c := chunked([]int{1, 2, 3, 4, 5}, 2); len(c) != 3 || len(c[2]) != 1 || c[1][1] != 4 {
		t.Errorf("chunks %v", c)
	}
}

// A '%' in a Slurm output path is escaped, so every task keeps its own log; a backslash is refused
// (issue 21: a '%' broke every task with a misleading message).
func TestOutputPatternEscapesPercent(t *testing.T) {
	got, err := OutputPattern("/data/run_100%/logs", "connectomes")
	if err != nil || got != "/data/run_100%%/logs/connectomes-%A_%a.out" {
		t.Errorf("got %q, %v", got, err)
	}
	if got, err := OutputPattern("/data/logs", "model"); err != nil || got != "/data/logs/model-%A_%a.out" {
		t.Errorf("plain folder: %q, %v", got, err)
	}
	if _, err := OutputPattern(`/data/a\b`, "model"); err == nil {
		t.Error("a backslash was accepted")
	}
}
