package learn

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/painmark/painmark/internal/bochumdata"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// bochumData returns the published RPN features of the 35 Bochum subjects and their pain
// sensitivity, in the order of res/bochum_sample_excl.csv.
func bochumData(t *testing.T) (Matrix, []float64, *table.Table) {
	return bochumdata.Data(t)
}

var rpnPipeline = Pipeline{Scaler: "robust", K: 25, Model: ElasticNet{Alpha: 0.005, L1Ratio: 0.999, MaxIter: 100000, Tol: 1e-4}}

// TestRefitReproducesPublishedRPN refits the published pipeline on the 35 subjects and compares
// every fitted parameter with the exported model (rpn_model.json, which scikit-learn's refit
// reproduces to 3e-16), and its predictions with the stored ones.
func TestRefitReproducesPublishedRPN(t *testing.T) {
	x, y, golden := bochumData(t)
	var model struct {
		Scaler struct{ Center, Scale []float64 }
		Fsel   struct {
			Scores   []float64
			Selected []int `json:"selected_indices"`
		}
		Model struct {
			Coef      []float64
			Intercept float64
			NIter     int `json:"n_iter"`
		}
	}
	b, err := os.ReadFile(fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &model); err != nil {
		t.Fatal(err)
	}
	f, err := rpnPipeline.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	worst := func(a, b []float64) float64 {
		var d float64
		for i := range a {
			d = math.Max(d, math.Abs(a[i]-b[i])/math.Max(1, math.Abs(b[i])))
		}
		return d
	}
	if d := worst(f.Scaling.Center, model.Scaler.Center); d > 1e-12 {
		t.Errorf("scaler centre differs by %.3g", d)
	}
	if d := worst(f.Scaling.Scale, model.Scaler.Scale); d > 1e-12 {
		t.Errorf("scaler scale differs by %.3g", d)
	}
	if d := worst(f.Scores, model.Fsel.Scores); d > 1e-9 {
		t.Errorf("F scores differ by %.3g", d)
	}
	for i, s := range model.Fsel.Selected {
		if f.Selected[i] != s {
			t.Fatalf("selected features %v, published %v", f.Selected, model.Fsel.Selected)
		}
	}
	if d := worst(f.Model.Coef, model.Model.Coef); d > 1e-10 {
		t.Errorf("coefficients differ by %.3g", d)
	}
	if d := math.Abs(f.Model.Intercept - model.Model.Intercept); d > 1e-10 {
		t.Errorf("intercept differs by %.3g", d)
	}
	if f.Model.NIter != model.Model.NIter {
		t.Errorf("%d coordinate-descent sweeps, scikit-learn %d", f.Model.NIter, model.Model.NIter)
	}
	want, _ := golden.Floats("rpn_prediction")
	if d := worst(f.Predict(x), want); d > 1e-10 {
		t.Errorf("predictions of the refitted model differ by %.3g", d)
	}
}

// TestLeaveOneOutReproducesPublishedPredictions: leave-one-out with the published hyperparameters
// gives the stored prediction column (r = 0.627) to 1e-6.
func TestLeaveOneOutReproducesPublishedPredictions(t *testing.T) {
	x, y, golden := bochumData(t)
	pred, err := LeaveOneOut(rpnPipeline, x, y)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := golden.Floats("stored_prediction")
	var d float64
	for i := range pred {
		d = math.Max(d, math.Abs(pred[i]-want[i]))
	}
	r := stats.Pearson(pred, y)
	if d > 1e-6 || math.Abs(r-0.627) > 0.0005 {
		t.Errorf("leave-one-out predictions differ by %.3g; r = %.4f (published 0.627)", d, r)
	}
	t.Logf("leave-one-out: max |difference| from the stored predictions %.2g, r = %.4f", d, r)
}

