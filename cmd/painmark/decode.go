package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/report"
	"github.com/spf13/cobra"
)

// decodeFlags are the flags shared by the decode subcommands, their defaults the library's.
type decodeFlags struct {
	tr     float64
	o      decode.PrepareOptions
	model  decode.Options
	seed   uint64
	report string
}

func (df *decodeFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	df.o = decode.DefaultTrainOptions().Prepare
	df.addTR(cmd)
	f.Float64Var(&df.o.DropSeconds, "drop", df.o.DropSeconds, "leading seconds dropped from each run")
	f.Float64Var(&df.o.LagSeconds, "lag", df.o.LagSeconds, "haemodynamic lag of the fMRI behind the rating, seconds")
	choiceVar(f, &df.o.Bins, "bins", df.o.Bins, "quantile (rating-quantile bins per run) or time", oneOf("quantile", "time"))
	f.IntVar(&df.o.QuantileBins, "quantile-bins", df.o.QuantileBins, "rating-quantile bins per run")
	f.IntVar(&df.o.MinSegment, "min-segment", df.o.MinSegment, "quantile-bin segments shorter than this many frames are discarded")
	f.Float64Var(&df.o.BinSeconds, "bin-seconds", df.o.BinSeconds, "time-bin length in seconds")
}

func (df *decodeFlags) addTR(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&df.tr, "tr", 0, "repetition time in seconds (default: each run's JSON sidecar)")
}

// addModel adds the flags of the decoder's hyperparameter, the seed and the report.
func (df *decodeFlags) addModel(cmd *cobra.Command) {
	f := cmd.Flags()
	df.model = decode.DefaultTrainOptions().Model
	choiceVar(f, (*string)(&df.model.Selection), "selection", string(df.model.Selection),
		"hyperparameter: components (number of lasso-selected components, scikit-learn's lars_path order) or deipp (DEIPP's MATLAB grid of lasso penalties fixed on all training sessions, standardized scores)",
		oneOf(decode.SelectComponents, decode.SelectDEIPP))
	f.IntVar(&df.model.MaxComponents, "max-components", df.model.MaxComponents, "at most this many components (0: no limit)")
	df.addSeed(cmd)
}

func (df *decodeFlags) addSeed(cmd *cobra.Command) {
	cmd.Flags().Uint64Var(&df.seed, "seed", decode.DefaultTrainOptions().Seed, "random seed (results do not depend on the number of cores)")
	addReportFlag(cmd, &df.report)
}

// readModelAndRuns reads a decoder and a folder of runs.
func (df *decodeFlags) readModelAndRuns(modelPath, folder string, needRatings bool) (*decode.Model, *decode.Participant, error) {
	m, err := decode.ReadModel(modelPath)
	if err != nil {
		return nil, nil, err
	}
	p, err := decode.ReadParticipant(folder, df.tr, needRatings)
	return m, p, err
}

// finish adds a result's report sections to rep and writes it beside out, once the result files
// were written (werr).
func (df *decodeFlags) finish(cmd *cobra.Command, res interface{ AddReport(*report.Document) }, out string, werr error, rep *report.Document) error {
	if werr != nil {
		return werr
	}
	res.AddReport(rep)
	return writeReport(cmd.OutOrStdout(), rep, reportPath(df.report, out))
}

func newDecodeCmd() *cobra.Command {
	cmd := withHelp(&cobra.Command{Use: "decode", Short: "Personalized decoding of ongoing pain from one person's many sessions (Lee et al. 2026)"}, "decode")
	cmd.AddCommand(newDecodePrepareCmd(), newDecodeTrainCmd(), newDecodeEvaluateCmd(), newDecodeCurveCmd(), newDecodeImportanceCmd(), newDecodeApplyCmd(), newDecodeStreamCmd())
	return cmd
}

func newDecodeTrainCmd() *cobra.Command {
	var df decodeFlags
	var out string
	o := decode.DefaultTrainOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "train FOLDER",
		Short: "Nested leave-one-session-out decoding, multi-scale evaluation, bootstrap, importance, final model",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			p, err := decode.ReadParticipant(args[0], df.tr, true)
			if err != nil {
				return err
			}
			o.Prepare, o.Model, o.Seed = df.o, df.model, df.seed
			res, err := decode.Train(p, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			res.Print(w)
			fmt.Fprintf(w, "; wrote %s (model.json, predictions.tsv, importance.tsv, decode.json)\n", out)
			rep := newCommandReport("Personalized decoding", args[0])
			res.AddReport(rep)
			return writeReport(w, rep, reportPath(df.report, filepath.Join(out, "decode.json")))
		},
	}, "decode-train")
	df.add(cmd)
	df.addModel(cmd)
	f := cmd.Flags()
	f.IntVar(&o.Bootstraps, "bootstraps", o.Bootstraps, "hierarchical bootstrap draws")
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "permutations per region for importance")
	f.StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}

