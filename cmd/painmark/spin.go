package main

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/nulls"
	"github.com/spf13/cobra"
)

func newSpinCmd() *cobra.Command {
	var coords, xCol, yCol, null, out, reportFlag, mask string
	var spheres, annots []string
	o := nulls.DefaultTestOptions()
	saveNull := true
	cmd := &cobra.Command{
		Use:   "spin MAPS | X.nii.gz Y.nii.gz | X.dscalar.nii Y.dscalar.nii",
		Short: "Spatial permutation (spin) test of the correlation between two cortical (or volumetric) maps",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			model, err := nulls.Lookup(null)
			if err != nil {
				return usageError{err}
			}
			var space *nulls.Space
			var maps [2][]float64
			if len(args) == 2 && len(spheres) > 0 && mask == "" { // two dscalars of a dense surface
				space, maps, err = nulls.DscalarMaps(args[0], args[1], spheres)
				o.XName, o.YName = args[0], args[1]
			} else if len(args) == 2 { // two NIfTI maps (or voxel dscalars)
				space, maps, err = nulls.VolumeMaps(args[0], args[1], mask)
				o.XName, o.YName = args[0], args[1]
			} else {
				space, maps, err = regionalSpace(args[0], coords, xCol, yCol, spheres, annots, model)
				o.XName, o.YName = xCol, yCol
			}
			if err != nil {
				return err
			}
			o.DropNull = !saveNull
			res, err := nulls.Test(maps[0], maps[1], space, model, o)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, res.Summary())
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			d := newCommandReport("Spin test", append([]string{args[0], coords}, append(spheres, annots...)...)...)
			res.AddReport(d)
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	withHelp(cmd, "spin")
	f := cmd.Flags()
	f.StringVar(&xCol, "x", "", "first map's column")
	f.StringVar(&yCol, "y", "", "second map's column")
	choiceVar(f, &o.Kind, "kind", o.Kind, "spearman or pearson", oneOf("spearman", "pearson"))
	f.IntVar(&o.Draws, "n", o.Draws, "rotations (or surrogates) of the null")
	addNullFlags(cmd, &null, &coords, &spheres, &annots, "vasa")
	choiceVar(f, &null, "method", "vasa", "the null model (older spelling of --null)", nullModel())
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.BoolVar(&saveNull, "save-null", saveNull, "write every draw's null correlations (null_xy, null_yx) and plot their histogram; false makes the null a block at a time and tallies it: the same p-values, memory for a block and the counts (and a 64-bit hash per spin), not the null")
	f.StringVar(&mask, "mask", "", "for two NIfTI maps: the voxels tested (NIfTI mask on their grid; default: where either map is nonzero)")
	f.StringVarP(&out, "out", "o", "spin.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 2 {
			return usageError{fmt.Errorf("give a table of regional maps (with --x, --y) or two NIfTI maps")}
		} else if len(args) == 2 {
			if _, err := nulls.Lookup(null); err != nil {
				return usageError{err}
			}
			return nil
		}
		if err := requireFlags(cmd, "x", "y"); err != nil {
			return err
		}
		return checkNullFlags(null, coords, spheres, annots)
	}
	return cmd
}

// addNullFlags adds --null and the files a null model may need (the same in spin, genes and morph).
func addNullFlags(cmd *cobra.Command, null, coords *string, spheres, annots *[]string, def string) {
	f, none := cmd.Flags(), []string{"none"} // genes and morph: no spatial p
	if cmd.Name() == "spin" {
		none = nil
	}
	choiceVar(f, null, "null", def, "spatial null model: "+strings.Join(nulls.Names(), ", ")+" (painmark spin --help describes them)", nullModel(none...))
	f.StringVar(coords, "coords", "", "sphere coordinates of the parcels (region, hemi, x, y, z) for the rotation, Moran and variogram nulls")
	f.StringSliceVar(spheres, "spheres", nil, "left,right sphere meshes (FreeSurfer ?h.sphere or GIFTI) for --null baum|cornblath, and for two dense surface dscalars (--null alexander-bloch)")
	f.StringSliceVar(annots, "annots", nil, "left,right FreeSurfer .annot parcellations on those spheres for --null baum|cornblath")
}

// checkNullFlags refuses a null model without the files it needs (usage errors).
func checkNullFlags(null, coords string, spheres, annots []string) error {
	m, err := nulls.Lookup(null)
	if err != nil {
		return usageError{err}
	}
	switch m.Needs() {
	case nulls.NeedsSurface:
		if len(spheres) != 2 || len(annots) != 2 {
			return usageError{fmt.Errorf("--null %s needs --spheres LEFT,RIGHT and --annots LEFT,RIGHT", null)}
		}
	case nulls.NeedsCentroids:
		if coords == "" {
			return usageError{fmt.Errorf("--null %s needs --coords (parcel centroids on the sphere); --spheres/--annots are for baum and cornblath", null)}
		}
	}
	return nil
}

// regionalSpace reads two columns of a table of regional maps and matches them to the null
// model's geometry.
func regionalSpace(path, coords, xCol, yCol string, spheres, annots []string, model nulls.Model) (*nulls.Space, [2][]float64, error) {
	var out [2][]float64
	geo, err := nullGeometry(coords, spheres, annots)
	if err != nil {
		return nil, out, err
	}
	regions, maps, err := nulls.ReadRegionalMaps(path, "region", xCol, yCol)
	if err != nil {
		return nil, out, err
	}
	space, err := geo.Space(regions, model)
	if err != nil {
		return nil, out, fmt.Errorf("%s: %w", path, err)
	}
	return space, [2][]float64{maps[0], maps[1]}, nil
}

// nullGeometry reads the files of --coords, --spheres and --annots that were given.
func nullGeometry(coords string, spheres, annots []string) (nulls.Geometry, error) {
	return nulls.ReadGeometry(coords, spheres, annots)
}
