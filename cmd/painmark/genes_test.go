package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

// painmark genes on the golden inputs (AHBA-DK left hemisphere vs the ENIGMA schizophrenia
// thickness map): the variance of the map each PLS component explains is Octave plsregress's
// PCTVAR (golden), the spin null's p of PLS1 is small, the enrichment table lists every cell class
// in both directions, the gene table ranks all 1645 genes, and the report loads in Chromium.
func TestGenesCommand(t *testing.T) {
	dir := t.TempDir()
	expr := fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6.csv")
	scz := fixtures.Shared(t, "enigma", "summary_statistics", "scz_case-controls_CortThick.csv")
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	classes := fixtures.Shared(t, "gene-sets", "seidlitz2020", "celltypes_PSP.csv")
	out, errOut, code := runCLI(t, "genes", expr, scz, "--y", "d_icv", "--null", "spin", "--coords", coords, "--permutations", "300",
		"--bootstraps", "200", "--sets", classes, "--rank-permutations", "200", "-o", filepath.Join(dir, "g"))
	if code != 0 {
		t.Fatalf("genes: %d %s %s", code, out, errOut)
	}
	golden, err := table.Read(fixtures.Shared(t, "golden", "pls", "octave_plsregress_summary.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := golden.Column("quantity")
	for k, c := range []string{"comp_1", "comp_2", "comp_3"} {
		v, _ := golden.Floats(c)
		for i, name := range q.Raw {
			if name == "PCTVAR_Y" {
				got := number(t, out, `PLS`+string(rune('1'+k))+`: ([0-9.]+)% of the map`)
				if math.Abs(got-100*v[i]) > 0.051 {
					t.Errorf("PLS%d explains %.1f%%, Octave plsregress %.3f%%", k+1, got, 100*v[i])
				}
			}
		}
	}
	if p := number(t, out, `PLS1: .* spin p = ([0-9.e-]+)`); p > 0.05 {
		t.Errorf("PLS1 spin p = %v", p)
	}
	// Guard rail: a p from n resamples is never printed as 0, and says its sides and convention.
	if strings.Contains(out, "p = 0 ") || strings.Contains(out, "p = 0\n") || strings.Count(out, "median rank p ") != 14 ||
		strings.Count(out, "(one-sided, Morgan's #≤/n; ") != 14 {
		t.Errorf("p-values printed without their convention, or as 0:\n%s", out)
	}
	if n := strings.Count(out, " hits, OR "); n != 14 {
		t.Errorf("%d enrichment rows, want 7 classes x 2 directions\n%s", n, out)
	}
	gt, err := table.Read(filepath.Join(dir, "g", "genes.tsv"), nil)
	if err != nil || gt.NumRows() != 1645 {
		t.Fatalf("genes.tsv: %v", err)
	}
	// Bad input is refused with the reason.
	if _, errOut, code := runCLI(t, "genes", expr, scz, "--y", "nope", "-o", filepath.Join(dir, "x")); code == 0 || !strings.Contains(errOut, "nope") {
		t.Errorf("unknown column: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "genes", expr, scz, "--y", "d_icv", "--null", "spin", "-o", filepath.Join(dir, "x")); code == 0 || !strings.Contains(errOut, "--coords") {
		t.Errorf("spin without coordinates: %d %s", code, errOut)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "g", "genes.report.html"), "genes-report.png", 4)
	}
}
