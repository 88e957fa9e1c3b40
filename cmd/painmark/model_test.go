package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/table"
)

// TestStudyModelSignature: a study's [model] publishes, besides model.json, the signature
// trained with the same pipeline (OUTPUT/model/signature.json, byte-identical to painmark
// signature train's on the published cohort table with the same options), its weight table and
// its report; the runs' ROI series are published under OUTPUT/extract only for extracted runs,
// and status lists the model's files.
func TestStudyModelSignature(t *testing.T) {
	dir := t.TempDir()
	writeRuns(t, filepath.Join(dir, "roi"), 12, 8, 80, 5)
	rng := rand.New(rand.NewPCG(5, 5))
	ids, pain := make([]string, 12), make([]float64, 12)
	for i := range ids {
		ids[i], pain[i] = fmt.Sprintf("sub-%04d_task-rest", i), rng.NormFloat64()
	}
	table.Write(filepath.Join(dir, "participants.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("pain", pain)}})
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
timeseries = "roi"
[connectivity]
kind = "correlation"
[model]
target = "participants.tsv:pain"
k = [5, 10]
alpha = 0.05
l1_ratio = 0.5
`), 0o644)
	if out, errOut, code := runCLI(t, "run", st); code != 0 {
		t.Fatalf("run: %d %s %s", code, out, errOut)
	}
	for _, f := range []string{"model.json", "model/signature.json", "model/weights.tsv", "model/report.html"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	sig := filepath.Join(dir, "cli.signature.json")
	t.Chdir(dir) // the command run from the study's folder names the cohort as the study does
	if out, errOut, code := runCLI(t, "signature", "train", filepath.Join("out", "features.tsv"), "--target", "participants.tsv:pain",
		"--name", "model", "--scoring", "neg_mean_squared_error", "--k", "5,10", "--alpha", "0.05", "--l1-ratio", "0.5", "-o", sig); code != 0 {
		t.Fatalf("signature train: %d %s %s", code, out, errOut)
	}
	want, _ := os.ReadFile(sig)
	got, _ := os.ReadFile(filepath.Join(dir, "out", "model", "signature.json"))
	if len(want) == 0 || !bytes.Equal(got, want) {
		t.Errorf("the [model]'s signature differs from painmark signature train's (%d and %d bytes)", len(got), len(want))
	}
	w, err := table.Read(filepath.Join(dir, "out", "model", "weights.tsv"), nil)
	if err != nil || w.NumRows() == 0 {
		t.Errorf("weights.tsv: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "extract")); err == nil {
		t.Error("a study on ROI tables published extract/")
	}
	out, _, _ := runCLI(t, "status", st)
	if !strings.Contains(out, filepath.Join("out", "model", "signature.json")) {
		t.Errorf("status does not list the model's signature:\n%s", out)
	}
}
