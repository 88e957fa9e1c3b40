package demo

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

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
	// Progress, if set, gives the progress callback of a named stage of the training
	// (signature.TrainOptions.Progress); nil is silent.
	Progress func(stage string) func(done, total int) `json:"-"`
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

// RunStudy reproduces the RPN study on the scrubbed series of the Bochum subjects (the search and the
// nested cross-validation solved as scikit-learn solves them, every candidate from zero at its
// default tolerance, so the nested predictions are scikit-learn's): features
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
		Grid:   PAINTeRGrid, Scoring: learn.NegMSE, Solver: learn.SolverExact, CVName: "loo", Nested: true,
		Permutations: o.Permutations, Bootstraps: o.Bootstraps, Seed: o.Seed, CurveSizes: o.CurveSizes, CurveRepeats: o.CurveRepeats,
		Progress: o.Progress,
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

// writeStudyReport writes the demo's page: what was run with the published numbers beside
// painmark's, then the training report of the signature workflow (scatter, null distribution,
// stable edges, learning curve, nodal strengths).
func writeStudyReport(path string, res *StudyResult, pain []float64, ids []string, o StudyOptions) error {
	sig, rep := res.Signature, res.Report
	d := report.New("RPN study reproduced on the Bochum sample (Spisak et al. 2020)", "painmark demo")
	d.Seed = &o.Seed
	if err := addEmbeddedInputs(d); err != nil {
		return err
	}
	best := rep.Search.Candidates[rep.Search.Best]
	num := d.Numbers
	num["subjects"] = ids
	num["loo_max_abs_diff_from_published_predictions"] = res.LOOvsStored
	num["published_loo_r"], num["published_nested_r"] = PublishedLOOR, PublishedNestedR
	s := d.Section("What was run")
	s.Text("The 35 Bochum subjects' regional time series (global signal + MIST-122, 200 frames) were scrubbed (framewise displacement > %.2f mm), z-scored and turned into %d partial correlations (Ledoit-Wolf); the RPN pipeline (RobustScaler → SelectKBest(f_regression) → ElasticNet) was searched over PAINTeR's grid of %d candidates under leave-one-out (negative MSE), then assessed by nested leave-one-out, %d refit permutations, %d bootstrap refits and a learning curve.",
		FDThreshold, len(sig.Center), len(rep.Search.Candidates), o.Permutations, o.Bootstraps)
	facts := [][2]string{
		{"chosen hyperparameters", fmt.Sprintf("K = %d, alpha = %g (published: K = 25, alpha = 0.005)", best.K, best.Alpha)},
		{"leave-one-out r", fmt.Sprintf("%.3f (published %.3f); predictions within %.1e of the published ones", rep.CV.R, PublishedLOOR, res.LOOvsStored)},
	}
	if rep.Nested != nil {
		facts = append(facts, [2]string{"nested leave-one-out r", fmt.Sprintf("%.3f (published %.3f, from an earlier scikit-learn and grid)", rep.NestedCV.R, PublishedNestedR)})
	}
	s.Facts(facts...)
	signature.AddTrainSections(d, sig, rep)
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
