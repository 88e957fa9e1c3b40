package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

// decodeFlags are the preparation flags shared by the decode subcommands.
type decodeFlags struct {
	tr    float64
	o     decode.PrepareOptions
	model decode.Options
}

func (df *decodeFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	df.o = decode.DefaultPrepare
	f.Float64Var(&df.tr, "tr", 0, "repetition time in seconds (default: each run's JSON sidecar)")
	f.Float64Var(&df.o.DropSeconds, "drop", df.o.DropSeconds, "leading seconds dropped from each run")
	f.Float64Var(&df.o.LagSeconds, "lag", df.o.LagSeconds, "haemodynamic lag of the fMRI behind the rating, seconds")
	f.StringVar(&df.o.Bins, "bins", df.o.Bins, "quantile (rating-quantile bins per run) or time")
	f.IntVar(&df.o.QuantileBins, "quantile-bins", df.o.QuantileBins, "rating-quantile bins per run")
	f.IntVar(&df.o.MinSegment, "min-segment", df.o.MinSegment, "quantile-bin segments shorter than this many frames are discarded")
	f.Float64Var(&df.o.BinSeconds, "bin-seconds", df.o.BinSeconds, "time-bin length in seconds")
}

// addModel adds the flags of the decoder's hyperparameter.
func (df *decodeFlags) addModel(cmd *cobra.Command) {
	f := cmd.Flags()
	df.model.Selection = decode.SelectComponents
	f.StringVar((*string)(&df.model.Selection), "selection", string(df.model.Selection),
		"hyperparameter: components (number of lasso-selected components, scikit-learn's lars_path order) or deipp (DEIPP's MATLAB grid of lasso penalties fixed on all training sessions, standardized scores)")
	f.IntVar(&df.model.MaxComponents, "max-components", 0, "at most this many components (0: no limit)")
}

// read reads a participant's folder and prepares its bins.
func (df *decodeFlags) read(folder string) ([]decode.Run, []string, *decode.Data, error) {
	runs, regions, err := decode.ReadRuns(folder, df.tr, true)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := decode.Prepare(runs, df.o)
	return runs, regions, d, err
}

// writeImportance writes the importance table: each region's mean drop in r, its SD over the
// permutations and DEIPP's two-tailed p.
func writeImportance(path string, regions []string, imp *decode.Importance) error {
	return table.Write(path, &table.Table{Columns: []*table.Column{table.TextColumn("region", regions),
		table.NumericColumn("r_drop", imp.Mean), table.NumericColumn("r_drop_sd", imp.SD), table.NumericColumn("p", imp.P)}})
}

// importanceFigure is the bar chart of region importance both reports show.
func importanceFigure(d *report.Document, regions []string, imp []float64) {
	d.Section("Region importance").Figure(report.Bars("Mean drop in r when a region's edges are permuted", "drop in r", regions, imp, 25),
		"Each region's contribution to every bin's prediction permuted hierarchically across bins (sessions, runs within sessions, bins within runs), as DEIPP does; the 25 regions with the largest effect.")
}

func newDecodeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "decode",
		Short: "Personalized decoding of ongoing pain from one person's many sessions (Lee et al. 2026)",
		Long: `decode trains one model per person that tracks ongoing pain from the co-fluctuations of brain
regions, as Lee et al. 2026 did (cocoanlab/DEIPP): runs are lagged against the continuous rating,
censored, and their edge time series averaged within rating-quantile (or time) bins; the model is a
principal-component regression with lasso selection and relaxed refit, assessed by nested
leave-one-session-out at several time scales, with a hierarchical bootstrap, region importance and a
learning curve over the number of sessions.

A participant's folder holds, per run, *_ses-<S>_run-<R>_timeseries.tsv (frames x regions, e.g.
from painmark extract, with a JSON sidecar giving RepetitionTime), *_rating.tsv (time in seconds,
rating) and optionally *_censor.tsv (censored 0/1). painmark synthetic participant writes one.`,
	}
	cmd.AddCommand(newDecodePrepareCmd(), newDecodeTrainCmd(), newDecodeEvaluateCmd(), newDecodeCurveCmd(), newDecodeImportanceCmd(), newDecodeApplyCmd())
	return cmd
}

