package main

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/nulls"
	"github.com/spf13/cobra"
)

func newSpinCmd() *cobra.Command {
	var coords, xCol, yCol, null, out, reportFlag string
	var spheres, annots []string
	o := nulls.DefaultTestOptions()
	cmd := &cobra.Command{
		Use:   "spin MAPS",
		Short: "Spatial permutation (spin) test of the correlation between two cortical maps",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			model, err := nulls.Lookup(null)
			if err != nil {
				return usageError{err}
			}
			geo, err := nullGeometry(coords, spheres, annots)
			if err != nil {
				return err
			}
			regions, maps, err := nulls.ReadRegionalMaps(args[0], "region", xCol, yCol)
			if err != nil {
				return err
			}
			space, err := geo.Space(regions, model)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			o.XName, o.YName = xCol, yCol
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
	f.StringVar(&o.Kind, "kind", o.Kind, "spearman or pearson")
	f.IntVar(&o.Draws, "n", o.Draws, "rotations (or surrogates) of the null")
	addNullFlags(cmd, &null, &coords, &spheres, &annots, "vasa")
	f.StringVar(&null, "method", "vasa", "the null model (older spelling of --null)")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVarP(&out, "out", "o", "spin.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if err := requireFlags(cmd, "x", "y"); err != nil {
			return err
		}
		return checkNullFlags(null, coords, spheres, annots)
	}
	return cmd
}

// addNullFlags adds --null and the files a null model may need (the same in spin, genes and morph).
func addNullFlags(cmd *cobra.Command, null, coords *string, spheres, annots *[]string, def string) {
	f := cmd.Flags()
	f.StringVar(null, "null", def, "spatial null model: "+strings.Join(nulls.Names(), ", ")+" (painmark spin --help describes them)")
	f.StringVar(coords, "coords", "", "sphere coordinates of the parcels (region, hemi, x, y, z) for the rotation, Moran and variogram nulls")
	f.StringSliceVar(spheres, "spheres", nil, "left,right sphere meshes (FreeSurfer ?h.sphere or GIFTI) for --null baum|cornblath")
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

// nullGeometry reads the files of --coords, --spheres and --annots that were given.
func nullGeometry(coords string, spheres, annots []string) (nulls.Geometry, error) {
	var g nulls.Geometry
	if coords != "" {
		c, err := nulls.ReadCentroids(coords)
		if err != nil {
			return g, err
		}
		g.Centroids = c
	}
	if len(spheres) == 2 && len(annots) == 2 {
		g.Surface = &atlas.SphereParcellationFiles{SphereLeft: spheres[0], SphereRight: spheres[1], AnnotLeft: annots[0], AnnotRight: annots[1]}
	}
	return g, nil
}
