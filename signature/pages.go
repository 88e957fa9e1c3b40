package signature

import (
	"cmp"
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// This file lays out the report pages of the signature workflow: the figures readers of the RPN
// and CSps papers expect, each with the numbers behind it in the page's JSON.

// edgeLabel names feature f of a signature as its two regions.
func (s *Signature) edgeLabel(edges []connectome.Edge, f int) string {
	if f < len(edges) && len(s.Regions) > 0 {
		e := edges[f]
		return s.Regions[e.I].Name + " – " + s.Regions[e.J].Name
	}
	return fmt.Sprintf("feature %d", f)
}

// regionGroups are the regions' names and their grouping for chord diagrams: the network where
// the regions carry one, else the built-in atlas's network of a region it knows by name (MIST-122's
// modules, as the connectome's heat map blocks them), else the system tag (one group when untagged).
func (s *Signature) regionGroups() ([]string, []string) {
	names, groups := make([]string, len(s.Regions)), make([]string, len(s.Regions))
	for i, r := range s.Regions {
		names[i] = r.Name
	}
	known, ok := atlas.KnownRegions(names)
	for i, r := range s.Regions {
		groups[i] = cmp.Or(r.Network, r.System)
		if r.Network == "" && ok[i] && known[i].Network != "" {
			groups[i] = known[i].Network
		}
	}
	return names, groups
}

// targetAxis names the trained target on figure axes: its description (e.g. "-z(heat pain
// threshold)"), else the standardization it was trained with.
func (s *Signature) targetAxis() string {
	if s.Target.Description != "" {
		return s.Target.Description
	}
	return fmt.Sprintf("target (%s)", s.Target.Standardization)
}

// AddTrainSections adds a training run's sections to a report: performance, the search, the
// cross-validated (and nested) predictions, the permutation null, the bootstrap's stable edges as
// a chord diagram, the learning curve and the nodal strengths.
func AddTrainSections(d *report.Document, s *Signature, rep *TrainReport) {
	num := d.Numbers
	best := rep.Search.Candidates[rep.Search.Best]
	num["chosen_k"], num["chosen_alpha"], num["chosen_l1_ratio"] = best.K, best.Alpha, best.L1Ratio
	num["cv_r"], num["cv_mae"], num["cv_r2"], num["cv_predictions"], num["target"] = rep.CV.R, rep.CV.MAE, rep.CV.R2, rep.CVPredictions, rep.Target
	sec := d.Section("Signature and cross-validated performance")
	facts := [][2]string{
		{"signature", s.Name},
		{"training cohort", fmt.Sprintf("%s, n = %d", cmp.Or(s.Training.Cohort, "unnamed (no --cohort given)"), s.Training.N)},
		{"target", fmt.Sprintf("%s (standardization: %s, sign flipped: %v)", s.Target.Description, s.Target.Standardization, s.Target.SignFlipped)},
		{"features", fmt.Sprintf("%d (%s, %s, %s)", s.Features.NumFeatures, s.Features.Kind, s.Features.Estimator, s.Features.Scaling)},
		{"chosen hyperparameters", fmt.Sprintf("K = %d, alpha = %g, l1_ratio = %g (best of %d candidates)", best.K, best.Alpha, best.L1Ratio, len(rep.Search.Candidates))},
		{"cross-validation " + s.Training.CVScheme, fmt.Sprintf("r = %.3f, MAE = %.3f, R² = %.3f (pooled out-of-fold predictions)", rep.CV.R, rep.CV.MAE, rep.CV.R2)},
	}
	if rep.Nested != nil {
		facts = append(facts, [2]string{"nested leave-one-out", fmt.Sprintf("r = %.3f, MAE = %.3f", rep.NestedCV.R, rep.NestedCV.MAE)})
	}
	if len(rep.Excluded) > 0 {
		facts = append(facts, [2]string{"outlier rule", s.Target.OutlierRule})
	}
	sec.Facts(facts...)
	order := make([]int, len(rep.Search.Candidates))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rep.Search.MeanScore[order[a]] > rep.Search.MeanScore[order[b]] })
	var rows [][]string
	for _, c := range order[:min(10, len(order))] {
		cd := rep.Search.Candidates[c]
		rows = append(rows, []string{fmt.Sprintf("K = %d, alpha = %g, l1_ratio = %g", cd.K, cd.Alpha, cd.L1Ratio), fmt.Sprintf("%.5g", rep.Search.MeanScore[c])})
	}
	sec.Table("Best candidates of the search (mean score, higher is better)", []string{"candidate", "score"}, rows)

	sec = d.Section("Cross-validated predictions")
	target := s.targetAxis()
	sec.Figure(report.Scatter("Out-of-fold predictions", target, "predicted "+target, rep.Target, rep.CVPredictions),
		fmt.Sprintf("Each subject predicted by the pipeline trained without it (%s, K = %d, alpha = %g); line: least squares with 95%% band.", s.Training.CVScheme, best.K, best.Alpha))
	if rep.Nested != nil {
		num["nested_r"], num["nested_predictions"] = rep.NestedCV.R, rep.Nested.Predictions
		sec.Figure(report.Scatter("Nested leave-one-out predictions", target, "predicted "+target, rep.Target, rep.Nested.Predictions),
			fmt.Sprintf("The search repeated inside every outer fold: the unbiased estimate, r = %.3f.", rep.NestedCV.R))
	}
	if rep.Permutation != nil {
		null := make([]float64, len(rep.Permutation.Null))
		for i, m := range rep.Permutation.Null {
			null[i] = m.R
		}
		num["permutation_p_r"], num["permutation_p_mae"], num["permutation_null_r"] = rep.Permutation.P.R, rep.Permutation.P.MAE, null
		sec = d.Section("Permutation test")
		if len(null) == 0 { // discarded (TrainOptions.DiscardNull)
			sec.Text("%d permutations of the target, counted as drawn (the null was not kept); p(r) = %.4g, p(MAE) = %.4g.", rep.Permutation.Options.N, rep.Permutation.P.R, rep.Permutation.P.MAE)
		} else {
			sec.Figure(report.Histogram("Null distribution of the cross-validated r", "r (predicted, "+target+")", null, rep.Permutation.Observed.R, fmt.Sprintf("p = %.4g", rep.Permutation.P.R)),
				fmt.Sprintf("%d permutations of the target, each refitting the whole cross-validation at the chosen hyperparameters; p(r) = %.4g, p(MAE) = %.4g.", len(null), rep.Permutation.P.R, rep.Permutation.P.MAE))
		}
	}
	if rep.Bootstrap != nil {
		addBootstrapSection(d, s, rep)
	}
	if len(rep.Curve) > 0 {
		var size, mid, lo, hi []float64
		for _, c := range rep.Curve {
			band := stats.PercentileInterval(c.R)
			size = append(size, float64(c.TrainSize))
			mid = append(mid, c.MeanR)
			lo = append(lo, band[0])
			hi = append(hi, band[1])
		}
		num["curve_train_size"], num["curve_mean_r"], num["curve_r_2.5"], num["curve_r_97.5"] = size, mid, lo, hi
		sec = d.Section("Learning curve")
		sec.Figure(report.Curve("Performance against training size", "training subjects", "r on the held-out subjects", size, mid, lo, hi, rep.CV.R, fmt.Sprintf("cross-validated r = %.3f", rep.CV.R)),
			fmt.Sprintf("%d random training subsets per size, tested on the remaining subjects; band: 2.5-97.5 percentiles.", rep.Curve[0].Repeats))
	}
	AddNodeSection(d, s)
}