func newDecodeTrainCmd() *cobra.Command {
	var df decodeFlags
	var out, reportFlag string
	var boots, perms int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "train FOLDER",
		Short: "Nested leave-one-session-out decoding, multi-scale evaluation, bootstrap, importance, final model",
		Example: `  painmark synthetic participant p01/ --sessions 12
  painmark decode train p01/ -o p01-decoder/`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			runs, regions, d, err := df.read(args[0])
			if err != nil {
				return err
			}
			res, err := decode.NestedLOSO(d, df.model)
			if err != nil {
				return err
			}
			scales, err := decode.MultiScale(d, res)
			if err != nil {
				return err
			}
			bs, err := decode.HierarchicalBootstrap(d, res.Predictions, boots, seed)
			if err != nil {
				return err
			}
			importance, err := decode.RegionImportance(d, res, perms, seed)
			if err != nil {
				return err
			}
			imp := importance.Mean
			model, err := decode.Train(d, regions, df.o, df.model, version.String())
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d runs, %d sessions, %d bins x %d edges\n", len(runs), len(res.Sessions), d.X.Rows, d.X.Cols)
			fmt.Fprintf(w, "nested leave-one-session-out: r = %.3f (hierarchical bootstrap 95%% CI %.3f to %.3f, p = %.3g; AUC CI %.3f to %.3f)\n", res.R, bs.RCI[0], bs.RCI[1], bs.PR, bs.AUCCI[0], bs.AUCCI[1])
			var scaleRows []map[string]any
			for _, s := range scales {
				fmt.Fprintf(w, "  %-8s n = %5d  r = %.3f  AUC = %.3f\n", s.Name, s.N, s.R, s.AUC)
				scaleRows = append(scaleRows, map[string]any{"scale": s.Name, "n": s.N, "r": finiteOrNull(s.R), "auc": finiteOrNull(s.AUC)})
			}
			runName := make([]string, len(d.Y))
			for i, r := range d.Run {
				runName[i] = runs[r].Run
			}
			if err := table.Write(filepath.Join(out, "predictions.tsv"), &table.Table{Columns: []*table.Column{
				table.TextColumn("session", d.Session), table.TextColumn("run", runName),
				table.NumericColumn("rating", d.Y), table.NumericColumn("prediction", res.Predictions)}}); err != nil {
				return err
			}
			if err := writeImportance(filepath.Join(out, "importance.tsv"), regions, importance); err != nil {
				return err
			}
			mb, _ := json.MarshalIndent(model, "", "  ")
			if err := atomicfile.WriteFile(filepath.Join(out, "model.json"), append(mb, '\n')); err != nil {
				return err
			}
			results := map[string]any{"nested_r": res.R, "sessions": res.Sessions, "components": res.Components, "lambdas": res.Lambdas, "selection": df.model, "scales": scaleRows,
				"bootstrap":              map[string]any{"n": boots, "r_ci95": bs.RCI, "p_r": bs.PR, "auc_ci95": bs.AUCCI, "p_auc": bs.PAUC},
				"final_model_components": model.Components, "prepare": df.o, "seed": seed, "software_version": version.String()}
			if err := writeJSON(filepath.Join(out, "decode.json"), results); err != nil {
				return err
			}
			penalty := ""
			if model.Selection == decode.SelectDEIPP {
				penalty = fmt.Sprintf(" (DEIPP penalty %.4g)", model.Lambda)
			}
			fmt.Fprintf(w, "final model on all %d sessions: %d components%s; wrote %s (model.json, predictions.tsv, importance.tsv, decode.json)\n", model.Sessions, model.Components, penalty, out)
			rep := newCommandReport("Personalized decoding", args[0])
			rep.Seed = &seed
			delete(results, "software_version")
			rep.Numbers["results"], rep.Numbers["importance"], rep.Numbers["regions"] = results, imp, regions
			addDecodeSections(rep, d, runs, res, scales, imp, regions, model)
			return writeReport(w, rep, reportPath(reportFlag, filepath.Join(out, "decode.json")))
		},
	}
	df.add(cmd)
	df.addModel(cmd)
	f := cmd.Flags()
	f.IntVar(&boots, "bootstraps", 10000, "hierarchical bootstrap draws")
	f.IntVar(&perms, "permutations", 1000, "permutations per region for importance")
	f.Uint64Var(&seed, "seed", 1, "random seed (results do not depend on the number of cores)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	return cmd
}

