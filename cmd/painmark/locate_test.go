package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/target"
)

// painmark locate on a simulated cohort's maps writes byte for byte the library's table; a
// negative coordinate after --, and no look-up or more tables than atlases is a usage error.
func TestLocateCommand(t *testing.T) {
	dir := t.TempDir()
	pop := target.SimulatePopulation(1, 4)
	if err := pop.Write(dir); err != nil {
		t.Fatal(err)
	}
	contacts := filepath.Join(dir, "contacts.csv")
	os.WriteFile(contacts, []byte("name,x,y,z\nP1,-36,-18,30\nP2,0,24,30\n"), 0o644)
	atlasPath, probs := filepath.Join(dir, "person-01_networks.nii.gz"), filepath.Join(dir, "network_probabilities.nii.gz")
	out := filepath.Join(dir, "loc.tsv")
	if stdout, errOut, code := runCLI(t, "locate", contacts, "--atlas", atlasPath, "--networks", probs, "--names", "SCAN,AMN,foot,hand,mouth", "-o", out); code != 0 {
		t.Fatalf("%d %s %s", code, stdout, errOut)
	}
	o, err := target.LocateFiles{Atlases: []string{atlasPath}, Networks: probs, Names: pop.Networks}.Read()
	if err != nil {
		t.Fatal(err)
	}
	pts, _ := target.ReadPoints(contacts)
	res, err := target.Locate(pts, o)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "lib.tsv")
	if err := res.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(lib)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the CLI's table differs from the library's:\n%s\n%s", a, b)
	}
	if _, errOut, code := runCLI(t, "locate", "--atlas", atlasPath, "-o", filepath.Join(dir, "one.tsv"), "--", "-36,-18,30"); code != 0 {
		t.Errorf("a negative coordinate after --: %d %s", code, errOut)
	}
	for _, bad := range [][]string{{"locate", contacts, "-o", filepath.Join(dir, "x.tsv")}, {"locate", contacts, "--atlas-labels", contacts, "--map", probs, "-o", filepath.Join(dir, "x.tsv")}} {
		if _, errOut, code := runCLI(t, bad...); code != 2 {
			t.Errorf("%v: %d %s", bad, code, errOut)
		}
	}
}
