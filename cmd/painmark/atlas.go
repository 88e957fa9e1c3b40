package main

import (
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
		RunE:  func(cmd *cobra.Command, args []string) error { return atlas.WriteBuiltinList(cmd.OutOrStdout()) },
	})
	var asJSON bool
	var tsvOut string
	show := withHelp(&cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Show the regions of a built-in atlas or of a TSV/CSV label file",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := atlas.Open(args[0])
			switch {
			case err != nil:
				return err
			case tsvOut != "":
				return atlas.WriteTable(tsvOut, t)
			case asJSON:
				return t.WriteJSON(cmd.OutOrStdout())
			}
			return t.WriteText(cmd.OutOrStdout())
		},
	}, "atlas-show")
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	show.Flags().StringVar(&tsvOut, "tsv", "", "write the region table to this TSV file instead")
	cmd.AddCommand(show)
	return cmd
}
