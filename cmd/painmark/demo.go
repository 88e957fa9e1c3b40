package main

import (
	"fmt"
	"os"
	"time"

	"github.com/painmark/painmark/demo"
	"github.com/painmark/painmark/internal/progress"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var out string
	o := demo.DefaultStudy
	cmd := withHelp(&cobra.Command{
		Use:   "demo",
		Short: "Run the built-in example on the embedded Bochum cohort (real data, no network)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			start := time.Now()
			o.Progress = progress.Stages("demo")
			bar := progress.New(35, "demo: Bochum subjects")
			res, err := demo.Run(out, o, func(done, total int) {
				bar.Set(done)
				if done == total {
					bar.Finish()
					fmt.Fprintln(cmd.ErrOrStderr(), "demo: features, grid search, nested leave-one-out, permutations, bootstrap, learning curve ...")
				}
			})
			if err != nil {
				return err
			}
			res.WriteSummary(cmd.OutOrStdout(), o, out, time.Since(start))
			return res.Check()
		},
	}, "demo")
	cmd.Flags().StringVarP(&out, "out", "o", "painmark-demo", "folder for the outputs")
	cmd.Flags().IntVar(&o.Permutations, "permutations", o.Permutations, "refit permutations of leave-one-out")
	cmd.Flags().IntVar(&o.Bootstraps, "bootstraps", o.Bootstraps, "bootstrap refits of the weights")
	cmd.Flags().Uint64Var(&o.Seed, "seed", o.Seed, "random seed (results do not depend on the number of cores)")
	return cmd
}
