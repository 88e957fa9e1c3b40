package demo

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"time"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
)

// The RPN study's published numbers (Spisak et al. 2020; PAINTeR's res/bochum_sample_excl.csv).
const (
	PublishedLOOR    = 0.627 // leave-one-out r at K = 25, alpha = 0.005
	PublishedNestedR = 0.446 // nested leave-one-out r (an earlier scikit-learn and grid)
)

// PAINTeRGrid is the grid of the RPN study's search (negative MSE, leave-one-out).
var PAINTeRGrid = learn.Grid{
	K:       []int{20, 25, 30, 35, 40, 45, 50, 60, 70, 80},
	Alpha:   []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5},
	L1Ratio: []float64{0.999},
}

// StudyOptions size the resampling steps of the study.
type StudyOptions struct {
	Permutations, Bootstraps int
	CurveSizes               []int
	CurveRepeats             int
	Seed                     uint64
}

// DefaultStudy is what `painmark demo` runs: enough resamples for stable p-values in well under a
// minute on two cores.
var DefaultStudy = StudyOptions{Permutations: 1000, Bootstraps: 1000, CurveSizes: []int{10, 15, 20, 25, 30}, CurveRepeats: 50, Seed: 2020}

// StudyResult is the RPN study reproduced from the raw series.
type StudyResult struct {
	Signature *signature.Signature
	Report    *signature.TrainReport
	// LOOvsStored is the largest difference between painmark's leave-one-out predictions and the
	// published ones (the `prediction` column).
	LOOvsStored float64
	// StableEdges are the features whose bootstrap weight is FDR-significant (q < 0.05).
	StableEdges []int
	// FrequentEdges are the features selected in at least half of the bootstrap samples.
	FrequentEdges []int
	Q             []float64
	Seconds       map[string]float64
	Outputs       []string
}

// RunStudy reproduces the RPN study on the scrubbed series of the Bochum subjects: features
// (Ledoit-Wolf partial correlation of the z-scored series, lower triangle), the PAINTeR grid search
// under leave-one-out, nested leave-one-out, a refit permutation test, a bootstrap of the weights
// and a learning curve; it writes the signature and an HTML report into outDir.
func RunStudy(outDir string, series []signal.Matrix, pain, stored []float64, ids []string, o StudyOptions) (*StudyResult, error) {
	res := &StudyResult{Seconds: map[string]float64{}}
	start := time.Now()
	cohort, err := connectome.Cohort(series, connectome.CohortOptions{Measure: connectome.RPNMeasure, DiscardDiagonal: true, FeaturesOnly: true})
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	p := len(cohort.Features[0])
	x := learn.Matrix{Rows: len(series), Cols: p, Data: make([]float64, len(series)*p)}
	for i, f := range cohort.Features {
		copy(x.Data[i*p:], f)
	}
	res.Seconds["features"] = time.Since(start).Seconds()
	regions, err := signature.RPNRegions()
	if err != nil {
		return nil, err
	}
	start = time.Now()
	sig, rep, err := signature.Train(x, pain, signature.TrainOptions{
		Name: "RPN-demo", Cohort: "Bochum (Spisak et al. 2020), embedded", Regions: regions,
		Features: signature.FeatureDefinition{Kind: "partial correlation", Estimator: "ledoit_wolf", Scaling: "zscore",
			Vectorization: "nilearn sym_matrix_to_vec, discard_diagonal", Scrubbing: fmt.Sprintf("framewise displacement > %.2f mm", FDThreshold)},
		Target: signature.TargetRecipe{Description: "pain sensitivity (mean of standardized QST thresholds)"},
		Base:   learn.Pipeline{Scaler: "robust", Model: learn.ElasticNet{MaxIter: 100000, Tol: 1e-4}},
		Grid:   PAINTeRGrid, Scoring: learn.NegMSE, Solver: learn.SolverPath, CVName: "loo", Nested: true,
		Permutations: o.Permutations, Bootstraps: o.Bootstraps, Seed: o.Seed, CurveSizes: o.CurveSizes, CurveRepeats: o.CurveRepeats,
	})
	if err != nil {
		return nil, fmt.Errorf("training: %w", err)
	}
	res.Seconds["training"] = time.Since(start).Seconds()
	res.Signature, res.Report = sig, rep
	for i, v := range stored {
		res.LOOvsStored = math.Max(res.LOOvsStored, math.Abs(rep.CVPredictions[i]-v))
	}
	if rep.Bootstrap != nil {
		if res.Q, err = stats.FDR(rep.Bootstrap.P); err != nil {
			return nil, err
		}
		for j, q := range res.Q {
			if q < 0.05 {
				res.StableEdges = append(res.StableEdges, j)
			}
			if rep.Bootstrap.Frequency[j] >= 0.5 {
				res.FrequentEdges = append(res.FrequentEdges, j)
			}
		}
	}
	sigPath := filepath.Join(outDir, "rpn_signature.json")
	if err := signature.Write(sigPath, sig); err != nil {
		return nil, err
	}
	res.Outputs = append(res.Outputs, sigPath)
	reportPath := filepath.Join(outDir, "report.html")
	if err := writeStudyReport(reportPath, res, pain, ids, o); err != nil {
		return nil, err
	}
	res.Outputs = append(res.Outputs, reportPath, filepath.Join(outDir, "report.json"))
	return res, nil
}

