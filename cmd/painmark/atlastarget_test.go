package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/target"
)

// painmark target --atlas-maps on a simulated cohort's probability maps (painmark synthetic
// target-participant --population): three targets, their hit probabilities in targets.tsv and the
// report, byte for byte the library's PlanAtlas; a run with the atlas maps is a usage error.
func TestTargetAtlasMapsCommand(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "sim")
	if out, errOut, code := runCLI(t, "synthetic", "target-participant", sim, "--timepoints", "20", "--population", "12"); code != 0 {
		t.Fatalf("synthetic: %d %s %s", code, out, errOut)
	}
	pop := filepath.Join(sim, "population")
	maps, space := filepath.Join(pop, "network_probabilities.nii.gz"), filepath.Join(pop, "precentral.nii.gz")
	out := filepath.Join(dir, "out")
	stdout, errOut, code := runCLI(t, "target", "--atlas-maps", maps, "--names", "SCAN,AMN,foot,hand,mouth", "--network", "SCAN", "--avoid", "foot,hand,mouth",
		"--search-space", space, "--min-score", "0.2", "-o", out)
	if code != 0 || !strings.Contains(stdout, "hit probability within 10 mm") {
		t.Fatalf("%d %s %s", code, stdout, errOut)
	}
	html, _ := os.ReadFile(filepath.Join(out, "targets.report.html"))
	if !bytes.Contains(html, []byte("hit probability (chance that SCAN lies within 10 mm")) {
		t.Error("the report does not state the hit probability")
	}
	pm, err := target.ReadProbabilityMaps(maps, []string{"SCAN", "AMN", "foot", "hand", "mouth"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := target.DefaultPlanOptions()
	o.Network, o.Avoid, o.SearchSpace, o.MinScore = "SCAN", []string{"foot", "hand", "mouth"}, space, 0.2
	res, err := target.PlanAtlas(pm, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "lib")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"targets.tsv", "maps.nii.gz", "networks.nii.gz", "markers.nii.gz"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(dir, "lib", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the CLI's differs from the library's", f)
		}
	}
	if len(res.Targets) != 3 {
		t.Errorf("%d targets", len(res.Targets))
	}
	// With the people's maps the hit probability is exact, the CLI's targets.tsv again the library's.
	people, _ := filepath.Glob(filepath.Join(pop, "person-*_networks.nii.gz"))
	exact := filepath.Join(dir, "exact")
	if stdout, errOut, code := runCLI(t, "target", "--atlas-maps", maps, "--atlas-people", strings.Join(people, ","), "--names", "SCAN,AMN,foot,hand,mouth", "--network", "SCAN", "--avoid", "foot,hand,mouth",
		"--search-space", space, "--min-score", "0.2", "-o", exact); code != 0 || len(people) != 12 {
		t.Fatalf("%d people: %d %s %s", len(people), code, stdout, errOut)
	}
	if err := pm.ReadPeople(people); err != nil {
		t.Fatal(err)
	}
	if res, err = target.PlanAtlas(pm, o); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "libexact")); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(exact, "targets.tsv"))
	b, _ := os.ReadFile(filepath.Join(dir, "libexact", "targets.tsv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("targets.tsv with --atlas-people: the CLI's differs from the library's")
	}
	if html, _ := os.ReadFile(filepath.Join(exact, "targets.report.html")); !bytes.Contains(html, []byte("the share of the 12 people whose SCAN lies there")) {
		t.Error("the report does not say the hit probability is the people's share")
	}
	if _, errOut, code := runCLI(t, "target", "--atlas-people", people[0], "--network", "SCAN", "--search-space", space, "-o", filepath.Join(dir, "y")); code != 2 {
		t.Errorf("--atlas-people without --atlas-maps: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "target", "--atlas-maps", maps, "--bold", filepath.Join(sim, "bold.nii.gz"), "--network", "SCAN", "--search-space", space, "-o", filepath.Join(dir, "x")); code != 2 {
		t.Errorf("--atlas-maps with a run: %d %s", code, errOut)
	}
}
