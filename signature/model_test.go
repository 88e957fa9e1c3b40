package signature

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/bochumdata"
	"github.com/painmark/painmark/learn"
)

// A signature trained with another estimator than the ElasticNet holds its fitted model: an RBF
// SVR signature written and read back applies exactly as the refitted pipeline predicts, records
// the SVR's named parameters, and the weight-based dissections refuse it naming the model; a ridge
// signature keeps its weights.
func TestTrainNonlinearSignature(t *testing.T) {
	x, y, _ := bochumdata.Data(t)
	o := TrainOptions{Name: "rpn-svr", Base: learn.Pipeline{Scaler: "robust", Regressor: learn.SVR{Kernel: "rbf"}},
		Grid: learn.Grid{K: []int{25}, Params: map[string][]float64{"C": {0.5, 2}}}, Scoring: learn.NegMSE, Solver: learn.SolverPath,
		Splits: learn.LeaveOneOutSplits(x.Rows), CVName: "loo", Features: FeatureDefinition{Kind: "partial correlation"}}
	s, rep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if s.Model == nil || s.Model.Type != "svr" || len(s.Weights) != 0 || s.Training.Hyperparameters["k"] != 25 {
		t.Fatalf("model %v, %d weights, hyperparameters %v", s.Model, len(s.Weights), s.Training.Hyperparameters)
	}
	path := filepath.Join(t.TempDir(), "svr.signature.json")
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Apply(x)
	if err != nil {
		t.Fatal(err)
	}
	if want := rep.Search.Refit.Predict(x); !reflect.DeepEqual(got, want) {
		t.Errorf("the read-back signature predicts %v, the refitted pipeline %v", got[:3], want[:3])
	}
	if _, err := back.NodalStrength(); err == nil || !strings.Contains(err.Error(), "svr") {
		t.Errorf("nodal strength of an SVR signature: %v", err)
	}
	if _, err := back.Restrict("x", func(Region) bool { return true }); err == nil {
		t.Error("restricting an SVR signature was not refused")
	}
	o.Base.Regressor, o.Grid.Params = learn.Ridge{}, map[string][]float64{"alpha": {10}}
	r, _, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Model == nil || r.Model.Type != "linear" || len(r.Weights) != 25 || r.Training.Hyperparameters["alpha"] != 10 {
		t.Errorf("ridge signature: model %v, %d weights, %v", r.Model, len(r.Weights), r.Training.Hyperparameters)
	}
}
