package learn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Result files written before painmark's keys were snake_case still read: a saved model and a
// candidate with the old keys read as with the new ones.
func TestReadsOldKeys(t *testing.T) {
	m := SavedModel{Features: []string{"a", "b"}, Scaler: "robust", Center: []float64{1, 2}, Scale: []float64{1, 1}, Selected: []int{1}, SelectedNames: []string{"b"},
		Coef: []float64{0.5}, Intercept: 0.25, Pipeline: Pipeline{Scaler: "robust", K: 1, Model: ElasticNet{Alpha: 0.1, L1Ratio: 0.5, MaxIter: 7, Tol: 1e-3}}, SoftwareVersion: "v"}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.NewReplacer(`"selected_names"`, `"SelectedNames"`, `"software_version"`, `"SoftwareVersion"`, `"l1_ratio"`, `"L1Ratio"`, `"max_iter"`, `"MaxIter"`,
		`"pipeline"`, `"Pipeline"`, `"features"`, `"Features"`, `"coef"`, `"Coef"`).Replace(string(b))
	if old == string(b) || strings.Contains(old, "_") {
		t.Fatalf("not the old layout: %s", old)
	}
	path := filepath.Join(t.TempDir(), "model.json")
	os.WriteFile(path, []byte(old), 0o644)
	got, err := ReadSavedModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, m) {
		t.Errorf("old keys read as %+v, want %+v", *got, m)
	}
	var c Candidate
	if err := json.Unmarshal([]byte(`{"K": 5, "Alpha": 0.1, "L1Ratio": 0.5}`), &c); err != nil || c != (Candidate{K: 5, Alpha: 0.1, L1Ratio: 0.5}) {
		t.Errorf("old candidate: %+v %v", c, err)
	}
}
