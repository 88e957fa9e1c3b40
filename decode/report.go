package decode

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// Print writes the training summary: sizes, the nested r with its bootstrap, every scale and the
// final model.
func (r *TrainResult) Print(w io.Writer) {
	d, n, bs := r.Data, r.Nested, r.Bootstrap
	fmt.Fprintf(w, "%d runs, %d sessions, %d bins x %d edges\n", len(r.Participant.Runs), len(n.Sessions), d.X.Rows, d.X.Cols)
	fmt.Fprintf(w, "nested leave-one-session-out: r = %.3f (hierarchical bootstrap 95%% CI %.3f to %.3f, p = %.3g; AUC CI %.3f to %.3f)\n", n.R, bs.RCI[0], bs.RCI[1], bs.PR, bs.AUCCI[0], bs.AUCCI[1])
	printScales(w, r.Scales)
	if r.Motion != nil {
		r.Motion.Print(w)
	}
	penalty := ""
	if r.Model.Selection == SelectDEIPP {
		penalty = fmt.Sprintf(" (DEIPP penalty %.4g)", r.Model.Lambda)
	}
	fmt.Fprintf(w, "final model on all %d sessions: %d components%s", r.Model.Sessions, r.Model.Components, penalty)
}

func printScales(w io.Writer, scales []Scale) {
	for _, s := range scales {
		fmt.Fprintf(w, "  %-8s n = %5d  r = %.3f  AUC = %.3f", s.Name, s.N, s.R, s.AUC)
		if b := s.Bootstrap; b != nil {
			fmt.Fprintf(w, "  (r CI %.3f to %.3f, p = %.3g; AUC CI %.3f to %.3f, p = %.3g)", b.RCI[0], b.RCI[1], b.PR, b.AUCCI[0], b.AUCCI[1], b.PAUC)
		}
		fmt.Fprintln(w)
	}
}

// scalesTable is the table of r and median-split AUC at every time scale, with their hierarchical
// bootstrap intervals and p-values.
func scalesTable(sec *report.Section, caption string, scales []Scale) {
	var rows [][]string
	for _, s := range scales {
		row := []string{s.Name, strconv.Itoa(s.N), fmt.Sprintf("%.3f", s.R), fmt.Sprintf("%.3f", s.AUC)}
		if b := s.Bootstrap; b != nil {
			row = append(row, fmt.Sprintf("%.3f to %.3f", b.RCI[0], b.RCI[1]), fmt.Sprintf("%.3g", b.PR), fmt.Sprintf("%.3f to %.3f", b.AUCCI[0], b.AUCCI[1]), fmt.Sprintf("%.3g", b.PAUC))
		} else {
			row = append(row, "", "", "", "")
		}
		rows = append(rows, row)
	}
	sec.Table(caption+"; intervals and p-values from the hierarchical bootstrap (sessions, runs within sessions, units within runs), DEIPP's percentile interval and two-sided p",
		[]string{"scale", "n", "r", "AUC (median split)", "r 95% CI", "p (r)", "AUC 95% CI", "p (AUC)"}, rows)
}

// importanceFigure is the bar chart of region importance.
func importanceFigure(d *report.Document, regions []string, imp []float64) {
	d.Section("Region importance").Figure(report.Bars("Mean drop in r when a region's edges are permuted", "drop in r", regions, imp, 25),
		"Each region's contribution to every bin's prediction permuted hierarchically across bins (sessions, runs within sessions, bins within runs), as DEIPP does; the 25 regions with the largest effect.")
}

