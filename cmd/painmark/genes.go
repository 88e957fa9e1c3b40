package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/genes"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newGenesCmd() *cobra.Command {
	var yCol, regionCol, hemisphere, null, coords, spinMethod, out, reportFlag string
	var sets []string
	var components, boots, perms, rankPerms int
	var z float64
	var seed uint64
	cmd := &cobra.Command{
		Use:   "genes EXPRESSION MAP",
		Short: "Imaging transcriptomics: PLS of a regional map on Allen brain gene expression, gene Z-scores, enrichment",
		Long: `genes relates a regional brain map (column --y of MAP, one row per region) to gene expression
(EXPRESSION: one row per region, named in the first column, one column per gene, as abagen or the
ENIGMA toolbox write the Allen Human Brain Atlas; empty rows for regions without samples), as
Morgan et al. 2019 and Martins et al. 2022 did: regions matched by name (--hemisphere left keeps
the L_ regions, the AHBA's densely sampled hemisphere), map and genes z-scored across them, PLS
regression in SIMPLS form (MATLAB's plsregress), the variance of the map explained by each
component with a permutation p (--null shuffle, or spin with --coords: rotations of the sphere),
bootstrap Z-scores of the genes' PLS1 weights (regions resampled, signs aligned), the PLS+ and PLS-
sets at |Z| > --z, and their enrichment in gene sets (--sets: GMT files or gene,class tables) by
one-sided Fisher exact tests against the analysed genes and by median rank.`,
		Example: `  painmark genes allgenes_stable_r0.6.csv scz_case-controls_CortThick.csv --y d_icv \
    --null spin --coords dk68_fsa5_sphere_centroids.csv --sets celltypes_PSP.csv -o genes-out/`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			if yCol == "" {
				return usageError{fmt.Errorf("--y (the map's column) is required")}
			}
			prefix := map[string]string{"left": "L_", "right": "R_", "both": ""}
			pre, ok := prefix[hemisphere]
			if !ok {
				return usageError{fmt.Errorf("--hemisphere %q: left, right or both", hemisphere)}
			}
			expr, err := genes.ReadExpression(args[0])
			if err != nil {
				return err
			}
			regions, values, err := readRegionalMap(args[1], regionCol, yCol)
			if err != nil {
				return err
			}
			var keepR []string
			var keepV []float64
			for i, r := range regions {
				if strings.HasPrefix(r, pre) {
					keepR, keepV = append(keepR, r), append(keepV, values[i])
				}
			}
			if len(keepR) == 0 {
				return fmt.Errorf("%s: no region starts with %q (--hemisphere %s; DK names such as L_bankssts)", args[1], pre, hemisphere)
			}
			var geneSets []genes.GeneSet
			for _, path := range sets {
				var s []genes.GeneSet
				if strings.EqualFold(filepath.Ext(path), ".gmt") {
					s, err = genes.ReadGMT(path)
				} else {
					s, err = genes.ReadGeneClasses(path, "gene", "class")
				}
				if err != nil {
					return err
				}
				geneSets = append(geneSets, s...)
			}
			matched, err := genes.Match(expr, keepR, keepV)
			if err != nil {
				return fmt.Errorf("%s: %w", args[1], err)
			}
			o := genes.AssociationOptions{Components: components, Bootstraps: boots, Seed: seed, ZThreshold: z}
			n := len(matched.Regions)
			switch null {
			case "none":
			case "shuffle":
				for k := 0; k < perms; k++ {
					o.Nulls = append(o.Nulls, stats.Permutation(seed, uint64(k+1), n))
				}
			case "spin":
				if coords == "" {
					return usageError{fmt.Errorf("--null spin needs --coords (sphere coordinates of the parcels)")}
				}
				left, right, order, _, err := sphereParcels(coords, matched.Regions)
				if err != nil {
					return err
				}
				if len(order) != n {
					return fmt.Errorf("%s: %d of the %d analysed regions have sphere coordinates", coords, len(order), n)
				}
				spins, err := stats.SpinPermutations(left, right, perms, seed, stats.SpinMethod(spinMethod))
				if err != nil {
					return err
				}
				o.Nulls = spinsByRegion(spins, order)
			default:
				return usageError{fmt.Errorf("--null %q: none, shuffle or spin", null)}
			}
			a, err := genes.Associate(matched, o)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", args[0], args[1], err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d regions x %d genes (dropped regions: %d %v)\n", len(a.Regions), len(a.Genes), len(a.Dropped), a.Dropped)
			var cum float64
			var varRows [][]string
			for k, v := range a.PLS.PctVarY {
				cum += v
				p := "-"
				if a.PVar != nil {
					p = strconv.FormatFloat(a.PVar[k], 'g', 3, 64)
				}
				fmt.Fprintf(w, "PLS%d: %.1f%% of the map's variance (cumulative %.1f%%, %s p = %s)\n", k+1, 100*v, 100*cum, null, p)
				varRows = append(varRows, []string{fmt.Sprintf("PLS%d", k+1), fmt.Sprintf("%.1f", 100*v), fmt.Sprintf("%.1f", 100*cum), p})
			}
			fmt.Fprintf(w, "PLS1 bootstrap (%d draws): %d PLS+ and %d PLS- genes at |Z| > %g\n", boots, len(a.Positive), len(a.Negative), z)
			if err := os.MkdirAll(out, 0o755); err != nil {
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
			if err := table.Write(filepath.Join(out, "genes.tsv"), geneTable); err != nil {
				return err
			}
			regionCols := []*table.Column{table.TextColumn("region", a.Regions), table.NumericColumn("map_z", a.Map)}
			for k, s := range a.PLS.XScores {
				regionCols = append(regionCols, table.NumericColumn(fmt.Sprintf("pls%d_score", k+1), s))
			}
			if err := table.Write(filepath.Join(out, "regions.tsv"), &table.Table{Columns: regionCols}); err != nil {
				return err
			}
			enrichRows, enrichRecords, err := enrichGenes(a, geneSets, rankPerms, seed)
			if err != nil {
				return err
			}
			for _, r := range enrichRecords {
				fmt.Fprintf(w, "  %-4s %-24s %3d of %4d hits, OR %.2f, p = %.3g, q = %.3g; median rank p = %.3g\n", r["direction"], r["set"], r["hits"], r["set_in_background"], r["odds_ratio"], r["p"], r["q"], r["rank_p"])
			}
			result := map[string]any{"regions": a.Regions, "dropped_regions": a.Dropped, "genes": len(a.Genes), "pct_var_y": a.PLS.PctVarY, "pct_var_x": a.PLS.PctVarX,
				"p_var": a.PVar, "null": null, "permutations": len(o.Nulls), "bootstraps": boots, "z_threshold": z, "pls_plus": a.Positive, "pls_minus": a.Negative,
				"enrichment": enrichRecords, "seed": seed, "software_version": version.String()}
			jsonPath := filepath.Join(out, "genes.json")
			if err := writeJSON(jsonPath, result); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s (genes.tsv, regions.tsv, genes.json)\n", out)
			d := newCommandReport("Imaging transcriptomics", args[0], args[1])
			d.Seed = &seed
			delete(result, "software_version")
			d.Numbers["results"] = result
			sec := d.Section("PLS regression of the map on gene expression")
			sec.Table(fmt.Sprintf("Variance of the map explained (%d regions x %d genes; p: %s null, %d draws, Morgan's #≥/n)", len(a.Regions), len(a.Genes), null, len(o.Nulls)),
				[]string{"component", "% variance", "cumulative %", "p"}, varRows)
			cortexFigure(sec, "The map", "map (z)", a.Regions, a.Map, "The analysed regions' values (z-scored); grey: regions not analysed.")
			cortexFigure(sec, "PLS1 regional scores", "PLS1 score", a.Regions, a.PLS.XScores[0], "The gene-expression pattern of PLS1 on the cortex.")
			sec.Figure(report.Scatter("PLS1 scores vs the map", "map (z)", "PLS1 score", a.Map, a.PLS.XScores[0]), "Each point a region: the gene-expression pattern PLS1 finds against the map.")
			sec = d.Section("Genes")
			sec.Figure(report.Bars("Genes with the largest PLS1 bootstrap Z", "Z", a.Genes, a.Z[0], 30),
				fmt.Sprintf("Z = PLS1 weight / its bootstrap SD (%d draws, signs aligned); PLS+ (%d genes) and PLS− (%d) are |Z| > %g.", boots, len(a.Positive), len(a.Negative), z))
			if len(enrichRows) > 0 {
				d.Section("Gene-set enrichment").Table("One-sided Fisher exact test of each set among PLS+ and PLS− against the analysed genes (BH q across sets), and Morgan's median-rank test",
					[]string{"direction", "set", "hits", "set genes", "odds ratio (95% CI)", "p", "q", "median rank", "rank p"}, enrichRows)
			}
			return writeReport(w, d, reportPath(reportFlag, jsonPath))
		},
	}
	f := cmd.Flags()
	f.StringVar(&yCol, "y", "", "the map's column")
	f.StringVar(&regionCol, "region-column", "", "the map's region column (default: region, Structure or label)")
	f.StringVar(&hemisphere, "hemisphere", "left", "regions analysed: left (L_ names), right (R_) or both")
	f.IntVar(&components, "components", 3, "PLS components")
	f.IntVar(&boots, "bootstraps", 1000, "bootstrap draws for the gene Z-scores")
	f.StringVar(&null, "null", "shuffle", "null for the variance explained: shuffle, spin (needs --coords) or none")
	f.IntVar(&perms, "permutations", 1000, "permutations or spins of the null")
	f.StringVar(&coords, "coords", "", "sphere coordinates of the parcels for --null spin (region, hemi, x, y, z)")
	f.StringVar(&spinMethod, "spin-method", string(stats.SpinVasa), "spin matching: vasa, hungarian or nearest")
	f.Float64Var(&z, "z", 3, "|Z| threshold of the PLS+ and PLS- gene sets")
	f.StringSliceVar(&sets, "sets", nil, "gene sets: GMT files, or tables with gene and class columns (repeatable)")
	f.IntVar(&rankPerms, "rank-permutations", 1000, "random gene sets per set for the median-rank test")
	f.Uint64Var(&seed, "seed", 1, "random seed (results do not depend on the number of cores)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	return cmd
}

