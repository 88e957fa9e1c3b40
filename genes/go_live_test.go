package genes

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// goDebianDBs are the SQLite files of Debian's r-bioc-org.hs.eg.db and r-bioc-go.db, extracted
// (dpkg-deb -x) under $PAINMARK_GO_DEBS (the .ci/run section does so); the test skips without it.
func goDebianDBs(t *testing.T) (org, godb string) {
	root := os.Getenv("PAINMARK_GO_DEBS")
	if root == "" {
		t.Skip("PAINMARK_GO_DEBS not set (the extended suite extracts r-bioc-org.hs.eg.db and r-bioc-go.db there)")
	}
	lib := filepath.Join(root, "usr", "lib", "R", "site-library")
	return filepath.Join(lib, "org.Hs.eg.db", "extdata", "org.Hs.eg.sqlite"), filepath.Join(lib, "GO.db", "extdata", "GO.sqlite")
}

// sqliteColumn runs a query with the sqlite3 program and returns its single column, sorted.
func sqliteColumn(t *testing.T, db, sql string) []string {
	out, err := exec.Command("sqlite3", "-readonly", "-batch", "-noheader", db, sql).Output()
	if err != nil {
		t.Fatalf("%s: %v", db, err)
	}
	v := strings.Fields(string(out))
	sort.Strings(v)
	return v
}

// TestLiveGOSetsFromDebian builds BP, MF and CC sets from the Debian databases; well-known terms
// have the members org.Hs.eg.db's own propagated tables give them (go_*_all, queried directly), and
// the stricter is-a/part-of propagation and an evidence filter give subsets.
func TestLiveGOSetsFromDebian(t *testing.T) {
	org, godb := goDebianDBs(t)
	start := time.Now()
	d, err := ReadGOSQLite(org, godb)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d terms, %d relations, %d annotations in %v (%s)", len(d.Terms), len(d.Edges), len(d.Annotations), time.Since(start), d.Source)
	checks := map[string][]string{
		"BP": {"GO:0019233", "GO:0006955", "GO:0007268", "GO:0048265"}, // sensory perception of pain, immune response, chemical synaptic transmission, response to pain
		"MF": {"GO:0005216", "GO:0004930"},                             // ion channel activity, G protein-coupled receptor activity
		"CC": {"GO:0045202", "GO:0005887"},                             // synapse, integral component of plasma membrane
	}
	var sets0 []GeneSet // BP, the defaults
	for ont, terms := range checks {
		o := DefaultGOSetOptions()
		o.Ontology = ont
		sets, err := GOSets(d, o)
		if err != nil {
			t.Fatal(err)
		}
		if ont == "BP" {
			sets0 = sets
		}
		byID := map[string]GeneSet{}
		for _, s := range sets {
			byID[s.Name] = s
		}
		for _, id := range terms {
			want := sqliteColumn(t, org, "SELECT DISTINCT i.symbol FROM go_"+strings.ToLower(ont)+"_all g JOIN gene_info i ON i._id = g._id WHERE g.go_id = '"+id+"'")
			got := byID[id]
			if strings.Join(got.Genes, ",") != strings.Join(want, ",") || len(want) == 0 {
				t.Errorf("%s %s (%s): %d genes, org.Hs.eg.db's go_%s_all %d", ont, id, got.Description, len(got.Genes), strings.ToLower(ont), len(want))
			}
			t.Logf("%s %s %q: %d genes, equal to go_%s_all", ont, id, got.Description, len(got.Genes), strings.ToLower(ont))
		}
	}
	// Evidence filter: without electronic annotations (IEA), the rows of go_bp_all with another
	// code; is-a/part-of propagation: the annotations of the term's descendants along those two
	// relations only, by a recursive query over GO.sqlite's go_bp_parents.
	o := DefaultGOSetOptions()
	o.ExcludeEvidence = []string{"IEA"}
	noIEA, err := GOSets(d, o)
	if err != nil {
		t.Fatal(err)
	}
	o = DefaultGOSetOptions()
	o.Relations = []string{"isa", "part of"}
	strict, err := GOSets(d, o)
	if err != nil {
		t.Fatal(err)
	}
	find := func(sets []GeneSet, id string) []string {
		for _, s := range sets {
			if s.Name == id {
				return s.Genes
			}
		}
		return nil
	}
	for _, id := range []string{"GO:0019233", "GO:0007268"} {
		want := sqliteColumn(t, org, "SELECT DISTINCT i.symbol FROM go_bp_all g JOIN gene_info i ON i._id = g._id WHERE g.go_id = '"+id+"' AND g.evidence != 'IEA'")
		if got := find(noIEA, id); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s without IEA: %d genes, go_bp_all %d", id, len(got), len(want))
		}
		want = sqliteColumn(t, org, "ATTACH '"+godb+"' AS g; WITH RECURSIVE off(id) AS (SELECT _id FROM g.go_term WHERE go_id = '"+id+"' UNION SELECT r._id FROM g.go_bp_parents r JOIN off ON r._parent_id = off.id WHERE r.relationship_type IN ('isa', 'part of')) "+
			"SELECT DISTINCT i.symbol FROM go_bp b JOIN gene_info i ON i._id = b._id JOIN g.go_term t ON t.go_id = b.go_id WHERE t._id IN (SELECT id FROM off)")
		if got := find(strict, id); strings.Join(got, ",") != strings.Join(want, ",") || len(got) > len(find(sets0, id)) {
			t.Errorf("%s is-a/part-of: %d genes, the recursive query %d", id, len(got), len(want))
		}
		t.Logf("%s: %d genes without IEA, %d by is-a/part-of only", id, len(find(noIEA, id)), len(find(strict, id)))
	}
	// A planted list: 25 genes of "sensory perception of pain" and 75 other annotated genes,
	// against every gene with a GO annotation as the background: the term comes first.
	var background []string
	inPain := map[string]bool{}
	for _, g := range find(sets0, "GO:0019233") {
		inPain[g] = true
	}
	seen := map[string]bool{}
	for _, a := range d.Annotations {
		if !seen[a.Gene] {
			seen[a.Gene] = true
			background = append(background, a.Gene)
		}
	}
	sort.Strings(background)
	list := append([]string{}, find(sets0, "GO:0019233")[:25]...)
	for i := 0; len(list) < 100; i += 97 {
		if !inPain[background[i]] {
			list = append(list, background[i])
		}
	}
	var bp []GeneSet // BP sets of 15 to 500 genes
	for _, s := range sets0 {
		if len(s.Genes) >= 15 && len(s.Genes) <= 500 {
			bp = append(bp, s)
		}
	}
	res, err := Enrich(list, background, bp, DefaultEnrichOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("planted list: top %s %q (%d hits, q %.3g) of %d BP sets of 15-500 genes; background %d", res.Sets[0].Set, res.Description[0], res.Sets[0].Hits, res.Sets[0].Q, len(res.Sets), res.Background)
	if res.Sets[0].Set != "GO:0019233" || !(res.Sets[0].Q < 1e-10) {
		t.Errorf("planted list: the top set is %s %q", res.Sets[0].Set, res.Description[0])
	}
}
