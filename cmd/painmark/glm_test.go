package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/glm"
)

// TestGLMDesignCLI: painmark glm design writes the library's design matrix byte for byte.
func TestGLMDesignCLI(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "events.tsv")
	os.WriteFile(ev, []byte("onset\tduration\ttrial_type\tmodulation\n10\t20\theat\t1\n45.3\t20\twarm\t2\n80\t0\theat\t1\n"), 0o644)
	out := filepath.Join(dir, "design.tsv")
	if _, errOut, code := runCLI(t, "glm", "design", ev, "--tr", "0.8", "--n-scans", "150", "--slice-time-ref", "0.5", "--hrf", "spm + derivative", "--high-pass", "0.02", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	events, err := glm.ReadEvents(ev)
	if err != nil {
		t.Fatal(err)
	}
	ft, err := glm.FrameTimes(150, 0.8, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	opts := glm.DefaultDesignOptions()
	opts.HRFModel, opts.HighPass = glm.HRFSPMDerivative, 0.02
	d, err := glm.MakeDesign(ft, events, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, d.TSV()) || !bytes.HasPrefix(got, []byte("heat\theat_derivative\twarm\twarm_derivative\tdrift_1\t")) {
		t.Errorf("design.tsv differs from the library's:\n%.300s", got)
	}
	if _, _, code := runCLI(t, "glm", "design", ev, "--tr", "2", "--n-scans", "60", "--hrf", "canonical", "-o", out); code != 2 {
		t.Errorf("unknown HRF: exit %d", code)
	}
}
