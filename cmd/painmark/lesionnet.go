package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newLesionnetCmd() *cobra.Command {
	var mask, runsFile, out, reportFlag string
	var runs []string
	o := target.DefaultLesionNetworkOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "lesionnet",
		Short: "Lesion network mapping: a lesion's connectivity across a normative cohort, and its overlap with networks",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runsFile != "" {
				listed, err := target.ReadRunList(runsFile)
				if err != nil {
					return err
				}
				runs = append(runs, listed...)
			}
			res, err := target.LesionNetwork(target.RunLoaders(runs, mask), o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			res.Print(w, out)
			doc := newCommandReport("Lesion network", append([]string{o.Lesion.Mask, mask, o.Networks}, runs...)...)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, "lesionnet.json")))
		},
	}, "lesionnet")
	f := cmd.Flags()
	f.StringVar(&o.Lesion.Mask, "lesion", "", "lesion mask on the cohort's grid")
	f.Float64SliceVar(&o.Lesion.MM, "lesion-mm", nil, "lesion coordinate x,y,z (mm), with --radius")
	f.Float64Var(&o.Lesion.Radius, "radius", o.Lesion.Radius, "radius (mm) of a coordinate lesion")
	f.StringSliceVar(&runs, "runs", nil, "normative runs (4D NIfTI or CIFTI dtseries)")
	f.StringVar(&runsFile, "runs-file", "", "a file listing the normative runs, one per line (relative to the file)")
	f.StringVar(&mask, "mask", "", "brain mask of NIfTI runs")
	f.StringVar(&o.Networks, "networks", "", "network maps (as painmark target's --templates)")
	f.StringSliceVar(&o.Names, "names", nil, "the network maps' names")
	f.Float64Var(&o.Threshold, "threshold", o.Threshold, "t threshold of the suprathreshold lesion network")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return usageError{fmt.Errorf("-o is required")}
		}
		if (o.Lesion.Mask == "") == (len(o.Lesion.MM) == 0) || (len(o.Lesion.MM) != 0 && len(o.Lesion.MM) != 3) {
			return usageError{fmt.Errorf("give --lesion MASK or --lesion-mm x,y,z")}
		}
		if len(runs) == 0 && runsFile == "" {
			return usageError{fmt.Errorf("give the normative runs (--runs or --runs-file)")}
		}
		return nil
	}
	return cmd
}
