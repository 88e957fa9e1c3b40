package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/glm"
	"github.com/spf13/cobra"
)

// newGLMSecondCmd is `painmark glm second`: group sign-flip inference on subjects' maps.
func newGLMSecondCmd() *cobra.Command {
	opts := glm.DefaultSecondLevelOptions()
	var paired, covs []string
	var maskPath, out, reportFlag string
	cmd := withHelp(&cobra.Command{
		Use:   "second MAPS...",
		Short: "Second level: one-sample or paired sign-flip permutation test of subjects' maps (nilearn's non_parametric_inference)",
		Args:  minArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := glm.MapCovariates(args, covs, "--covariate")
			var mask []bool
			if err == nil && maskPath != "" {
				mask, err = glm.LoadMaskLike(maskPath, args[0])
			}
			if err != nil {
				return err
			}
			res, err := glm.SecondLevel(args, paired, mask, c, opts)
			if err == nil {
				err = res.WriteFiles(out)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s test of %d subjects over %d voxels, %d permutations: max-t FWER 5%% threshold %.3f -> %s\n", res.Design, len(args), len(res.Voxels), opts.Permutations, res.FWERThreshold(0.05), out)
			doc := newCommandReport("Second level", append(append([]string{}, args...), paired...)...)
			res.AddReport(doc)
			return writeReport(cmd.OutOrStdout(), doc, reportPath(reportFlag, filepath.Join(out, "second_level.json")))
		},
	}, "glm-second")
	f := cmd.Flags()
	f.StringArrayVar(&paired, "paired-with", nil, "the second condition's map of each subject, in the order of MAPS (a paired test of MAPS minus these)")
	f.StringArrayVar(&covs, "covariate", nil, "covariate as TABLE:COLUMN of a participants table, matched by the maps' sub- labels (repeatable)")
	f.StringVar(&maskPath, "mask", "", "mask on the maps' grid (default: the voxels non-zero in every map)")
	f.IntVar(&opts.Permutations, "permutations", opts.Permutations, "sign-flip permutations")
	f.BoolVar(&opts.TwoSided, "two-sided", opts.TwoSided, "test |t| (default: positive effects, as nilearn)")
	f.Float64Var(&opts.ClusterP, "cluster-p", opts.ClusterP, "uncorrected p of the cluster-forming threshold (0: no cluster inference)")
	f.Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed of the sign flips")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if opts.Permutations < 1 || opts.ClusterP < 0 || opts.ClusterP >= 1 {
			return usageError{fmt.Errorf("--permutations must be positive and --cluster-p in [0, 1)")}
		}
		return requireFlags(cmd, "out")
	}
	return cmd
}
