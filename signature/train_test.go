package signature

import (
	"math"
	"testing"

	"github.com/painmark/painmark/internal/bochumdata"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
)

// Training on the Bochum sample with PAINTeR's grid reproduces the published RPN: the search picks
// K = 25, alpha = 0.005, the signature's weights are the published coefficients (rpn_model.json,
// through ImportRPN), its cross-validated r is that of the stored predictions (the published
// 0.627); with the CSps recipe (−z of the outcome) the trained
// signature validated "by training" on the same cohort matches its training target.
func TestTrainReproducesPublishedRPN(t *testing.T) {
	published, x, y, golden := rpnOnBochum(t)
	o := TrainOptions{Name: "RPN-retrained", Cohort: "Bochum",
		Base:    learn.Pipeline{Scaler: "robust", Model: learn.ElasticNet{MaxIter: 100000, Tol: 1e-4}},
		Grid:    learn.Grid{K: []int{20, 25, 30, 35, 40, 45, 50, 60, 70, 80}, Alpha: []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5}, L1Ratio: []float64{0.999}},
		Scoring: learn.NegMSE, Solver: learn.SolverExact, Splits: learn.LeaveOneOutSplits(x.Rows), CVName: "loo",
		Features: FeatureDefinition{Kind: "partial correlation", Estimator: "ledoit_wolf", Scaling: "zscore", Vectorization: "nilearn sym_matrix_to_vec, discard_diagonal"}}
	s, rep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	var d float64
	for i, w := range published.Weights {
		d = math.Max(d, math.Abs(s.Weights[i]-w))
	}
	d = math.Max(d, math.Abs(s.Intercept-published.Intercept))
	stored, _ := golden.Floats("stored_prediction")
	storedR := stats.Pearson(stored, y)
	if s.Training.Hyperparameters["k"] != 25 || s.Training.Hyperparameters["alpha"] != 0.005 || d > 1e-10 ||
		math.Abs(rep.CV.R-0.627) > 0.0005 || math.Abs(rep.CV.R-storedR) > 1e-6 {
		t.Errorf("trained: %v, weights differ from the published RPN by %.3g, CV r %.4f (stored predictions' r %.4f)", s.Training.Hyperparameters, d, rep.CV.R, storedR)
	}
	// The CSps recipe, validated on the training cohort by the training standardization: the
	// outcome the evaluation compares with is the training target.
	o.Target = TargetRecipe{Description: "−z(pain sensitivity)", ZScore: true, Flip: true}
	o.Grid = learn.Grid{K: []int{25}, Alpha: []float64{0.005}, L1Ratio: []float64{0.999}}
	s2, rep2, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Evaluate(s2, x, y, EvalOptions{Standardize: StandardizeTraining})
	if err != nil {
		t.Fatal(err)
	}
	for i := range e.Outcome {
		if math.Abs(e.Outcome[i]-rep2.Target[i]) > 1e-12 {
			t.Fatalf("subject %d: validation outcome %v, training target %v", i, e.Outcome[i], rep2.Target[i])
		}
	}
	if m, sd := stats.Mean(rep2.Target), s2.Target.SD; math.Abs(m) > 1e-12 || !(sd > 0) || !s2.Target.SignFlipped {
		t.Errorf("recipe: target mean %v, recorded SD %v, flipped %v", m, sd, s2.Target.SignFlipped)
	}
	t.Logf("retrained RPN: %v, weights within %.2g of the published ones, CV r = %.4f", s.Training.Hyperparameters, d, rep.CV.R)
}

// The outlier rule leaves out a planted extreme outcome before anything is fitted, records itself,
// and builds the folds on the subjects kept.
func TestTrainOutlierRule(t *testing.T) {
	x, y, _ := bochumdata.Data(t)
	y = append([]float64(nil), y...)
	y[7] = 40 // far beyond 3 SDs
	o := TrainOptions{Name: "rpn-outlier", Base: learn.Pipeline{Scaler: "robust", Model: learn.ElasticNet{MaxIter: 100000}},
		Grid: learn.Grid{K: []int{25}, Alpha: []float64{0.005}, L1Ratio: []float64{0.999}}, Scoring: learn.NegMSE, Solver: learn.SolverPath,
		CVName: "loo", Target: TargetRecipe{OutlierZ: 3}}
	s, rep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Excluded) != 1 || rep.Excluded[0] != 7 || s.Training.N != 34 || len(rep.CVPredictions) != 34 || s.Target.OutlierRule == "" {
		t.Errorf("excluded %v, n %d, %d CV predictions, rule %q", rep.Excluded, s.Training.N, len(rep.CVPredictions), s.Target.OutlierRule)
	}
	o.Splits = learn.LeaveOneOutSplits(x.Rows)
	if _, _, err := Train(x, y, o); err == nil {
		t.Error("folds of the full cohort accepted after the outlier rule left a subject out")
	}
}
