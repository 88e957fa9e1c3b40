package genes

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// abagen's outputs. painmark reads the tables abagen (Markello et al. 2021) writes for any
// parcellation: the region-by-gene table of abagen.get_expression_data (ReadExpression) and its
// donor-wise tables (return_donors=True, one table per donor saved with DataFrame.to_csv), and
// filters genes by differential stability as abagen.correct.keep_stable_genes does. The raw Allen
// microarray processing (probe selection, sample-to-region matching, normalisation) stays with
// abagen.

// DonorExpression is abagen's donor-wise expression: one region-by-gene table per donor, the same
// genes in every table (in the first table's order), regions matched by name (a donor may miss
// regions: rows that are empty or absent).
type DonorExpression struct {
	Donors []string // the files read
	Genes  []string
	Tables []*Expression // per donor, genes in Genes' order
}

// ReadDonorExpression reads the donor-wise tables, one file per donor (CSV or TSV: a region column,
// then one column per gene, as ReadExpression).
func ReadDonorExpression(paths ...string) (*DonorExpression, error) {
	if len(paths) < 2 {
		return nil, fmt.Errorf("differential stability needs at least 2 donors' tables, got %d", len(paths))
	}
	d := &DonorExpression{}
	for _, path := range paths {
		e, err := ReadExpression(path)
		if err != nil {
			return nil, err
		}
		if d.Genes == nil {
			d.Genes = e.Genes
		} else if e, err = e.reorder(d.Genes); err != nil {
			return nil, fmt.Errorf("%s: %w (every donor's table has %s's genes)", path, err, paths[0])
		}
		d.Donors, d.Tables = append(d.Donors, path), append(d.Tables, e)
	}
	return d, nil
}

// reorder is e with its genes in the given order (the same set).
func (e *Expression) reorder(genes []string) (*Expression, error) {
	col := map[string]int{}
	for j, g := range e.Genes {
		col[g] = j
	}
	if len(col) != len(genes) {
		return nil, fmt.Errorf("%d genes, not %d", len(col), len(genes))
	}
	p := len(genes)
	out := &Expression{Regions: e.Regions, Genes: genes, Values: make([]float64, len(e.Regions)*p)}
	for j, g := range genes {
		k, ok := col[g]
		if !ok {
			return nil, fmt.Errorf("no gene %s", g)
		}
		for i := range e.Regions {
			out.Values[i*p+j] = e.Values[i*p+k]
		}
	}
	return out, nil
}

// nonEmpty are the rows of e with at least one value, by region name (pandas' dropna(how="all")).
func (e *Expression) nonEmpty() map[string]int {
	p := len(e.Genes)
	rows := map[string]int{}
	for i, r := range e.Regions {
		for j := 0; j < p; j++ {
			if !math.IsNaN(e.Values[i*p+j]) {
				rows[r] = i
				break
			}
		}
	}
	return rows
}

// DifferentialStability is each gene's differential stability (Hawrylycz et al. 2015), as
// abagen.correct.keep_stable_genes computes it: for every pair of donors, the Pearson correlation
// of the gene's expression over the regions both donors have (with rank, of its ranks, each donor's
// ranks taken over all its regions first, as abagen ranks each table before pairing); the mean
// over the pairs ignoring undefined ones, 0 when none is defined.
func DifferentialStability(d *DonorExpression, rank bool) []float64 {
	p := len(d.Genes)
	// values[k][j] is donor k's gene j over its regions, ranked if asked.
	values := make([][][]float64, len(d.Tables))
	for k, e := range d.Tables {
		values[k] = make([][]float64, p)
		for j := range d.Genes {
			v := make([]float64, len(e.Regions))
			for i := range e.Regions {
				v[i] = e.Values[i*p+j]
			}
			if rank {
				v = ranksSkippingNaN(v)
			}
			values[k][j] = v
		}
	}
	sum, count := make([]float64, p), make([]float64, p)
	for a := 0; a < len(d.Tables); a++ {
		rowsA := d.Tables[a].nonEmpty()
		for b := a + 1; b < len(d.Tables); b++ {
			rowsB := d.Tables[b].nonEmpty()
			var ia, ib []int
			for _, r := range d.Tables[a].Regions {
				if i, ok := rowsA[r]; ok {
					if k, ok := rowsB[r]; ok {
						ia, ib = append(ia, i), append(ib, k)
					}
				}
			}
			x, y := make([]float64, len(ia)), make([]float64, len(ia))
			for j := 0; j < p; j++ {
				for n := range ia {
					x[n], y[n] = values[a][j][ia[n]], values[b][j][ib[n]]
				}
				if r := stats.Pearson(x, y); !math.IsNaN(r) {
					sum[j], count[j] = sum[j]+r, count[j]+1
				}
			}
		}
	}
	out := make([]float64, p)
	for j := range out {
		if count[j] > 0 {
			out[j] = sum[j] / count[j]
		}
	}
	return out
}

