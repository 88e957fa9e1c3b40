package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// TestExtractCorticospinalFromSyntheticImages writes a small synthetic study with images, extracts
// the training cohort's runs with painmark extract --atlas corticospinal, and finds the planted
// series of all 139 regions (r > 0.99 per region against the study's roi/ tables) in files equal
// byte for byte to the library's (extract.FolderJobs, Job.Run).
func TestExtractCorticospinalFromSyntheticImages(t *testing.T) {
	pam50 := fixtures.Shared(t, "pam50", "template")
	dir := filepath.Join(t.TempDir(), "study")
	if _, stderr, code := runCLI(t, "synthetic", "csps", dir, "--train", "2", "--independent", "1", "--task", "1", "--clinical1", "1",
		"--clinical2", "1", "--prepost", "1", "--frames", "30", "--images"); code != 2 || !strings.Contains(stderr, "--pam50") {
		t.Errorf("--images without --pam50: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "synthetic", "csps", dir, "--train", "2", "--independent", "1", "--task", "1", "--clinical1", "1",
		"--clinical2", "1", "--prepost", "1", "--frames", "30", "--images", "--pam50", pam50); code != 0 {
		t.Fatalf("synthetic: exit %d: %s", code, stderr)
	}
	fm, gm, out := filepath.Join(dir, "train", "fmriprep"), filepath.Join(dir, "gm_mask.nii.gz"), t.TempDir()
	if _, stderr, code := runCLI(t, "extract", fm, "--atlas", "corticospinal", "-o", out); code != 2 || !strings.Contains(stderr, "PAM50") {
		t.Errorf("corticospinal without --pam50: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "extract", fm, "--atlas", "corticospinal", "--pam50", pam50, "--gm-mask", gm, "-o", out); code != 0 {
		t.Fatalf("extract: exit %d: %s", code, stderr)
	}
	o := extract.DefaultRunOptions()
	o.Atlas, o.Corticospinal.PAM50, o.Corticospinal.GreyMatter = extract.CorticospinalAtlas, pam50, gm
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	lib := t.TempDir()
	jobs, err := extract.FolderJobs(fm, lib, study.Filter{}, spec)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("%d jobs, %v", len(jobs), err)
	}
	for _, j := range jobs {
		if _, err := j.Run(spec); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(lib, j.Out)
		for _, f := range []string{rel, strings.TrimSuffix(rel, ".tsv") + ".json"} {
			a, errA := os.ReadFile(filepath.Join(out, f))
			b, errB := os.ReadFile(filepath.Join(lib, f))
			if errA != nil || errB != nil || !bytes.Equal(a, b) {
				t.Errorf("%s: the CLI's file differs from the library's (%v, %v)", f, errA, errB)
			}
		}
		got, err := table.Read(filepath.Join(out, rel), nil)
		if err != nil {
			t.Fatal(err)
		}
		sub := strings.SplitN(filepath.Base(j.Out), "_", 2)[0]
		want, err := table.Read(filepath.Join(dir, "train", "roi", sub+"_timeseries.tsv"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got.Names(), ",") != strings.Join(want.Names(), ",") {
			t.Fatalf("%s: columns %v, want %v", sub, got.Names(), want.Names())
		}
		for c, col := range want.Columns { // by position: MIST-122 names three pairs of parcels alike
			if r := stats.Pearson(got.Columns[c].Values, col.Values); !(r > 0.99) {
				t.Errorf("%s %s: r = %.4f with the planted series", sub, col.Name, r)
			}
		}
	}
}
