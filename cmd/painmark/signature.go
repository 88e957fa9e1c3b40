package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newSignatureCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "signature",
		Short: "Import, inspect and apply pain signatures (frozen predictive models of pain from connectivity)",
		Long: `A signature file holds everything needed to apply a trained model to new people: its regions, the
feature definition (connectivity kind, estimator, scaling, vector order), the scaler, the selected
features and weights, the target definition, the training cohort and its cross-validated performance,
and a checksum that is verified on every read.`,
	}
	var importOut string
	importRPN := &cobra.Command{
		Use:     "import-rpn RPN_MODEL_JSON",
		Short:   "Import the published RPN (Spisak et al. 2020) from its exported parameters",
		Example: `  painmark signature import-rpn ../shared/data/painter-bochum/derived/rpn_model.json -o rpn.signature.json`,
		Args:    exactArgs(1),
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
	}
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
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s (format %s v%d, checksum %.12s…)\n%s\n", s.Name, s.Format, s.Version, s.Checksum, s.Description)
			fmt.Fprintf(w, "features   %s (%s, series %s), %s, %d regions → %d features\n", s.Features.Kind, s.Features.Estimator, s.Features.Scaling, s.Features.Vectorization, len(s.Regions), s.Features.NumFeatures)
			fmt.Fprintf(w, "model      %d weighted features, intercept %.6g, scaler %v\n", len(s.Selected), s.Intercept, s.Center != nil)
			fmt.Fprintf(w, "target     %s (standardization: %s)\n", s.Target.Description, s.Target.Standardization)
			fmt.Fprintf(w, "training   %s, n = %d, %s, hyperparameters %v\n", s.Training.Cohort, s.Training.N, s.Training.CVScheme, s.Training.Hyperparameters)
			fmt.Fprintf(w, "provenance %s (%s)\n", s.Provenance.Source, s.Provenance.SoftwareVersion)
			return nil
		},
	}
	var applyOut, idColumn string
	apply := &cobra.Command{
		Use:   "apply SIGNATURE FEATURES",
		Short: "Predict pain for new subjects from a feature table (e.g. painmark connectome's features.tsv)",
		Long: `apply reads a subjects x features table (first column: subject IDs) and writes one prediction per
subject. When the table sits next to painmark connectome's connectome.json, its regions and feature
definition must match the signature's, so features computed differently are refused instead of
giving plausible wrong predictions.`,
		Example: `  painmark signature apply rpn.signature.json connectomes/features.tsv -o predictions.tsv`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readForFeatures(args[0], args[1])
			if err != nil {
				return err
			}
			in := learnInputs{idColumn: idColumn}
			ids, _, x, _, err := in.load(args[1], false)
			if err != nil {
				return err
			}
			pred, err := s.Apply(learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data})
			if err != nil {
				return fmt.Errorf("%s: %w", args[1], err)
			}
			if err := table.Write(applyOut, &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("prediction", pred)}}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s applied to %d subjects: %s\n", s.Name, len(ids), applyOut)
			return nil
		},
	}
	apply.Flags().StringVar(&idColumn, "id-column", "", "subject-ID column (default: the first)")
	apply.Flags().StringVarP(&applyOut, "out", "o", "predictions.tsv", "predictions TSV")
	var valIn learnInputs
	var valOut, standardize, convention string
	var perms, boots int
	var seed uint64
	validate := &cobra.Command{
		Use:   "validate SIGNATURE FEATURES",
		Short: "Evaluate a signature on a cohort with outcomes: r, MAE, R², explained variance, permutation p-values, bootstrap CIs",
		Example: `  painmark signature validate rpn.signature.json connectomes/features.tsv --target participants.tsv:pain \
      --standardize within --permutations 10000 --bootstraps 10000 --seed 1 -o validation.json`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readForFeatures(args[0], args[1])
			if err != nil {
				return err
			}
			ids, _, x, y, err := valIn.load(args[1], true)
			if err != nil {
				return err
			}
			o := signature.EvalOptions{Standardize: standardize, Permutations: perms, Bootstraps: boots, Seed: seed, Convention: stats.PermutationConvention(convention)}
			e, err := signature.Evaluate(s, learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data}, y, o)
			if err != nil {
				return fmt.Errorf("%s: %w", args[1], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s on %d subjects (outcome standardization: %s): r = %.3f (p = %.3g, 95%% CI %.3f to %.3f), MAE = %.3f (p = %.3g), R² = %.3f, explained variance = %.3f\n",
				s.Name, len(ids), standardize, e.R, e.PR, e.RCI[0], e.RCI[1], e.MAE, e.PMAE, e.R2, e.ExplainedVariance)
			return writeJSON(valOut, map[string]any{"signature": s.Name, "signature_checksum": s.Checksum, "subjects": ids,
				"outcome": e.Outcome, "predictions": e.Predictions, "r": e.R, "mae": e.MAE, "r2": e.R2, "explained_variance": e.ExplainedVariance,
				"p_r": e.PR, "p_mae": e.PMAE, "r_ci95": e.RCI, "mae_ci95": e.MAECI, "options": o, "software_version": version.String()})
		},
	}
	f := validate.Flags()
	f.StringVar(&valIn.target, "target", "", "outcome as TABLE:COLUMN (a participants table joined on subject IDs) or COLUMN of the feature table")
	f.StringVar(&valIn.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
	f.StringVar(&standardize, "standardize", signature.StandardizeNone, "outcome standardization: none, training (the signature's training mean and SD) or within (z-scored within this cohort)")
	f.IntVar(&perms, "permutations", 10000, "permutations of the predictions for p-values (0: none)")
	f.IntVar(&boots, "bootstraps", 10000, "bootstrap resamples of subjects for 95% CIs (0: none)")
	f.Uint64Var(&seed, "seed", 1, "random seed (results do not depend on the number of cores)")
	f.StringVar(&convention, "p-convention", string(stats.PermSklearn), "p-value convention: sklearn, abs, no-plus-one or strict")
	f.StringVarP(&valOut, "out", "o", "validation.json", "result JSON")
	cmd.AddCommand(importRPN, show, apply, validate)
	return cmd
}

