package signature

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/features"
)

// reversed is the cohort with its feature columns (names and values) in reverse order.
func reversed(c Cohort) Cohort {
	n := c.X.Cols
	cols := make([]int, n)
	names := make([]string, n)
	for k := range cols {
		cols[k] = n - 1 - k
		names[k] = c.Columns[n-1-k]
	}
	c.X, c.Columns = c.X.SelectColumns(cols), names
	return c
}

// Issue 21: a table with the signature's columns in another order predicts the same (by name, for a
// signature with names and for an imported one over edge columns); a dropped or renamed column is
// refused naming the missing feature, never predicted by position.
func TestApplyByFeatureName(t *testing.T) {
	rpn, c := bochumCohort(t)
	c.Columns = make([]string, c.X.Cols)
	for k := range c.Columns {
		c.Columns[k] = features.EdgeColumn(k)
	}
	named := *rpn
	named.FeatureNames = make([]string, len(c.Columns))
	for k := range named.FeatureNames {
		named.FeatureNames[k] = "f" + features.EdgeColumn(k)
	}
	fc := c
	fc.Columns = named.FeatureNames
	for _, tc := range []struct {
		s *Signature
		c Cohort
	}{{rpn, c}, {&named, fc}} {
		want, err := Apply(tc.s, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Apply(tc.s, reversed(tc.c))
		if err != nil {
			t.Fatal(err)
		}
		for i := range want.Predictions {
			if got.Predictions[i] != want.Predictions[i] {
				t.Fatalf("subject %d: %v with reordered columns, %v in order", i, got.Predictions[i], want.Predictions[i])
			}
		}
		v, err := EvaluateCohorts(tc.s, []Cohort{reversed(tc.c)}, EvalOptions{Standardize: StandardizeNone})
		if err != nil || v.Cohorts[0].Predictions[3] != want.Predictions[3] {
			t.Errorf("evaluation of the reordered table: %v", err)
		}
	}
	dropped := fc
	dropped.X, dropped.Columns = fc.X.SelectColumns(seq(fc.X.Cols)[1:]), fc.Columns[1:]
	if _, err := Apply(&named, dropped); err == nil || !strings.Contains(err.Error(), `"fe00000"`) {
		t.Errorf("dropped column: %v", err)
	}
	renamed := fc
	renamed.Columns = append([]string{"x"}, fc.Columns[1:]...)
	if _, err := Apply(&named, renamed); err == nil || !strings.Contains(err.Error(), `"fe00000"`) {
		t.Errorf("renamed column: %v", err)
	}
}

// restamp writes s with a valid checksum of its content (what an editor without a key can do), with
// extra raw JSON inserted after the opening brace.
func restamp(t *testing.T, s Signature, extra string) string {
	t.Helper()
	sum, err := checksum(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Checksum = sum
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sig.json")
	if err := os.WriteFile(path, []byte("{"+extra+string(b[1:])), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Issue 21: a re-stamped signature whose scaler_scale is 0 is refused on read (not ±Inf
// predictions), and content the checksum does not cover (an unknown field) is refused.
func TestReadRefusesZeroScaleAndUncoveredContent(t *testing.T) {
	rpn, _ := bochumCohort(t)
	if _, err := Read(restamp(t, *rpn, "")); err != nil {
		t.Fatalf("the signature as written: %v", err)
	}
	zero := *rpn
	zero.Scale = append([]float64(nil), rpn.Scale...)
	zero.Scale[5] = 0
	if _, err := Read(restamp(t, zero, "")); err == nil || !strings.Contains(err.Error(), "scaler_scale[5] = 0") {
		t.Errorf("scale 0: %v", err)
	}
	if _, err := Read(restamp(t, *rpn, `"weights_override": [1],`)); err == nil || !strings.Contains(err.Error(), "checksum does not cover") {
		t.Errorf("unknown field: %v", err)
	}
}

// Issue 21: a constant outcome is refused before training (it gave "r = -1.0000").
func TestTrainRefusesConstantOutcome(t *testing.T) {
	_, c := bochumCohort(t)
	c.Y = make([]float64, len(c.Y))
	if _, err := TrainCohort(c, DefaultTrainOptions()); err == nil || !strings.Contains(err.Error(), "constant") {
		t.Errorf("constant outcome: %v", err)
	}
}