// addBootstrapSection shows the stable edges: FDR-significant bootstrap weights, or when fewer
// than three pass, the model's own nonzero edges (the 30 of largest |weight| when more), said so
// in the figure's title and caption: an empty or all-q = 1 selection is never drawn as "stable".
func addBootstrapSection(d *report.Document, s *Signature, rep *TrainReport) {
	b := rep.Bootstrap
	stable, q, err := stableEdges(b)
	if err != nil {
		return
	}
	d.Numbers["bootstrap_fdr_edges"] = stable
	shown, weight := stable, b.Mean
	title := "Stable edges by network or system"
	caption := fmt.Sprintf("Edges whose bootstrap weight is significant after FDR correction (q < 0.05, %d bootstrap refits); colour: sign of the mean weight, width: its size.", b.Options.N)
	const most = 60
	if len(stable) > most {
		// A readable figure and table: the stable edges of largest |Z| (all of them are in the
		// page's JSON, bootstrap_fdr_edges).
		shown = append([]int(nil), stable...)
		sort.SliceStable(shown, func(x, y int) bool { return math.Abs(b.Z[shown[x]]) > math.Abs(b.Z[shown[y]]) })
		shown = shown[:most]
		sort.Ints(shown)
		caption += fmt.Sprintf(" Shown: the %d of the %d stable edges with the largest |Z|.", most, len(stable))
	}
	if len(stable) < 3 {
		weight = make([]float64, len(b.Mean))
		var nonzero []int
		for k, j := range s.Selected {
			if k < len(s.Weights) && s.Weights[k] != 0 && j < len(weight) {
				weight[j] = s.Weights[k]
				nonzero = append(nonzero, j)
			}
		}
		sort.SliceStable(nonzero, func(x, y int) bool { return math.Abs(weight[nonzero[x]]) > math.Abs(weight[nonzero[y]]) })
		shown = nonzero[:min(30, len(nonzero))]
		sort.Ints(shown)
		title = "The model's nonzero edges by network or system (no stable edges)"
		largest := ""
		if len(shown) < len(nonzero) {
			largest = ", the largest |weight|"
		}
		caption = fmt.Sprintf("%d edges pass FDR (q < 0.05) with %d bootstrap refits, so no stable edges are drawn; shown instead are the model's own nonzero edges (%d of %d%s; colour: sign of the weight, width: its size).",
			len(stable), b.Options.N, len(shown), len(nonzero), largest)
		d.Numbers["chord_model_edges"] = shown
	}
	edges := connectome.Edges(len(s.Regions), true)
	names, groups := s.regionGroups()
	var chord []report.Edge
	var rows [][]string
	for _, j := range shown {
		if j < len(edges) && len(s.Regions) > 0 {
			chord = append(chord, report.Edge{A: edges[j].I, B: edges[j].J, Weight: weight[j]})
		}
		rows = append(rows, []string{s.edgeLabel(edges, j), fmt.Sprintf("%.4g", b.Mean[j]), fmt.Sprintf("%.3g", b.Z[j]), fmt.Sprintf("%.2f", b.Frequency[j]), fmt.Sprintf("%.2g", b.P[j]), fmt.Sprintf("%.2g", q[j])})
	}
	sec := d.Section("Stable edges (bootstrap)")
	if w := sparseStableWarning(b, stable); w != "" {
		d.Numbers["bootstrap_stable_rarely_selected"] = w
		sec.Text("Warning: %s.", w)
	}
	if len(chord) > 0 {
		sec.Figure(report.Chord(title, names, groups, chord), caption)
	} else {
		sec.Text("%s", caption)
	}
	sec.Table("Edges shown", []string{"edge", "mean weight", "Z", "selection frequency", "p", "q (FDR)"}, rows)
}

