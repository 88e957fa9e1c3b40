package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/pattern"
	"github.com/spf13/cobra"
)

// newPatternCmd is `painmark pattern`: voxel-pattern signatures (package pattern).
func newPatternCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "pattern", Short: "Voxel-pattern signatures: weight maps applied to beta and contrast maps (CanlabCore's pattern expression)"}
	var out, name, spaceName, licence, sig, condition, reportFlag string
	var embed bool
	mk := withHelp(&cobra.Command{
		Use:   "make MAP",
		Short: "Write a voxel-pattern signature file of a weight map (embedded, or by path and SHA-256)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := pattern.NewSignature(args[0], filepath.Dir(out), name, spaceName, licence, embed)
			if err == nil {
				err = s.Write(out)
			}
			if err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "wrote voxel-pattern signature %q (%v grid, %s) to %s\n", s.Name, s.Grid.Shape, s.Space, out)
			}
			return err
		},
	}, "pattern-make")
	f := mk.Flags()
	f.StringVarP(&out, "out", "o", "", "signature file to write (.json)")
	f.StringVar(&name, "name", "", "signature name")
	f.StringVar(&spaceName, "space", "MNI152NLin2009cAsym", "template space of the map")
	f.StringVar(&licence, "licence", "unknown", "the map's licence, as its authors give it")
	f.BoolVar(&embed, "embed", false, "embed the map's non-zero weights instead of referring to the file")
	mk.PreRunE = func(cmd *cobra.Command, args []string) error { return requireFlags(cmd, "out", "name") }
	o := pattern.DefaultApplyOptions()
	apply := withHelp(&cobra.Command{
		Use:   "apply MAPS...",
		Short: "Pattern responses (dot product, cosine similarity, correlation) of beta or contrast maps",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, sigName, err := pattern.Load(sig)
			if err != nil {
				return err
			}
			in, err := pattern.InputsFromPaths(args, condition)
			if err != nil {
				return err
			}
			res, err := pattern.Apply(m, sigName, in, o)
			if err == nil {
				err = res.WriteFiles(out)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d pattern responses (%s) -> %s\n", len(res.Rows), o.Metric, out)
			doc := newCommandReport("Pattern responses", args...)
			res.AddReport(doc)
			return writeReport(cmd.OutOrStdout(), doc, reportPath(reportFlag, out))
		},
	}, "pattern-apply")
	f = apply.Flags()
	f.StringVar(&sig, "signature", "", "voxel-pattern signature (.json) or weight map (NIfTI)")
	f.StringVarP(&out, "out", "o", "responses.tsv", "responses table to write")
	f.StringVar(&condition, "condition", "all", "condition of image arguments (a maps table names its own)")
	choiceVar(f, &o.Metric, "metric", o.Metric, "response column: dot_product, cosine_similarity or correlation", oneOf(pattern.Metrics...))
	choiceVar(f, &o.Interpolation, "interpolation", o.Interpolation, "weight map onto each image's grid: linear or nearest", oneOf(pattern.Linear, pattern.Nearest))
	addReportFlag(apply, &reportFlag)
	apply.PreRunE = func(cmd *cobra.Command, args []string) error {
		if err := o.Validate(); err != nil {
			return usageError{err}
		}
		return requireFlags(cmd, "signature")
	}
	cmd.AddCommand(mk, apply)
	return cmd
}