// writeStudyReport writes the demo's page: the reproduction's scatter, the permutation null, the
// chord diagram of the stable edges and the learning curve, with the numbers next to the
// published ones.
func writeStudyReport(path string, res *StudyResult, pain []float64, ids []string, o StudyOptions) error {
	sig, rep := res.Signature, res.Report
	d := report.New("RPN study reproduced on the Bochum sample (Spisak et al. 2020)", "painmark demo")
	d.Seed = &o.Seed
	if err := addEmbeddedInputs(d); err != nil {
		return err
	}
	best := rep.Search.Candidates[rep.Search.Best]
	num := d.Numbers
	num["n_subjects"], num["n_features"] = len(pain), len(sig.Center)
	num["chosen_k"], num["chosen_alpha"], num["chosen_l1_ratio"] = best.K, best.Alpha, best.L1Ratio
	num["loo_r"], num["loo_mae"], num["loo_r2"] = rep.CV.R, rep.CV.MAE, rep.CV.R2
	num["loo_max_abs_diff_from_published_predictions"] = res.LOOvsStored
	num["published_loo_r"], num["published_nested_r"] = PublishedLOOR, PublishedNestedR
	num["cv_predictions"], num["target"], num["subjects"] = rep.CVPredictions, pain, ids

	s := d.Section("What was run")
	s.Text("The 35 Bochum subjects' regional time series (global signal + MIST-122, 200 frames) were scrubbed (framewise displacement > %.2f mm), z-scored and turned into %d partial correlations (Ledoit-Wolf); the RPN pipeline (RobustScaler → SelectKBest(f_regression) → ElasticNet) was searched over PAINTeR's grid of %d candidates under leave-one-out (negative MSE), then assessed by nested leave-one-out, %d refit permutations, %d bootstrap refits and a learning curve.",
		FDThreshold, len(sig.Center), len(rep.Search.Candidates), o.Permutations, o.Bootstraps)
	s.Facts(
		[2]string{"chosen hyperparameters", fmt.Sprintf("K = %d, alpha = %g, l1_ratio = %g (published: K = 25, alpha = 0.005)", best.K, best.Alpha, best.L1Ratio)},
		[2]string{"leave-one-out r", fmt.Sprintf("%.3f (published %.3f); predictions within %.1e of the published ones", rep.CV.R, PublishedLOOR, res.LOOvsStored)},
		[2]string{"leave-one-out MAE, R²", fmt.Sprintf("%.3f, %.3f (pooled predictions)", rep.CV.MAE, rep.CV.R2)},
	)

	s = d.Section("Cross-validated predictions")
	s.Figure(report.Scatter("Leave-one-out predictions", "observed pain sensitivity", "predicted pain sensitivity", pain, rep.CVPredictions),
		fmt.Sprintf("Each point is a subject predicted by the pipeline trained on the other 34 (K = %d, alpha = %g); line: least squares with 95%% confidence band.", best.K, best.Alpha))
	if rep.Nested != nil {
		num["nested_r"], num["nested_mae"], num["nested_predictions"] = rep.NestedCV.R, rep.NestedCV.MAE, rep.Nested.Predictions
		s.Figure(report.Scatter("Nested leave-one-out predictions", "observed pain sensitivity", "predicted pain sensitivity", pain, rep.Nested.Predictions),
			fmt.Sprintf("The grid search repeated inside each outer fold: the unbiased estimate, r = %.3f (published %.3f, from an earlier scikit-learn and grid).", rep.NestedCV.R, PublishedNestedR))
		counts := map[string]int{}
		for _, c := range rep.Nested.Chosen {
			counts[fmt.Sprintf("K = %d, alpha = %g", c.K, c.Alpha)]++
		}
		var rows [][]string
		for k, c := range counts {
			rows = append(rows, []string{k, fmt.Sprint(c)})
		}
		sort.Slice(rows, func(a, b int) bool { return counts[rows[a][0]] > counts[rows[b][0]] })
		s.Table("Hyperparameters chosen in the outer folds", []string{"candidate", "folds"}, rows)
	}

	if rep.Permutation != nil {
		null := make([]float64, len(rep.Permutation.Null))
		for i, m := range rep.Permutation.Null {
			null[i] = m.R
		}
		num["permutation_p_r"], num["permutation_p_mae"], num["permutation_null_r"] = rep.Permutation.P.R, rep.Permutation.P.MAE, null
		s = d.Section("Permutation test")
		s.Figure(report.Histogram("Null distribution of the leave-one-out r", "r (predicted, observed)", null, rep.Permutation.Observed.R, fmt.Sprintf("p = %.4f", rep.Permutation.P.R)),
			fmt.Sprintf("%d permutations of the outcome, each refitting the whole leave-one-out procedure at the chosen hyperparameters; p for r = %.4f, for MAE = %.4f.", o.Permutations, rep.Permutation.P.R, rep.Permutation.P.MAE))
	}

	if rep.Bootstrap != nil {
		s = d.Section("Stable edges")
		edges := connectome.Edges(len(sig.Regions), true)
		// Regions grouped by MIST module, as the RPN paper's figure groups them.
		mist, err := atlas.Builtin("mist122")
		if err != nil {
			return err
		}
		names := make([]string, len(sig.Regions))
		modules := make([]string, len(sig.Regions))
		for i, r := range sig.Regions {
			names[i], modules[i] = r.Name, r.System
			if i > 0 && i-1 < len(mist.Regions) && mist.Regions[i-1].Network != "" {
				modules[i] = mist.Regions[i-1].Network
			}
		}
		// Stable edges: FDR-significant bootstrap weights. On 35 subjects none may pass (7503
		// tests); the page then shows the signature's own non-zero edges, as the RPN paper's figure
		// does, with their bootstrap selection frequencies, and says so.
		shown, caption := res.StableEdges, fmt.Sprintf("Edges whose bootstrap weight is significant after FDR correction (q < 0.05, %d bootstrap refits); colour: sign of the mean weight, width: its size.", o.Bootstraps)
		weights := rep.Bootstrap.Mean
		if len(shown) < 3 {
			top := 0.0
			for _, f := range rep.Bootstrap.Frequency {
				top = math.Max(top, f)
			}
			shown, weights = nil, make([]float64, len(sig.Center))
			for k, j := range sig.Selected {
				if sig.Weights[k] != 0 {
					shown = append(shown, j)
					weights[j] = sig.Weights[k]
				}
			}
			caption = fmt.Sprintf("%d edges pass FDR (q < 0.05) with %d bootstrap refits, and no edge is selected in more than %.0f%% of the bootstrap samples: with 35 subjects the individual edges are not stable. Shown are the signature's %d non-zero edges with their weights (colour: sign, width: size), as the RPN paper shows them.",
				len(res.StableEdges), o.Bootstraps, 100*top, len(shown))
		}
		var chord []report.Edge
		var rows [][]string
		for _, j := range shown {
			e := edges[j]
			chord = append(chord, report.Edge{A: e.I, B: e.J, Weight: weights[j]})
			rows = append(rows, []string{names[e.I] + " – " + names[e.J], fmt.Sprintf("%.4f", rep.Bootstrap.Mean[j]), fmt.Sprintf("%.2f", rep.Bootstrap.Frequency[j]), fmt.Sprintf("%.2g", rep.Bootstrap.P[j]), fmt.Sprintf("%.2g", res.Q[j])})
		}
		num["stable_edges_fdr"], num["edges_selected_in_half_the_bootstraps"] = res.StableEdges, res.FrequentEdges
		s.Figure(report.Chord("Signature edges by MIST module", names, modules, chord), caption)
		s.Table("Edges shown", []string{"edge", "bootstrap mean weight", "selection frequency", "p", "q (FDR)"}, rows)
	}

	if len(rep.Curve) > 0 {
		var size, mid, lo, hi []float64
		for _, c := range rep.Curve {
			r := append([]float64(nil), c.R...)
			sort.Float64s(r)
			size = append(size, float64(c.TrainSize))
			mid = append(mid, c.MeanR)
			lo = append(lo, stats.Percentile(r, 2.5))
			hi = append(hi, stats.Percentile(r, 97.5))
		}
		num["curve_train_size"], num["curve_mean_r"], num["curve_r_2.5"], num["curve_r_97.5"] = size, mid, lo, hi
		s = d.Section("Learning curve")
		s.Figure(report.Curve("Performance against training size", "training subjects", "r on the held-out subjects", size, mid, lo, hi, rep.CV.R, fmt.Sprintf("leave-one-out r = %.3f", rep.CV.R)),
			fmt.Sprintf("%d random training subsets per size, tested on the remaining subjects; band: 2.5-97.5 percentiles.", o.CurveRepeats))
	}
	return d.Write(path)
}

// addEmbeddedInputs names the embedded files the study read, with checksums.
func addEmbeddedInputs(d *report.Document) error {
	for _, dir := range []string{"data/bochum", "data/bochum/regional_timeseries", "data/bochum/framewise_displacement"} {
		entries, err := dataFS.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			f, err := dataFS.Open(dir + "/" + e.Name())
			if err != nil {
				return err
			}
			err = d.AddInput("embedded:"+dir+"/"+e.Name(), f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}