// scalesTable is the table of r and median-split AUC at every time scale.
func scalesTable(sec *report.Section, caption string, scales []decode.Scale) {
	var rows [][]string
	for _, s := range scales {
		rows = append(rows, []string{s.Name, strconv.Itoa(s.N), fmt.Sprintf("%.3f", s.R), fmt.Sprintf("%.3f", s.AUC)})
	}
	sec.Table(caption, []string{"scale", "n", "r", "AUC (median split)"}, rows)
}

// addDecodeSections lays out the decoding report: scales, predicted and rated pain over time,
// scatter at the bin and session scales, and region importance.
func addDecodeSections(d *report.Document, data *decode.Data, runs []decode.Run, res *decode.NestedResult, scales []decode.Scale, imp []float64, regions []string, model *decode.Model) {
	sec := d.Section("Performance at each time scale")
	scalesTable(sec, "Nested leave-one-session-out, pooled over held-out sessions", scales)
	for _, s := range scales {
		if s.Name == "bin" || s.Name == "session" {
			sec.Figure(report.Scatter("Predicted vs rated pain ("+s.Name+")", "rated pain", "predicted pain", s.Truth, s.Pred),
				fmt.Sprintf("Each point a %s of a held-out session; line: least squares with 95%% band.", s.Name))
		}
	}
	// The hyperparameter each outer fold chose by its inner leave-one-session-out.
	header, note := []string{"held-out session", "components"}, "The number of components chosen by inner leave-one-session-out (pooled r) on the other sessions."
	if model.Selection == decode.SelectDEIPP {
		header = append(header, "penalty")
		note = "DEIPP's parametrization: the lasso penalty (MATLAB lasso's scale, fixed on all sessions) chosen by inner leave-one-session-out, and the components it selects in the fold."
	}
	var folds [][]string
	for o, s := range res.Sessions {
		row := []string{s, strconv.Itoa(res.Components[o])}
		if res.Lambdas != nil {
			row = append(row, fmt.Sprintf("%.4g", res.Lambdas[o]))
		}
		folds = append(folds, row)
	}
	sec.Table(note, header, folds)
	// High vs low pain (median split of the bins' ratings): ROC of the held-out predictions.
	med := stats.Median(data.Y)
	high := make([]float64, len(data.Y))
	for i, v := range data.Y {
		if v > med {
			high[i] = 1
		}
	}
	sec.Figure(report.ROC("High vs low pain (bins, median split)", res.Predictions, high),
		"Receiver operating characteristic of the held-out bin predictions for ratings above the median.")
	// Time courses of the first two runs.
	fold := map[string]int{}
	for o, s := range res.Sessions {
		fold[s] = o
	}
	sec = d.Section("Predicted and rated pain over time")
	shown := 0
	for ri, r := range runs {
		f := data.Frames[ri]
		if shown == 2 || len(f.Index) < 10 {
			continue
		}
		pred, err := decode.FramePredictions(r.Series.SelectRows(f.Index), res.Weights[fold[r.Session]], res.Intercepts[fold[r.Session]])
		if err != nil {
			continue
		}
		sec.Figure(report.Lines(fmt.Sprintf("Session %s, run %s", r.Session, r.Run), "time (s)", "pain", f.Time, []string{"rated (lagged)", "predicted (frame-wise)"}, [][]float64{f.Rating, smooth(pred, 15)}),
			"The model trained without this session, applied frame by frame (15-frame moving average), against the rating the lag earlier.")
		shown++
	}
	// The final model's strongest edges.
	edges := connectome.Edges(len(regions), true)
	order := make([]int, len(model.Weights))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return math.Abs(model.Weights[order[a]]) > math.Abs(model.Weights[order[b]]) })
	var chord []report.Edge
	for _, k := range order[:min(40, len(order))] {
		chord = append(chord, report.Edge{A: edges[k].I, B: edges[k].J, Weight: model.Weights[k]})
	}
	d.Section("The final model's strongest edges").Figure(report.Chord("The 40 largest weights of the final model", regions, nil, chord),
		fmt.Sprintf("The model trained on all %d sessions (%d components); colour: sign, width: |weight|.", model.Sessions, model.Components))
	importanceFigure(d, regions, imp)
}

