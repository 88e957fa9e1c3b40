package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/table"
)

// painmark lesionnet over a cohort of three simulated people (painmark synthetic
// target-participant): a centromedian-thalamus lesion's network correlates most with the SCAN
// template, the maps and the overlap table are written, and the report loads in Chromium.
func TestLesionnetCommand(t *testing.T) {
	dir := t.TempDir()
	var list []string
	for _, s := range []string{"1", "2", "3"} {
		p := filepath.Join(dir, "sim"+s)
		if out, errOut, code := runCLI(t, "synthetic", "target-participant", p, "--seed", s, "--timepoints", "60"); code != 0 {
			t.Fatalf("synthetic: %d %s %s", code, out, errOut)
		}
		list = append(list, filepath.Join("sim"+s, "bold.nii.gz"))
	}
	cohort := filepath.Join(dir, "cohort.txt")
	os.WriteFile(cohort, []byte("# normative runs\n"+strings.Join(list, "\n")+"\n"), 0o644)
	out := filepath.Join(dir, "ln")
	stdout, errOut, code := runCLI(t, "lesionnet", "--lesion-mm", "-9,-18,6", "--runs-file", cohort, "--mask", filepath.Join(dir, "sim1", "mask.nii.gz"),
		"--networks", filepath.Join(dir, "sim1", "templates.nii.gz"), "--names", "SCAN,AMN,foot,hand,mouth", "-o", out)
	if code != 0 {
		t.Fatalf("lesionnet: %d %s %s", code, stdout, errOut)
	}
	ov, err := table.Read(filepath.Join(out, "overlaps.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := ov.Column("network")
	r, _ := ov.Floats("correlation")
	best := 0
	for k := range r {
		if r[k] > r[best] {
			best = k
		}
	}
	if names.Raw[best] != "SCAN" {
		t.Errorf("the lesion network correlates most with %s:\n%s", names.Raw[best], stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "lesion_network.nii.gz")); err != nil {
		t.Error(err)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(out, "lesionnet.report.html"), "lesionnet-report.png", 2)
	}
	if _, errOut, code := runCLI(t, "lesionnet", "--runs-file", cohort, "-o", out); code != 2 || !strings.Contains(errOut, "--lesion") {
		t.Errorf("no lesion: %d %s", code, errOut)
	}
	if !strings.Contains(stdout, "warning: lesion network mapping (one-sample t over runs): a t test over 3, under painmark's minimum of 10") {
		t.Errorf("no small-sample warning:\n%s", stdout)
	}
	if b, err := os.ReadFile(filepath.Join(out, "lesionnet.json")); err != nil || !strings.Contains(string(b), `"warnings": [`) {
		t.Errorf("lesionnet.json has no warnings: %v\n%s", err, b)
	}
	if _, errOut, code := runCLI(t, "lesionnet", "--lesion-mm", "-9,-18,6", "--runs", filepath.Join(dir, "sim1", "bold.nii.gz"), "--mask", filepath.Join(dir, "sim1", "mask.nii.gz"), "-o", out); code == 0 || !strings.Contains(errOut, "at least 3") {
		t.Errorf("one run: %d %s", code, errOut)
	}
	// Guard rail: two runs give a one-sample t with df = 1 (t in the thousands): refused, nothing
	// written.
	two := filepath.Join(dir, "ln2")
	if _, errOut, code := runCLI(t, "lesionnet", "--lesion-mm", "-9,-18,6", "--runs", filepath.Join(dir, "sim1", "bold.nii.gz")+","+filepath.Join(dir, "sim2", "bold.nii.gz"), "--mask", filepath.Join(dir, "sim1", "mask.nii.gz"), "-o", two); code == 0 || !strings.Contains(errOut, "df = 1") {
		t.Errorf("two runs: %d %s", code, errOut)
	}
	if _, err := os.Stat(two); err == nil {
		t.Errorf("refused lesionnet wrote %s", two)
	}
}
