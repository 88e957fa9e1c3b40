package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/table"
)

// TestConstantFeaturesRefused: features all constant across the subjects (every model predicts
// the training mean; leave-one-out then gave "r = -1.0000") are refused by learn and signature
// train naming the file, and so are features varying in one subject only; a table where only some
// features are constant still trains (issue 21).
func TestConstantFeaturesRefused(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(9, 9))
	subj, y, noise := make([]string, 20), make([]float64, 20), make([]float64, 20)
	for i := range subj {
		subj[i], y[i], noise[i] = fmt.Sprintf("sub-%02d", i), rng.NormFloat64(), rng.NormFloat64()
	}
	parts := filepath.Join(dir, "participants.tsv")
	table.Write(parts, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", subj), table.NumericColumn("pain", y)}})
	write := func(name string, cols ...[]float64) string {
		tc := []*table.Column{table.TextColumn("subject", subj)}
		for j, c := range cols {
			tc = append(tc, table.NumericColumn(fmt.Sprintf("e%d", j), c))
		}
		path := filepath.Join(dir, name)
		table.Write(path, &table.Table{Columns: tc})
		return path
	}
	constant := func(v float64) []float64 {
		c := make([]float64, len(subj))
		for i := range c {
			c[i] = v
		}
		return c
	}
	all := write("constant.tsv", constant(1.5), constant(2), constant(-1))
	for _, args := range [][]string{
		{"learn", "cv", all, "--target", parts + ":pain", "--k", "2", "-o", filepath.Join(dir, "cv.json")},
		{"signature", "train", all, "--target", parts + ":pain", "--k", "2", "--report", "none", "-o", filepath.Join(dir, "sig.json")},
	} {
		stdout, stderr, code := runCLI(t, args...)
		if code != 1 || !strings.Contains(stderr, all+": every one of the 3 features is constant across the 20 subjects") || strings.Contains(stdout, "r = -1") {
			t.Errorf("%s %s on constant features: exit %d, %q %q", args[0], args[1], code, stdout, stderr)
		}
		if _, err := os.Stat(args[len(args)-1]); err == nil {
			t.Errorf("%s %s wrote %s", args[0], args[1], args[len(args)-1])
		}
	}
	// Features varying in the 5th subject only: its fold is constant, the others learn from it alone
	// (leave-one-out gave r = -0.999 on noise).
	one := func(v float64) []float64 { c := constant(v); c[4] = v + 1 + noise[0]; return c }
	single := write("single.tsv", one(1.5), one(2), constant(-1))
	for _, args := range [][]string{
		{"learn", "cv", single, "--target", parts + ":pain", "--k", "2", "-o", filepath.Join(dir, "cv1.json")},
		{"signature", "train", single, "--target", parts + ":pain", "--k", "2", "--report", "none", "-o", filepath.Join(dir, "sig1.json")},
	} {
		stdout, stderr, code := runCLI(t, args...)
		if code != 1 || !strings.Contains(stderr, single+": every one of the 3 features takes one value in all 20 subjects but the 5th (data row 5)") || strings.Contains(stdout, "r = ") {
			t.Errorf("%s %s on features varying in one subject: exit %d, %q %q", args[0], args[1], code, stdout, stderr)
		}
		if _, err := os.Stat(args[len(args)-1]); err == nil {
			t.Errorf("%s %s wrote %s", args[0], args[1], args[len(args)-1])
		}
	}
	some := write("some.tsv", constant(1.5), noise, constant(2))
	if _, stderr, code := runCLI(t, "learn", "cv", some, "--target", parts+":pain", "--k", "2", "-o", filepath.Join(dir, "cv2.json")); code != 0 {
		t.Errorf("one varying feature among constant ones: exit %d, %s", code, stderr)
	}
}