// ranksSkippingNaN are pandas' Series.rank(): average ranks of the values, NaN kept NaN.
func ranksSkippingNaN(v []float64) []float64 {
	var idx []int
	var ok []float64
	for i, x := range v {
		if !math.IsNaN(x) {
			idx, ok = append(idx, i), append(ok, x)
		}
	}
	out := make([]float64, len(v))
	for i := range out {
		out[i] = math.NaN()
	}
	for n, r := range stats.AverageRanks(ok) {
		out[idx[n]] = r
	}
	return out
}

// StableOptions choose painmark genes stable's filter; the defaults are abagen's.
type StableOptions struct {
	// Threshold is the least differential stability kept (kept: stability ≥ threshold), or with
	// Percentile the percentile of the genes' stabilities that sets it (0.9: the top 10%; numpy's
	// linear percentile). The ahba-dk tables were made with an absolute 0.6 or 0.8.
	Threshold  float64
	Percentile bool
	// Rank: Spearman (true) or Pearson (false) correlation between donors.
	Rank bool
}

// DefaultStableOptions are abagen's keep_stable_genes defaults: threshold 0.9 as a percentile,
// Spearman correlation.
func DefaultStableOptions() StableOptions {
	return StableOptions{Threshold: 0.9, Percentile: true, Rank: true}
}

// StableResult is painmark genes stable's result: every gene's differential stability, the
// cutoff, and the kept genes' expression averaged over donors.
type StableResult struct {
	Genes      []string
	Stability  []float64
	Kept       []bool
	Cutoff     float64     // the absolute threshold applied
	Expression *Expression // the kept genes, donor mean per region
	Donors     int
	o          StableOptions
}

