package genes

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// Options choose painmark genes' analysis (Morgan et al. 2019, Martins et al. 2022).
type Options struct {
	// Hemisphere is the regions analysed: "left" (the AHBA's densely sampled hemisphere: DK names
	// L_..., Schaefer names ..._LH_...), "right" (R_..., ..._RH_...) or "both".
	Hemisphere string
	// MatchBy matches the map's regions to the expression table's: "name" (the default) or
	// "index" (the map's regions are parcel indices: the expression table's integer labels, or
	// its rows in order; Expression.NamesOfLabels).
	MatchBy    string
	Components int // PLS components
	Bootstraps int // bootstrap draws for the gene Z-scores
	// Null is the null model of the variance explained, by its name in package nulls (shuffle,
	// vasa, moran, ...; "spin" is vasa) or "none".
	Null         string
	Permutations int     // draws of the null
	ZThreshold   float64 // |Z| threshold of the PLS+ and PLS- gene sets
	// RankPermutations are the random gene sets per set of the median-rank test.
	RankPermutations int
	Seed             uint64
}

// DefaultOptions are painmark genes' defaults.
func DefaultOptions() Options {
	return Options{Hemisphere: "left", MatchBy: "name", Components: 3, Bootstraps: 1000, Null: "shuffle", Permutations: 1000, ZThreshold: 3, RankPermutations: 1000, Seed: 1}
}

// EnrichmentRecord is one gene set's enrichment among the PLS+ or PLS− genes: over-representation
// (one-sided Fisher exact test, BH q across the sets) and Morgan's median-rank test in the list
// ranked from that end.
type EnrichmentRecord struct {
	Direction       string     `json:"direction"` // PLS+ or PLS-
	Hits            int        `json:"hits"`
	MedianRank      float64    `json:"median_rank"`
	OddsRatio       float64    `json:"odds_ratio"`
	OddsRatioCI     [2]float64 `json:"odds_ratio_ci95"`
	P               float64    `json:"p"`
	Q               float64    `json:"q"`
	RankP           float64    `json:"rank_p"`
	Set             string     `json:"set"`
	SetInBackground int        `json:"set_in_background"`
}

// Analysis is painmark genes' result: the association of the map with gene expression and the
// enrichment of the PLS+ and PLS− sets. JSON keys are genes.json's.
type Analysis struct {
	Association *Association `json:"-"`
	// MapName names the map on the report's axes (its column; "map" when empty).
	MapName      string             `json:"-"`
	Bootstraps   int                `json:"bootstraps"`
	Dropped      []string           `json:"dropped_regions"`
	Enrichment   []EnrichmentRecord `json:"enrichment"`
	Genes        int                `json:"genes"`
	Null         string             `json:"null"`
	PVar         []float64          `json:"p_var"`
	PctVarX      []float64          `json:"pct_var_x"`
	PctVarY      []float64          `json:"pct_var_y"`
	Permutations int                `json:"permutations"`
	// RankPermutations are the random gene sets of the median-rank test (its p's resolution).
	RankPermutations int      `json:"rank_permutations"`
	Minus            []string `json:"pls_minus"`
	Plus             []string `json:"pls_plus"`
	Regions          []string `json:"regions"`
	Seed             uint64   `json:"seed"`
	SoftwareVersion  string   `json:"software_version,omitempty"`
	ZThreshold       float64  `json:"z_threshold"`
}

