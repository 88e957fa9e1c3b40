package learn

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
)

// TestStoredModelSizesChecked: a saved random forest, SVR or Gaussian process whose internal sizes
// were edited (a tree node pointing back to the root, a split on a feature the model does not
// have, support vectors of another width, a Gaussian process claiming more training inputs than
// the budget allows) is refused by ReadSavedModel naming the part, instead of looping, indexing
// out of range or allocating the kernel (issue 21).
func TestStoredModelSizesChecked(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	rng := rand.New(rand.NewPCG(1, 1))
	n, p := 30, 6
	subj, names := make([]string, n), make([]string, p)
	data, y := make([]float64, n*p), make([]float64, n)
	for i := range subj {
		subj[i] = fmt.Sprintf("s%d", i)
		for j := 0; j < p; j++ {
			data[i*p+j] = rng.NormFloat64()
		}
		y[i] = data[i*p] + 0.3*rng.NormFloat64()
	}
	for j := range names {
		names[j] = fmt.Sprintf("f%d", j)
	}
	d, err := NewDataset(subj, names, data, y)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fit := func(name string, reg Regressor) (*SavedModel, string) {
		m, err := FitModel(d, Pipeline{Scaler: "robust", K: 4, Regressor: reg})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".json")
		if err := m.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadSavedModel(path); err != nil {
			t.Fatalf("%s as fitted does not read: %v", name, err)
		}
		return m, path
	}
	edit := func(m *SavedModel, path string, model any, change func()) error {
		if err := json.Unmarshal(m.Fitted.Model, model); err != nil {
			t.Fatal(err)
		}
		change()
		b, _ := json.Marshal(model)
		m.Fitted.Model = b
		if err := m.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		_, err := ReadSavedModel(path)
		return err
	}
	forest, path := fit("forest", RandomForest{Trees: 3, Seed: 1})
	var fm ForestModel
	if err := edit(forest, path, &fm, func() { fm.Trees[1].Nodes[0].Left = 0 }); err == nil || !strings.Contains(err.Error(), "tree 1: node 0: children 0") {
		t.Errorf("a tree node pointing to itself: %v", err)
	}
	forest, path = fit("forest2", RandomForest{Trees: 3, Seed: 1})
	if err := edit(forest, path, &fm, func() { fm.Trees[0].Nodes[0].Feature = 40 }); err == nil || !strings.Contains(err.Error(), "feature 40 (of 4)") {
		t.Errorf("a split on a feature the model lacks: %v", err)
	}
	svr, path := fit("svr", SVR{Kernel: "rbf", C: 1})
	var sm SVRModel
	if err := edit(svr, path, &sm, func() {
		sm.SupportVectors.Cols, sm.SupportVectors.Data = 5, append(sm.SupportVectors.Data, make([]float64, sm.SupportVectors.Rows)...)
	}); err == nil || !strings.Contains(err.Error(), "for 4 inputs") {
		t.Errorf("support vectors of another width: %v", err)
	}
	gp, path := fit("gp", GaussianProcess{Fixed: true})
	var raw struct {
		X     [][]float64
		Theta []float64
		Alpha []float64
	}
	t.Setenv(budget.EnvVar, "64KiB") // 30 training inputs: a 30 x 30 kernel of 16 bytes a cell fits, 100 do not
	if err := edit(gp, path, &raw, func() {
		for len(raw.X) < 100 {
			raw.X, raw.Alpha = append(raw.X, raw.X[0]), append(raw.Alpha, 0)
		}
	}); err == nil || !strings.Contains(err.Error(), "more than the budget") {
		t.Errorf("a Gaussian process over the budget: %v", err)
	}
}
