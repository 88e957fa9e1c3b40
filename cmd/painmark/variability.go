package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newTargetVariabilityCmd() *cobra.Command {
	var names, surfaces []string
	var out, reportFlag string
	cmd := withHelp(&cobra.Command{
		Use:   "variability PERSON_MAP...",
		Short: "How variable networks are across people: each network's share of people per brainordinate, each person's distance to the group",
		Args:  minArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			grid, got, people, err := target.ReadPeopleMaps(args, names, surfaces)
			if err != nil {
				return err
			}
			res, err := target.Variability(grid, got, people)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			res.Print(w)
			doc := newCommandReport("Network variability", args...)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, "variability.html")))
		},
	}, "target-variability")
	f := cmd.Flags()
	f.StringSliceVar(&names, "names", nil, "the networks' names (labels 1..K of the NIfTI label images)")
	f.StringSliceVar(&surfaces, "surfaces", nil, "left,right GIFTI surfaces giving a dlabel's vertices mm coordinates")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if len(surfaces) > 2 {
			return usageError{fmt.Errorf("--surfaces takes left,right")}
		}
		return requireFlags(cmd, "out")
	}
	return cmd
}
