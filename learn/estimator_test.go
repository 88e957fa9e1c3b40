package learn

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// contractData is a small regression problem (30 samples, 12 features, 4 informative) and its
// binary version (above the median), for the estimator-contract tests.
func contractData() (Matrix, []float64, []float64) {
	rng := rand.New(rand.NewPCG(7, 11))
	n, p := 30, 12
	x := Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	y, yb := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		r := x.Data[i*p : (i+1)*p]
		y[i] = 1.5*r[0] - r[1] + 0.5*r[2] + 0.8*r[3] + 0.3*rng.NormFloat64()
		if y[i] > 0 {
			yb[i] = 1
		}
	}
	return x, y, yb
}

// TestEveryEstimatorInEveryWorkflow runs each estimator of the package as the last step of a
// pipeline through cross-validation, a grid over a named parameter, a fit stored and read back
// (identical predictions), a permutation test and the weight bootstrap (which refuses the
// nonlinear models, naming why).
func TestEveryEstimatorInEveryWorkflow(t *testing.T) {
	x, y, yb := contractData()
	cases := []struct {
		name   string
		est    Estimator
		param  string
		values []float64
		binary bool
		linear bool
	}{
		{"ridge", Ridge{Alpha: 1}, "alpha", []float64{0.1, 10}, false, true},
		{"svr-rbf", SVR{Kernel: "rbf", C: 1}, "C", []float64{0.5, 5}, false, false},
		{"svr-linear", SVR{Kernel: "linear", C: 1}, "epsilon", []float64{0, 0.2}, false, true},
		{"random-forest", RandomForest{Trees: 10, Seed: 3}, "max_depth", []float64{2, 0}, false, false},
		{"decision-tree", DecisionTree{Seed: 1}, "min_samples_leaf", []float64{1, 3}, false, false},
		{"pcr-lasso", PCRLasso{}, "select", []float64{1, 3}, false, true},
		{"logistic", LogisticRegression{C: 1}, "C", []float64{0.1, 1}, true, true},
		{"gaussian-process", GaussianProcess{Fixed: true}, "", nil, false, false},
		{"elasticnet", ElasticNet{Alpha: 0.05, L1Ratio: 0.5, MaxIter: 10000}, "alpha", []float64{0.01, 0.1}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := y
			if c.binary {
				target = yb
			}
			pl := Pipeline{Scaler: "standard", K: 5, Regressor: c.est}
			pred, err := CrossValPredict(pl, x, target, LeaveOneOutSplits(x.Rows))
			if err != nil {
				t.Fatal(err)
			}
			if r := PooledMetrics(pred, target).R; !(r > 0.25) {
				t.Errorf("leave-one-out r = %g on an easy problem", r)
			}
			g := Grid{K: []int{3, 5}}
			if c.param != "" {
				g.Params = map[string][]float64{c.param: c.values}
			}
			scoring := NegMSE
			if c.binary {
				scoring = PooledAUC
			}
			sr, err := Search(SolverExact, pl, g, scoring, x, target, LeaveOneOutSplits(x.Rows))
			if err != nil {
				t.Fatal(err)
			}
			if want := 2 * max(1, len(c.values)); len(sr.Candidates) != want || sr.Refit == nil {
				t.Fatalf("%d candidates (want %d), refit %v", len(sr.Candidates), want, sr.Refit != nil)
			}
			fit, err := pl.Fit(x, target)
			if err != nil {
				t.Fatal(err)
			}
			b, err := MarshalFitted(fit)
			if err != nil {
				t.Fatal(err)
			}
			back, err := UnmarshalFitted(b)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := back.Predict(x), fit.Predict(x); !reflect.DeepEqual(got, want) {
				t.Errorf("stored and read back, the model predicts differently: %v vs %v", got[:3], want[:3])
			}
			pt, err := PermutationTest(pl, x, target, PermutationOptions{N: 2, Seed: 1})
			if err != nil || len(pt.Null) != 2 {
				t.Fatalf("permutation test: %v", err)
			}
			bs, err := Bootstrap(pl, x, target, BootstrapOptions{N: 3, Seed: 1})
			if c.linear {
				if err != nil || len(bs.Mean) != x.Cols {
					t.Fatalf("bootstrap of a linear model: %v", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), "no feature weights") {
				t.Errorf("bootstrap of a nonlinear model: want a refusal naming the missing weights, got %v", err)
			}
		})
	}
}

