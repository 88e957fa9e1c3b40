package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/testdata"
	"github.com/painmark/painmark/table"
)

// painmark morph on the real ENIGMA table: regional and global MS for 20 subjects, the
// case-control table with covariates and an interaction, and a report that loads in Chromium.
func TestMorphCommand(t *testing.T) {
	dir := t.TempDir()
	x := func(name string) string { return testdata.Shared(t, "enigma", "xdata", name) }
	economo := testdata.Shared(t, "enigma", "derived", "dk68_economo_koskinas_class_mode.csv")
	out, errOut, code := runCLI(t, "morph", "--enigma", x("metr2_CortThick.csv"), "--enigma", x("metr3_CortSurf.csv"),
		"--participants", x("cov.csv"), "--group", "Dx", "--case", "1", "--covariates", "Age,Sex,ICV", "--interactions", "Age*Sex",
		"--classes", economo+":economo_koskinas_class_mode", "--classes", testdata.Shared(t, "enigma", "derived", "dk68_yeo7_mode_via_schaefer400_conte69.csv")+":yeo7_mode",
		"--coords", testdata.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), "--spins", "300", "-o", dir)
	if code != 0 {
		t.Fatalf("morph: %d %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "20 subjects x 68 regions x 2 features") {
		t.Errorf("output:\n%s", out)
	}
	cc, err := table.Read(filepath.Join(dir, "case_control.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cc.NumRows() != 68 {
		t.Errorf("%d case-control rows", cc.NumRows())
	}
	// Class summaries: 5 von Economo-Koskinas classes and 7 Yeo networks, each mean equal to the
	// mean of the case-control table's d over the class's regions (by name).
	if n := strings.Count(out, " regions: mean d "); n != 12 {
		t.Errorf("%d class summaries, want 12:\n%s", n, out)
	}
	regions, _ := cc.Column("region")
	d, _ := cc.Floats("cohen_d")
	ec, _ := table.Read(economo, nil)
	ecReg, _ := ec.Column("region")
	ecCls, _ := ec.Column("economo_koskinas_class_mode")
	classOf := map[string]string{}
	for i, r := range ecReg.Raw {
		classOf[r] = ecCls.Raw[i]
	}
	var sum float64
	var n int
	for i, r := range regions.Raw {
		if classOf[r] == "1" {
			sum, n = sum+d[i], n+1
		}
	}
	if got := number(t, out, `economo_koskinas_class_mode\s+1\s+\d+ regions: mean d ([-0-9.]+)`); math.Abs(got-sum/float64(n)) > 5e-4 {
		t.Errorf("class 1 mean d %v, case_control.tsv gives %v", got, sum/float64(n))
	}
	if _, err := os.Stat(filepath.Join(dir, "regional_ms.tsv")); err != nil {
		t.Error(err)
	}
	if _, errOut, code := runCLI(t, "morph", "-o", dir); code != 2 || !strings.Contains(errOut, "--subjects-dir or --enigma") {
		t.Errorf("no input: %d %s", code, errOut)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "morph.report.html"), "morph-report.png", 2)
	}
}
