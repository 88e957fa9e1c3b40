package genes

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/painmark/painmark/table"
)

// On the derived test set (testdata/go, from Debian's GO.db and org.Hs.eg.db), the sets of
// "sensory perception of pain" and "response to pain" have the members org.Hs.eg.db's own
// propagated table gives them (go_bp_all_members.tsv), also without electronic annotations (IEA);
// the GMT written reads back; a planted gene list is enriched in its term against a user-chosen
// background.
func TestGOSetsOnDerivedSubset(t *testing.T) {
	d, err := ReadGOTables(filepath.Join("testdata", "go"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := table.Read(filepath.Join("testdata", "go", "go_bp_all_members.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := ref.Column("go_id")
	gene, _ := ref.Column("gene")
	ev, _ := ref.Column("evidence")
	want := func(term string, noIEA bool) string {
		seen := map[string]bool{}
		var out []string
		for i := range id.Raw {
			if id.Raw[i] == term && !(noIEA && ev.Raw[i] == "IEA") && !seen[gene.Raw[i]] {
				seen[gene.Raw[i]] = true
				out = append(out, gene.Raw[i])
			}
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	all, err := GOSets(d, DefaultGOSetOptions())
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultGOSetOptions()
	o.ExcludeEvidence = []string{"IEA"}
	noIEA, err := GOSets(d, o)
	if err != nil {
		t.Fatal(err)
	}
	find := func(sets []GeneSet, term string) GeneSet {
		for _, s := range sets {
			if s.Name == term {
				return s
			}
		}
		t.Fatalf("no set %s", term)
		return GeneSet{}
	}
	for _, term := range []string{"GO:0019233", "GO:0048265"} {
		s := find(all, term)
		if strings.Join(s.Genes, ",") != want(term, false) || strings.Join(find(noIEA, term).Genes, ",") != want(term, true) {
			t.Errorf("%s %s: %d genes (%d without IEA), go_bp_all has other members", term, s.Description, len(s.Genes), len(find(noIEA, term).Genes))
		}
		t.Logf("%s %q: %d genes, %d without IEA", term, s.Description, len(s.Genes), len(find(noIEA, term).Genes))
	}
	if pain := find(all, "GO:0019233"); pain.Description != "sensory perception of pain" || !strings.Contains(","+strings.Join(pain.Genes, ",")+",", ",SCN9A,") {
		t.Errorf("sensory perception of pain: %q, SCN9A missing from %v", pain.Description, pain.Genes)
	}
	gmt := filepath.Join(t.TempDir(), "go_bp.gmt")
	if err := WriteGMT(gmt, all); err != nil {
		t.Fatal(err)
	}
	back, err := ReadGMT(gmt)
	if err != nil || len(back) != len(all) || back[0].Description != all[0].Description || strings.Join(back[0].Genes, ",") != strings.Join(all[0].Genes, ",") {
		t.Fatalf("GMT round trip: %v", err)
	}
	// Planted: 20 pain genes among 60 others of a 5,000-gene background.
	pain := find(all, "GO:0019233").Genes
	background := append([]string{}, pain...)
	for i := 0; i < 5000-len(pain); i++ {
		background = append(background, fmt.Sprintf("BG%04d", i))
	}
	list := append(append([]string{}, pain[:20]...), background[len(pain):len(pain)+60]...)
	list = append(list, "NOT_IN_BACKGROUND")
	res, err := Enrich(list, background, all, DefaultEnrichOptions())
	if err != nil {
		t.Fatal(err)
	}
	// In this subset the term's ancestors hold the same genes (their other members are not in
	// it), so they tie with it: the planted term has the smallest p (the live test on the whole
	// GO finds it first).
	var planted Enrichment
	for _, e := range res.Sets {
		if e.Set == "GO:0019233" {
			planted = e
		}
	}
	if planted.P != res.Sets[0].P || planted.Hits != 20 || !(planted.Q < 1e-10) || len(res.Outside) != 1 || res.Genes != 80 {
		t.Errorf("planted term: %+v; top %+v; outside %v", planted, res.Sets[0], res.Outside)
	}
	if _, err := Enrich([]string{"X"}, background, all, DefaultEnrichOptions()); err == nil {
		t.Error("no gene in the background, accepted")
	}
	if _, err := GOSets(d, GOSetOptions{Ontology: "XX"}); err == nil {
		t.Error("ontology XX accepted")
	}
	if _, err := GOSets(d, GOSetOptions{Ontology: "BP", Relations: []string{"is_a"}}); err == nil {
		t.Error("relation is_a (GO.db spells it isa) accepted")
	}
}
