package signature

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/bochumdata"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/table"
)

// The imported RPN applied to the Bochum features gives the stored RPN predictions to 1e-12, and
// survives a write and read unchanged.
func TestImportedRPNReproducesStoredPredictions(t *testing.T) {
	s, x, _, golden := rpnOnBochum(t)
	pred, err := s.Apply(x)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := golden.Floats("rpn_prediction")
	var d float64
	for i := range want {
		d = math.Max(d, math.Abs(pred[i]-want[i]))
	}
	if d > 1e-12 {
		t.Errorf("imported RPN predictions differ from the stored ones by %.3g", d)
	}
	path := filepath.Join(t.TempDir(), "rpn.signature.json")
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.Apply(x)
	for i := range pred {
		if again[i] != pred[i] {
			t.Fatalf("subject %d: %v after a write and read, %v before", i, again[i], pred[i])
		}
	}
	if len(back.Regions) != 123 || back.Regions[0].Name != "GlobSig" {
		t.Errorf("regions: %d, first %q", len(back.Regions), back.Regions[0].Name)
	}
	t.Logf("imported RPN vs stored predictions: max |difference| %.2g", d)
}

// A signature trained by painmark, saved, loaded and applied predicts bit for bit as the fitted
// pipeline; a changed file and data of the wrong width are refused with clear errors.
func TestTrainedSignatureRoundTrip(t *testing.T) {
	x, y, _ := bochumdata.Data(t)
	f, err := learn.Pipeline{Scaler: "robust", K: 25, Model: learn.ElasticNet{Alpha: 0.005, L1Ratio: 0.999, MaxIter: 100000}}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	s := FromFit("bochum-rpn-retrained", f, FeatureDefinition{Kind: "partial correlation", Estimator: "ledoit_wolf", Scaling: "zscore",
		Vectorization: "nilearn sym_matrix_to_vec, discard_diagonal", NumFeatures: x.Cols})
	dir := t.TempDir()
	path := filepath.Join(dir, "sig.json")
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
	for i, v := range f.Predict(x) {
		if got[i] != v {
			t.Fatalf("subject %d: %v from the file, %v from the fitted pipeline", i, got[i], v)
		}
	}
	b, _ := os.ReadFile(path)
	tampered := filepath.Join(dir, "tampered.json")
	os.WriteFile(tampered, []byte(strings.Replace(string(b), `"intercept": `, `"intercept": 1`, 1)), 0o644)
	if _, err := Read(tampered); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("changed file: %v", err)
	}
	if _, err := back.Apply(learn.Matrix{Rows: 1, Cols: 10, Data: make([]float64, 10)}); err == nil || !strings.Contains(err.Error(), "7503") {
		t.Errorf("wrong width: %v", err)
	}
	newer := filepath.Join(dir, "newer.json")
	os.WriteFile(newer, []byte(strings.Replace(string(b), `"version": 1`, `"version": 9`, 1)), 0o644)
	if _, err := Read(newer); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("newer format: %v", err)
	}
}

// rpnOnBochum is the imported RPN with the Bochum features, pain sensitivity and golden table.
func rpnOnBochum(t *testing.T) (*Signature, learn.Matrix, []float64, *table.Table) {
	t.Helper()
	x, y, golden := bochumdata.Data(t)
	s, err := ImportRPN(fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s, x, y, golden
}

// A plain weight table of the published RPN's effective weights on raw features (weight/scale,
// intercept absorbing the centres) predicts as the RPN does; bad tables are refused.
func TestImportWeightsMatchesRPN(t *testing.T) {
	rpn, x, _, _ := rpnOnBochum(t)
	edges := connectome.Edges(len(rpn.Regions), true)
	var rows []EdgeWeight
	intercept := rpn.Intercept
	for k, f := range rpn.Selected {
		w := rpn.Weights[k] / rpn.Scale[f]
		intercept -= w * rpn.Center[f]
		e := edges[f]
		a, b := e.I, e.J
		if k%2 == 1 {
			a, b = b, a // either direction
		}
		rows = append(rows, EdgeWeight{I: a, J: b, Weight: w})
	}
	s, err := ImportWeights("RPN-raw", rpn.Regions, rpn.Features, rows, intercept, "test")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rpn.Apply(x)
	got, err := s.Apply(x)
	if err != nil {
		t.Fatal(err)
	}
	var d float64
	for i := range want {
		d = math.Max(d, math.Abs(got[i]-want[i]))
	}
	if d > 1e-12 {
		t.Errorf("predictions differ from the RPN's by %.3g", d)
	}
	if _, err := ImportWeights("x", rpn.Regions, rpn.Features, append(rows, rows[0]), 0, "test"); err == nil {
		t.Error("a repeated edge accepted")
	}
	if _, err := ImportWeights("x", rpn.Regions, rpn.Features, []EdgeWeight{{I: 0, J: 123, Weight: 1}}, 0, "test"); err == nil {
		t.Error("a region beyond the list accepted")
	}
	if _, err := RegionIndex(rpn.Regions, "L_IPlob"); err == nil || !strings.Contains(err.Error(), "not unique") {
		t.Errorf("an ambiguous name: %v", err)
	}
	if i, err := RegionIndex(rpn.Regions, "GlobSig"); i != 0 || err != nil {
		t.Errorf("GlobSig at %d: %v", i, err)
	}
}
