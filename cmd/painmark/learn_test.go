package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/bochumdata"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// bochumFeatureTable writes the published RPN features as a feature table (subject, features) and a
// participants table with the pain-sensitivity target, as a user would bring them.
func bochumFeatureTable(t *testing.T) (string, string, []float64) {
	ft, golden := bochumdata.Tables(t)
	ids, _ := golden.Column("ID")
	y, _ := golden.Floats("mean_QST_pain_sensitivity")
	subj := make([]string, len(ids.Raw))
	for i, v := range ids.Raw {
		subj[i] = "sub-" + v
	}
	cols := []*table.Column{table.TextColumn("subject", subj)}
	for j, c := range ft.Columns {
		nc := table.NumericColumn(fmt.Sprintf("e%05d", j), c.Values)
		nc.Raw = c.Raw // keep the published digits exactly
		cols = append(cols, nc)
	}
	dir := t.TempDir()
	feat := filepath.Join(dir, "features.tsv")
	if err := table.Write(feat, &table.Table{Columns: cols}); err != nil {
		t.Fatal(err)
	}
	parts := filepath.Join(dir, "participants.tsv")
	site := make([]string, len(subj)) // a made-up acquisition site, for group-wise folds
	for i := range site {
		site[i] = fmt.Sprintf("site-%d", i%3)
	}
	table.Write(parts, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", subj), table.NumericColumn("pain", y), table.TextColumn("site", site)}})
	pred, _ := golden.Floats("rpn_prediction")
	loo, _ := golden.Floats("stored_prediction")
	storedR = stats.Pearson(loo, y)
	return feat, parts, pred
}

// storedR is the r of PAINTeR's stored leave-one-out predictions (set by bochumFeatureTable).
var storedR float64

func TestLearnCommandsOnBochum(t *testing.T) {
	feat, parts, rpnPred := bochumFeatureTable(t)
	dir := t.TempDir()
	out, stderr, code := runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "-o", filepath.Join(dir, "cv.json"))
	if code != 0 || !strings.Contains(out, fmt.Sprintf("r = %.4f", storedR)) {
		t.Fatalf("cv: %d %s %s", code, out, stderr)
	}
	model := filepath.Join(dir, "model.json")
	if _, stderr, code := runCLI(t, "learn", "fit", feat, "--target", parts+":pain", "-o", model); code != 0 {
		t.Fatal(stderr)
	}
	predPath := filepath.Join(dir, "pred.tsv")
	if _, stderr, code := runCLI(t, "learn", "predict", model, feat, "-o", predPath); code != 0 {
		t.Fatal(stderr)
	}
	pt, _ := table.Read(predPath, nil)
	got, _ := pt.Floats("prediction")
	for i := range got {
		if math.Abs(got[i]-rpnPred[i]) > 1e-10 {
			t.Fatalf("subject %d: %v, published model %v", i, got[i], rpnPred[i])
		}
	}
	out, stderr, code = runCLI(t, "learn", "search", feat, "--target", parts+":pain", "--k", "20,25,30", "--alpha", "0.001,0.005,0.01", "-o", filepath.Join(dir, "search.json"))
	if code != 0 || !strings.Contains(out, "K=25 alpha=0.005") {
		t.Errorf("search: %d %s %s", code, out, stderr)
	}
	var res map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "search.json"))
	if json.Unmarshal(b, &res) != nil || len(res["candidates"].([]any)) != 9 {
		t.Errorf("search JSON: %v", res["candidates"])
	}
	out, stderr, code = runCLI(t, "learn", "search", feat, "--target", parts+":pain", "--k", "20,25,30", "--alpha", "0.001,0.005,0.01", "--solver", "exact", "-o", filepath.Join(dir, "search-exact.json"))
	if code != 0 || !strings.Contains(out, "K=25 alpha=0.005") {
		t.Errorf("search --solver exact: %d %s %s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "learn", "permute", feat, "--target", parts+":pain", "--n", "20", "--seed", "3", "-o", filepath.Join(dir, "perm.json"))
	if code != 0 || !strings.Contains(out, fmt.Sprintf("r = %.4f", storedR)) || !strings.Contains(out, "20 permutations (refit)") {
		t.Errorf("permute: %d %s %s", code, out, stderr)
	}
	bootPath := filepath.Join(dir, "boot.tsv")
	out, stderr, code = runCLI(t, "learn", "bootstrap", feat, "--target", parts+":pain", "--n", "10", "--seed", "3", "-o", bootPath)
	bt, err := table.Read(bootPath, nil)
	if code != 0 || err != nil {
		t.Errorf("bootstrap: %d %s %s %v", code, out, stderr, err)
	} else if freq, err := bt.Floats("selection_frequency"); err != nil || len(freq) != 7503 {
		t.Errorf("bootstrap table: %d rows, %v", len(freq), err)
	}
	if _, stderr, code := runCLI(t, "learn", "permute", feat, "--target", parts+":pain", "--p-convention", "nope", "-o", filepath.Join(dir, "p.json")); code == 0 || !strings.Contains(stderr, "nope") {
		t.Errorf("unknown p convention: %d %s", code, stderr)
	}
	out, stderr, code = runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--cv", "logo", "--groups", parts+":site", "-o", filepath.Join(dir, "cv-logo.json"))
	if code != 0 || !strings.Contains(out, "logo (3 folds)") {
		t.Errorf("cv --cv logo: %d %s %s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "learn", "search", feat, "--target", parts+":pain", "--k", "20,25", "--alpha", "0.005,0.01", "--cv", "shuffled:5:0", "-o", filepath.Join(dir, "search-kfold.json"))
	if code != 0 || !strings.Contains(out, "best of 4 candidates") {
		t.Errorf("search --cv shuffled:5:0: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--cv", "logo", "-o", filepath.Join(dir, "z.json")); code == 0 || !strings.Contains(stderr, "group label") {
		t.Errorf("logo without --groups: %d %s", code, stderr)
	}
	out, stderr, code = runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--model", "svr-rbf", "--C", "1", "--cv", "kfold:5", "-o", filepath.Join(dir, "cv-svr.json"))
	if code != 0 || !strings.Contains(out, "kfold:5 (5 folds)") {
		t.Errorf("cv --model svr-rbf: %d %s %s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--model", "random-forest", "--trees", "20", "--max-features", "sqrt", "--cv", "kfold:5", "-o", filepath.Join(dir, "cv-rf.json"))
	if code != 0 || !strings.Contains(out, "kfold:5 (5 folds)") {
		t.Errorf("cv --model random-forest: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--model", "random-forest", "--max-features", "lots", "-o", filepath.Join(dir, "z3.json")); code == 0 || !strings.Contains(stderr, "lots") {
		t.Errorf("bad --max-features: %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--model", "forest", "-o", filepath.Join(dir, "z2.json")); code != 2 || !strings.Contains(stderr, "forest") {
		t.Errorf("unknown model: %d %s", code, stderr)
	}
	// A feature table whose columns differ from the model's is refused.
	short := filepath.Join(dir, "short.tsv")
	os.WriteFile(short, []byte("subject\te00000\nsub-1\t0.1\n"), 0o644)
	if _, stderr, code := runCLI(t, "learn", "predict", model, short, "-o", filepath.Join(dir, "x.tsv")); code == 0 || !strings.Contains(stderr, "differ") {
		t.Errorf("mismatched features: %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "learn", "cv", feat, "-o", filepath.Join(dir, "y.json")); code != 2 || !strings.Contains(stderr, "--target") {
		t.Errorf("missing target: %d %s", code, stderr)
	}
}

// TestLearnCLIEqualsLibrary checks that painmark learn cv writes the bytes the library workflow
// writes (learn.CrossValidate with DefaultModelOptions), and that a nonlinear model is fitted,
// saved and applied by learn fit/predict as the library's fitted pipeline predicts, while learn
// bootstrap refuses it naming the missing weights.
func TestLearnCLIEqualsLibrary(t *testing.T) {
	feat, parts, _ := bochumFeatureTable(t)
	dir := t.TempDir()
	cliPath, libPath := filepath.Join(dir, "cli.json"), filepath.Join(dir, "lib.json")
	if _, stderr, code := runCLI(t, "learn", "cv", feat, "--target", parts+":pain", "--cv", "kfold:5", "-o", cliPath); code != 0 {
		t.Fatal(stderr)
	}
	tb, y, err := features.Load(feat, features.LoadOptions{Target: parts + ":pain"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := learn.NewDataset(tb.Subjects, tb.Columns, tb.Data, y)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := learn.DefaultModelOptions().Pipeline()
	if err != nil {
		t.Fatal(err)
	}
	splits, err := learn.ParseCV("kfold:5", d.Y, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := learn.CrossValidate(d, pl, "kfold:5", splits)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFile(libPath); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(cliPath)
	b, _ := os.ReadFile(libPath)
	if string(a) != string(b) {
		t.Errorf("learn cv and learn.CrossValidate wrote different files (%d and %d bytes)", len(a), len(b))
	}

	model, predPath := filepath.Join(dir, "svr.json"), filepath.Join(dir, "svr.tsv")
	if out, stderr, code := runCLI(t, "learn", "fit", feat, "--target", parts+":pain", "--model", "svr-rbf", "--C", "2", "-o", model); code != 0 || !strings.Contains(out, "fitted svr") {
		t.Fatalf("fit --model svr-rbf: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "learn", "predict", model, feat, "-o", predPath); code != 0 {
		t.Fatal(stderr)
	}
	pt, _ := table.Read(predPath, nil)
	got, _ := pt.Floats("prediction")
	o := learn.DefaultModelOptions()
	o.Model, o.C = "svr-rbf", 2
	svr, _ := o.Pipeline()
	f, err := svr.Fit(d.X, d.Y)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range f.Predict(d.X) {
		if got[i] != want { // the TSV holds the shortest exact decimal of every value
			t.Fatalf("subject %d: saved model predicts %v, fitted pipeline %v", i, got[i], want)
		}
	}
	if _, stderr, code := runCLI(t, "learn", "bootstrap", feat, "--target", parts+":pain", "--model", "random-forest", "--trees", "5", "--n", "2", "-o", filepath.Join(dir, "b.tsv")); code == 0 || !strings.Contains(stderr, "no feature weights") {
		t.Errorf("bootstrap of a forest: %d %s", code, stderr)
	}
	// signature train stores the same SVR, and signature apply predicts as learn predict does.
	sig, sigPred := filepath.Join(dir, "svr.signature.json"), filepath.Join(dir, "svr-sig.tsv")
	if out, stderr, code := runCLI(t, "signature", "train", feat, "--target", parts+":pain", "--model", "svr-rbf", "--param", "C=2", "-o", sig); code != 0 {
		t.Fatalf("signature train --model svr-rbf: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "signature", "apply", sig, feat, "-o", sigPred); code != 0 {
		t.Fatal(stderr)
	}
	st, _ := table.Read(sigPred, nil)
	sp, _ := st.Floats("prediction")
	if !reflect.DeepEqual(sp, got) {
		t.Errorf("signature apply %v, learn predict %v", sp[:3], got[:3])
	}
}
