package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/table"
	"github.com/spf13/cobra"
)

// newImportWeightsCmd is `painmark signature import-weights`.
func newImportWeightsCmd() *cobra.Command {
	var sidecar, name, out string
	var intercept float64
	cmd := withHelp(&cobra.Command{
		Use:   "import-weights WEIGHTS",
		Short: "Make a signature from a plain weight table (edges and weights on raw features)",
		Args:  exactArgs(1),
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
			rows, err := signature.EdgeWeightsFromTable(tb, regions)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
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
	}, "signature-import-weights")
	f := cmd.Flags()
	f.StringVar(&sidecar, "connectome", "", "connectome.json describing the feature vector (regions, kind, estimator, scaling)")
	f.StringVar(&name, "name", "imported", "signature name")
	f.Float64Var(&intercept, "intercept", 0, "the prediction's intercept")
	f.StringVarP(&out, "out", "o", "signature.json", "signature file")
	return cmd
}

// readConnectomeSidecar reads the regions and feature definition painmark connectome records beside
// its feature table (none when there is no sidecar).
func readConnectomeSidecar(path string) ([]signature.Region, signature.FeatureDefinition, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, signature.FeatureDefinition{}, nil
	}
	if err != nil {
		return nil, signature.FeatureDefinition{}, err
	}
	var c struct {
		Kind, Estimator, Scaling string
		Regions                  []string
		RegionSystems            []string
		VectorOrder              string
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, signature.FeatureDefinition{}, fmt.Errorf("%s: %w", path, err)
	}
	if c.RegionSystems != nil && len(c.RegionSystems) != len(c.Regions) {
		return nil, signature.FeatureDefinition{}, fmt.Errorf("%s: %d region tags for %d regions", path, len(c.RegionSystems), len(c.Regions))
	}
	regions := make([]signature.Region, len(c.Regions))
	for i, r := range c.Regions {
		regions[i] = signature.Region{Name: r}
		if c.RegionSystems != nil {
			regions[i].System = c.RegionSystems[i]
		}
	}
	return regions, signature.FeatureDefinition{Kind: c.Kind, Estimator: c.Estimator, Scaling: c.Scaling, Vectorization: c.VectorOrder}, nil
}

// readForFeatures reads a signature and checks it against each feature table's connectome.json.
func readForFeatures(sigPath string, featPaths ...string) (*signature.Signature, error) {
	s, err := signature.Read(sigPath)
	if err != nil {
		return nil, err
	}
	for _, featPath := range featPaths {
		sidecar := filepath.Join(filepath.Dir(featPath), "connectome.json")
		regions, fd, err := readConnectomeSidecar(sidecar)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", featPath, err)
		}
		if regions == nil {
			continue
		}
		got, want := make([]string, len(regions)), make([]string, len(s.Regions))
		for i, r := range regions {
			got[i] = r.Name
		}
		for i, r := range s.Regions {
			want[i] = r.Name
		}
		switch {
		case strings.Join(got, "\t") != strings.Join(want, "\t"):
			return nil, fmt.Errorf("%s: its %d regions (%s) differ from the signature's %d", featPath, len(got), sidecar, len(want))
		case !strings.EqualFold(fd.Kind, s.Features.Kind) || !strings.EqualFold(fd.Estimator, s.Features.Estimator) || !strings.EqualFold(fd.Scaling, s.Features.Scaling):
			return nil, fmt.Errorf("%s: features are %s/%s/%s (%s), the signature needs %s/%s/%s", featPath, fd.Kind, fd.Estimator, fd.Scaling, sidecar, s.Features.Kind, s.Features.Estimator, s.Features.Scaling)
		}
	}
	return s, nil
}
