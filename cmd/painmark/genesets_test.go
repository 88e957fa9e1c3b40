package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/genes"
	"github.com/painmark/painmark/table"
)

// painmark genes go-sets on the derived GO test set writes genes.GOSets' sets as GMT byte for byte,
// and painmark genes enrich finds a planted gene list's term against a chosen background.
func TestGenesGOSetsAndEnrich(t *testing.T) {
	dir := t.TempDir()
	tables := filepath.Join("..", "..", "genes", "testdata", "go")
	gmt := filepath.Join(dir, "go_bp.gmt")
	out, errOut, code := runCLI(t, "genes", "go-sets", "--tables", tables, "--exclude-evidence", "IEA", "-o", gmt)
	if code != 0 || !strings.Contains(out, "BP sets") || !strings.Contains(out, "GOSOURCEDATE 2022-07-01") {
		t.Fatalf("go-sets: %d %s %s", code, out, errOut)
	}
	d, err := genes.ReadGOTables(tables)
	if err != nil {
		t.Fatal(err)
	}
	o := genes.DefaultGOSetOptions()
	o.ExcludeEvidence = []string{"IEA"}
	sets, err := genes.GOSets(d, o)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "lib.gmt")
	if err := genes.WriteGMT(lib, sets); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(gmt)
	b, _ := os.ReadFile(lib)
	if len(a) == 0 || string(a) != string(b) {
		t.Error("the CLI's GMT differs from genes.GOSets + WriteGMT")
	}
	// Planted: the 8 non-IEA genes of "response to pain" among 40 others; background: those and
	// 2,000 more names.
	var pain []string
	for _, s := range sets {
		if s.Name == "GO:0048265" {
			pain = s.Genes
		}
	}
	list, bg := append([]string{}, pain...), append([]string{}, pain...)
	for i := 0; i < 2000; i++ {
		bg = append(bg, fmt.Sprintf("BG%04d", i))
		if i < 40 {
			list = append(list, bg[len(bg)-1])
		}
	}
	write := func(name string, genes []string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("# genes\n"+strings.Join(genes, "\n")+"\n"), 0o644)
		return p
	}
	out, errOut, code = runCLI(t, "genes", "enrich", write("list.txt", list), "--background", write("bg.txt", bg), "--sets", gmt, "-o", filepath.Join(dir, "e.tsv"), "--report", "none")
	if code != 0 {
		t.Fatalf("enrich: %d %s %s", code, out, errOut)
	}
	// The subset's ancestors of the term hold only its genes, so they tie with it: the planted
	// term has the smallest p (genes' live test finds it first on the whole GO).
	e, err := table.Read(filepath.Join(dir, "e.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := e.Column("set")
	p, _ := e.Floats("p")
	hits, _ := e.Floats("hits")
	found := false
	for i, n := range name.Raw {
		found = found || n == "GO:0048265" && p[i] == p[0] && hits[i] == 8
	}
	if !found || !(p[0] < 1e-10) {
		t.Errorf("the planted term is not first among equals:\n%s", out)
	}
	if _, errOut, code := runCLI(t, "genes", "go-sets", "--tables", tables); code != 2 || !strings.Contains(errOut, "required") {
		t.Errorf("no output: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "genes", "go-sets", "--tables", tables, "--ontology", "XX", "-o", gmt); code != 2 || !strings.Contains(errOut, "BP, MF, CC") {
		t.Errorf("ontology XX: %d %s", code, errOut)
	}
}
