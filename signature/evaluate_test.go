package signature

import (
	"math"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

// Evaluating the imported RPN on the Bochum sample: the metrics of its predictions, a permutation
// p-value and a bootstrap interval that do not depend on the number of workers, within-cohort
// standardization, and a refusal to standardize by a training SD the signature does not record.
func TestEvaluateRPNOnBochum(t *testing.T) {
	s, x, y, golden := rpnOnBochum(t)
	o := EvalOptions{Permutations: 999, Bootstraps: 500, Seed: 4}
	e, err := Evaluate(s, x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := golden.Floats("rpn_prediction")
	if r := stats.Pearson(stored, y); math.Abs(e.R-r) > 1e-12 {
		t.Errorf("r = %v, Pearson of the stored predictions %v", e.R, r)
	}
	if e.PR != 1.0/1000 || !(e.RCI[0] < e.R && e.R < e.RCI[1]) {
		t.Errorf("p(r) = %v, 95%% CI %v around r = %v", e.PR, e.RCI, e.R)
	}
	prev := runtime.GOMAXPROCS(1)
	one, _ := Evaluate(s, x, y, o)
	runtime.GOMAXPROCS(prev)
	if one.PMAE != e.PMAE || one.RCI != e.RCI || one.MAECI != e.MAECI {
		t.Error("permutation or bootstrap results depend on the number of workers")
	}
	w, err := Evaluate(s, x, y, EvalOptions{Standardize: StandardizeWithin})
	if err != nil {
		t.Fatal(err)
	}
	if m := stats.Mean(w.Outcome); math.Abs(m) > 1e-12 || math.Abs(w.R-e.R) > 1e-12 {
		t.Errorf("within-cohort z: mean %v, r %v (raw r %v)", m, w.R, e.R)
	}
	if _, err := Evaluate(s, x, y, EvalOptions{Standardize: StandardizeTraining}); err == nil || !strings.Contains(err.Error(), "training mean") {
		t.Errorf("training standardization without a recorded SD: %v", err)
	}
	t.Logf("RPN on its training sample: r = %.3f (p = %.3g, 95%% CI %.3f-%.3f), MAE %.3f, R² %.3f, explained variance %.3f", e.R, e.PR, e.RCI[0], e.RCI[1], e.MAE, e.R2, e.ExplainedVariance)
}

// MAE, R² and explained variance equal scikit-learn's mean_absolute_error, r2_score and
// explained_variance_score on the same predictions. Skipped unless PAINMARK_PYTHON is set.
func TestLiveEvaluateMetricsEqualSklearn(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	s, x, y, _ := rpnOnBochum(t)
	e, err := Evaluate(s, x, y, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	script := "from sklearn.metrics import mean_absolute_error as a, r2_score as b, explained_variance_score as c\n" +
		"y=" + fixtures.PyList(e.Outcome) + "\np=" + fixtures.PyList(e.Predictions) + "\nprint(repr(a(y,p)), repr(b(y,p)), repr(c(y,p)))"
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	for i, got := range []float64{e.MAE, e.R2, e.ExplainedVariance} {
		want, _ := strconv.ParseFloat(f[i], 64)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: %v, scikit-learn %v", []string{"MAE", "R²", "explained variance"}[i], got, want)
		}
	}
}

// Several cohorts at once: each cohort's evaluation, the size-weighted explained variance, and the
// pool of within-cohort z-scored outcomes (each part with mean 0 and SD 1).
func TestEvaluateCohorts(t *testing.T) {
	s, x, y, _ := rpnOnBochum(t)
	a, b := make([]int, 17), make([]int, 18)
	for i := range a {
		a[i] = i
	}
	for i := range b {
		b[i] = 17 + i
	}
	cohorts := []Cohort{{Name: "first", X: x.SelectRows(a), Y: y[:17]}, {Name: "second", X: x.SelectRows(b), Y: y[17:]}}
	me, err := EvaluateCohorts(s, cohorts, EvalOptions{Permutations: 99, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := (17*me.Cohorts[0].ExplainedVariance + 18*me.Cohorts[1].ExplainedVariance) / 35
	if math.Abs(me.WeightedExplainedVariance-want) > 1e-15 {
		t.Errorf("weighted explained variance %v, want %v", me.WeightedExplainedVariance, want)
	}
	p := me.Pooled
	for _, part := range [][]float64{p.Outcome[:17], p.Outcome[17:]} {
		m := stats.Mean(part)
		var ss float64
		for _, v := range part {
			ss += (v - m) * (v - m)
		}
		if math.Abs(m) > 1e-12 || math.Abs(math.Sqrt(ss/float64(len(part)-1))-1) > 1e-12 {
			t.Errorf("pooled part: mean %v, SD %v", m, math.Sqrt(ss/float64(len(part)-1)))
		}
	}
	if r := stats.Pearson(p.Predictions, p.Outcome); math.Abs(p.R-r) > 1e-15 || p.PR == 0 {
		t.Errorf("pooled r %v (Pearson %v), p %v", p.R, r, p.PR)
	}
}

// Covariate checks: a covariate built from the predictions is flagged, an independent one is not;
// missing values are left out; the FDR is over the covariates checked.
func TestCheckCovariates(t *testing.T) {
	s, x, y, _ := rpnOnBochum(t)
	pred, _ := s.Apply(x)
	confound, noise := make([]float64, len(pred)), make([]float64, len(pred))
	for i := range pred {
		confound[i] = pred[i] + 0.1*float64(i%3)
		noise[i] = math.Sin(float64(i) * 12.9898) // unrelated to the predictions
	}
	noise[4] = math.NaN()
	res, err := CheckCovariates(pred, []string{"confound", "noise", "pain"}, [][]float64{confound, noise, y}, 999, 3)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].P > 0.01 || res[1].P < 0.05 || res[1].N != len(pred)-1 || res[0].Q < res[0].P {
		t.Errorf("covariate checks %+v", res)
	}
	for _, c := range res {
		t.Logf("%s: r = %.3f, p = %.3g, q = %.3g (n = %d)", c.Name, c.R, c.P, c.Q, c.N)
	}
}
