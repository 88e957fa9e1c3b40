package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/target"
)

// painmark target variability on a simulated cohort's label images (painmark synthetic
// target-participant --population): network_shares, group_networks and people.tsv byte for byte
// the library's, and a report; one map is a usage error.
func TestTargetVariabilityCommand(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "sim")
	if out, errOut, code := runCLI(t, "synthetic", "target-participant", sim, "--timepoints", "20", "--population", "4"); code != 0 {
		t.Fatalf("synthetic: %d %s %s", code, out, errOut)
	}
	people, _ := filepath.Glob(filepath.Join(sim, "population", "person-*_networks.nii.gz"))
	names := []string{"SCAN", "AMN", "foot", "hand", "mouth"}
	out := filepath.Join(dir, "out")
	stdout, errOut, code := runCLI(t, append(append([]string{"target", "variability"}, people...), "--names", strings.Join(names, ","), "-o", out)...)
	if code != 0 || len(people) != 4 || !strings.Contains(stdout, "person 4: distance to the group") {
		t.Fatalf("%d people: %d %s %s", len(people), code, stdout, errOut)
	}
	grid, got, labels, err := target.ReadPeopleMaps(people, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := target.Variability(grid, got, labels)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "lib")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"network_shares.nii.gz", "group_networks.nii.gz", "people.tsv"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(dir, "lib", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the CLI's differs from the library's", f)
		}
	}
	if html, _ := os.ReadFile(filepath.Join(out, "variability.report.html")); !bytes.Contains(html, []byte("Dice SCAN")) {
		t.Error("the report has no table of the people")
	}
	if _, _, code := runCLI(t, "target", "variability", people[0], "--names", "SCAN", "-o", out); code != 2 {
		t.Errorf("one map: exit %d, want 2", code)
	}
}
