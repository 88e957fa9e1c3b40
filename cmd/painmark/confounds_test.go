package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// signature validate --covariates tests a text characteristic (sex) by logistic regression and a
// continuous one (age) by the permutation correlation, FDR across them, with the −log10 p bars in
// the report; the library writes the same validation.json; a text column of three values is
// refused.
func TestSignatureValidateConfounders(t *testing.T) {
	feat, parts, _ := bochumFeatureTable(t)
	dir := filepath.Dir(feat)
	sig := filepath.Join(dir, "rpn.signature.json")
	if _, stderr, code := runCLI(t, "signature", "import-rpn", fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"), "-o", sig); code != 0 {
		t.Fatal(stderr)
	}
	pt, err := table.Read(parts, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := pt.Column("participant_id")
	sex, age := make([]string, len(ids.Raw)), make([]float64, len(ids.Raw))
	for i := range sex {
		sex[i], age[i] = []string{"F", "M"}[(i*7)%3%2], 20+float64((i*13)%40)
	}
	pt.Columns = append(pt.Columns, table.TextColumn("sex", sex), table.NumericColumn("age", age))
	chars := filepath.Join(dir, "characteristics.tsv")
	if err := table.Write(chars, pt); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "conf.json")
	stdout, stderr, code := runCLI(t, "signature", "validate", sig, feat, "--target", chars+":pain", "--covariates", "sex,age", "--permutations", "99", "--bootstraps", "0", "-o", out)
	if code != 0 || !strings.Contains(stdout, "predictions vs sex (logistic regression, log-odds of M") || !strings.Contains(stdout, "predictions vs age: r = ") {
		t.Fatalf("validate --covariates sex,age: %d %s %s", code, stdout, stderr)
	}
	if html, err := os.ReadFile(filepath.Join(dir, "conf.report.html")); err != nil || !bytes.Contains(html, []byte("Confounders: −log10 p")) {
		t.Errorf("the report has no −log10 p figure (%v)", err)
	}
	s, err := signature.Read(sig)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := signature.LoadCohort(feat, chars+":pain", "", s)
	if err != nil {
		t.Fatal(err)
	}
	o := signature.DefaultValidateOptions()
	o.Permutations, o.Bootstraps, o.Covariates = 99, 0, []string{"sex", "age"}
	pc, err := signature.ReadParticipantsColumn(chars+":pain", "covariates")
	if err != nil {
		t.Fatal(err)
	}
	o.CovariateTable = pc.Table
	c.Name = feat
	v, err := signature.Validate(s, []signature.Cohort{c}, o)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "lib.json")
	if err := v.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readBytes(t, out), readBytes(t, lib)) {
		t.Errorf("the CLI's validation.json differs from the library's")
	}
	// The sex test is the logistic regression of sex (M = 1) on the predictions.
	chk := v.Cohorts[0].Covariates[0]
	coded := make([]float64, len(c.Subjects))
	for i := range coded {
		if sex[i] == "M" { // the participants table lists the subjects in the feature table's order
			coded[i] = 1
		}
	}
	lr, err := stats.LogitWald(v.Cohorts[0].Predictions, coded)
	if err != nil || chk.Test != signature.TestLogistic || chk.P != lr.P || chk.LogOdds != lr.Slope || fmt.Sprint(chk.Levels) != "[F M]" {
		t.Errorf("sex: %+v, logistic regression %+v (%v)", chk, lr, err)
	}
	if _, stderr, code := runCLI(t, "signature", "validate", sig, feat, "--target", chars+":pain", "--covariates", "site", "--bootstraps", "0", "-o", filepath.Join(dir, "x.json")); code == 0 || !strings.Contains(stderr, "exactly two") {
		t.Errorf("a three-valued text characteristic: %d %s", code, stderr)
	}
}
