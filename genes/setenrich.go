package genes

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
)

// ReadGeneList reads a gene list: TABLE:COLUMN (table.ParseColumnRef), or a text file with one gene
// per line (blank lines and lines starting with # skipped). Repeated genes are kept once.
func ReadGeneList(spec, what string) ([]string, error) {
	var raw []string
	if strings.Contains(spec, ":") {
		ref, err := table.ParseColumnRef(spec, what)
		if err != nil {
			return nil, err
		}
		tb, err := table.Read(ref.Path, nil)
		if err != nil {
			return nil, err
		}
		c, err := tb.Column(ref.Column)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref.Path, err)
		}
		raw = c.Raw
	} else {
		f, err := os.Open(spec)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if g := strings.TrimSpace(sc.Text()); g != "" && !strings.HasPrefix(g, "#") {
				raw = append(raw, g)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", spec, err)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, g := range raw {
		if g = strings.TrimSpace(g); g != "" && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no genes", spec)
	}
	return out, nil
}

// EnrichOptions choose painmark genes enrich's test.
type EnrichOptions struct {
	// MinSetSize and MaxSetSize keep the sets with that many genes in the background (MaxSetSize
	// 0: no bound), as FUMA's GENE2FUNC and most GO tools restrict the sets tested.
	MinSetSize, MaxSetSize int
}

// DefaultEnrichOptions are painmark genes enrich's defaults: sets of 2 or more background genes.
func DefaultEnrichOptions() EnrichOptions { return EnrichOptions{MinSetSize: 2} }

// EnrichResult is painmark genes enrich's result: each kept set's over-representation among the
// genes of interest against the user's background, sorted by p (at equal p, smaller sets first).
type EnrichResult struct {
	Genes       int      // genes of interest in the background
	Outside     []string // genes of interest not in the background (left out)
	Background  int
	Sets        []Enrichment
	Description []string   // per set, its GMT description
	HitGenes    [][]string // per set, its genes among the genes of interest
}

// Enrich tests every gene set for over-representation among the genes of interest against the
// background the user chose (e.g. the 15,633 genes Martins et al. 2022 gave FUMA): one-sided Fisher
// exact test with Benjamini-Hochberg q over the sets tested (OverRepresentation). Genes of
// interest outside the background are left out and listed.
func Enrich(genes, background []string, sets []GeneSet, o EnrichOptions) (*EnrichResult, error) {
	bg := map[string]bool{}
	for _, g := range background {
		bg[g] = true
	}
	r := &EnrichResult{Background: len(bg)}
	var hits []string
	hit := map[string]bool{}
	for _, g := range genes {
		if bg[g] {
			hits, hit[g] = append(hits, g), true
		} else {
			r.Outside = append(r.Outside, g)
		}
	}
	if len(hits) == 0 {
		return nil, fmt.Errorf("none of the %d genes of interest is in the background (%d genes)", len(genes), len(bg))
	}
	r.Genes = len(hits)
	var kept []GeneSet
	for _, s := range sets {
		n := 0
		for _, g := range dedupe(s.Genes) {
			if bg[g] {
				n++
			}
		}
		if n >= o.MinSetSize && (o.MaxSetSize == 0 || n <= o.MaxSetSize) {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("no gene set has %d to %d genes in the background", o.MinSetSize, o.MaxSetSize)
	}
	en, err := OverRepresentation(hits, background, kept)
	if err != nil {
		return nil, err
	}
	order := make([]int, len(en))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { // by p; at equal p, the more specific (smaller) set first
		ea, eb := en[order[a]], en[order[b]]
		return ea.P < eb.P || ea.P == eb.P && ea.SetInBackground < eb.SetInBackground
	})
	for _, i := range order {
		r.Sets = append(r.Sets, en[i])
		r.Description = append(r.Description, kept[i].Description)
		var h []string
		for _, g := range dedupe(kept[i].Genes) {
			if hit[g] {
				h = append(h, g)
			}
		}
		sort.Strings(h)
		r.HitGenes = append(r.HitGenes, h)
	}
	return r, nil
}

func dedupe(genes []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range genes {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// WriteFiles writes the table (set, description, set genes in the background, hits, odds ratio
// with 95% CI, p, q, the hit genes) to path (TSV).
func (r *EnrichResult) WriteFiles(path string) error {
	n := len(r.Sets)
	name, inBg, hits, or, lo, hi, p, q, genes := make([]string, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]string, n)
	for i, e := range r.Sets {
		name[i], inBg[i], hits[i], or[i], lo[i], hi[i], p[i], q[i] = e.Set, float64(e.SetInBackground), float64(e.Hits), e.OddsRatio, e.CI[0], e.CI[1], e.P, e.Q
		genes[i] = strings.Join(r.HitGenes[i], ",")
	}
	return table.Write(path, &table.Table{Columns: []*table.Column{table.TextColumn("set", name), table.TextColumn("description", r.Description),
		table.NumericColumn("set_in_background", inBg), table.NumericColumn("hits", hits), table.NumericColumn("odds_ratio", or),
		table.NumericColumn("or_ci_low", lo), table.NumericColumn("or_ci_high", hi), table.NumericColumn("p", p), table.NumericColumn("q_fdr", q),
		table.TextColumn("hit_genes", genes)}})
}

// rows are the first n sets as report rows.
func (r *EnrichResult) rows(n int) [][]string {
	var rows [][]string
	for i, e := range r.Sets[:min(n, len(r.Sets))] {
		rows = append(rows, []string{e.Set, r.Description[i], fmt.Sprintf("%d of %d", e.Hits, e.SetInBackground), fmt.Sprintf("%.2f", e.OddsRatio), fmt.Sprintf("%.3g", e.P), fmt.Sprintf("%.3g", e.Q)})
	}
	return rows
}

// Summary is the result as painmark genes enrich prints it (the 10 smallest p).
func (r *EnrichResult) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d genes of interest in a background of %d (%d outside it, left out); %d sets tested\n", r.Genes, r.Background, len(r.Outside), len(r.Sets))
	for _, row := range r.rows(10) {
		fmt.Fprintf(&b, "  %-12s %-50.50s %s hits, OR %s, p = %s, q = %s\n", row[0], row[1], row[2], row[3], row[4], row[5])
	}
	return b.String()
}

// AddReport adds the result's numbers and section to a report.
func (r *EnrichResult) AddReport(d *report.Document) {
	d.Numbers["genes_of_interest"], d.Numbers["background"], d.Numbers["outside_background"] = r.Genes, r.Background, r.Outside
	type record struct {
		Set             string     `json:"set"`
		Description     string     `json:"description"`
		SetInBackground int        `json:"set_in_background"`
		Hits            int        `json:"hits"`
		OddsRatio       float64    `json:"odds_ratio"`
		OddsRatioCI     [2]float64 `json:"odds_ratio_ci95"`
		P               float64    `json:"p"`
		Q               float64    `json:"q"`
		HitGenes        []string   `json:"hit_genes"`
	}
	recs := make([]record, len(r.Sets))
	for i, e := range r.Sets {
		recs[i] = record{e.Set, r.Description[i], e.SetInBackground, e.Hits, e.OddsRatio, e.CI, e.P, e.Q, r.HitGenes[i]}
	}
	d.Numbers["enrichment"] = recs
	d.Section("Gene-set over-representation").Table(
		fmt.Sprintf("One-sided Fisher exact test of each set among %d genes of interest against a background of %d genes (BH q over the %d sets tested); the 30 smallest p.", r.Genes, r.Background, len(r.Sets)),
		[]string{"set", "description", "hits", "odds ratio", "p", "q"}, r.rows(30))
}