// Analyze relates a regional map (regions named as in the expression table) to gene expression:
// the regions of the hemisphere, matched by name; PLS with the variance explained tested against
// the null model (drawn over the analysed regions from geo); bootstrap Z-scores; PLS+ and PLS−;
// and their enrichment in the gene sets (none: no enrichment).
func Analyze(expr *Expression, regions []string, values []float64, sets []GeneSet, geo nulls.Geometry, o Options) (*Analysis, error) {
	if o.Hemisphere != "left" && o.Hemisphere != "right" && o.Hemisphere != "both" {
		return nil, fmt.Errorf("hemisphere %q: left, right or both", o.Hemisphere)
	}
	switch o.MatchBy {
	case "name", "":
	case "index":
		var err error
		if regions, err = expr.NamesOfLabels(regions); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("match regions by %q: name or index", o.MatchBy)
	}
	var keepR []string
	var keepV []float64
	for i, r := range regions {
		if o.Hemisphere == "both" || regionHemisphere(r) == o.Hemisphere {
			keepR, keepV = append(keepR, r), append(keepV, values[i])
		}
	}
	if len(keepR) == 0 {
		return nil, fmt.Errorf("no region of the %s hemisphere (DK names such as L_bankssts, Schaefer names such as 7Networks_LH_Vis_1)", o.Hemisphere)
	}
	matched, err := Match(expr, keepR, keepV)
	if err != nil {
		return nil, err
	}
	ao := AssociationOptions{Components: o.Components, Bootstraps: o.Bootstraps, Seed: o.Seed, ZThreshold: o.ZThreshold}
	draws := 0
	if ao.Null, err = nulls.Draw(o.Null, geo, matched.Regions, o.Permutations, o.Seed); err != nil {
		return nil, err
	}
	if ao.Null != nil {
		if draws = ao.Null.Draws(); draws == 0 {
			return nil, fmt.Errorf("the %s null has no draws to test the variance explained against", o.Null)
		}
	}
	a, err := Associate(matched, ao)
	if err != nil {
		return nil, err
	}
	res := &Analysis{Association: a, Bootstraps: o.Bootstraps, Dropped: a.Dropped, Genes: len(a.Genes), Null: o.Null, PVar: a.PVar,
		PctVarX: a.PLS.PctVarX, PctVarY: a.PLS.PctVarY, Permutations: draws, RankPermutations: o.RankPermutations, Minus: a.Negative, Plus: a.Positive, Regions: a.Regions,
		Seed: o.Seed, ZThreshold: o.ZThreshold}
	if len(sets) == 0 {
		return res, nil
	}
	reversed := make([]string, len(a.Ranked))
	for i, g := range a.Ranked {
		reversed[len(a.Ranked)-1-i] = g
	}
	for _, dir := range []struct {
		name         string
		hits, ranked []string
	}{{"PLS+", a.Positive, a.Ranked}, {"PLS-", a.Negative, reversed}} {
		en, err := OverRepresentation(dir.hits, a.Genes, sets)
		if err != nil {
			return nil, err
		}
		med, rp, err := RankEnrichment(dir.ranked, sets, o.RankPermutations, o.Seed)
		if err != nil {
			return nil, err
		}
		for i, e := range en {
			res.Enrichment = append(res.Enrichment, EnrichmentRecord{Direction: dir.name, Set: e.Set, Hits: e.Hits, SetInBackground: e.SetInBackground,
				OddsRatio: e.OddsRatio, OddsRatioCI: e.CI, P: e.P, Q: e.Q, MedianRank: med[i], RankP: rp[i]})
		}
	}
	return res, nil
}

