package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/testdata"
	"github.com/painmark/painmark/table"
)

// import-rpn, show and apply: the imported RPN applied to the Bochum feature table gives the stored
// predictions; features whose connectome.json names other regions are refused.
func TestSignatureCommands(t *testing.T) {
	feat, parts, rpnPred := bochumFeatureTable(t)
	dir := filepath.Dir(feat)
	sig := filepath.Join(dir, "rpn.signature.json")
	out, stderr, code := runCLI(t, "signature", "import-rpn", testdata.Shared(t, "painter-bochum", "derived", "rpn_model.json"), "-o", sig)
	if code != 0 || !strings.Contains(out, "25 of 7503 features") {
		t.Fatalf("import-rpn: %d %s %s", code, out, stderr)
	}
	if out, stderr, code := runCLI(t, "signature", "show", sig); code != 0 || !strings.Contains(out, "123 regions → 7503 features") {
		t.Errorf("show: %d %s %s", code, out, stderr)
	}
	pred := filepath.Join(dir, "pred.tsv")
	if _, stderr, code := runCLI(t, "signature", "apply", sig, feat, "-o", pred); code != 0 {
		t.Fatalf("apply: %d %s", code, stderr)
	}
	pt, err := table.Read(pred, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := pt.Floats("prediction")
	for i := range rpnPred {
		if math.Abs(got[i]-rpnPred[i]) > 1e-12 {
			t.Fatalf("subject %d: %v, stored RPN prediction %v", i, got[i], rpnPred[i])
		}
	}
	out, stderr, code = runCLI(t, "signature", "validate", sig, feat, "--target", parts+":pain", "--standardize", "within", "--permutations", "99", "--bootstraps", "99", "-o", filepath.Join(dir, "val.json"))
	if code != 0 || !strings.Contains(out, "RPN on 35 subjects") || !strings.Contains(out, "p = 0.01") {
		t.Errorf("validate: %d %s %s", code, out, stderr)
	}
	os.WriteFile(filepath.Join(dir, "connectome.json"), []byte(`{"Kind": "partial correlation", "Estimator": "ledoit_wolf", "Scaling": "zscore", "Regions": ["A", "B"]}`), 0o644)
	if _, stderr, code := runCLI(t, "signature", "apply", sig, feat, "-o", pred); code == 0 || !strings.Contains(stderr, "regions") {
		t.Errorf("mismatched regions accepted: %d %s", code, stderr)
	}
}
