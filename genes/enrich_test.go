package genes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

// Over-representation counts the 2 x 2 table against the background and tests it as
// scipy.stats.fisher_exact does (stats.FisherExact is checked against scipy); a set built from the
// hits is enriched, one disjoint from them is not.
func TestOverRepresentation(t *testing.T) {
	var bg []string
	for i := 0; i < 200; i++ {
		bg = append(bg, fmt.Sprintf("G%03d", i))
	}
	hits := bg[:20]
	sets := []GeneSet{
		{Name: "mostly hits", Genes: append(append([]string{}, bg[:15]...), bg[100:105]...)},
		{Name: "no hits", Genes: append(append([]string{}, bg[150:180]...), "NOT_IN_BACKGROUND")},
	}
	res, err := OverRepresentation(hits, bg, sets)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := stats.FisherExact(15, 5, 5, 175, "greater")
	if r := res[0]; r.Hits != 15 || r.SetInBackground != 20 || r.P != want.P || !(r.Q < 1e-6) {
		t.Errorf("enriched set: %+v", r)
	}
	if r := res[1]; r.Hits != 0 || r.SetInBackground != 30 || r.P != 1 {
		t.Errorf("disjoint set: %+v", r)
	}
	if _, err := OverRepresentation([]string{"ELSEWHERE"}, bg, sets); err == nil {
		t.Error("a hit outside the background accepted")
	}
}

// Rank enrichment: a set of the top-ranked genes has p near 0, a set of the last-ranked near 1;
// the real cell-class lists and GMT files parse.
func TestRankEnrichmentAndGeneSetFiles(t *testing.T) {
	var ranked []string
	for i := 0; i < 1000; i++ {
		ranked = append(ranked, fmt.Sprintf("G%04d", i))
	}
	sets := []GeneSet{{Name: "top", Genes: ranked[:30]}, {Name: "bottom", Genes: ranked[970:]}}
	med, p, err := RankEnrichment(ranked, sets, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !(p[0] < 0.001) || !(p[1] > 0.999) || med[0] != 15.5 {
		t.Errorf("medians %v, p %v", med, p)
	}
	classes, err := ReadGeneClasses(fixtures.Shared(t, "gene-sets", "seidlitz2020", "celltypes_PSP.csv"), "gene", "class")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	total := 0
	for _, c := range classes {
		names = append(names, c.Name)
		total += len(c.Genes)
	}
	if len(classes) != 7 || total != 7159 || classes[0].Name != "Astro" { // pandas reads 7159 rows
		t.Errorf("%d classes (%s), %d genes", len(classes), strings.Join(names, ","), total)
	}
	gmt, err := ReadGMT(fixtures.Shared(t, "gene-sets", "imaging-transcriptomics", "geneset_Pooled.gmt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(gmt) == 0 || gmt[0].Name != "Astro" || gmt[0].Genes[0] != "A2ML1" {
		t.Errorf("GMT: %d sets, first %q", len(gmt), gmt[0].Name)
	}
}
