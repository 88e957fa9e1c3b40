package main

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/genes"
	"github.com/spf13/cobra"
)

func newGenesGOSetsCmd() *cobra.Command {
	var orgDB, goDB, tables, export, out string
	o := genes.DefaultGOSetOptions()
	cmd := &cobra.Command{
		Use:   "go-sets",
		Short: "Gene Ontology gene sets (BP, MF, CC) as GMT, from Debian's org.Hs.eg.db and GO.db",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" && export == "" {
				return usageError{fmt.Errorf("-o/--out (the GMT) or --export-tables is required")}
			}
			var d *genes.GOData
			var err error
			switch {
			case tables != "" && orgDB == "" && goDB == "":
				d, err = genes.ReadGOTables(tables)
			case tables == "" && orgDB != "" && goDB != "":
				d, err = genes.ReadGOSQLite(orgDB, goDB)
			default:
				return usageError{fmt.Errorf("give --org-db and --go-db, or --tables")}
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if export != "" {
				if err := d.WriteGOTables(export); err != nil {
					return err
				}
				fmt.Fprintf(w, "wrote %s (%d terms, %d relations, %d annotations)\n", export, len(d.Terms), len(d.Edges), len(d.Annotations))
			}
			if out == "" {
				return nil
			}
			sets, err := genes.GOSets(d, o)
			if err != nil {
				return usageError{err}
			}
			if err := genes.WriteGMT(out, sets); err != nil {
				return err
			}
			fmt.Fprintf(w, "%d %s sets (%d..%d genes, 0: any; evidence codes kept %s, dropped %s; propagated along %s) -> %s\n", len(sets), o.Ontology, o.MinSize, o.MaxSize,
				orAll(o.Evidence), strings.Join(o.ExcludeEvidence, ","), strings.Join(o.Relations, ", "), out)
			if d.Source != "" {
				fmt.Fprintf(w, "source: %s\n", d.Source)
			}
			return nil
		},
	}
	withHelp(cmd, "genes-go-sets")
	f := cmd.Flags()
	f.StringVar(&orgDB, "org-db", "", "org.Hs.eg.sqlite of r-bioc-org.hs.eg.db (…/org.Hs.eg.db/extdata/)")
	f.StringVar(&goDB, "go-db", "", "GO.sqlite of r-bioc-go.db (…/GO.db/extdata/)")
	f.StringVar(&tables, "tables", "", "a folder written by --export-tables, instead of the databases")
	f.StringVar(&export, "export-tables", "", "also write the terms, relations and annotations as TSV to this folder")
	choiceVar(f, &o.Ontology, "ontology", o.Ontology, "BP (biological process), MF (molecular function) or CC (cellular component)", oneOf("BP", "MF", "CC"))
	f.StringSliceVar(&o.Evidence, "evidence", nil, "keep only annotations with these evidence codes (e.g. EXP,IDA,IMP)")
	f.StringSliceVar(&o.ExcludeEvidence, "exclude-evidence", nil, "drop annotations with these evidence codes (e.g. IEA,ND)")
	f.StringSliceVar(&o.Relations, "relations", o.Relations, "relations annotations propagate along (GO.db's names)")
	f.IntVar(&o.MinSize, "min-size", o.MinSize, "fewest genes of a set written")
	f.IntVar(&o.MaxSize, "max-size", o.MaxSize, "most genes of a set written (0: no bound)")
	f.StringVarP(&out, "out", "o", "", "the GMT file")
	return cmd
}

// orAll is a list of evidence codes, or "(all)" when none is given.
func orAll(codes []string) string {
	if len(codes) == 0 {
		return "(all)"
	}
	return strings.Join(codes, ",")
}

func newGenesEnrichCmd() *cobra.Command {
	var background, out, reportFlag string
	var sets []string
	o := genes.DefaultEnrichOptions()
	cmd := &cobra.Command{
		Use:   "enrich GENES",
		Short: "Over-representation of gene sets (GMT, e.g. genes go-sets) among a gene list, against a background you choose",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" || background == "" || len(sets) == 0 {
				return usageError{fmt.Errorf("-o/--out, --background and --sets are required")}
			}
			list, err := genes.ReadGeneList(args[0], "GENES")
			if err != nil {
				return err
			}
			bg, err := genes.ReadGeneList(background, "--background")
			if err != nil {
				return err
			}
			gs, err := genes.ReadGeneSets(sets...)
			if err != nil {
				return err
			}
			res, err := genes.Enrich(list, bg, gs, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, res.Summary())
			d := newCommandReport("Gene-set enrichment", append([]string{args[0], background}, sets...)...)
			res.AddReport(d)
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	withHelp(cmd, "genes-enrich")
	f := cmd.Flags()
	f.StringVar(&background, "background", "", "the background genes: a text file (one per line) or TABLE:COLUMN")
	f.StringSliceVar(&sets, "sets", nil, "gene sets: GMT files, or tables with gene and class columns (repeatable)")
	f.IntVar(&o.MinSetSize, "min-set-size", o.MinSetSize, "fewest background genes of a set tested")
	f.IntVar(&o.MaxSetSize, "max-set-size", o.MaxSetSize, "most background genes of a set tested (0: no bound)")
	f.StringVarP(&out, "out", "o", "", "the result table (TSV)")
	addReportFlag(cmd, &reportFlag)
	return cmd
}