// stableEdges are the features whose bootstrap weight passes FDR (Benjamini-Hochberg q < 0.05
// over every feature's p), with every feature's q.
func stableEdges(b *learn.BootstrapResult) (stable []int, q []float64, err error) {
	if q, err = stats.FDR(b.P); err != nil {
		return nil, nil, err
	}
	for j, v := range q {
		if v < 0.05 {
			stable = append(stable, j)
		}
	}
	return stable, q, nil
}

// sparseStableWarning says when edges called stable are selected in fewer than half of the
// bootstrap refits. CanlabCore's empirical p (the CSps paper's, stats.BootCanlab) counts only the
// draws where a weight is nonzero, so for a sparse model (ElasticNet, SelectKBest) an edge chosen
// in 5% of the refits, always with one sign, has the smallest possible p: "stable" then means
// "one sign whenever selected", not "reliably in the model". The numbers stay the peer's; the
// page says so, with the count, and how to get the zero-aware test (deipp or wald).
func sparseStableWarning(b *learn.BootstrapResult, stable []int) string {
	if b.Options.Convention != stats.BootCanlab || len(stable) == 0 {
		return ""
	}
	rare := 0
	for _, j := range stable {
		if b.Frequency[j] < 0.5 {
			rare++
		}
	}
	if rare == 0 {
		return ""
	}
	return fmt.Sprintf("%d of the %d edges called stable are selected in fewer than half of the %d bootstrap refits. "+
		"Their p is CanlabCore's empirical test (the CSps paper's), which counts only the refits where an edge has a nonzero weight: "+
		"for a sparse model it means \"the same sign whenever selected\", not \"reliably in the model\". "+
		"Read the selection frequency beside p, or rerun with --bootstrap-p deipp (a zero weight counts against the edge) or wald",
		rare, len(stable), b.Options.N)
}

