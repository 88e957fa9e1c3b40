package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/study"
)

// everyStep is the example study with a step of every kind.
const everyStep = "every-step/every-step.toml"

// TestEveryStepStudyDeclaresEveryKind: the every-step example study declares every registered
// step kind and the cohort recipe's extraction and connectivity, so that the Slurm and kill tests
// below cover them all.
func TestEveryStepStudyDeclaresEveryKind(t *testing.T) {
	text, err := os.ReadFile("../../testdata/studies/" + everyStep)
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	for _, k := range study.StepKinds() {
		if !strings.Contains(s, "[["+k.Section+"]]") {
			t.Errorf("the every-step study declares no [[%s]]", k.Section)
		}
	}
	if !strings.Contains(s, "fmriprep = ") {
		t.Error("the every-step study extracts no fMRIPrep runs")
	}
}

// TestSlurmStudyEveryStep runs the study with every step kind locally and on the local Slurm
// cluster (PAINMARK_SLURM=1, as TestSlurmStudy): every published result file is byte-identical
// (the reports, which record the date, aside). It replaces the signature steps' Slurm test, whose
// steps it holds.
func TestSlurmStudyEveryStep(t *testing.T) {
	if os.Getenv("PAINMARK_SLURM") == "" {
		t.Skip("PAINMARK_SLURM not set (the extended suite starts a local Slurm cluster and sets it)")
	}
	slurmStudy(t, everyStep)
}

// TestStudyEveryStepKilled kills the run of the study with every step kind (SIGKILL) at four
// seeded random moments, then lets it finish: every result file equals the uninterrupted run's.
func TestStudyEveryStepKilled(t *testing.T) {
	fixtures.Long(t)
	killStudy(t, everyStep, 4)
}

// slurmStudy runs an example study locally and, in a second home with the same inputs
// (linkInputs), on the local Slurm cluster, and checks that every published result file is
// byte-identical.
func slurmStudy(t *testing.T, name string) {
	dir, _ := exampleStudy(t, name)
	linkInputs(t, dir, "cluster")
	if out, errOut, code := runCLI(t, "run", "study.toml"); code != 0 {
		t.Fatalf("local: %d %s %s", code, out, errOut)
	}
	os.Setenv("PAINMARK_TEST_AS_CLI", "1")
	defer os.Unsetenv("PAINMARK_TEST_AS_CLI")
	if out, errOut, code := runCLI(t, "run", filepath.Join("cluster", "study.toml"), "--executor", "slurm", "--painmark", os.Args[0]); code != 0 {
		t.Fatalf("slurm: %d %s %s", code, out, errOut)
	}
	n := sameStepResults(t, "cluster")
	t.Logf("%d result files byte-identical locally and on Slurm", n)
}

// TestStudyStepsKilled kills the run of the signature steps' study (kill -9) at three seeded
// random moments, then lets it finish: its result files are byte-identical to an uninterrupted
// run's, in another folder with the same inputs.
func TestStudyStepsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs painmark processes")
	}
	killStudy(t, "signature-evaluate.toml", 3)
}

// killStudy runs an example study in its folder, then in a second home with the same inputs
// (linkInputs) kills its run (SIGKILL) at kills seeded random moments and lets it finish: every
// result file equals the uninterrupted run's.
func killStudy(t *testing.T, name string, kills int) {
	dir, _ := exampleStudy(t, name)
	linkInputs(t, dir, "killed")
	start := time.Now()
	if out, errOut, code := runCLI(t, "run", "study.toml"); code != 0 {
		t.Fatalf("reference run: %d %s %s", code, out, errOut)
	}
	full := time.Since(start)
	rng := rand.New(rand.NewPCG(5, 5))
	var built []int
	for k := 0; k < kills; k++ {
		cmd := exec.Command(os.Args[0], "run", filepath.Join("killed", "study.toml"))
		cmd.Env = append(os.Environ(), "PAINMARK_TEST_AS_CLI=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The kills fall between a tenth and seven tenths of
		// the in-process run's length: they land midway.
		time.Sleep(time.Duration((0.1 + 0.6*rng.Float64()) * float64(full)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		units, _ := filepath.Glob(filepath.Join("killed", "out", ".cache", "*", "*"))
		built = append(built, len(units))
	}
	if out, errOut, code := runCLI(t, "run", filepath.Join("killed", "study.toml")); code != 0 {
		t.Fatalf("finishing run: %d %s %s", code, out, errOut)
	}
	n := sameStepResults(t, "killed")
	t.Logf("%d kills within a %.2f s run (cache entries after each: %v); %d result files equal the uninterrupted run's", kills, full.Seconds(), built, n)
}
