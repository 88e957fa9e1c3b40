package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/genes"
	"github.com/painmark/painmark/nulls"
	"github.com/spf13/cobra"
)

func newGenesCmd() *cobra.Command {
	var yCol, regionCol, coords, spinMethod, out, reportFlag string
	var sets, spheres, annots []string
	o := genes.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "genes EXPRESSION MAP",
		Short: "Imaging transcriptomics: PLS of a regional map on Allen brain gene expression, gene Z-scores, enrichment",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			if yCol == "" {
				return usageError{fmt.Errorf("--y (the map's column) is required")}
			}
			if o.Null == "spin" && spinMethod != "" {
				o.Null = spinMethod
			}
			if o.Null != "none" {
				if err := checkNullFlags(o.Null, coords, spheres, annots); err != nil {
					return err
				}
			}
			expr, err := genes.ReadExpression(args[0])
			if err != nil {
				return err
			}
			regions, values, err := nulls.ReadRegionalMaps(args[1], regionCol, yCol)
			if err != nil {
				return err
			}
			geneSets, err := genes.ReadGeneSets(sets...)
			if err != nil {
				return err
			}
			geo, err := nullGeometry(coords, spheres, annots)
			if err != nil {
				return err
			}
			res, err := genes.Analyze(expr, regions, values[0], geneSets, geo, o)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", args[0], args[1], err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, res.Summary())
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s (genes.tsv, regions.tsv, genes.json)\n", out)
			d := newCommandReport("Imaging transcriptomics", args[0], args[1])
			res.AddReport(d)
			return writeReport(w, d, reportPath(reportFlag, filepath.Join(out, "genes.json")))
		},
	}
	withHelp(cmd, "genes")
	f := cmd.Flags()
	f.StringVar(&yCol, "y", "", "the map's column")
	f.StringVar(&regionCol, "region-column", "", "the map's region column (default: region, Structure or label)")
	f.StringVar(&o.Hemisphere, "hemisphere", o.Hemisphere, "regions analysed: left (L_ names), right (R_) or both")
	f.IntVar(&o.Components, "components", o.Components, "PLS components")
	f.IntVar(&o.Bootstraps, "bootstraps", o.Bootstraps, "bootstrap draws for the gene Z-scores")
	addNullFlags(cmd, &o.Null, &coords, &spheres, &annots, o.Null)
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "draws of the null (shuffles, spins or surrogates)")
	f.StringVar(&spinMethod, "spin-method", "", "with --null spin: the matching (vasa, hungarian, nearest); same as --null METHOD")
	f.Float64Var(&o.ZThreshold, "z", o.ZThreshold, "|Z| threshold of the PLS+ and PLS- gene sets")
	f.StringSliceVar(&sets, "sets", nil, "gene sets: GMT files, or tables with gene and class columns (repeatable)")
	f.IntVar(&o.RankPermutations, "rank-permutations", o.RankPermutations, "random gene sets per set for the median-rank test")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (results do not depend on the number of cores)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	return cmd
}