func newDecodeCurveCmd() *cobra.Command {
	var df decodeFlags
	var out string
	o, ts := decode.DefaultCurveOptions(), decode.DefaultTrainSizeOptions()
	var deipp bool
	cmd := withHelp(&cobra.Command{
		Use:   "curve FOLDER",
		Short: "Learning curve: performance against the number of training sessions",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := decode.ReadParticipant(args[0], df.tr, true)
			if err != nil {
				return err
			}
			if deipp { // sizes 1 to n-2, every session predicted, significance per repeat
				ts.Prepare, ts.Model, ts.Seed, ts.Repeats = df.o, df.model, df.seed, o.Repeats
				res, err := decode.TrainSize(p, ts)
				if err != nil {
					return err
				}
				res.Print(cmd.OutOrStdout())
				return df.finish(cmd, res, out, res.WriteFiles(out), newCommandReport("Decoding learning curve (DEIPP)", args[0]))
			}
			o.Prepare, o.Model, o.Seed = df.o, df.model, df.seed
			res, err := decode.Curve(p, o)
			if err != nil {
				return err
			}
			res.Print(cmd.OutOrStdout())
			return df.finish(cmd, res, out, res.WriteFiles(out), newCommandReport("Decoding learning curve", args[0]))
		},
	}, "decode-curve")
	df.add(cmd)
	df.addModel(cmd)
	f := cmd.Flags()
	f.IntSliceVar(&o.Sizes, "sizes", o.Sizes, "numbers of training sessions")
	f.IntVar(&o.Repeats, "repeats", o.Repeats, "random draws per size")
	f.BoolVar(&deipp, "deipp", false, "DEIPP's curve: 1 to n-2 training sessions, every session predicted with its fold's hyperparameter, hierarchical bootstrap p per repeat (--sizes ignored)")
	f.IntVar(&ts.Bootstraps, "bootstraps", ts.Bootstraps, "--deipp: hierarchical bootstrap draws per repeat")
	f.StringVarP(&out, "out", "o", "curve.json", "result JSON")
	return cmd
}

func newDecodeApplyCmd() *cobra.Command {
	var df decodeFlags
	var out, reportFlag string
	o := decode.DefaultApplyOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "apply MODEL FOLDER",
		Short: "Apply a trained decoder frame by frame to runs (rest runs included)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, p, err := df.readModelAndRuns(args[0], args[1], false)
			if err != nil {
				return err
			}
			res, err := decode.ApplyWith(m, p, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			res.Print(w, out)
			doc := newCommandReport("Decoder applied", args...)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, out))
		},
	}, "decode-apply")
	df.addTR(cmd)
	addReportFlag(cmd, &reportFlag)
	choiceVar(cmd.Flags(), &o.Normalize, "normalize", o.Normalize, "run (z-score over the run, DEIPP) or expanding (causal running z-score, as decode stream)", oneOf(decode.NormalizeRun, decode.NormalizeExpanding))
	cmd.Flags().IntVar(&o.Warmup, "warmup", o.Warmup, "expanding: usable frames before the first prediction")
	cmd.Flags().StringVarP(&out, "out", "o", "predictions.tsv", "frame-wise predictions TSV")
	return cmd
}

func newDecodePrepareCmd() *cobra.Command {
	var df decodeFlags
	var out string
	cmd := withHelp(&cobra.Command{
		Use:   "prepare FOLDER",
		Short: "Prepare a participant's bins (lag, censoring, binned edge time series) for inspection or other tools",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			p, err := decode.ReadParticipant(args[0], df.tr, true)
			if err != nil {
				return err
			}
			d, err := p.Prepare(df.o)
			if err != nil {
				return err
			}
			if err := d.WriteFiles(out, p.Regions); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d runs -> %d bins x %d edges in %s (bins.tsv, features.npy, edges.tsv)\n", len(p.Runs), d.X.Rows, d.X.Cols, out)
			return nil
		},
	}, "decode-prepare")
	df.add(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}

func newDecodeEvaluateCmd() *cobra.Command {
	var df decodeFlags
	var out string
	o := decode.DefaultEvaluateOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "evaluate MODEL FOLDER",
		Short: "Evaluate a trained decoder on new sessions: r and AUC at every time scale, hierarchical bootstrap",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, p, err := df.readModelAndRuns(args[0], args[1], true)
			if err != nil {
				return err
			}
			o.Seed = df.seed
			res, err := decode.Evaluate(m, p, o)
			if err != nil {
				return err
			}
			res.Print(cmd.OutOrStdout(), len(p.Runs))
			return df.finish(cmd, res, out, res.WriteFiles(out), newCommandReport("Decoder evaluation", args[0], args[1]))
		},
	}, "decode-evaluate")
	df.addTR(cmd)
	df.addSeed(cmd)
	f := cmd.Flags()
	f.IntVar(&o.Bootstraps, "bootstraps", o.Bootstraps, "hierarchical bootstrap draws")
	f.StringVarP(&out, "out", "o", "evaluation.json", "result JSON")
	return cmd
}

func newDecodeImportanceCmd() *cobra.Command {
	var df decodeFlags
	var out string
	o := decode.DefaultImportanceOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "importance FOLDER",
		Short: "Region importance: the drop in nested leave-one-session-out r when a region's edges are permuted",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := decode.ReadParticipant(args[0], df.tr, true)
			if err != nil {
				return err
			}
			o.Prepare, o.Model, o.Seed = df.o, df.model, df.seed
			res, err := decode.Importance(p, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "nested r = %.3f; importance of %d regions (%d permutations each) -> %s\n", res.Nested.R, len(res.Regions), o.Permutations, out)
			return df.finish(cmd, res, out, res.WriteFiles(out), newCommandReport("Decoding region importance", args[0]))
		},
	}, "decode-importance")
	df.add(cmd)
	df.addModel(cmd)
	f := cmd.Flags()
	f.IntVar(&o.Permutations, "permutations", o.Permutations, "permutations per region")
	f.StringVarP(&out, "out", "o", "importance.tsv", "importance table")
	return cmd
}