// TestElasticNetAsEstimatorEqualsModel checks that the ElasticNet as a generic estimator
// (Regressor) gives the same numbers as the RPN pipeline's Model, in cross-validation and in the
// grid search (the generic exact search against the path solver's specialisation of it, the exact
// solver bit for bit).
func TestElasticNetAsEstimatorEqualsModel(t *testing.T) {
	x, y, _ := contractData()
	en := ElasticNet{Alpha: 0.05, L1Ratio: 0.7, MaxIter: 100000, Tol: 1e-12}
	fixed := Pipeline{Scaler: "robust", K: 6, Model: en}
	generic := Pipeline{Scaler: "robust", K: 6, Regressor: en}
	a, err := LeaveOneOut(fixed, x, y)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LeaveOneOut(generic, x, y)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("leave-one-out differs: %v vs %v", a[:3], b[:3])
	}
	g := Grid{K: []int{4, 6}, Alpha: []float64{0.01, 0.1}, L1Ratio: []float64{0.5, 0.9}}
	exact, err := Search(SolverExact, fixed, g, NegMSE, x, y, LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	named := Grid{K: g.K, Params: map[string][]float64{"alpha": g.Alpha, "l1_ratio": g.L1Ratio}}
	gen, err := Search(SolverExact, generic, named, NegMSE, x, y, LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(exact.MeanScore, gen.MeanScore) || exact.Best != gen.Best {
		t.Fatalf("named-parameter grid differs from the ElasticNet grid: %v vs %v", exact.MeanScore, gen.MeanScore)
	}
	path, err := Search(SolverPath, fixed, g, NegMSE, x, y, LeaveOneOutSplits(x.Rows))
	if err != nil {
		t.Fatal(err)
	}
	for c := range path.MeanScore {
		if math.Abs(path.MeanScore[c]-exact.MeanScore[c]) > 1e-6*math.Abs(exact.MeanScore[c]) {
			t.Errorf("candidate %d: path %g, exact %g", c, path.MeanScore[c], exact.MeanScore[c])
		}
	}
}

// TestGridNamedParameterOrder checks scikit-learn's ParameterGrid order (names sorted, the last
// varying fastest, fsel__k first) and the refusals of grids that do not fit the estimator.
func TestGridNamedParameterOrder(t *testing.T) {
	g := Grid{K: []int{5, 10}, Params: map[string][]float64{"gamma": {0.1, 1}, "C": {1, 10}}}
	var got []string
	for _, c := range g.Candidates() {
		cv, _ := c.Params.Get("C")
		gv, _ := c.Params.Get("gamma")
		got = append(got, fmt.Sprintf("%d %g %g", c.K, cv, gv))
	}
	want := []string{"5 1 0.1", "5 1 1", "5 10 0.1", "5 10 1", "10 1 0.1", "10 1 1", "10 10 0.1", "10 10 1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	x, y, _ := contractData()
	splits := LeaveOneOutSplits(x.Rows)
	if _, err := Search(SolverPath, Pipeline{Regressor: SVR{}}, Grid{K: []int{5}, Alpha: []float64{1}}, NegMSE, x, y, splits); err == nil || !strings.Contains(err.Error(), "Params") {
		t.Errorf("alpha grid for an SVR: %v", err)
	}
	if _, err := Search(SolverPath, Pipeline{Regressor: SVR{}}, Grid{K: []int{5}, Params: map[string][]float64{"depth": {1}}}, NegMSE, x, y, splits); err == nil || !strings.Contains(err.Error(), "depth") {
		t.Errorf("unknown parameter: %v", err)
	}
	if _, err := Search(SolverPath, Pipeline{Model: ElasticNet{}}, Grid{K: []int{5}}, NegMSE, x, y, splits); err == nil || !strings.Contains(err.Error(), "empty grid") {
		t.Errorf("ElasticNet grid without alpha: %v", err)
	}
}

// TestModelOptionsDefaults pins the library's defaults the CLI's flags are taken from.
func TestModelOptionsDefaults(t *testing.T) {
	o := DefaultModelOptions()
	pl, err := o.Pipeline()
	if err != nil {
		t.Fatal(err)
	}
	want := Pipeline{Scaler: "robust", K: 25, Model: ElasticNet{Alpha: 0.005, L1Ratio: 0.999, MaxIter: 100000, Tol: 1e-4}}
	if !reflect.DeepEqual(pl, want) {
		t.Errorf("default pipeline %+v, want %+v", pl, want)
	}
	o.Model = "svr-rbf"
	if pl, _ = o.Pipeline(); !reflect.DeepEqual(pl.Regressor, SVR{Kernel: "rbf", C: 1, Epsilon: 0.1}) {
		t.Errorf("svr-rbf: %+v", pl.Regressor)
	}
	o.Model = "forest"
	if _, err := o.Pipeline(); err == nil || !strings.Contains(err.Error(), "random-forest") {
		t.Errorf("unknown model: %v", err)
	}
	p, err := ParseParams([]string{"C=0.1,1", "gamma=2"})
	if err != nil || !reflect.DeepEqual(p, map[string][]float64{"C": {0.1, 1}, "gamma": {2}}) {
		t.Errorf("ParseParams: %v %v", p, err)
	}
	if _, err := ParseParams([]string{"C"}); err == nil {
		t.Error("ParseParams accepted C without values")
	}
}

// TestCandidateJSON checks that an ElasticNet candidate's JSON has no params key, that named
// parameters round-trip as an object, and that the keys are snake_case (the old CamelCase ones
// still read).
func TestCandidateJSON(t *testing.T) {
	b, _ := json.Marshal(Candidate{K: 25, Alpha: 0.005, L1Ratio: 0.999})
	if string(b) != `{"k":25,"alpha":0.005,"l1_ratio":0.999}` {
		t.Errorf("ElasticNet candidate: %s", b)
	}
	p, _ := ParamsOf(map[string]float64{"gamma": 0.1, "C": 10})
	b, _ = json.Marshal(Candidate{K: 5, Params: p})
	if string(b) != `{"k":5,"alpha":0,"l1_ratio":0,"params":{"C":10,"gamma":0.1}}` {
		t.Errorf("named candidate: %s", b)
	}
	var back Candidate
	if err := json.Unmarshal(b, &back); err != nil || back != (Candidate{K: 5, Params: p}) {
		t.Errorf("read back %+v, %v", back, err)
	}
	var old Candidate
	if err := json.Unmarshal([]byte(`{"K":5,"Alpha":0,"L1Ratio":0.5,"Params":{"C":10,"gamma":0.1}}`), &old); err != nil || old != (Candidate{K: 5, L1Ratio: 0.5, Params: p}) {
		t.Errorf("old keys read back %+v, %v", old, err)
	}
}
