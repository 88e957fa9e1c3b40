package main

import (
	"fmt"

	"github.com/painmark/painmark/signature"
	"github.com/spf13/cobra"
)

// newImportWeightsCmd is `painmark signature import-weights`.
func newImportWeightsCmd() *cobra.Command {
	var sidecar, name, out string
	var intercept float64
	cmd := sigCommand("import-weights WEIGHTS", "Make a signature from a plain weight table (edges and weights on raw features)", exactArgs(1), func(cmd *cobra.Command, args []string) error {
		if sidecar == "" {
			return usageError{fmt.Errorf("--connectome is required: it says which feature vector the weights apply to")}
		}
		s, err := signature.ImportWeightTable(args[0], sidecar, name, intercept)
		if err == nil {
			err = signature.Write(out, s)
		}
		if err == nil {
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d weighted edges over %d regions (%d features) -> %s\n", s.Name, len(s.Weights), len(s.Regions), s.Features.NumFeatures, out)
		}
		return err
	})
	f := cmd.Flags()
	f.StringVar(&sidecar, "connectome", "", "connectome.json describing the feature vector (regions, kind, estimator, scaling)")
	f.StringVar(&name, "name", "imported", "signature name")
	f.Float64Var(&intercept, "intercept", 0, "the prediction's intercept")
	f.StringVarP(&out, "out", "o", "signature.json", "signature file")
	return cmd
}
