package main

import (
	"fmt"

	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newLocateCmd() *cobra.Command {
	var files target.LocateFiles
	var out, reportFlag string
	cmd := withHelp(&cobra.Command{
		Use:   "locate COORD|TABLE|MASK",
		Short: "Say what lies at mm coordinates (electrode contacts, a lesion): atlas labels, map values, networks and distances to them",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pts, err := target.ReadPoints(args[0])
			if err != nil {
				return err
			}
			o, err := files.Read()
			if err != nil {
				return err
			}
			res, err := target.Locate(pts, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d points -> %s\n", len(res.Locations), out)
			doc := newCommandReport("Locations", append(append(append([]string{args[0], files.Networks}, files.Atlases...), files.AtlasTables...), files.Maps...)...)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, out))
		},
	}, "locate")
	f := cmd.Flags()
	f.StringArrayVar(&files.Atlases, "atlas", nil, "label image (NIfTI; repeatable: MIST, Desikan-Killiany, a thalamic atlas)")
	f.StringArrayVar(&files.AtlasTables, "atlas-labels", nil, "region table of the --atlas in the same position (index and name columns; repeatable)")
	f.StringArrayVar(&files.Maps, "map", nil, "NIfTI map whose value is read at each point (repeatable; every volume of a 4D map)")
	f.StringVar(&files.Networks, "networks", "", "network probability maps (4D NIfTI or CIFTI dscalar, one map per network; or a label image with --names)")
	f.StringSliceVar(&files.Names, "names", nil, "the network maps' names")
	f.StringSliceVar(&files.Surfaces, "surfaces", nil, "left,right GIFTI surfaces giving a dscalar's vertices mm coordinates")
	f.StringVarP(&out, "out", "o", "", "output table (.tsv or .csv)")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "out"); err != nil {
			return err
		}
		if len(files.Atlases)+len(files.Maps) == 0 && files.Networks == "" {
			return usageError{fmt.Errorf("give --atlas, --map or --networks to look up")}
		}
		if len(files.AtlasTables) > len(files.Atlases) {
			return usageError{fmt.Errorf("%d --atlas-labels for %d --atlas", len(files.AtlasTables), len(files.Atlases))}
		}
		return nil
	}
	return cmd
}