// AddNodeSection adds the nodal predictive strengths (weights summed per region) as bars.
func AddNodeSection(d *report.Document, s *Signature) {
	nodes, err := s.NodalStrength()
	if err != nil || len(nodes) == 0 {
		return
	}
	labels, sums := make([]string, len(nodes)), make([]float64, len(nodes))
	for i, n := range nodes {
		labels[i], sums[i] = n.Region, n.Sum
	}
	d.Numbers["nodal_strength_regions"], d.Numbers["nodal_strength"] = labels, sums
	sec := d.Section("Nodal predictive strength")
	sec.Figure(report.Bars("Summed weights per region", "summed weight", labels, sums, 25),
		"The signature's weights summed over the edges of each region (the 25 largest in magnitude), as the RPN and CSps papers map them.")
	// The same strengths and the nonzero edges on the brain (and cord), as nilearn's plot_connectome.
	names, groups := s.regionGroups()
	strength := make([]float64, len(names))
	at := map[string]int{}
	for i, n := range names {
		at[n] = i
	}
	for _, n := range nodes {
		if i, ok := at[n.Region]; ok {
			strength[i] = n.Sum
		}
	}
	pairs := connectome.Edges(len(names), true)
	var edges []report.Edge
	for k, j := range s.Selected {
		if k < len(s.Weights) && s.Weights[k] != 0 && j < len(pairs) {
			edges = append(edges, report.Edge{A: pairs[j].I, B: pairs[j].J, Weight: s.Weights[k]})
		}
	}
	sec.RegionGlassBrain("Regional strength and nonzero edges", "summed weight", names, groups, strength, edges, 60,
		"Each region at its centroid (MNI ICBM152 glass brain; brainstem nuclei and the PAM50 cervical cord's horns below it), coloured and sized by its summed weight; lines: the signature's nonzero edges (the 60 largest |weight|), vermillion positive, blue negative.")
}

// AddEvaluationSection adds one cohort's validation: the scatter and the statistics.
func AddEvaluationSection(d *report.Document, name string, e *Evaluation) {
	sec := d.Section("Validation: " + name)
	sec.Facts([2]string{"subjects", fmt.Sprint(len(e.Outcome))},
		[2]string{"r", fmt.Sprintf("%.3f (permutation p = %.3g, 95%% bootstrap CI %.3f to %.3f)", e.R, e.PR, e.RCI[0], e.RCI[1])},
		[2]string{"MAE", fmt.Sprintf("%.3f (p = %.3g)", e.MAE, e.PMAE)},
		[2]string{"R², explained variance", fmt.Sprintf("%.3f, %.3f", e.R2, e.ExplainedVariance)})
	outcome := cmp.Or(e.OutcomeName, "outcome")
	switch e.Options.Standardize {
	case StandardizeTraining:
		outcome += " (z, training mean and SD)"
	case StandardizeWithin:
		outcome += " (z within cohort)"
	}
	sec.Figure(report.Scatter("Predictions in "+name, outcome, "signature response", e.Outcome, e.Predictions),
		"Each subject's prediction against the outcome; line: least squares with 95% band.")
}