// ReadGeneSets reads gene sets from GMT files or tables with gene and class columns.
func ReadGeneSets(paths ...string) ([]GeneSet, error) {
	var out []GeneSet
	for _, path := range paths {
		var s []GeneSet
		var err error
		if strings.EqualFold(filepath.Ext(path), ".gmt") {
			s, err = ReadGMT(path)
		} else {
			s, err = ReadGeneClasses(path, "gene", "class")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// Summary is the analysis as painmark genes prints it.
func (r *Analysis) Summary() string {
	var b strings.Builder
	a := r.Association
	fmt.Fprintf(&b, "%d regions x %d genes (dropped regions: %d %v)\n", len(a.Regions), len(a.Genes), len(a.Dropped), a.Dropped)
	for k, row := range r.varianceRows() {
		p := "no p"
		if r.PVar != nil {
			p = r.Null + " " + stats.PValue{P: r.PVar[k], Resamples: r.Permutations, Convention: "Morgan's #≥/n"}.String()
		}
		fmt.Fprintf(&b, "PLS%d: %s%% of the map's variance (cumulative %s%%, %s)\n", k+1, row[1], row[2], p)
	}
	fmt.Fprintf(&b, "PLS1 bootstrap (%d draws): %d PLS+ and %d PLS- genes at |Z| > %g\n", r.Bootstraps, len(a.Positive), len(a.Negative), r.ZThreshold)
	for _, e := range r.Enrichment {
		fmt.Fprintf(&b, "  %-4s %-24s %3d of %4d hits, OR %.2f, p = %.3g, q = %.3g; median rank %s\n", e.Direction, e.Set, e.Hits, e.SetInBackground, e.OddsRatio, e.P, e.Q,
			stats.PValue{P: e.RankP, Resamples: r.RankPermutations, Convention: "Morgan's #≤/n"})
	}
	return b.String()
}

// varianceRows are the variance explained per component: name, %, cumulative %, p ("-" without a null).
func (r *Analysis) varianceRows() [][]string {
	var cum float64
	var rows [][]string
	for k, v := range r.PctVarY {
		cum += v
		p := "-"
		if r.PVar != nil {
			p = stats.PText(r.PVar[k], r.Permutations)
		}
		rows = append(rows, []string{fmt.Sprintf("PLS%d", k+1), fmt.Sprintf("%.1f", 100*v), fmt.Sprintf("%.1f", 100*cum), p})
	}
	return rows
}

// WriteFiles writes genes.tsv (rank, PLS1 weight, Z, p, q per gene), regions.tsv (the z-scored
// map and the PLS scores per region) and genes.json to the folder.
func (r *Analysis) WriteFiles(dir string) error {
	a := r.Association
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rank := make([]float64, len(a.Genes))
	pos := map[string]int{}
	for i, g := range a.Ranked {
		pos[g] = i + 1
	}
	for j, g := range a.Genes {
		rank[j] = float64(pos[g])
	}
	geneTable := &table.Table{Columns: []*table.Column{table.TextColumn("gene", a.Genes), table.NumericColumn("rank", rank),
		table.NumericColumn("weight_pls1", a.PLS.Weights[0]), table.NumericColumn("z_pls1", a.Z[0]), table.NumericColumn("p", a.P), table.NumericColumn("q_fdr", a.Q)}}
	if err := table.Write(filepath.Join(dir, "genes.tsv"), geneTable); err != nil {
		return err
	}
	regionCols := []*table.Column{table.TextColumn("region", a.Regions), table.NumericColumn("map_z", a.Map)}
	for k, s := range a.PLS.XScores {
		regionCols = append(regionCols, table.NumericColumn(fmt.Sprintf("pls%d_score", k+1), s))
	}
	if err := table.Write(filepath.Join(dir, "regions.tsv"), &table.Table{Columns: regionCols}); err != nil {
		return err
	}
	c := *r
	c.SoftwareVersion = version.String()
	return atomicfile.WriteJSON(filepath.Join(dir, "genes.json"), c)
}

// AddReport adds the analysis' numbers and sections to a report.
func (r *Analysis) AddReport(d *report.Document) {
	a := r.Association
	d.Seed = &r.Seed
	d.Numbers["results"] = r
	sec := d.Section("PLS regression of the map on gene expression")
	sec.Table(fmt.Sprintf("Variance of the map explained (%d regions x %d genes; p: %s null, %d draws, one-sided, Morgan's #≥/n)", len(a.Regions), len(a.Genes), r.Null, r.Permutations),
		[]string{"component", "% variance", "cumulative %", "p"}, r.varianceRows())
	mapAxis := cmp.Or(r.MapName, "map") + " (z)"
	sec.CorticalMap("The map", mapAxis, a.Regions, a.Map, "The analysed regions' values (z-scored); grey: regions not analysed.")
	sec.CorticalMap("PLS1 regional scores", "PLS1 score", a.Regions, a.PLS.XScores[0], "The gene-expression pattern of PLS1 on the cortex.")
	sec.Figure(report.Scatter("PLS1 scores vs the map", mapAxis, "PLS1 score", a.Map, a.PLS.XScores[0]), "Each point a region: the gene-expression pattern PLS1 finds against the map.")
	sec = d.Section("Genes")
	sec.Figure(report.Bars("Genes with the largest PLS1 bootstrap Z", "Z", a.Genes, a.Z[0], 30),
		fmt.Sprintf("Z = PLS1 weight / its bootstrap SD (%d draws, signs aligned); PLS+ (%d genes) and PLS− (%d) are |Z| > %g.", r.Bootstraps, len(a.Positive), len(a.Negative), r.ZThreshold))
	if len(r.Enrichment) > 0 {
		var rows [][]string
		for _, e := range r.Enrichment {
			rows = append(rows, []string{e.Direction, e.Set, strconv.Itoa(e.Hits), strconv.Itoa(e.SetInBackground),
				fmt.Sprintf("%.2f (%.2f to %.2f)", e.OddsRatio, e.OddsRatioCI[0], e.OddsRatioCI[1]), fmt.Sprintf("%.3g", e.P), fmt.Sprintf("%.3g", e.Q),
				fmt.Sprintf("%.1f", e.MedianRank), stats.PText(e.RankP, r.RankPermutations)})
		}
		d.Section("Gene-set enrichment").Table(fmt.Sprintf("One-sided Fisher exact test of each set among PLS+ and PLS− against the analysed genes (BH q across sets), and Morgan's median-rank test (rank p one-sided, #≤/n over %d random sets)", r.RankPermutations),
			[]string{"direction", "set", "hits", "set genes", "odds ratio (95% CI)", "p", "q", "median rank", "rank p"}, rows)
	}
}
