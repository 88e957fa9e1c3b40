package genes

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
)

// Gene Ontology gene sets built offline from Bioconductor's annotation databases as Debian packages
// them: org.Hs.eg.db (r-bioc-org.hs.eg.db: human Entrez genes, symbols and their direct GO
// annotations with evidence codes; Artistic-2.0, data from NCBI Entrez Gene) and GO.db
// (r-bioc-go.db: GO terms and their parent relations; Artistic-2.0, data from the Gene Ontology,
// CC BY 4.0). Both are SQLite files (extdata/org.Hs.eg.sqlite, extdata/GO.sqlite). painmark reads
// them with the sqlite3 command-line program (Debian's sqlite3) rather than a Go SQLite driver,
// which would add a large dependency to every build; the same tables can be exported once as TSV
// (WriteGOTables) and read back without it (ReadGOTables).

// GOTerm is a Gene Ontology term.
type GOTerm struct {
	ID, Name string
	Ontology string // BP, MF or CC
}

// GOEdge is a child-parent relation of the ontology (GO.db's go_*_parents): Relation is "isa",
// "part of", "regulates", "positively regulates" or "negatively regulates".
type GOEdge struct {
	Child, Parent, Relation string
}

// GOAnnotation is a gene's direct annotation to a term (org.Hs.eg.db's go_bp, go_mf, go_cc) with
// its evidence code (IDA, IMP, IEA, ...).
type GOAnnotation struct {
	Gene, Term, Evidence string
}

// GOData is the ontology and the human annotations: what GOSets builds the sets from.
type GOData struct {
	Terms       []GOTerm
	Edges       []GOEdge
	Annotations []GOAnnotation
	Source      string // the databases' GO and Entrez Gene source dates
}

// The SQL of ReadGOSQLite, one query per table, tab-separated output.
var goQueries = map[string]string{
	"terms":       "SELECT go_id, ontology, term FROM go_term WHERE ontology IN ('BP','MF','CC') ORDER BY go_id",
	"edges":       "SELECT c.go_id, p.go_id, r.relationship_type FROM %s r JOIN go_term c ON c._id = r._id JOIN go_term p ON p._id = r._parent_id",
	"annotations": "SELECT i.symbol, g.go_id, g.evidence FROM %s g JOIN gene_info i ON i._id = g._id",
}

// ReadGOSQLite reads the ontology from GO.db's GO.sqlite and the annotations from org.Hs.eg.db's
// org.Hs.eg.sqlite with the sqlite3 program (genes are named by their HGNC symbols, gene_info).
func ReadGOSQLite(orgDB, goDB string) (*GOData, error) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		return nil, fmt.Errorf("reading %s and %s needs the sqlite3 program (Debian package sqlite3): %w", orgDB, goDB, err)
	}
	for _, p := range []string{orgDB, goDB} {
		if _, err := os.Stat(p); err != nil {
			return nil, err
		}
	}
	query := func(db, sql string) ([][]string, error) {
		var out, errb bytes.Buffer
		cmd := exec.Command("sqlite3", "-readonly", "-batch", "-noheader", "-separator", "\t", db, sql)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: sqlite3: %v: %s", db, err, strings.TrimSpace(errb.String()))
		}
		return splitRows(db, out.Bytes(), 3)
	}
	d := &GOData{}
	rows, err := query(goDB, goQueries["terms"])
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		d.Terms = append(d.Terms, GOTerm{ID: r[0], Ontology: r[1], Name: r[2]})
	}
	for _, ont := range []string{"bp", "mf", "cc"} {
		if rows, err = query(goDB, fmt.Sprintf(goQueries["edges"], "go_"+ont+"_parents")); err != nil {
			return nil, err
		}
		for _, r := range rows {
			d.Edges = append(d.Edges, GOEdge{Child: r[0], Parent: r[1], Relation: r[2]})
		}
		if rows, err = query(orgDB, fmt.Sprintf(goQueries["annotations"], "go_"+ont)); err != nil {
			return nil, err
		}
		for _, r := range rows {
			d.Annotations = append(d.Annotations, GOAnnotation{Gene: r[0], Term: r[1], Evidence: r[2]})
		}
	}
	var src []string
	for _, db := range []string{goDB, orgDB} {
		rows, err := query(db, "SELECT name, value, '' FROM metadata WHERE name IN ('GOSOURCEDATE','EGSOURCEDATE','GOEGSOURCEDATE')")
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			src = append(src, filepath.Base(db)+" "+r[0]+" "+r[1])
		}
	}
	d.Source = strings.Join(src, "; ")
	return d, nil
}

