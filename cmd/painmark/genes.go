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
			res.MapName = yCol
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
	choiceVar(f, &o.Hemisphere, "hemisphere", o.Hemisphere, "regions analysed: left (L_ or Schaefer _LH_ names), right (R_, _RH_) or both", oneOf("left", "right", "both"))
	choiceVar(f, &o.MatchBy, "match-by", o.MatchBy, "match the map's regions to the expression table's by name or index (parcel indices)", oneOf("name", "index"))
	f.IntVar(&o.Components, "components", o.Components, "PLS components")
	f.IntVar(&o.Bootstraps, "bootstraps", o.Bootstraps, "bootstrap draws for the gene Z-scores")
	addNullFlags(cmd, &o.Null, &coords, &spheres, &annots, o.Null)
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "draws of the null (shuffles, spins or surrogates)")
	choiceVar(f, &spinMethod, "spin-method", "", "with --null spin: the matching (vasa, hungarian, nearest); same as --null METHOD", nullModel())
	f.Float64Var(&o.ZThreshold, "z", o.ZThreshold, "|Z| threshold of the PLS+ and PLS- gene sets")
	f.StringSliceVar(&sets, "sets", nil, "gene sets: GMT files, or tables with gene and class columns (repeatable)")
	f.IntVar(&o.RankPermutations, "rank-permutations", o.RankPermutations, "random gene sets per set for the median-rank test")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (results do not depend on the number of cores)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.AddCommand(newGenesStableCmd(), newGenesGOSetsCmd(), newGenesEnrichCmd())
	return cmd
}

func newGenesStableCmd() *cobra.Command {
	var out, reportFlag string
	o := genes.DefaultStableOptions()
	cmd := &cobra.Command{
		Use:   "stable DONOR_TABLE...",
		Short: "Differential stability of genes across abagen's donor-wise tables, and the stable genes' donor mean",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			if len(args) < 2 {
				return usageError{fmt.Errorf("give at least 2 donors' tables, got %d", len(args))}
			}
			d, err := genes.ReadDonorExpression(args...)
			if err != nil {
				return err
			}
			res, err := genes.Stable(d, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, res.Summary())
			d2 := newCommandReport("Differential stability", args...)
			res.AddReport(d2)
			return writeReport(w, d2, reportPath(reportFlag, filepath.Join(out, "stability.tsv")))
		},
	}
	withHelp(cmd, "genes-stable")
	f := cmd.Flags()
	f.Float64Var(&o.Threshold, "threshold", o.Threshold, "least differential stability kept, or with --percentile the percentile (0-1) that sets it")
	f.BoolVar(&o.Percentile, "percentile", o.Percentile, "the threshold is a percentile of the genes' stabilities (abagen's default)")
	f.BoolVar(&o.Rank, "rank", o.Rank, "Spearman (true) or Pearson (false) correlation between donors")
	f.StringVarP(&out, "out", "o", "", "output folder (stability.tsv, expression.tsv)")
	addReportFlag(cmd, &reportFlag)
	return cmd
}
