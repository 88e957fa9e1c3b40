package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/pattern"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signature"
	"github.com/spf13/cobra"
)

func newSignatureCmd() *cobra.Command {
	cmd := withHelp(&cobra.Command{Use: "signature", Short: "Import, inspect and apply pain signatures (frozen predictive models of pain from connectivity)"}, "signature")
	var importOut string
	importRPN := sigCommand("import-rpn RPN_MODEL_JSON", "Import the published RPN (Spisak et al. 2020) from its exported parameters", exactArgs(1), func(cmd *cobra.Command, args []string) error {
		s, err := signature.ImportRPN(args[0])
		if err == nil {
			err = signature.Write(importOut, s)
		}
		if err == nil {
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, %d regions, %d of %d features weighted\n", importOut, s.Name, len(s.Regions), len(s.Selected), s.Features.NumFeatures)
		}
		return err
	})
	importRPN.Flags().StringVarP(&importOut, "out", "o", "rpn.signature.json", "signature file")
	show := sigCommand("show SIGNATURE", "Describe a signature (verifies its checksum)", exactArgs(1), func(cmd *cobra.Command, args []string) error {
		s, err := signature.Read(args[0])
		if err == nil {
			s.Describe(cmd.OutOrStdout())
		}
		return err
	})
	var applyOut, idColumn, sites string
	apply := sigCommand("apply SIGNATURE FEATURES", "Predict pain for new subjects from a feature table (e.g. painmark connectome's features.tsv)", exactArgs(2), func(cmd *cobra.Command, args []string) error {
		s, c, err := readCohorts(args[0], args[1:], learnInputs{idColumn: idColumn, combat: sites}, false)
		if err != nil {
			return err
		}
		a, err := signature.Apply(s, c[0])
		if err != nil {
			return err
		}
		if err := a.WriteFiles(applyOut); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s applied to %d subjects: %s\n", s.Name, len(a.Subjects), applyOut)
		if note := a.InSampleNote(); note != "" {
			fmt.Fprintln(cmd.OutOrStdout(), note)
		}
		return nil
	})
	apply.Flags().StringVar(&idColumn, "id-column", "", "subject-ID column (default: the first)")
	apply.Flags().StringVar(&sites, "combat", "", "each subject's acquisition site as TABLE:COLUMN, for a signature trained with ComBat (its sites only)")
	apply.Flags().StringVarP(&applyOut, "out", "o", "predictions.tsv", "predictions TSV")
	var nodesOut, nodesImage, nodesAtlas string
	nodes := sigCommand("nodes SIGNATURE", "Nodal predictive strength: the signature's weights summed per region, as a table and a NIfTI map", exactArgs(1), func(cmd *cobra.Command, args []string) error {
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
		if err := ns.WriteImage(nodesImage, nodesAtlas); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "summed weights painted on %s in %s\n", nodesAtlas, nodesImage)
		return nil
	})
	nodes.Flags().StringVarP(&nodesOut, "out", "o", "nodes.tsv", "per-region table")
	nodes.Flags().StringVar(&nodesImage, "image", "", "also write the summed weights as a NIfTI map (.nii or .nii.gz)")
	nodes.Flags().StringVar(&nodesAtlas, "atlas", "mist122", "built-in atlas whose label image carries the map")
	var resOut string
	var ro signature.RestrictOptions
	restrict := sigCommand("restrict SIGNATURE", "The part of a signature on a subset of its regions (e.g. brain only), for data that lack the others", exactArgs(1), func(cmd *cobra.Command, args []string) error {
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
	})
	restrict.Flags().StringSliceVar(&ro.Drop, "drop", nil, "regions to leave out, by name")
	restrict.Flags().StringSliceVar(&ro.Systems, "system", nil, "systems to keep (brain, brainstem, spinal)")
	restrict.Flags().StringVar(&ro.Name, "name", "", "name of the restricted signature")
	restrict.Flags().StringVarP(&resOut, "out", "o", "restricted.signature.json", "signature file")
	cmd.AddCommand(importRPN, show, apply, newSignatureValidateCmd(), newSignatureTrainCmd(), newForcedChoiceCmd(), nodes, newLesionCmd(), restrict,
		newChangeCmd(), newAblateCmd(), newCompareCmd(), newImportWeightsCmd())
	return cmd
}