// readForFeatures reads a signature and checks it against the feature table's connectome.json.
func readForFeatures(sigPath, featPath string) (*signature.Signature, error) {
	s, err := signature.Read(sigPath)
	if err != nil {
		return nil, err
	}
	if err := checkFeatureDefinition(s, filepath.Join(filepath.Dir(featPath), "connectome.json")); err != nil {
		return nil, fmt.Errorf("%s: %w", featPath, err)
	}
	return s, nil
}

// checkFeatureDefinition compares the sidecar painmark connectome writes with the signature's
// regions and feature definition; without a sidecar there is nothing to compare.
func checkFeatureDefinition(s *signature.Signature, sidecar string) error {
	b, err := os.ReadFile(sidecar)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var c struct {
		Kind, Estimator, Scaling string
		Regions                  []string
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("%s: %w", sidecar, err)
	}
	var want []string
	for _, r := range s.Regions {
		want = append(want, r.Name)
	}
	switch {
	case strings.Join(c.Regions, "\t") != strings.Join(want, "\t"):
		return fmt.Errorf("its %d regions (%s) differ from the signature's %d", len(c.Regions), sidecar, len(want))
	case !strings.EqualFold(c.Kind, s.Features.Kind) || !strings.EqualFold(c.Estimator, s.Features.Estimator) || !strings.EqualFold(c.Scaling, s.Features.Scaling):
		return fmt.Errorf("features are %s/%s/%s (%s), the signature needs %s/%s/%s", c.Kind, c.Estimator, c.Scaling, sidecar, s.Features.Kind, s.Features.Estimator, s.Features.Scaling)
	}
	return nil
}
