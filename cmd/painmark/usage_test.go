package main

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// noInputs are the commands that need no argument or flag: run bare they do their work.
var noInputs = map[string]bool{"painmark version": true, "painmark atlas list": true, "painmark demo": true}

// misspell returns name with its last two letters swapped (or its last letter dropped).
func misspell(name string) string {
	b := []byte(name)
	if n := len(b); n >= 2 && b[n-1] != b[n-2] {
		b[n-1], b[n-2] = b[n-2], b[n-1]
		return string(b)
	}
	return name[:len(name)-1]
}

// TestUsageErrorsEveryCommand runs every command of the tree with a misspelled command name, an
// unknown flag, a misspelled flag and no arguments: each is a usage error (exit 2) with a
// suggestion where one exists, and nothing is written in the working folder.
func TestUsageErrorsEveryCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		if c.HasParent() && !c.Hidden {
			bad := append(append([]string{}, path[:len(path)-1]...), misspell(c.Name()))
			_, errOut, code := runCLI(t, bad...)
			if code != 2 || !strings.Contains(errOut, "did you mean") || !strings.Contains(errOut, `"`+c.Name()+`"`) {
				t.Errorf("painmark %s: exit %d, %q", strings.Join(bad, " "), code, errOut)
			}
		}
		_, errOut, code := runCLI(t, append(path, "--no-such-flag")...)
		if code != 2 || !strings.Contains(errOut, "unknown flag: --no-such-flag") {
			t.Errorf("%s --no-such-flag: exit %d, %q", c.CommandPath(), code, errOut)
		}
		var flag string
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if flag == "" && len(f.Name) > 3 && f.Name != "help" && c.Flags().Lookup(misspell(f.Name)) == nil {
				flag = f.Name
			}
		})
		if flag != "" {
			_, errOut, code := runCLI(t, append(path, "--"+misspell(flag), "x")...)
			if code != 2 || !strings.Contains(errOut, `did you mean "--`+flag+`"`) {
				t.Errorf("%s --%s: exit %d, %q", c.CommandPath(), misspell(flag), code, errOut)
			}
		}
		if !noInputs[c.CommandPath()] {
			if _, errOut, code := runCLI(t, path...); code != 2 || !strings.Contains(errOut, "usage: "+c.CommandPath()) {
				t.Errorf("%s without arguments: exit %d, %q", c.CommandPath(), code, errOut)
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot())
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors wrote %d files in the working folder, first %s", len(entries), entries[0].Name())
	}
}

func TestVersionFlag(t *testing.T) {
	out, _, code := runCLI(t, "--version")
	if code != 0 || out != version.String()+"\n" {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if strings.Contains(out, "painmark painmark") {
		t.Errorf("--version doubles the name: %q", out)
	}
}

// TestPanicExit70 checks the top-level recover: a panic is exit 70 with a short report naming the
// panic and where it happened, never a Go traceback or the usage code 2.
func TestPanicExit70(t *testing.T) {
	root := newRoot()
	root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
		var m map[string]int
		m["x"] = 1 // a nil-map write: a bug
		return nil
	}})
	_, errOut, code := runRoot(t, root, "boom", "--log-level", "warn")
	if code != 70 || !strings.Contains(errOut, "internal error") || !strings.Contains(errOut, "nil map") ||
		!strings.Contains(errOut, "usage_test.go") || !strings.Contains(errOut, "command: painmark boom --log-level warn") || strings.Contains(errOut, "goroutine ") {
		t.Errorf("panic: exit %d, %q", code, errOut)
	}
}

// TestWorkerPanicExit70 checks that a panic in a worker goroutine (parallel.For) reaches the
// top-level recover: exit 70 naming the panic and its line, not a crash of the process.
func TestWorkerPanicExit70(t *testing.T) {
	root := newRoot()
	root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
		parallel.For(64, func(i int) {
			if i == 33 {
				var m map[int]int
				m[i] = 1 // a nil-map write in a worker: a bug
			}
		})
		return nil
	}})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	_, errOut, code := runRoot(t, root, "boom")
	if code != 70 || !strings.Contains(errOut, "nil map") || !strings.Contains(errOut, "usage_test.go") || !strings.Contains(errOut, "in a worker goroutine") || strings.Contains(errOut, "goroutine 1") {
		t.Errorf("worker panic: exit %d, %q", code, errOut)
	}
}

// TestReportCommandLineQuoted checks that a report header records a command line a shell re-runs.
func TestReportCommandLineQuoted(t *testing.T) {
	old := invocation
	defer func() { invocation = old }()
	invocation = []string{"connectome", "ts/", "--kind", "partial correlation", "-o", "out"}
	if got, want := newCommandReport("t").Command, `painmark connectome ts/ --kind 'partial correlation' -o out`; got != want {
		t.Errorf("report command %s, want %s", got, want)
	}
}

// TestUsageErrorsNameTheChoice checks that a missing flag is named alone and an unknown atlas
// lists the built-in ones, before anything is written.
func TestUsageErrorsNameTheChoice(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, errOut, code := runCLI(t, "target", "-o", "X"); code != 2 || !strings.Contains(errOut, "painmark: --search-space is required\n") {
		t.Errorf("target -o X: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "spin", "maps.tsv", "--x", "a"); code != 2 || !strings.Contains(errOut, "painmark: --y is required\n") {
		t.Errorf("spin --x only: exit %d, %q", code, errOut)
	}
	for _, args := range [][]string{{"atlas", "show", "mist121"}, {"extract", "bold.nii.gz", "--atlas", "mist121", "-o", "out"}} {
		if _, errOut, code := runCLI(t, args...); code != 2 || !strings.Contains(errOut, "built in: dk68, mist122") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	// A misspelt choice of signature train is a usage error naming the choices, before any input is read.
	for flag, want := range map[string]string{"--cv": "loo, kfold:K", "--scoring": "neg_mean_squared_error", "--solver": "path, exact", "--permute": "refit, predictions",
		"--bootstrap-p": "canlab, wald, deipp"} {
		if _, errOut, code := runCLI(t, "signature", "train", "features.tsv", "--target", "participants.tsv:pain", flag, "bogus"); code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("signature train %s bogus: exit %d, %q", flag, code, errOut)
		}
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("refused commands wrote %s", entries[0].Name())
	}
}

func TestHelpCommandUnknown(t *testing.T) {
	if out, _, code := runCLI(t, "help", "signature", "train"); code != 0 || !strings.Contains(out, "painmark signature train") {
		t.Errorf("help signature train: exit %d", code)
	}
	if _, errOut, code := runCLI(t, "help", "signature", "trian"); code != 2 || !strings.Contains(errOut, `did you mean "train"`) {
		t.Errorf("help signature trian: exit %d, %q", code, errOut)
	}
}