// Stable filters the donor-wise tables by differential stability (abagen's keep_stable_genes) and
// averages the kept genes' expression over donors per region, ignoring donors without the region
// (abagen's donor aggregation, region_agg="donors"); regions in the first donor's order, then
// those only later donors have.
func Stable(d *DonorExpression, o StableOptions) (*StableResult, error) {
	if o.Threshold < 0 || o.Threshold > 1 || math.IsNaN(o.Threshold) {
		return nil, fmt.Errorf("differential stability threshold %v: give a number in [0, 1]", o.Threshold)
	}
	ds := DifferentialStability(d, o.Rank)
	r := &StableResult{Genes: d.Genes, Stability: ds, Kept: make([]bool, len(ds)), Cutoff: o.Threshold, Donors: len(d.Tables), o: o}
	if o.Percentile {
		sorted := append([]float64{}, ds...)
		sort.Float64s(sorted)
		r.Cutoff = stats.Percentile(sorted, 100*o.Threshold)
	}
	var keep []int
	for j, s := range ds {
		if s >= r.Cutoff {
			r.Kept[j] = true
			keep = append(keep, j)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("no gene has differential stability ≥ %.3g (the largest is %.3g)", r.Cutoff, maxOf(ds))
	}
	r.Expression = d.mean(keep)
	return r, nil
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

// mean is the donor mean of the given genes per region, ignoring missing values.
func (d *DonorExpression) mean(genes []int) *Expression {
	p := len(d.Genes)
	out := &Expression{}
	row := map[string]int{}
	for _, e := range d.Tables {
		for _, r := range e.Regions {
			if _, ok := row[r]; !ok {
				row[r] = len(out.Regions)
				out.Regions = append(out.Regions, r)
			}
		}
	}
	for _, j := range genes {
		out.Genes = append(out.Genes, d.Genes[j])
	}
	q := len(genes)
	sum, n := make([]float64, len(out.Regions)*q), make([]float64, len(out.Regions)*q)
	for _, e := range d.Tables {
		for i, r := range e.Regions {
			for k, j := range genes {
				if v := e.Values[i*p+j]; !math.IsNaN(v) {
					sum[row[r]*q+k] += v
					n[row[r]*q+k]++
				}
			}
		}
	}
	out.Values = make([]float64, len(sum))
	for i := range sum {
		out.Values[i] = sum[i] / n[i] // NaN where no donor has the region
	}
	return out
}

// WriteFiles writes stability.tsv (gene, differential stability, kept) and expression.tsv (the
// kept genes' donor mean, a region column then one column per gene: ReadExpression reads it) to
// the folder.
func (r *StableResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	kept := make([]string, len(r.Kept))
	for j, k := range r.Kept {
		kept[j] = strconv.FormatBool(k)
	}
	if err := table.Write(filepath.Join(dir, "stability.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("gene", r.Genes),
		table.NumericColumn("differential_stability", r.Stability), table.TextColumn("kept", kept)}}); err != nil {
		return err
	}
	e := r.Expression
	cols := []*table.Column{table.TextColumn("label", e.Regions)}
	q := len(e.Genes)
	for k, g := range e.Genes {
		v := make([]float64, len(e.Regions))
		for i := range v {
			v[i] = e.Values[i*q+k]
		}
		cols = append(cols, table.NumericColumn(g, v))
	}
	return table.Write(filepath.Join(dir, "expression.tsv"), &table.Table{Columns: cols})
}

// kept counts the kept genes.
func (r *StableResult) kept() int { return len(r.Expression.Genes) }

// rule states the filter.
func (r *StableResult) rule() string {
	corr := "Pearson"
	if r.o.Rank {
		corr = "Spearman"
	}
	how := fmt.Sprintf("differential stability ≥ %.4g", r.Cutoff)
	if r.o.Percentile {
		how += fmt.Sprintf(" (the %gth percentile)", 100*r.o.Threshold)
	}
	return fmt.Sprintf("%s correlation between %d donors' regional expression, averaged over donor pairs; kept %s", corr, r.Donors, how)
}

// Summary is the result as painmark genes stable prints it.
func (r *StableResult) Summary() string {
	return fmt.Sprintf("%d of %d genes kept, %d regions: %s\n", r.kept(), len(r.Genes), len(r.Expression.Regions), r.rule())
}

// AddReport adds the result's numbers and section to a report.
func (r *StableResult) AddReport(d *report.Document) {
	d.Numbers["genes"], d.Numbers["differential_stability"], d.Numbers["cutoff"] = r.Genes, r.Stability, r.Cutoff
	top := make([]int, len(r.Genes))
	for j := range top {
		top[j] = j
	}
	sort.SliceStable(top, func(a, b int) bool { return r.Stability[top[a]] > r.Stability[top[b]] })
	var rows [][]string
	for _, j := range top[:min(20, len(top))] {
		rows = append(rows, []string{r.Genes[j], fmt.Sprintf("%.3f", r.Stability[j])})
	}
	sec := d.Section("Differential stability of the genes")
	sec.Text("%d of %d genes kept: %s (abagen's keep_stable_genes).", r.kept(), len(r.Genes), r.rule())
	sec.Table("The 20 most stable genes.", []string{"gene", "differential stability"}, rows)
}

// regionHemisphere is "left", "right" or "" for a region name: ENIGMA/DK names (L_, R_) and
// Schaefer names as abagen and the Schaefer tables spell them (7Networks_LH_..., LH_...).
func regionHemisphere(name string) string {
	switch {
	case strings.HasPrefix(name, "L_") || strings.HasPrefix(name, "LH_") || strings.Contains(name, "_LH_"):
		return "left"
	case strings.HasPrefix(name, "R_") || strings.HasPrefix(name, "RH_") || strings.Contains(name, "_RH_"):
		return "right"
	}
	return ""
}

// NamesOfLabels translates a map's region labels (parcel indices, as integers) into the
// expression table's region names: when the table's regions are integers themselves (abagen's
// label column), the region with the same integer; otherwise the table's rows in order, label k
// the k-th row (abagen writes one row per label, sorted).
func (e *Expression) NamesOfLabels(labels []string) ([]string, error) {
	byLabel := map[int]string{}
	numeric := true
	for _, r := range e.Regions {
		k, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil {
			numeric = false
			break
		}
		byLabel[k] = r
	}
	if !numeric {
		byLabel = map[int]string{}
		for i, r := range e.Regions {
			byLabel[i+1] = r
		}
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		f, err := strconv.ParseFloat(strings.TrimSpace(l), 64)
		if err != nil || f != math.Trunc(f) {
			return nil, fmt.Errorf("region %q is not a parcel index (matching by index)", l)
		}
		name, ok := byLabel[int(f)]
		if !ok {
			return nil, fmt.Errorf("parcel index %s is not in the expression table (%d regions)", l, len(e.Regions))
		}
		out[i] = name
	}
	return out, nil
}
