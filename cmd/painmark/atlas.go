package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/painmark/painmark/atlas"
	"github.com/spf13/cobra"
)

func newAtlasCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "atlas",
		Short: "List, show and export atlases (built-in region tables and label images)",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the built-in atlases",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			for _, b := range atlas.Builtins() {
				t, err := atlas.Builtin(b.Name)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%d regions\t%s\n", b.Name, t.Len(), b.Description)
			}
			return tw.Flush()
		},
	})
	var asJSON bool
	var tsvOut string
	show := &cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Show the regions of a built-in atlas or of a TSV/CSV label file",
		Example: `  painmark atlas show mist122
  painmark atlas show dk68 --json
  painmark atlas show mist122 --tsv mist122_regions.tsv`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := atlas.Builtin(args[0])
			if err != nil {
				if t, err = atlas.ReadTable(args[0]); err != nil {
					return err
				}
			}
			if tsvOut != "" {
				return atlas.WriteTable(tsvOut, t)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				type region struct {
					Index                              int
					Name, FullName, Hemisphere, System string
					Network, Segment                   string
					Centroid, SphereCentroid           []any
					CytoClass                          int
				}
				out := make([]region, len(t.Regions))
				for i, r := range t.Regions {
					out[i] = region{r.Index, r.Name, r.FullName, r.Hemisphere, string(r.System), r.Network, r.Segment,
						[]any{finite(r.Centroid[0]), finite(r.Centroid[1]), finite(r.Centroid[2])},
						[]any{finite(r.SphereCentroid[0]), finite(r.SphereCentroid[1]), finite(r.SphereCentroid[2])}, r.CytoClass}
				}
				return enc.Encode(out)
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "#\tindex\tname\themisphere\tsystem\tnetwork\tcentroid (mm)")
			for i, r := range t.Regions {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%.1f %.1f %.1f\n", i+1, r.Index, r.Name, r.Hemisphere, r.System, r.Network, r.Centroid[0], r.Centroid[1], r.Centroid[2])
			}
			return tw.Flush()
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	show.Flags().StringVar(&tsvOut, "tsv", "", "write the region table to this TSV file instead")
	cmd.AddCommand(show)
	return cmd
}
