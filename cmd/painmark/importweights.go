package main

import (
	"fmt"
	"strconv"

	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/table"
	"github.com/spf13/cobra"
)

// newImportWeightsCmd is `painmark signature import-weights`.
func newImportWeightsCmd() *cobra.Command {
	var sidecar, name, out string
	var intercept float64
	cmd := &cobra.Command{
		Use:   "import-weights WEIGHTS",
		Short: "Make a signature from a plain weight table (edges and weights on raw features)",
		Long: `import-weights turns a table of edge weights into a signature file: one row per edge, with the
edge's two regions as columns i and j (positions, as in painmark connectome's edges.tsv) or
region_i and region_j (names; a name several regions share must be given by position) and its
weight in column weight. The weights apply to raw (unscaled) features of the vector that a
painmark connectome.json describes (--connectome: its regions, kind, estimator and scaling); the
prediction is --intercept + Σ weight·feature.`,
		Example: `  painmark signature import-weights weights.tsv --connectome connectomes/connectome.json --name MySig -o my.signature.json`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sidecar == "" {
				return usageError{fmt.Errorf("--connectome is required: it says which feature vector the weights apply to")}
			}
			regions, features, err := readConnectomeSidecar(sidecar)
			if err != nil {
				return err
			}
			if regions == nil {
				return fmt.Errorf("%s: not found", sidecar)
			}
			tb, err := table.Read(args[0], nil)
			if err != nil {
				return err
			}
			w, err := tb.Floats("weight")
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			endpoint := func(posCol, nameCol string, row int) (int, error) {
				if c, err := tb.Column(posCol); err == nil {
					v, err := strconv.Atoi(c.Raw[row])
					if err != nil {
						return 0, fmt.Errorf("%s row %d: %s = %q is not a region position", args[0], row+1, posCol, c.Raw[row])
					}
					return v, nil
				}
				c, err := tb.Column(nameCol)
				if err != nil {
					return 0, fmt.Errorf("%s: needs columns i and j (positions) or region_i and region_j (names)", args[0])
				}
				v, err := signature.RegionIndex(regions, c.Raw[row])
				if err != nil {
					return 0, fmt.Errorf("%s row %d: %w", args[0], row+1, err)
				}
				return v, nil
			}
			rows := make([]signature.EdgeWeight, len(w))
			for r := range w {
				if rows[r].I, err = endpoint("i", "region_i", r); err != nil {
					return err
				}
				if rows[r].J, err = endpoint("j", "region_j", r); err != nil {
					return err
				}
				rows[r].Weight = w[r]
			}
			s, err := signature.ImportWeights(name, regions, features, rows, intercept, args[0])
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := signature.Write(out, s); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d weighted edges over %d regions (%d features) -> %s\n", s.Name, len(s.Weights), len(regions), s.Features.NumFeatures, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&sidecar, "connectome", "", "connectome.json describing the feature vector (regions, kind, estimator, scaling)")
	f.StringVar(&name, "name", "imported", "signature name")
	f.Float64Var(&intercept, "intercept", 0, "the prediction's intercept")
	f.StringVarP(&out, "out", "o", "signature.json", "signature file")
	return cmd
}