// readRegionalMap reads a regional map: the region names (column regionCol, or the first of
// region, Structure and label) and the values of column col.
func readRegionalMap(path, regionCol, col string) ([]string, []float64, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, nil, err
	}
	candidates := []string{"region", "Structure", "label"}
	if regionCol != "" {
		candidates = []string{regionCol}
	}
	for _, c := range candidates {
		if rc, err := tb.Column(c); err == nil {
			v, err := tb.Floats(col)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", path, err)
			}
			return rc.Raw, v, nil
		}
	}
	return nil, nil, fmt.Errorf("%s: no region column (%s)", path, strings.Join(candidates, ", "))
}

// enrichGenes tests every gene set among the PLS+ and PLS− genes: over-representation (Fisher)
// and median rank in the list ranked from that end. It returns report rows and JSON records.
func enrichGenes(a *genes.Association, sets []genes.GeneSet, rankPerms int, seed uint64) ([][]string, []map[string]any, error) {
	if len(sets) == 0 {
		return nil, nil, nil
	}
	reversed := make([]string, len(a.Ranked))
	for i, g := range a.Ranked {
		reversed[len(a.Ranked)-1-i] = g
	}
	var rows [][]string
	var records []map[string]any
	for _, dir := range []struct {
		name   string
		hits   []string
		ranked []string
	}{{"PLS+", a.Positive, a.Ranked}, {"PLS-", a.Negative, reversed}} {
		en, err := genes.OverRepresentation(dir.hits, a.Genes, sets)
		if err != nil {
			return nil, nil, err
		}
		med, rp, err := genes.RankEnrichment(dir.ranked, sets, rankPerms, seed)
		if err != nil {
			return nil, nil, err
		}
		for i, e := range en {
			rows = append(rows, []string{dir.name, e.Set, strconv.Itoa(e.Hits), strconv.Itoa(e.SetInBackground),
				fmt.Sprintf("%.2f (%.2f to %.2f)", e.OddsRatio, e.CI[0], e.CI[1]), fmt.Sprintf("%.3g", e.P), fmt.Sprintf("%.3g", e.Q),
				fmt.Sprintf("%.1f", med[i]), fmt.Sprintf("%.3g", rp[i])})
			records = append(records, map[string]any{"direction": dir.name, "set": e.Set, "hits": e.Hits, "set_in_background": e.SetInBackground,
				"odds_ratio": e.OddsRatio, "odds_ratio_ci95": e.CI, "p": e.P, "q": e.Q, "median_rank": med[i], "rank_p": rp[i]})
		}
	}
	return rows, records, nil
}
