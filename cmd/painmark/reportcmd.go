package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/spf13/cobra"
)

func newReportCmd() *cobra.Command {
	var figures string
	cmd := withHelp(&cobra.Command{
		Use:   "report PATH...",
		Short: "Rebuild HTML reports from their JSON (a results folder or *.report.json files), and export figures",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := report.FindJSON(args...)
			if err != nil {
				return err
			}
			for _, f := range files {
				page, d, err := report.Rebuild(f)
				if err != nil {
					return err
				}
				titles, _ := d.Figures()
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d figures -> %s\n", f, len(titles), page)
				if figures != "" {
					if err := d.WriteFigures(figures, strings.TrimSuffix(filepath.Base(f), ".report.json")); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}, "report")
	cmd.Flags().StringVar(&figures, "figures", "", "also write every figure as an SVG file in this folder")
	return cmd
}