// splitRows splits tab-separated lines into rows of n fields (the last field keeps any tab).
func splitRows(what string, b []byte, n int) ([][]string, error) {
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if t == "" {
			continue
		}
		f := strings.SplitN(t, "\t", n)
		if len(f) != n {
			return nil, fmt.Errorf("%s line %d: %d fields, want %d", what, line, len(f), n)
		}
		rows = append(rows, f)
	}
	return rows, sc.Err()
}

// The files of WriteGOTables and ReadGOTables, with their columns.
var goFiles = [][2]string{{"go_terms.tsv", "go_id\tontology\tterm"}, {"go_edges.tsv", "child\tparent\trelation"}, {"go_annotations.tsv", "gene\tgo_id\tevidence"}}

// WriteGOTables writes the data as three TSV files (go_terms.tsv, go_edges.tsv,
// go_annotations.tsv) in dir, and go_source.txt.
func (d *GOData) WriteGOTables(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var bufs [3]bytes.Buffer
	for k, f := range goFiles {
		bufs[k].WriteString(f[1] + "\n")
	}
	for _, t := range d.Terms {
		fmt.Fprintf(&bufs[0], "%s\t%s\t%s\n", t.ID, t.Ontology, t.Name)
	}
	for _, e := range d.Edges {
		fmt.Fprintf(&bufs[1], "%s\t%s\t%s\n", e.Child, e.Parent, e.Relation)
	}
	for _, a := range d.Annotations {
		fmt.Fprintf(&bufs[2], "%s\t%s\t%s\n", a.Gene, a.Term, a.Evidence)
	}
	for k, f := range goFiles {
		if err := atomicfile.WriteFile(filepath.Join(dir, f[0]), bufs[k].Bytes()); err != nil {
			return err
		}
	}
	return atomicfile.WriteFile(filepath.Join(dir, "go_source.txt"), []byte(d.Source+"\n"))
}

// ReadGOTables reads the files WriteGOTables writes.
func ReadGOTables(dir string) (*GOData, error) {
	d := &GOData{}
	for k, f := range goFiles {
		path := filepath.Join(dir, f[0])
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		head, body, _ := bytes.Cut(b, []byte("\n"))
		if string(bytes.TrimRight(head, "\r")) != f[1] {
			return nil, fmt.Errorf("%s: the header must be %q", path, f[1])
		}
		rows, err := splitRows(path, body, 3)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			switch k {
			case 0:
				d.Terms = append(d.Terms, GOTerm{ID: r[0], Ontology: r[1], Name: r[2]})
			case 1:
				d.Edges = append(d.Edges, GOEdge{Child: r[0], Parent: r[1], Relation: r[2]})
			default:
				d.Annotations = append(d.Annotations, GOAnnotation{Gene: r[0], Term: r[1], Evidence: r[2]})
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "go_source.txt")); err == nil {
		d.Source = strings.TrimSpace(string(b))
	}
	return d, nil
}

// GORelations are the relations GO.db's offspring tables follow, and with them org.Hs.eg.db's
// propagated annotations (go_bp_all: GOALL, what clusterProfiler and topGO's annFUN.org use).
var GORelations = []string{"isa", "part of", "regulates", "positively regulates", "negatively regulates"}

// GOSetOptions choose the gene sets GOSets builds.
type GOSetOptions struct {
	// Ontology is BP (biological process), MF (molecular function) or CC (cellular component).
	Ontology string
	// Evidence keeps only annotations with these evidence codes (empty: all); ExcludeEvidence
	// drops those with these (e.g. IEA, inferred from electronic annotation; ND, no data).
	Evidence, ExcludeEvidence []string
	// Relations are the relations a gene's annotation propagates along, from a term to all its
	// ancestors (the true-path rule). The default, GORelations, gives org.Hs.eg.db's go_*_all
	// sets; "isa" and "part of" alone give the stricter propagation that ignores regulation.
	Relations []string
	// MinSize and MaxSize keep the sets with that many genes (MaxSize 0: no upper bound).
	MinSize, MaxSize int
}

