package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newSeedmapCmd() *cobra.Command {
	var bold, mask, dtseries, seedMask, seedRegion, out string
	var seedMM []float64
	var surfaces []string
	var radius, smooth float64
	cmd := &cobra.Command{
		Use:   "seedmap",
		Short: "Seed-based connectivity map (r and Fisher z) of a coordinate, a region or a mask",
		Long: `seedmap correlates a seed's mean time series with every brainordinate of a resting-state run
(--bold 4D NIfTI with --mask, or --dtseries CIFTI-2), streamed, never forming a voxel x voxel
matrix. The seed is a sphere (--seed-mm x,y,z, --radius mm), a region of a label image on the data's
grid (--seed-region ATLAS:LABEL) or a mask (--seed-mask, e.g. a lesion). --smooth FWHM smooths the
maps on the grid as nilearn's smooth_img. Writes r and z as a 4D NIfTI (two volumes) or a CIFTI
dscalar (two maps).`,
		Example: `  painmark seedmap --bold run.nii.gz --mask mask.nii.gz --seed-mm 0,-6,50 --radius 6 -o sma_seed.nii.gz`,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := loadDataset(bold, mask, dtseries, surfaces)
			if err != nil {
				return err
			}
			var seed target.Seed
			switch {
			case len(seedMM) == 3:
				seed, err = target.SphereSeed(d, "sphere", [3]float64{seedMM[0], seedMM[1], seedMM[2]}, radius)
			case seedMask != "":
				var m *atlas.LabelImage
				if m, err = atlas.LoadMask(seedMask, 0.5); err == nil {
					seed, err = target.MaskSeed(d, seedMask, m)
				}
			case seedRegion != "":
				path, label, ok := strings.Cut(seedRegion, ":")
				l, perr := strconv.Atoi(label)
				if !ok || perr != nil {
					return usageError{fmt.Errorf("--seed-region %q: want ATLAS:LABEL (an integer label)", seedRegion)}
				}
				var img *atlas.LabelImage
				if img, err = atlas.LoadLabelImage(path); err == nil {
					sel := *img
					sel.Labels = make([]int32, len(img.Labels))
					for i, v := range img.Labels {
						if v == int32(l) {
							sel.Labels[i] = 1
						}
					}
					seed, err = target.MaskSeed(d, seedRegion, &sel)
				}
			default:
				return usageError{fmt.Errorf("give --seed-mm x,y,z, --seed-mask or --seed-region")}
			}
			if err != nil {
				return err
			}
			r, z, err := target.SeedMap(d, target.SeedSeries(d, seed))
			if err != nil {
				return err
			}
			if smooth > 0 {
				if r, err = target.Smooth(d, r, smooth); err != nil {
					return err
				}
				if z, err = target.Smooth(d, z, smooth); err != nil {
					return err
				}
			}
			if err := target.WriteMaps(d, out, []string{"r", "z"}, [][]float64{r, z}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "seed of %d brainordinates, %d time points: r and z of %d brainordinates -> %s\n", len(seed.Members), d.Timepoints, d.Len(), out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&bold, "bold", "", "resting-state 4D NIfTI")
	f.StringVar(&mask, "mask", "", "brain mask of --bold (default: every voxel that varies)")
	f.StringVar(&dtseries, "dtseries", "", "resting-state CIFTI-2 dtseries")
	f.StringSliceVar(&surfaces, "surfaces", nil, "left,right GIFTI surfaces (midthickness) giving the dtseries' vertices mm coordinates")
	f.Float64SliceVar(&seedMM, "seed-mm", nil, "seed coordinate x,y,z (mm)")
	f.Float64Var(&radius, "radius", 6, "seed sphere radius (mm)")
	f.StringVar(&seedMask, "seed-mask", "", "seed mask on the data's grid")
	f.StringVar(&seedRegion, "seed-region", "", "ATLAS:LABEL, a region of a label image on the data's grid")
	f.Float64Var(&smooth, "smooth", 0, "Gaussian smoothing FWHM (mm) of the maps on the grid")
	f.StringVarP(&out, "out", "o", "", "output map (.nii.gz or .dscalar.nii)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return usageError{fmt.Errorf("-o is required")}
		}
		if len(seedMM) != 0 && len(seedMM) != 3 {
			return usageError{fmt.Errorf("--seed-mm needs x,y,z")}
		}
		return nil
	}
	return cmd
}