// AddReport adds the decoding report: its numbers, the scales, predicted and rated pain over
// time, scatter at the bin and session scales, the final model's edges and region importance.
func (r *TrainResult) AddReport(doc *report.Document) {
	seed := r.Options.Seed
	doc.Seed = &seed
	sum := r.Summary()
	sum.Software = ""
	doc.Numbers["results"], doc.Numbers["importance"], doc.Numbers["regions"] = sum, r.Importance.Mean, r.Participant.Regions
	data, res, model, regions := r.Data, r.Nested, r.Model, r.Participant.Regions
	sec := doc.Section("Performance at each time scale")
	scalesTable(sec, "Nested leave-one-session-out, pooled over held-out sessions", r.Scales)
	for _, s := range r.Scales {
		if s.Name == "bin" || s.Name == "session" {
			sec.Figure(report.Scatter("Predicted vs rated pain ("+s.Name+")", "rated pain", "predicted pain", s.Truth, s.Pred),
				fmt.Sprintf("Each point a %s of a held-out session; line: least squares with 95%% band.", s.Name))
		}
	}
	// The hyperparameter each outer fold chose by its inner leave-one-session-out.
	header, note := []string{"held-out session", "components"}, "The number of components chosen by inner leave-one-session-out (pooled r) on the other sessions."
	if model.Selection == SelectDEIPP {
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
	sec = doc.Section("Predicted and rated pain over time")
	shown := 0
	for ri, run := range r.Participant.Runs {
		f := data.Frames[ri]
		if shown == 2 || len(f.Index) < 10 {
			continue
		}
		pred, err := FramePredictions(run.Series.SelectRows(f.Index), res.Weights[fold[run.Session]], res.Intercepts[fold[run.Session]])
		if err != nil {
			continue
		}
		sec.Figure(report.Lines(fmt.Sprintf("Session %s, run %s", run.Session, run.Run), "time (s)", "pain", f.Time, []string{"rated (lagged)", "predicted (frame-wise)"}, [][]float64{f.Rating, movingAverage(pred, 15)}),
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
	doc.Section("The final model's strongest edges").Figure(report.Chord("The 40 largest weights of the final model", regions, nil, chord),
		fmt.Sprintf("The model trained on all %d sessions (%d components); colour: sign, width: |weight|.", model.Sessions, model.Components))
	importanceFigure(doc, regions, r.Importance.Mean)
	if r.Networks != nil {
		r.Networks.addReport(doc)
	}
	if r.Motion != nil {
		r.Motion.AddReport(doc)
	}
}

// movingAverage is a centred moving average over w frames.
func movingAverage(v []float64, w int) []float64 {
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

// Print writes the evaluation summary.
func (r *EvaluateResult) Print(w io.Writer, runs int) {
	bs := r.Bootstrap
	fmt.Fprintf(w, "%d runs, %d bins: bin-level r = %.3f (hierarchical bootstrap 95%% CI %.3f to %.3f, p = %.3g)\n", runs, r.Data.X.Rows, r.Scales[0].R, bs.RCI[0], bs.RCI[1], bs.PR)
	printScales(w, r.Scales)
}

// AddReport adds the evaluation's numbers, scales and bin scatter.
func (r *EvaluateResult) AddReport(doc *report.Document) {
	seed := r.Options.Seed
	doc.Seed = &seed
	sum := r.Summary()
	sum.Software = ""
	doc.Numbers["results"] = sum
	sec := doc.Section("Performance at each time scale")
	scalesTable(sec, "The decoder on these runs", r.Scales)
	sec.Figure(report.Scatter("Predicted vs rated pain (bins)", "rated pain", "predicted pain", r.Data.Y, r.Predictions), "Each point a bin; line: least squares with 95% band.")
}

// AddReport adds the importance's numbers and figure.
func (r *ImportanceResult) AddReport(doc *report.Document) {
	seed := r.Options.Seed
	doc.Seed = &seed
	doc.Numbers["regions"], doc.Numbers["r_drop"], doc.Numbers["nested_r"] = r.Regions, r.Scores.Mean, r.Nested.R
	importanceFigure(doc, r.Regions, r.Scores.Mean)
}

// intervals are the curve's sizes, mean r and 2.5-97.5 percentiles of r.
func (r *CurveResult) intervals() (x, mid, lo, hi []float64) {
	for _, c := range r.Points {
		ci := stats.PercentileInterval(c.R)
		x, mid, lo, hi = append(x, float64(c.Sessions)), append(mid, c.MeanR), append(lo, ci[0]), append(hi, ci[1])
	}
	return x, mid, lo, hi
}

// Print writes one line per size.
func (r *CurveResult) Print(w io.Writer) {
	_, _, lo, hi := r.intervals()
	for i, c := range r.Points {
		fmt.Fprintf(w, "%3d training sessions: r = %.3f (2.5-97.5%%: %.3f to %.3f, %d draws)\n", c.Sessions, c.MeanR, lo[i], hi[i], len(c.R))
	}
}

// AddReport adds the learning curve's numbers and figure.
func (r *CurveResult) AddReport(doc *report.Document) {
	seed := r.Options.Seed
	doc.Seed = &seed
	x, mid, lo, hi := r.intervals()
	doc.Numbers["sessions"], doc.Numbers["mean_r"], doc.Numbers["r_2.5"], doc.Numbers["r_97.5"] = x, mid, lo, hi
	doc.Section("Learning curve").Figure(report.Curve("Performance against training sessions", "training sessions", "r on a held-out session", x, mid, lo, hi, 0, ""),
		fmt.Sprintf("%d random draws of training sessions and a held-out session per size; band: 2.5-97.5 percentiles.", r.Options.Repeats))
}

// TrainingRuns counts the runs (session and run) applied and those of the decoder's own training
// sessions: their predictions are in-sample, fitted values rather than a test of the decoder.
func (r *ApplyResult) TrainingRuns() (training, runs int) {
	seen := map[[2]string]bool{}
	for i := range r.Session {
		k := [2]string{r.Session[i], r.Run[i]}
		if !seen[k] {
			seen[k] = true
			if r.TrainingSession[i] == "yes" {
				training++
			}
		}
	}
	return training, len(seen)
}

// inSampleText says which of the applied runs were training sessions ("" when none).
func (r *ApplyResult) inSampleText() string {
	training, runs := r.TrainingRuns()
	if training == 0 {
		return ""
	}
	return fmt.Sprintf("%d of the %d runs are from the decoder's own training sessions: their predictions are fitted values, not a test of the decoder (column training_session)", training, runs)
}

// Print writes the numbers of runs and frames predicted, where (path), and the in-sample warning.
func (r *ApplyResult) Print(w io.Writer, path string) {
	fmt.Fprintf(w, "%d runs, %d frames predicted -> %s\n", r.Runs, len(r.Prediction), path)
	if s := r.inSampleText(); s != "" {
		fmt.Fprintf(w, "IN-SAMPLE: %s\n", s)
	}
}

// AddReport adds the application's section: runs and frames, the in-sample warning, and the
// frame-wise predictions against the lagged ratings where the runs have ratings.
func (r *ApplyResult) AddReport(d *report.Document) {
	training, runs := r.TrainingRuns()
	d.Numbers["runs"], d.Numbers["frames"], d.Numbers["training_session_runs"] = runs, len(r.Prediction), training
	sec := d.Section("Frame-wise predictions")
	if s := r.inSampleText(); s != "" {
		sec.Text("IN-SAMPLE: %s.", s)
	}
	sec.Facts([2]string{"runs", fmt.Sprint(runs)}, [2]string{"frames predicted", fmt.Sprint(len(r.Prediction))}, [2]string{"runs of training sessions", fmt.Sprint(training)})
	var x, y []float64
	for i, v := range r.RatingLagged {
		if !math.IsNaN(v) {
			x, y = append(x, v), append(y, r.Prediction[i])
		}
	}
	if len(x) > 2 {
		sec.Figure(report.Scatter("Prediction against rating", "rating (lagged)", "prediction", x, y), "Each frame of the rated runs: the decoder's prediction against the lagged rating; line: least squares with 95% band.")
	}
}
