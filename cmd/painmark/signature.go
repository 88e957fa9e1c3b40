package main

import (
	"fmt"
	"log/slog"
	"math"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/signature"
	"github.com/spf13/cobra"
)

func newSignatureCmd() *cobra.Command {
	cmd := withHelp(&cobra.Command{Use: "signature", Short: "Import, inspect and apply pain signatures (frozen predictive models of pain from connectivity)"}, "signature")
	var importOut string
	importRPN := withHelp(&cobra.Command{
		Use:   "import-rpn RPN_MODEL_JSON",
		Short: "Import the published RPN (Spisak et al. 2020) from its exported parameters",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signature.ImportRPN(args[0])
			if err != nil {
				return err
			}
			if err := signature.Write(importOut, s); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, %d regions, %d of %d features weighted\n", importOut, s.Name, len(s.Regions), len(s.Selected), s.Features.NumFeatures)
			return nil
		},
	}, "signature-import-rpn")
	importRPN.Flags().StringVarP(&importOut, "out", "o", "rpn.signature.json", "signature file")
	show := &cobra.Command{
		Use:   "show SIGNATURE",
		Short: "Describe a signature (verifies its checksum)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			s.Describe(cmd.OutOrStdout())
			return nil
		},
	}
	var applyOut, idColumn string
	apply := withHelp(&cobra.Command{
		Use:   "apply SIGNATURE FEATURES",
		Short: "Predict pain for new subjects from a feature table (e.g. painmark connectome's features.tsv)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readForFeatures(args[0], args[1])
			if err != nil {
				return err
			}
			c, err := loadCohort(args[1], learnInputs{idColumn: idColumn}, false)
			if err != nil {
				return err
			}
			a, err := signature.Apply(s, c)
			if err != nil {
				return err
			}
			warnInSample(s, args[1], a.InSample)
			if err := a.WriteFiles(applyOut); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s applied to %d subjects: %s\n", s.Name, len(a.Subjects), applyOut)
			return nil
		},
	}, "signature-apply")
	apply.Flags().StringVar(&idColumn, "id-column", "", "subject-ID column (default: the first)")
	apply.Flags().StringVarP(&applyOut, "out", "o", "predictions.tsv", "predictions TSV")
	var nodesOut, nodesImage, nodesAtlas string
	nodes := withHelp(&cobra.Command{
		Use:   "nodes SIGNATURE",
		Short: "Nodal predictive strength: the signature's weights summed per region, as a table and a NIfTI map",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			ns, err := signature.Nodes(s)
			if err != nil {
				return err
			}
			if err := ns.WriteFiles(nodesOut); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "nodal strengths of %s's %d regions in %s\n", s.Name, len(ns.Nodes), nodesOut)
			if nodesImage == "" {
				return nil
			}
			if _, err := atlas.Builtin(nodesAtlas); err != nil {
				return usageError{fmt.Errorf("--atlas: %w", err)}
			}
			missing, err := ns.WriteImage(nodesImage, nodesAtlas)
			if err != nil {
				return err
			}
			if len(missing) > 0 {
				slog.Warn("regions without voxels in the atlas are left out of the image", "regions", missing)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "summed weights painted on %s in %s\n", nodesAtlas, nodesImage)
			return nil
		},
	}, "signature-nodes")
	nodes.Flags().StringVarP(&nodesOut, "out", "o", "nodes.tsv", "per-region table")
	nodes.Flags().StringVar(&nodesImage, "image", "", "also write the summed weights as a NIfTI map (.nii or .nii.gz)")
	nodes.Flags().StringVar(&nodesAtlas, "atlas", "mist122", "built-in atlas whose label image carries the map")
	var resOut string
	var ro signature.RestrictOptions
	restrict := withHelp(&cobra.Command{
		Use:   "restrict SIGNATURE",
		Short: "The part of a signature on a subset of its regions (e.g. brain only), for data that lack the others",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(ro.Drop) == 0) == (len(ro.Systems) == 0) {
				return usageError{fmt.Errorf("give either --drop REGIONS or --system SYSTEMS")}
			}
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			r, err := signature.Restrict(s, ro)
			if err != nil {
				return err
			}
			if err := signature.Write(resOut, r); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d of %d regions, %d of %d weighted features kept\n", resOut, len(r.Regions), len(s.Regions), len(r.Selected), len(s.Selected))
			return nil
		},
	}, "signature-restrict")
	restrict.Flags().StringSliceVar(&ro.Drop, "drop", nil, "regions to leave out, by name")
	restrict.Flags().StringSliceVar(&ro.Systems, "system", nil, "systems to keep (brain, brainstem, spinal)")
	restrict.Flags().StringVar(&ro.Name, "name", "", "name of the restricted signature")
	restrict.Flags().StringVarP(&resOut, "out", "o", "restricted.signature.json", "signature file")
	cmd.AddCommand(importRPN, show, apply, newSignatureValidateCmd(), newSignatureTrainCmd(), newForcedChoiceCmd(), nodes, newLesionCmd(), restrict,
		newChangeCmd(), newAblateCmd(), newCompareCmd(), newImportWeightsCmd())
	return cmd
}

// loadCohort reads a feature table (and its target with needTarget) as a signature cohort named
// by its path.
func loadCohort(path string, in learnInputs, needTarget bool) (signature.Cohort, error) {
	ids, names, x, y, err := in.load(path, needTarget)
	return signature.Cohort{Name: path, Subjects: ids, Columns: names, X: x, Y: y}, err
}

// warnInSample warns when a signature is applied to subjects it was trained on.
func warnInSample(s *signature.Signature, path string, ids []string) {
	if len(ids) > 0 {
		slog.Warn("the signature was trained on some of these subjects: their predictions are in-sample", "signature", s.Name, "features", path, "subjects", len(ids), "first", ids[0])
	}
}

// finiteOrNull is v, or nil (JSON null) where v is NaN or infinite, which JSON cannot hold (used
// by decode).
func finiteOrNull(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
