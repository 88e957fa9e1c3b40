package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/genes"
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

// painmark genes stable on three donors' tables made from the real Schaefer-100 expression (noise
// growing with the donor) writes the library's files byte for byte, and its expression.tsv runs
// through painmark genes with a Schaefer-100 map given by parcel index (--match-by index), the
// same analysis as by name.
func TestGenesStableAndSchaefer(t *testing.T) {
	dir := t.TempDir()
	e, err := genes.ReadExpression(fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6_schaefer_100.csv"))
	if err != nil {
		t.Fatal(err)
	}
	p := len(e.Genes)
	var donors []string
	for k := 0; k < 3; k++ {
		cols := []*table.Column{table.TextColumn("label", e.Regions)}
		for j, g := range e.Genes[:200] {
			v := make([]float64, len(e.Regions))
			for i := range v {
				v[i] = e.Values[i*p+j] + float64(k)*0.1*float64(j%7+1)*math.Sin(float64(3*i+j+k))
			}
			cols = append(cols, table.NumericColumn(g, v))
		}
		donors = append(donors, filepath.Join(dir, fmt.Sprintf("donor%d.csv", k)))
		if err := table.Write(donors[k], &table.Table{Columns: cols}); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runCLI(t, append(append([]string{"genes", "stable"}, donors...), "-o", filepath.Join(dir, "s"), "--report", "none")...)
	if code != 0 || !strings.Contains(out, "20 of 200 genes kept, 114 regions") || !strings.Contains(out, "(the 90th percentile)") {
		t.Fatalf("genes stable: %d %s %s", code, out, errOut)
	}
	d, err := genes.ReadDonorExpression(donors...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := genes.Stable(d, genes.DefaultStableOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "lib")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"stability.tsv", "expression.tsv"} {
		a, _ := os.ReadFile(filepath.Join(dir, "s", f))
		b, _ := os.ReadFile(filepath.Join(dir, "lib", f))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s: the CLI's differs from genes.Stable's", f)
		}
	}
	// A Schaefer-100 map by name and by parcel index (1..114 in the table's order).
	var index []string
	var tval []float64
	for i := range e.Regions {
		index, tval = append(index, fmt.Sprint(i+1)), append(tval, e.Values[i*p+3]+math.Cos(float64(i)))
	}
	cols := []*table.Column{table.TextColumn("region", e.Regions), table.TextColumn("index", index), table.NumericColumn("t", tval)}
	m := filepath.Join(dir, "schaefer_map.tsv")
	if err := table.Write(m, &table.Table{Columns: cols}); err != nil {
		t.Fatal(err)
	}
	expr := filepath.Join(dir, "s", "expression.tsv")
	byName, errOut, code := runCLI(t, "genes", expr, m, "--y", "t", "--null", "none", "--bootstraps", "50", "-o", filepath.Join(dir, "g1"), "--report", "none")
	if code != 0 || !strings.Contains(byName, "50 regions x 20 genes") {
		t.Fatalf("genes on Schaefer-100: %d %s %s", code, byName, errOut)
	}
	byIndex, errOut, code := runCLI(t, "genes", expr, m, "--y", "t", "--region-column", "index", "--match-by", "index", "--null", "none", "--bootstraps", "50", "-o", filepath.Join(dir, "g2"), "--report", "none")
	a, _ := os.ReadFile(filepath.Join(dir, "g1", "genes.tsv"))
	b, _ := os.ReadFile(filepath.Join(dir, "g2", "genes.tsv"))
	if code != 0 || string(a) != string(b) {
		t.Errorf("--match-by index: %d %s %s", code, byIndex, errOut)
	}
	if _, errOut, code := runCLI(t, "genes", "stable", donors[0], "-o", filepath.Join(dir, "x")); code != 2 || !strings.Contains(errOut, "at least 2") {
		t.Errorf("one donor: %d %s", code, errOut)
	}
}
