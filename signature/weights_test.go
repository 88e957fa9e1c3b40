package signature

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/table"
)

// The weight table of the published RPN, read back as a plain weight table (import-weights) with
// RawIntercept, predicts the Bochum sample as the RPN does; its coefficients are the file's.
func TestWeightTableRoundTrip(t *testing.T) {
	rpn, x, _, _ := rpnOnBochum(t)
	path := filepath.Join(t.TempDir(), "weights.tsv")
	if err := rpn.WriteWeights(path); err != nil {
		t.Fatal(err)
	}
	tb, err := table.Read(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	coef, _ := tb.Floats("coefficient")
	if tb.NumRows() != len(rpn.Selected) || len(coef) != len(rpn.Weights) {
		t.Fatalf("%d rows for %d selected features", tb.NumRows(), len(rpn.Selected))
	}
	for k := range coef {
		if coef[k] != rpn.Weights[k] {
			t.Fatalf("row %d: coefficient %v, signature %v", k, coef[k], rpn.Weights[k])
		}
	}
	rows, err := EdgeWeightsFromTable(tb, rpn.Regions)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ImportWeights("RPN-raw", rpn.Regions, rpn.Features, rows, rpn.RawIntercept(), path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rpn.Apply(x)
	got, err := s.Apply(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("subject %d: the weight table predicts %v, the RPN %v", i, got[i], want[i])
		}
	}
}