// sigCommand is a signature subcommand, its long help from help/signature-NAME.txt.
func sigCommand(use, short string, args cobra.PositionalArgs, run func(*cobra.Command, []string) error) *cobra.Command {
	name, _, _ := strings.Cut(use, " ")
	return withHelp(&cobra.Command{Use: use, Short: short, Args: args, RunE: run}, "signature-"+name)
}

// minArgs accepts at least n arguments (a usage error otherwise).
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// readCohorts reads the signature and the feature tables at paths with their targets
// (features.Load) as cohorts named by their paths, each checked against the signature: features
// computed over other regions or with another measure are refused. A pattern responses table in
// place of the signature makes paths condition names (pattern.ReadCohorts).
func readCohorts(sigPath string, paths []string, in learnInputs, needTarget bool) (*signature.Signature, []signature.Cohort, error) {
	if pattern.IsTable(sigPath) { // pattern responses: paths name conditions
		if needTarget && in.target == "" {
			return nil, nil, usageError{fmt.Errorf("--target is required")}
		}
		return pattern.ReadCohorts(sigPath, paths, in.target)
	}
	s, err := signature.Read(sigPath)
	if err != nil {
		return nil, nil, err
	}
	cohorts := make([]signature.Cohort, len(paths))
	for i, path := range paths {
		if cohorts[i], _, err = loadCohort(path, in, needTarget, s); err != nil {
			return nil, nil, err
		}
		if in := s.InSample(cohorts[i].Subjects); len(in) > 0 {
			slog.Warn("the signature was trained on some of these subjects: their predictions are in-sample", "signature", s.Name, "features", path, "subjects", len(in), "first", in[0])
		}
	}
	return s, cohorts, nil
}

// loadCohort reads one feature table and its target as a cohort, checked against s unless nil.
func loadCohort(path string, in learnInputs, needTarget bool, s *signature.Signature) (signature.Cohort, *features.Table, error) {
	if needTarget && in.target == "" {
		return signature.Cohort{}, nil, usageError{fmt.Errorf("--target is required")}
	}
	c, t, err := signature.LoadCohort(path, in.target, in.idColumn, s)
	if err == nil {
		c.Sites, err = signature.ReadSites(in.combat, c)
	}
	return c, t, err
}

// combatFlag is --combat, each subject's site for a signature's ComBat.
func combatFlag(cmd *cobra.Command, in *learnInputs, what string) {
	cmd.Flags().StringVar(&in.combat, "combat", "", "each subject's acquisition site as TABLE:COLUMN of a participants table: "+what)
}

// targetFlags are the outcome and subject-ID flags of the commands that evaluate on a cohort.
func targetFlags(cmd *cobra.Command, in *learnInputs, target string) {
	cmd.Flags().StringVar(&in.target, "target", "", target)
	cmd.Flags().StringVar(&in.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
}

// sigResult is what a signature workflow returns: a summary, its result files, its report.
type sigResult interface {
	Print(io.Writer)
	WriteFiles(string) error
	AddReport(*report.Document)
}

// finish prints a workflow's result, writes its files to out and its report (--report).
func finish(cmd *cobra.Command, res sigResult, out, reportFlag, title string, inputs ...string) error {
	w := cmd.OutOrStdout()
	res.Print(w)
	if err := res.WriteFiles(out); err != nil {
		return err
	}
	d := newCommandReport(title, inputs...)
	res.AddReport(d)
	return writeReport(w, d, reportPath(reportFlag, out))
}
