package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/table"
)

// import-rpn, show and apply: the imported RPN applied to the Bochum feature table gives the stored
// predictions; features whose connectome.json names other regions are refused.
func TestSignatureCommands(t *testing.T) {
	feat, parts, rpnPred := bochumFeatureTable(t)
	dir := filepath.Dir(feat)
	sig := filepath.Join(dir, "rpn.signature.json")
	out, stderr, code := runCLI(t, "signature", "import-rpn", fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"), "-o", sig)
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
	if code != 0 || !strings.Contains(out, "35 subjects") || !strings.Contains(out, "p = 0.01") {
		t.Errorf("validate: %d %s %s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "signature", "validate", sig, feat, "--target", parts+":pain", "--covariates", "pain", "--permutations", "99", "--bootstraps", "0", "-o", filepath.Join(dir, "valcov.json"))
	if code != 0 || !strings.Contains(out, "predictions vs pain: r = 0.990 (p = 0.01, FDR q = 0.01, n = 35)") {
		t.Errorf("validate --covariates: %d %s %s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "signature", "validate", sig, feat, feat, "--target", parts+":pain", "--permutations", "9", "--bootstraps", "0", "-o", filepath.Join(dir, "val2.json"))
	if code != 0 || !strings.Contains(out, "weighted by cohort size") || !strings.Contains(out, "the pooled cohorts, 70 subjects") {
		t.Errorf("validate two cohorts: %d %s %s", code, out, stderr)
	}
	// Forced choice of a table against itself: every pair ties, so no hit.
	out, stderr, code = runCLI(t, "signature", "forced-choice", sig, feat, feat, "-o", filepath.Join(dir, "fc.json"))
	if code != 0 || !strings.Contains(out, "35 pairs: accuracy 0.0%") {
		t.Errorf("forced-choice: %d %s %s", code, out, stderr)
	}
	nodesImg := filepath.Join(dir, "nodes.nii.gz")
	if out, stderr, code := runCLI(t, "signature", "nodes", sig, "-o", filepath.Join(dir, "nodes.tsv"), "--image", nodesImg); code != 0 || !strings.Contains(out, "123 regions") {
		t.Errorf("nodes: %d %s %s", code, out, stderr)
	} else if _, stderr, code := runCLI(t, "inspect", nodesImg); code != 0 {
		t.Errorf("the nodal map does not read back: %s", stderr)
	}
	if out, stderr, code := runCLI(t, "signature", "lesion", sig, feat, "--target", parts+":pain", "--repeats", "10", "-o", filepath.Join(dir, "lesions.json")); code != 0 || !strings.Contains(out, "explained variance 0.979 with all 21 weighted edges") {
		t.Errorf("lesion: %d %s %s", code, out, stderr)
	}
	if out, stderr, code := runCLI(t, "signature", "restrict", sig, "--drop", "GlobSig", "-o", filepath.Join(dir, "nogs.json")); code != 0 || !strings.Contains(out, "122 of 123 regions, 23 of 25 weighted features") {
		t.Errorf("restrict: %d %s %s", code, out, stderr)
	}
	// An intervention: "post" features shrink every subject's connectivity by a subject-specific
	// factor, and the pain change follows the signature change in one arm only.
	ft, err := table.Read(feat, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := ft.Column("subject")
	factor := func(i int) float64 { return 1 - 0.02*float64(i%7) }
	for _, c := range ft.Columns[1:] {
		for i := range c.Values {
			c.Values[i] *= factor(i)
		}
		c.Raw = nil
	}
	postDir := filepath.Join(dir, "post")
	os.MkdirAll(postDir, 0o755)
	postFeat := filepath.Join(postDir, "features.tsv")
	if err := table.Write(postFeat, ft); err != nil {
		t.Fatal(err)
	}
	painPre, painPost, arm := make([]float64, len(ids.Raw)), make([]float64, len(ids.Raw)), make([]string, len(ids.Raw))
	for i := range ids.Raw {
		arm[i] = []string{"active", "sham"}[i%2]
		painPre[i] = float64(i % 5)
		painPost[i] = painPre[i] + float64((i*3)%4)
		if arm[i] == "active" {
			painPost[i] = painPre[i] - float64(i%7)
		}
	}
	study := filepath.Join(dir, "study.tsv")
	table.Write(study, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", ids.Raw), table.NumericColumn("pain_pre", painPre),
		table.NumericColumn("pain_post", painPost), table.TextColumn("arm", arm)}})
	out, stderr, code = runCLI(t, "signature", "change", sig, feat, postFeat, "--pain-pre", study+":pain_pre", "--pain-post", study+":pain_post",
		"--group", study+":arm", "--edge", "CER5,GlobSig", "--compare", "active,sham", "--permutations", "99", "-o", filepath.Join(dir, "change.json"))
	if code != 0 || !strings.Contains(out, "active (n = 18)") || !strings.Contains(out, "edge CER5-GlobSig") {
		t.Errorf("change: %d %s %s", code, out, stderr)
	}
	// The library workflow, called as a Go program would, writes the same bytes as the command.
	libChange := filepath.Join(dir, "change-library.json")
	changeByLibrary(t, sig, feat, postFeat, study, libChange)
	if a, b := readBytes(t, filepath.Join(dir, "change.json")), readBytes(t, libChange); !bytes.Equal(a, b) {
		t.Errorf("signature.Change wrote %d bytes, painmark signature change %d: they differ", len(b), len(a))
	}
	// Arm balance: sex by chi-square (as scipy's chi2_contingency: stats.TestLiveChiSquareEqualsScipy),
	// age by Student's t between the two arms.
	sex, age := make([]string, len(ids.Raw)), make([]float64, len(ids.Raw))
	for i := range sex {
		sex[i], age[i] = []string{"F", "M", "F"}[i%3], 20+float64((i*7)%30)
	}
	chars := filepath.Join(dir, "characteristics.tsv")
	table.Write(chars, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", ids.Raw), table.TextColumn("sex", sex), table.NumericColumn("age", age)}})
	out, stderr, code = runCLI(t, "signature", "change", sig, feat, postFeat, "--pain-pre", study+":pain_pre", "--pain-post", study+":pain_post",
		"--group", study+":arm", "--balance", chars+":sex", "--balance", chars+":age", "--permutations", "9", "-o", filepath.Join(dir, "change-balance.json"))
	if code != 0 || !strings.Contains(out, "arms balanced on sex? chi-square(1)") || !strings.Contains(out, "arms balanced on age? t(33)") {
		t.Errorf("change --balance: %d %s %s", code, out, stderr)
	}
	trained := filepath.Join(dir, "trained.json")
	out, stderr, code = runCLI(t, "signature", "train", feat, "--target", parts+":pain", "--k", "20,25", "--alpha", "0.005,0.05",
		"--scoring", "neg_mean_squared_error", "--solver", "exact", "--permutations", "20", "--bootstraps", "10", "--bootstrap-out", filepath.Join(dir, "boot.tsv"), "--learning-curve", "15,25", "--curve-repeats", "5", "--name", "retrained", "-o", trained)
	if _, stderr, code := runCLI(t, "signature", "train", feat, "--target", parts+":pain", "--outlier-z", "2", "-o", filepath.Join(dir, "outl.json")); code != 0 {
		t.Errorf("train --outlier-z: %d %s", code, stderr)
	}
	// Guard rail: with 10 bootstraps no edge passes FDR; the chord draws the model's own nonzero
	// edges and says so, never "stable edges" with q = 1.
	if html := string(readBytes(t, filepath.Join(dir, "trained.report.html"))); !strings.Contains(html, "so no stable edges are drawn; shown instead are the model&#39;s own nonzero edges (21 of 21") ||
		strings.Contains(html, ">Stable edges by network or system<") {
		t.Errorf("the report of a train without stable edges does not say it shows the model's edges")
	}
	if code != 0 || !strings.Contains(out, "(alpha=0.005 k=25 l1_ratio=0.999)") || !strings.Contains(out, fmt.Sprintf("loo r = %.4f", storedR)) || !strings.Contains(out, "learning curve: 25 training subjects") {
		t.Errorf("train: %d %s %s", code, out, stderr)
	}
	retrainedPred := filepath.Join(dir, "retrained.tsv")
	if out, stderr, code := runCLI(t, "signature", "apply", trained, feat, "-o", retrainedPred); code != 0 {
		t.Errorf("apply the trained signature: %d %s", code, stderr)
	} else {
		// Guard rail: validated on its own training subjects, the result JSON and the output say
		// in-sample.
		vPath := filepath.Join(dir, "insample-validation.json")
		vOut, vErr, vCode := runCLI(t, "signature", "validate", trained, feat, "--target", parts+":pain", "-o", vPath, "--report", "none")
		if vCode != 0 || !strings.Contains(vOut, "IN-SAMPLE: ") || !strings.Contains(string(readBytes(t, vPath)), `"in_sample": [`) {
			t.Errorf("in-sample validation not labelled: %d %s %s", vCode, vOut, vErr)
		}
		// Guard rail: applied to its own training subjects, the output says in-sample.
		rt, _ := table.Read(retrainedPred, nil)
		if flags, err := rt.Floats("in_sample"); err != nil || len(flags) == 0 || flags[0] != 1 || !strings.Contains(out, "IN-SAMPLE: ") {
			t.Errorf("in-sample application not labelled: %v\n%s", err, out)
		}
		rp, _ := rt.Floats("prediction")
		for i := range rpnPred {
			if math.Abs(rp[i]-rpnPred[i]) > 1e-10 {
				t.Fatalf("subject %d: retrained %v, published RPN %v", i, rp[i], rpnPred[i])
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "connectome.json"), []byte(`{"Kind": "partial correlation", "Estimator": "ledoit_wolf", "Scaling": "zscore", "Regions": ["A", "B"]}`), 0o644)
	if _, stderr, code := runCLI(t, "signature", "apply", sig, feat, "-o", pred); code == 0 || !strings.Contains(stderr, "regions") {
		t.Errorf("mismatched regions accepted: %d %s", code, stderr)
	}
}

// changeByLibrary runs signature change's analysis through the library alone.
func changeByLibrary(t *testing.T, sigPath, pre, post, study, out string) {
	t.Helper()
	s, err := signature.Read(sigPath)
	if err != nil {
		t.Fatal(err)
	}
	var cohorts [2]signature.Cohort
	for k, path := range []string{pre, post} {
		tb, _, err := features.Load(path, features.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cohorts[k] = signature.CohortFromTable(path, tb, nil)
	}
	var in signature.ChangeOutcomes
	for k, col := range []*signature.ParticipantsColumn{&in.PainPre, &in.PainPost, &in.Group} {
		if *col, err = signature.ReadParticipantsColumn(study+":"+[]string{"pain_pre", "pain_post", "arm"}[k], "column"); err != nil {
			t.Fatal(err)
		}
	}
	o := signature.DefaultChangeOptions()
	o.Permutations, o.Edge, o.Compare = 99, []string{"CER5", "GlobSig"}, []string{"active", "sham"}
	res, err := signature.Change(s, cohorts[0], cohorts[1], in, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