// DefaultGOSetOptions are painmark genes go-sets' defaults: biological process, every evidence
// code, propagation as org.Hs.eg.db's, every set of at least one gene.
func DefaultGOSetOptions() GOSetOptions {
	return GOSetOptions{Ontology: "BP", Relations: GORelations, MinSize: 1}
}

// GOSets builds one gene set per term of the ontology: the genes annotated to the term or, through
// the relations chosen, to any of its descendants, after the evidence filters. Sets are named by
// their GO id, described by the term's name, genes sorted; terms in GO id order.
func GOSets(d *GOData, o GOSetOptions) ([]GeneSet, error) {
	if o.Ontology != "BP" && o.Ontology != "MF" && o.Ontology != "CC" {
		return nil, fmt.Errorf("ontology %q: BP, MF or CC", o.Ontology)
	}
	rel := map[string]bool{}
	known := map[string]bool{}
	for _, r := range GORelations {
		known[r] = true
	}
	for _, r := range o.Relations {
		if !known[r] {
			return nil, fmt.Errorf("relation %q: one of %s", r, strings.Join(GORelations, ", "))
		}
		rel[r] = true
	}
	name := map[string]string{}
	for _, t := range d.Terms {
		if t.Ontology == o.Ontology {
			name[t.ID] = t.Name
		}
	}
	if len(name) == 0 {
		return nil, fmt.Errorf("no %s term in the GO data", o.Ontology)
	}
	parents := map[string][]string{}
	for _, e := range d.Edges {
		if rel[e.Relation] && name[e.Child] != "" && name[e.Parent] != "" {
			parents[e.Child] = append(parents[e.Child], e.Parent)
		}
	}
	keep, drop := map[string]bool{}, map[string]bool{}
	for _, c := range o.Evidence {
		keep[c] = true
	}
	for _, c := range o.ExcludeEvidence {
		drop[c] = true
	}
	// ancestors of a term, itself included, memoised.
	memo := map[string][]string{}
	var ancestors func(t string, path map[string]bool) []string
	ancestors = func(t string, path map[string]bool) []string {
		if a, ok := memo[t]; ok {
			return a
		}
		seen := map[string]bool{t: true}
		path[t] = true
		for _, p := range parents[t] {
			if path[p] {
				continue // a cycle (none in GO): do not loop
			}
			for _, a := range ancestors(p, path) {
				seen[a] = true
			}
		}
		delete(path, t)
		out := make([]string, 0, len(seen))
		for a := range seen {
			out = append(out, a)
		}
		memo[t] = out
		return out
	}
	members := map[string]map[string]bool{}
	for _, a := range d.Annotations {
		if name[a.Term] == "" || drop[a.Evidence] || (len(keep) > 0 && !keep[a.Evidence]) {
			continue
		}
		for _, t := range ancestors(a.Term, map[string]bool{}) {
			if members[t] == nil {
				members[t] = map[string]bool{}
			}
			members[t][a.Gene] = true
		}
	}
	ids := make([]string, 0, len(members))
	for id, g := range members {
		if len(g) >= o.MinSize && (o.MaxSize == 0 || len(g) <= o.MaxSize) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := make([]GeneSet, len(ids))
	for i, id := range ids {
		out[i] = GeneSet{Name: id, Description: name[id]}
		for g := range members[id] {
			out[i].Genes = append(out[i].Genes, g)
		}
		sort.Strings(out[i].Genes)
	}
	return out, nil
}

// WriteGMT writes gene sets in the GMT format (name, description, genes; tab separated), the
// format ReadGMT reads; a set without a description gets its name.
func WriteGMT(path string, sets []GeneSet) error {
	var b bytes.Buffer
	for _, s := range sets {
		desc := s.Description
		if desc == "" {
			desc = s.Name
		}
		if strings.ContainsAny(s.Name+desc, "\t\n") {
			return fmt.Errorf("gene set %q: a name or description with a tab or a newline", s.Name)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\n", s.Name, desc, strings.Join(s.Genes, "\t"))
	}
	return atomicfile.WriteFile(path, b.Bytes())
}