// PAINTeR's grid: K in 20..80, alpha in .001..0.5, l1_ratio .999, negative MSE, ElasticNet
// max_iter 100000.
var painterGrid = Grid{
	K:       []int{20, 25, 30, 35, 40, 45, 50, 60, 70, 80},
	Alpha:   []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5},
	L1Ratio: []float64{0.999},
}

// TestGridSearchPicksPublishedHyperparameters: leave-one-out grid search on the 35 subjects picks
// K = 25, alpha = 0.005, as published.
func TestGridSearchPicksPublishedHyperparameters(t *testing.T) {
	x, y, _ := bochumData(t)
	res, err := GridSearch(rpnPipeline, painterGrid, NegMSE, x, y, LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	best := res.Candidates[res.Best]
	if best.K != 25 || best.Alpha != 0.005 {
		t.Errorf("best candidate %+v, published K=25 alpha=0.005", best)
	}
	t.Logf("best %+v, mean neg-MSE %.6f over %d candidates", best, res.MeanScore[res.Best], len(res.Candidates))
}

// TestPathGridSearchAgreesWithExactSearch: the warm-started path search, solved to a tight duality
// gap, picks the published candidate too, and its fold-mean scores are those of the cold-started
// scikit-learn-order search run to the same tight tolerance.
func TestPathGridSearchAgreesWithExactSearch(t *testing.T) {
	x, y, _ := bochumData(t)
	tight := rpnPipeline
	tight.Model.Tol = 1e-10
	path, err := PathGridSearch(tight, painterGrid, NegMSE, x, y, LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	exact, err := GridSearch(tight, painterGrid, NegMSE, x, y, LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	var d float64
	for c := range path.MeanScore {
		d = math.Max(d, math.Abs(path.MeanScore[c]-exact.MeanScore[c])/math.Max(1, math.Abs(exact.MeanScore[c])))
	}
	for i, w := range exact.Refit.Model.Coef {
		d = math.Max(d, math.Abs(path.Refit.Model.Coef[i]-w))
	}
	d = math.Max(d, math.Abs(path.Refit.Model.Intercept-exact.Refit.Model.Intercept))
	best := path.Candidates[path.Best]
	if best.K != 25 || best.Alpha != 0.005 || path.Best != exact.Best || d > 1e-6 || path.NotConverged != 0 {
		t.Errorf("path search: best %+v (exact: %+v), scores and refitted coefficients differ by %.3g, %d fits not converged", best, exact.Candidates[exact.Best], d, path.NotConverged)
	}
	t.Logf("path vs exact search at tol 1e-10: best %+v, fold-mean scores and refitted model differ by %.2g", best, d)
}

// A pooled objective scores each candidate once on its leave-one-out predictions: the search's
// scores equal the Pearson r of LeaveOneOut's predictions for every candidate, in both solvers.
func TestPooledObjective(t *testing.T) {
	x, y, _ := bochumData(t)
	tight := rpnPipeline
	tight.Model.Tol = 1e-10
	g := Grid{K: []int{20, 25}, Alpha: []float64{0.005, 0.05}, L1Ratio: []float64{0.999}}
	for _, solver := range []Solver{SolverPath, SolverExact} {
		res, err := Search(solver, tight, g, PooledR, x, y, LeaveOneOutSplits(x.Rows))
		if err != nil {
			t.Fatal(err)
		}
		for c, cd := range res.Candidates {
			pl := tight
			pl.K, pl.Model.Alpha = cd.K, cd.Alpha
			pred, err := LeaveOneOut(pl, x, y)
			if err != nil {
				t.Fatal(err)
			}
			if r := stats.Pearson(pred, y); math.Abs(r-res.MeanScore[c]) > 1e-6 {
				t.Errorf("%s: candidate %+v pooled r %v, LeaveOneOut's %v", solver, cd, res.MeanScore[c], r)
			}
		}
		if res.FoldScores != nil {
			t.Errorf("%s: per-fold scores reported for a pooled objective", solver)
		}
	}
}
