package main

import (
	"bufio"

	"github.com/painmark/painmark/inspect"
	"github.com/spf13/cobra"
)

func newInspectCmd() *cobra.Command {
	var asJSON bool
	cmd := withHelp(&cobra.Command{
		Use:   "inspect FILE",
		Short: "Describe a file: NIfTI header and data summary, .npy arrays, TSV/CSV tables",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := inspect.File(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return inspect.WriteJSON(cmd.OutOrStdout(), s)
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			if err := s.WriteText(w); err != nil {
				return err
			}
			return w.Flush()
		},
	}, "inspect")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object instead of text")
	return cmd
}
