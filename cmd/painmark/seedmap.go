package main

import (
	"fmt"

	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newSeedmapCmd() *cobra.Command {
	var src target.Source
	var out string
	o := target.DefaultSeedMapOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "seedmap",
		Short: "Seed-based connectivity map (r and Fisher z) of a coordinate, a region or a mask",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := loadSource(src)
			if err != nil {
				return err
			}
			res, err := target.SeedMap(d, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s -> %s\n", res, out)
			return nil
		},
	}, "seedmap")
	f := cmd.Flags()
	addSourceFlags(f, &src)
	addSeedFlags(f, &o.Seed, "")
	f.StringVar(&o.Seed.Region, "seed-region", "", "ATLAS:LABEL, a region of a label image on the data's grid")
	f.Float64Var(&o.Smooth, "smooth", o.Smooth, "Gaussian smoothing FWHM (mm) of the maps on the grid")
	f.StringVarP(&out, "out", "o", "", "output map (.nii.gz or .dscalar.nii)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return usageError{fmt.Errorf("-o is required")}
		}
		if !o.Seed.IsSet() {
			return usageError{fmt.Errorf("give --seed-mm x,y,z, --seed-mask or --seed-region")}
		}
		return checkSeedMM(o.Seed.MM)
	}
	return cmd
}
