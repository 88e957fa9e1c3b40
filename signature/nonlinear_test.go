package signature

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
)

// nonlinearCohort is a cohort whose outcome depends nonlinearly on its first two features.
func nonlinearCohort(name string, seed uint64, n, p int) Cohort {
	rng := rand.New(rand.NewPCG(seed, 9))
	c := Cohort{Name: name, X: learn.Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}, Y: make([]float64, n)}
	for i := 0; i < n; i++ {
		c.Subjects = append(c.Subjects, fmt.Sprintf("%s-%02d", name, i+1))
		for j := 0; j < p; j++ {
			c.X.Data[i*p+j] = rng.NormFloat64()
		}
		c.Y[i] = math.Sin(1.5*c.X.Data[i*p]) + 0.5*c.X.Data[i*p+1]*c.X.Data[i*p+1] + 0.2*rng.NormFloat64()
	}
	return c
}

// The nonlinear baselines (RBF SVR, random forest) trained as signatures on one cohort, saved,
// read back and validated on another predict what scikit-learn's Pipeline(RobustScaler,
// SelectKBest(f_regression, k), SVR | RandomForestRegressor) fitted on the first cohort predicts
// for the second: the SVR (both run to convergence) to 1e-6, the forest (the same random_state
// grows the same trees, learn.RandomForest) to 1e-9; the validation's r is that of scikit-learn's
// predictions.
func TestLiveNonlinearSignaturesEqualScikitLearn(t *testing.T) {
	a, b := nonlinearCohort("a", 1, 50, 12), nonlinearCohort("b", 2, 25, 12)
	rows := func(m learn.Matrix) [][]float64 {
		out := make([][]float64, m.Rows)
		for i := range out {
			out[i] = m.Data[i*m.Cols : (i+1)*m.Cols]
		}
		return out
	}
	in := map[string]any{"x": rows(a.X), "y": a.Y, "x_new": rows(b.X), "k": 6, "c": 2.0, "epsilon": 0.1, "trees": 20, "seed": 3}
	var want struct {
		SVR    []float64 `json:"svr"`
		Forest []float64 `json:"forest"`
	}
	fixtures.RunPythonInline(t, `import json, sys
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.svm import SVR
from sklearn.ensemble import RandomForestRegressor
c = json.load(open(sys.argv[1]))
X, y, Xn = np.array(c["x"]), np.array(c["y"]), np.array(c["x_new"])
pipe = lambda m: make_pipeline(RobustScaler(), SelectKBest(f_regression, k=c["k"]), m).fit(X, y).predict(Xn).tolist()
json.dump({"svr": pipe(SVR(kernel="rbf", C=c["c"], epsilon=c["epsilon"], gamma="scale", tol=1e-12)),
           "forest": pipe(RandomForestRegressor(n_estimators=c["trees"], max_features="sqrt", random_state=c["seed"]))}, open(sys.argv[2], "w"))
`, in, &want)
	dir := t.TempDir()
	for _, c := range []struct {
		model string
		want  []float64
		tol   float64
	}{{"svr-rbf", want.SVR, 1e-6}, {"random-forest", want.Forest, 1e-9}} {
		m := learn.DefaultModelOptions()
		m.Model, m.K, m.C, m.Epsilon = c.model, []int{6}, 2, 0.1
		m.Forest.Trees, m.Forest.Seed, m.Forest.Tree.MaxFeatures = 20, 3, "sqrt"
		o := DefaultTrainOptions()
		if err := o.SetModel(m); err != nil {
			t.Fatal(err)
		}
		o.Name = c.model
		res, err := TrainCohort(a, o)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, c.model+".signature.json")
		if err := Write(path, res.Signature); err != nil {
			t.Fatal(err)
		}
		s, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		vo := DefaultValidateOptions()
		vo.Permutations, vo.Bootstraps = 0, 0
		v, err := Validate(s, []Cohort{b}, vo)
		if err != nil {
			t.Fatal(err)
		}
		got := v.Cohorts[0].Predictions
		var d float64
		for i := range got {
			d = math.Max(d, math.Abs(got[i]-c.want[i])/math.Max(1, math.Abs(c.want[i])))
		}
		if !(d <= c.tol) || math.Abs(v.Cohorts[0].R-stats.Pearson(c.want, b.Y)) > 1e-6 {
			t.Errorf("%s: predictions differ from scikit-learn's by %.3g; r %.6f, scikit-learn's %.6f", c.model, d, v.Cohorts[0].R, stats.Pearson(c.want, b.Y))
		}
		t.Logf("%s: validated r = %.3f on the second cohort, predictions within %.2g of scikit-learn's", c.model, v.Cohorts[0].R, d)
	}
}