// smooth is a centred moving average over w frames.
func smooth(v []float64, w int) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		lo, hi := max(0, i-w/2), min(len(v), i+w/2+1)
		var s float64
		for _, x := range v[lo:hi] {
			s += x
		}
		out[i] = s / float64(hi-lo)
	}
	return out
}

func newDecodeCurveCmd() *cobra.Command {
	var df decodeFlags
	var out, reportFlag string
	var sizes []int
	var repeats int
	var seed uint64
	cmd := &cobra.Command{
		Use:     "curve FOLDER",
		Short:   "Learning curve: performance against the number of training sessions",
		Example: `  painmark decode curve p01/ --sizes 3,6,9,12 --repeats 100 -o curve.json`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, _, d, err := df.read(args[0])
			if err != nil {
				return err
			}
			curve, err := decode.LearningCurve(d, sizes, repeats, seed, df.model)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			var x, mid, lo, hi []float64
			for _, c := range curve {
				ci := stats.PercentileInterval(c.R)
				fmt.Fprintf(w, "%3d training sessions: r = %.3f (2.5-97.5%%: %.3f to %.3f, %d draws)\n", c.Sessions, c.MeanR, ci[0], ci[1], len(c.R))
				x, mid, lo, hi = append(x, float64(c.Sessions)), append(mid, c.MeanR), append(lo, ci[0]), append(hi, ci[1])
			}
			if err := writeJSON(out, map[string]any{"curve": curve, "repeats": repeats, "seed": seed, "prepare": df.o, "software_version": version.String()}); err != nil {
				return err
			}
			rep := newCommandReport("Decoding learning curve", args[0])
			rep.Seed = &seed
			rep.Numbers["sessions"], rep.Numbers["mean_r"], rep.Numbers["r_2.5"], rep.Numbers["r_97.5"] = x, mid, lo, hi
			rep.Section("Learning curve").Figure(report.Curve("Performance against training sessions", "training sessions", "r on a held-out session", x, mid, lo, hi, 0, ""),
				fmt.Sprintf("%d random draws of training sessions and a held-out session per size; band: 2.5-97.5 percentiles.", repeats))
			return writeReport(w, rep, reportPath(reportFlag, out))
		},
	}
	df.add(cmd)
	df.addModel(cmd)
	f := cmd.Flags()
	f.IntSliceVar(&sizes, "sizes", []int{3, 6, 9}, "numbers of training sessions")
	f.IntVar(&repeats, "repeats", 100, "random draws per size")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "out", "o", "curve.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	return cmd
}

func newDecodeApplyCmd() *cobra.Command {
	var tr float64
	var out string
	cmd := &cobra.Command{
		Use:   "apply MODEL FOLDER",
		Short: "Apply a trained decoder frame by frame to runs (rest runs included)",
		Long: `apply reads a decoder (model.json from decode train) and every run of a folder (ratings are
optional: rest runs have none), and writes the frame-wise predicted pain of each run after the
model's drop rule, censored frames left out, with the lagged rating where there is one. Apply a
person's model to another person's runs to test whether it generalizes.`,
		Example: `  painmark decode apply p01-decoder/model.json p01-rest/ -o rest_predictions.tsv`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, runs, err := readModelAndRuns(args[0], args[1], tr, false)
			if err != nil {
				return err
			}
			var ses, run []string
			var frame, tm, pred, rating []float64
			for _, r := range runs {
				o := m.Prepare
				lagged := true
				if len(r.Rating) < 2 { // a rest run: frames after the drop, uncensored
					r.RatingTime, r.Rating = []float64{-1e9, 1e9}, []float64{0, 0}
					lagged = false
				}
				f, err := decode.UsableFrames(r, o)
				if err != nil {
					return err
				}
				p, err := decode.FramePredictions(r.Series.SelectRows(f.Index), m.Weights, m.Intercept)
				if err != nil {
					return err
				}
				for i, t := range f.Index {
					ses, run = append(ses, r.Session), append(run, r.Run)
					frame, tm, pred = append(frame, float64(t)), append(tm, f.Time[i]), append(pred, p[i])
					if lagged {
						rating = append(rating, f.Rating[i])
					} else {
						rating = append(rating, math.NaN())
					}
				}
			}
			if err := table.Write(out, &table.Table{Columns: []*table.Column{table.TextColumn("session", ses), table.TextColumn("run", run),
				table.NumericColumn("frame", frame), table.NumericColumn("time", tm), table.NumericColumn("prediction", pred),
				table.NumericColumn("rating_lagged", rating)}}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d runs, %d frames predicted -> %s\n", len(runs), len(pred), out)
			return nil
		},
	}
	cmd.Flags().Float64Var(&tr, "tr", 0, "repetition time in seconds (default: each run's JSON sidecar)")
	cmd.Flags().StringVarP(&out, "out", "o", "predictions.tsv", "frame-wise predictions TSV")
	return cmd
}

// readModel reads a decoder written by decode train.
func readModel(path string) (*decode.Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m decode.Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Format != decode.ModelFormat {
		return nil, fmt.Errorf("%s: not a painmark decoder (format %q)", path, m.Format)
	}
	return &m, nil
}

// readModelAndRuns reads a decoder and a folder of runs, refusing runs whose regions are not the
// decoder's (names and order).
func readModelAndRuns(modelPath, folder string, tr float64, needRatings bool) (*decode.Model, []decode.Run, error) {
	m, err := readModel(modelPath)
	if err != nil {
		return nil, nil, err
	}
	runs, regions, err := decode.ReadRuns(folder, tr, needRatings)
	if err != nil {
		return nil, nil, err
	}
	if len(regions) != len(m.Regions) {
		return nil, nil, fmt.Errorf("%s: %d regions, the decoder has %d", folder, len(regions), len(m.Regions))
	}
	for i := range regions {
		if regions[i] != m.Regions[i] {
			return nil, nil, fmt.Errorf("%s: region %d is %q, the decoder's is %q", folder, i+1, regions[i], m.Regions[i])
		}
	}
	return m, runs, nil
}

func newDecodePrepareCmd() *cobra.Command {
	var df decodeFlags
	var out string
	cmd := &cobra.Command{
		Use:     "prepare FOLDER",
		Short:   "Prepare a participant's bins (lag, censoring, binned edge time series) for inspection or other tools",
		Example: `  painmark decode prepare p01/ -o p01-bins/`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			runs, regions, d, err := df.read(args[0])
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			runName := make([]string, len(d.Y))
			for i, r := range d.Run {
				runName[i] = runs[r].Run
			}
			if err := table.Write(filepath.Join(out, "bins.tsv"), &table.Table{Columns: []*table.Column{
				table.TextColumn("session", d.Session), table.TextColumn("run", runName), table.NumericColumn("rating", d.Y)}}); err != nil {
				return err
			}
			if err := npy.Write(filepath.Join(out, "features.npy"), []int{d.X.Rows, d.X.Cols}, d.X.Data, "<f8"); err != nil {
				return err
			}
			edges := connectome.Edges(len(regions), true)
			ri, rj := make([]string, len(edges)), make([]string, len(edges))
			for k, e := range edges {
				ri[k], rj[k] = regions[e.I], regions[e.J]
			}
			if err := table.Write(filepath.Join(out, "edges.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("region_i", ri), table.TextColumn("region_j", rj)}}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d runs -> %d bins x %d edges in %s (bins.tsv, features.npy, edges.tsv)\n", len(runs), d.X.Rows, d.X.Cols, out)
			return nil
		},
	}
	df.add(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}

func newDecodeEvaluateCmd() *cobra.Command {
	var tr float64
	var out, reportFlag string
	var boots int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "evaluate MODEL FOLDER",
		Short: "Evaluate a trained decoder on new sessions: r and AUC at every time scale, hierarchical bootstrap",
		Long: `evaluate applies a decoder from decode train to a folder of runs with ratings (new sessions of the
same person, or another person: a personalized model should not generalize) with the model's own
preparation, and reports r and median-split AUC at the bin, 1-minute, 2-minute, run and session
scales, with DEIPP's hierarchical bootstrap of the bin-level r and AUC.`,
		Example: `  painmark decode evaluate p01-decoder/model.json p01-new-sessions/ -o evaluation.json`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, runs, err := readModelAndRuns(args[0], args[1], tr, true)
			if err != nil {
				return err
			}
			d, err := decode.Prepare(runs, m.Prepare)
			if err != nil {
				return err
			}
			scales, pred, err := decode.EvaluateModel(d, m)
			if err != nil {
				return err
			}
			bs, err := decode.HierarchicalBootstrap(d, pred, boots, seed)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d runs, %d bins: bin-level r = %.3f (hierarchical bootstrap 95%% CI %.3f to %.3f, p = %.3g)\n", len(runs), d.X.Rows, scales[0].R, bs.RCI[0], bs.RCI[1], bs.PR)
			var rows []map[string]any
			for _, s := range scales {
				fmt.Fprintf(w, "  %-8s n = %5d  r = %.3f  AUC = %.3f\n", s.Name, s.N, s.R, s.AUC)
				rows = append(rows, map[string]any{"scale": s.Name, "n": s.N, "r": finiteOrNull(s.R), "auc": finiteOrNull(s.AUC)})
			}
			res := map[string]any{"scales": rows, "bootstrap": map[string]any{"n": boots, "r_ci95": bs.RCI, "p_r": bs.PR, "auc_ci95": bs.AUCCI, "p_auc": bs.PAUC},
				"bin_predictions": pred, "bin_ratings": d.Y, "seed": seed, "software_version": version.String()}
			if err := writeJSON(out, res); err != nil {
				return err
			}
			rep := newCommandReport("Decoder evaluation", args[0], args[1])
			rep.Seed = &seed
			delete(res, "software_version")
			rep.Numbers["results"] = res
			sec := rep.Section("Performance at each time scale")
			scalesTable(sec, "The decoder on these runs", scales)
			sec.Figure(report.Scatter("Predicted vs rated pain (bins)", "rated pain", "predicted pain", d.Y, pred), "Each point a bin; line: least squares with 95% band.")
			return writeReport(w, rep, reportPath(reportFlag, out))
		},
	}
	f := cmd.Flags()
	f.Float64Var(&tr, "tr", 0, "repetition time in seconds (default: each run's JSON sidecar)")
	f.IntVar(&boots, "bootstraps", 10000, "hierarchical bootstrap draws")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "out", "o", "evaluation.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	return cmd
}

func newDecodeImportanceCmd() *cobra.Command {
	var df decodeFlags
	var out, reportFlag string
	var perms int
	var seed uint64
	cmd := &cobra.Command{
		Use:     "importance FOLDER",
		Short:   "Region importance: the drop in nested leave-one-session-out r when a region's edges are permuted",
		Example: `  painmark decode importance p01/ --permutations 1000 -o importance.tsv`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, regions, d, err := df.read(args[0])
			if err != nil {
				return err
			}
			res, err := decode.NestedLOSO(d, df.model)
			if err != nil {
				return err
			}
			importance, err := decode.RegionImportance(d, res, perms, seed)
			if err != nil {
				return err
			}
			imp := importance.Mean
			if err := writeImportance(out, regions, importance); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "nested r = %.3f; importance of %d regions (%d permutations each) -> %s\n", res.R, len(regions), perms, out)
			rep := newCommandReport("Decoding region importance", args[0])
			rep.Seed = &seed
			rep.Numbers["regions"], rep.Numbers["r_drop"], rep.Numbers["nested_r"] = regions, imp, res.R
			importanceFigure(rep, regions, imp)
			return writeReport(w, rep, reportPath(reportFlag, out))
		},
	}
	df.add(cmd)
	df.addModel(cmd)
	f := cmd.Flags()
	f.IntVar(&perms, "permutations", 1000, "permutations per region")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "out", "o", "importance.tsv", "importance table")
	addReportFlag(cmd, &reportFlag)
	return cmd
}
