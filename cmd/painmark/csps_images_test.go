package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// TestCSpsChainFromImages runs the corticospinal study from synthetic brain and cord images
// through the command line and through one study file (issue 22's first Done-when line):
// synthetic csps --images → extract --atlas corticospinal of every cohort (the 139 planted
// series found, r > 0.99 per region) → connectome with region tags → signature train → validate
// on the retest, independent and clinical cohorts → ablation models M1-M5, each signature
// validated on the retest and independent cohorts together (explained variance weighted by
// cohort size; M1 and M2 on brain-only and spinal-only tables, M3 on the block tables of
// connectome --blocks, M4 and M5 on the full ones) → virtual lesions by system → nonlinear
// baselines (RBF SVR, random forest) validated like the CSps → the rTMS pre/post change; every
// command writes its report. Then testdata/studies/csps-chain/study.toml does the same from the
// training cohort's images ([extract] corticospinal, [connectivity] region_tags): its extracted
// series and every result file equal the command line's byte for byte (M1-M5 validated on the
// independent cohort through @ablate/ablation-MN.signature.json). Long (PAINMARK_LONG):
// 30 training subjects of 150 frames, about 4 minutes on two idle cores.
func TestCSpsChainFromImages(t *testing.T) {
	fixtures.Long(t)
	start := time.Now()
	pam50, err := filepath.Abs(fixtures.Shared(t, "pam50", "template"))
	if err != nil {
		t.Fatal(err)
	}
	studyText, err := os.ReadFile(filepath.Join("..", "..", "testdata", "studies", "csps-chain", "study.toml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // relative paths, so that the study file's steps and the commands name inputs alike
	p := filepath.Join
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	const nTrain = 30
	run("synthetic", "csps", ".", "--seed", "5", "--train", fmt.Sprint(nTrain), "--independent", "15", "--task", "1", "--clinical1", "8", "--clinical2", "8",
		"--prepost", "8", "--frames", "150", "--strength", "0.8", "--images", "--pam50", pam50)
	if err := os.Symlink(pam50, "pam50"); err != nil { // the study file's pam50
		t.Fatal(err)
	}
	regions, err := table.Read("regions.tsv", nil)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := regions.Column("name")
	systems, _ := regions.Column("system")
	var brain, spinal []string
	for i, s := range systems.Raw {
		if s == "spinal" {
			spinal = append(spinal, names.Raw[i])
		} else {
			brain = append(brain, names.Raw[i])
		}
	}
	conn := func(cohort, out string, extra ...string) {
		run(append([]string{"connectome", p(cohort, "ext"), "--kind", "partial correlation", "--scaling", "zscore", "--no-matrices", "--report", "none", "-o", p(cohort, out)}, extra...)...)
	}
	for _, c := range []string{"train", "retest", "independent", "clinical-cLBP", "clinical-FM", "pre", "post"} {
		run("extract", p(c, "fmriprep"), "--atlas", "corticospinal", "--pam50", "pam50", "--gm-mask", "gm_mask.nii.gz", "-o", p(c, "ext"))
		extra := []string{"--region-tags", "regions.tsv"}
		if c == "pre" || c == "post" { // one row per person (not per run), as signature change pairs them
			extra = append(extra, "--combine", "mean")
		}
		conn(c, "conn", extra...)
	}
	for _, c := range []string{"retest", "independent"} { // the ablation models' own tables
		conn(c, "conn-brain", "--drop", strings.Join(spinal, ","))
		conn(c, "conn-spinal", "--drop", strings.Join(brain, ","))
		conn(c, "conn-blocks", "--region-tags", "regions.tsv", "--blocks")
	}
	// The extracted series are the planted ones (every training subject, every region).
	var worst = 1.0
	for i := 1; i <= nTrain; i++ {
		sub := fmt.Sprintf("sub-tr%03d", i)
		files, _ := filepath.Glob(p("train", "ext", sub, "func", sub+"_*_timeseries.tsv"))
		if len(files) != 1 {
			t.Fatalf("%s: %d extracted series", sub, len(files))
		}
		got, err1 := table.Read(files[0], nil)
		want, err2 := table.Read(p("train", "roi", sub+"_timeseries.tsv"), nil)
		if err1 != nil || err2 != nil || len(got.Columns) != 139 || len(want.Columns) != 139 {
			t.Fatalf("%s: %v %v", sub, err1, err2)
		}
		for c := range want.Columns {
			worst = min(worst, stats.Pearson(got.Columns[c].Values, want.Columns[c].Values))
		}
	}
	if !(worst > 0.99) {
		t.Errorf("the lowest r between an extracted and a planted series is %.4f", worst)
	}
	t.Logf("extraction: every region of the %d training subjects within r >= %.4f of its planted series (%s)", nTrain, worst, time.Since(start).Round(time.Second))

	feat, target := p("train", "conn", "features.tsv"), p("train", "participants.tsv")+":heat_pain_threshold"
	grid := []string{"--k", "50,100,200", "--alpha", "0.01,0.1", "--l1-ratio", "0.5"}
	out := run(append([]string{"signature", "train", feat, "--target", target, "--zscore", "--flip", "--name", "CSps-images", "--cohort", "train",
		"--permutations", "200", "--permute", "predictions", "--bootstraps", "50", "--bootstrap-out", "bootstrap.tsv", "-o", "csps.signature.json"}, grid...)...)
	t.Logf("train: %s", strings.TrimSpace(out))
	validate := func(s, name string, extra ...string) string {
		return run(append([]string{"signature", "validate", s}, append(extra, "--permutations", "200", "--bootstraps", "200", "-o", name+".json")...)...)
	}
	for _, c := range []string{"retest", "independent"} {
		out = validate("csps.signature.json", c+"-validation", p(c, "conn", "features.tsv"), "--target", p(c, "participants.tsv")+":heat_pain_threshold", "--standardize", "training")
		if r := number(t, out, `r = ([-0-9.]+)`); r < 0.2 {
			t.Errorf("%s: r = %.3f\n%s", c, r, out)
		}
		t.Logf("%s: %s", c, strings.TrimSpace(out))
	}
	out = validate("csps.signature.json", "clinical-validation", p("clinical-cLBP", "conn", "features.tsv"), p("clinical-FM", "conn", "features.tsv"),
		"--target", "clinical_participants.tsv:clinical_pain", "--standardize", "within", "--flip", "no")
	if !strings.Contains(out, "weighted by cohort size") {
		t.Errorf("clinical validation:\n%s", out)
	}
	t.Logf("clinical: %s", strings.TrimSpace(out))

	// Ablation models M1-M5 from the series (M3 from separately computed blocks), each kept as a
	// signature and validated on the retest and independent cohorts: the explained variance
	// weighted by cohort size for every model.
	indep := p("independent", "participants.tsv") + ":heat_pain_threshold"
	out = run(append([]string{"signature", "ablate", feat, "--target", target, "--zscore", "--flip", "--series", p("train", "ext"), "-o", "ablation.json"}, grid...)...)
	t.Logf("ablations:\n%s", out)
	a, errA := os.ReadFile(p("retest", "participants.tsv"))
	b, errB := os.ReadFile(p("independent", "participants.tsv"))
	_, rows, _ := strings.Cut(string(b), "\n")
	if errA != nil || errB != nil || os.WriteFile("external_participants.tsv", append(a, rows...), 0o644) != nil {
		t.Fatal(errA, errB)
	}
	for _, m := range [][2]string{{"M1", "conn-brain"}, {"M2", "conn-spinal"}, {"M3", "conn-blocks"}, {"M4", "conn"}, {"M5", "conn"}} {
		validate("ablation-"+m[0]+".signature.json", "ablation-"+m[0]+"-independent", p("independent", m[1], "features.tsv"), "--target", indep, "--standardize", "training")
		out = validate("ablation-"+m[0]+".signature.json", "ablation-"+m[0]+"-external", p("retest", m[1], "features.tsv"), p("independent", m[1], "features.tsv"),
			"--target", "external_participants.tsv:heat_pain_threshold", "--standardize", "training")
		if !strings.Contains(out, "explained variance weighted by cohort size") {
			t.Errorf("%s on two cohorts:\n%s", m[0], out)
		}
		t.Logf("%s on the retest and independent cohorts: %s", m[0], strings.TrimSpace(out))
	}

	// Virtual lesions by system, spinal first.
	out = run("signature", "lesion", "csps.signature.json", p("independent", "conn", "features.tsv"), "--target", indep, "--standardize", "training", "--repeats", "50", "-o", "lesions.json")
	if !strings.Contains(strings.ToLower(out), "spinal") {
		t.Errorf("lesions name no system:\n%s", out)
	}
	// Nonlinear baselines as signatures, validated like the CSps.
	for _, model := range []string{"svr-rbf", "random-forest"} {
		s := model + ".signature.json"
		run("signature", "train", feat, "--target", target, "--zscore", "--flip", "--model", model, "--k", "100", "--trees", "50", "--name", model, "--cohort", "train", "-o", s)
		out = validate(s, model+"-independent", p("independent", "conn", "features.tsv"), "--target", indep, "--standardize", "training")
		t.Logf("%s: %s", model, strings.TrimSpace(out))
	}
	// The rTMS intervention: pre/post change by arm.
	out = run("signature", "change", "csps.signature.json", p("pre", "conn", "features.tsv"), p("post", "conn", "features.tsv"),
		"--pain-pre", p("pre", "participants.tsv")+":heat_pain_threshold", "--pain-post", p("post", "participants.tsv")+":heat_pain_threshold",
		"--group", p("pre", "participants.tsv")+":group", "-o", "change.json")
	t.Logf("change:\n%s", out)
	for _, r := range []string{"csps.signature", "retest-validation", "clinical-validation", "ablation", "ablation-M3-external", "lesions", "svr-rbf-independent", "change"} {
		if _, err := os.Stat(r + ".report.html"); err != nil {
			t.Errorf("no report: %v", err)
		}
	}
	t.Logf("command line: %s", time.Since(start).Round(time.Second))

	// The same chain from one study file; every result file equals the command line's.
	if err := os.WriteFile("csps-chain.toml", studyText, 0o644); err != nil {
		t.Fatal(err)
	}
	run("run", "csps-chain.toml")
	pairs := [][2]string{{"out/csps/signature.json", "csps.signature.json"}, {"out/csps/bootstrap.tsv", "bootstrap.tsv"},
		{"out/validate-retest/validation.json", "retest-validation.json"}, {"out/validate-independent/validation.json", "independent-validation.json"},
		{"out/ablate/ablation.json", "ablation.json"}, {"out/lesion/lesions.json", "lesions.json"},
		{"out/svr/signature.json", "svr-rbf.signature.json"}, {"out/svr-independent/validation.json", "svr-rbf-independent.json"},
		{"out/forest/signature.json", "random-forest.signature.json"}, {"out/forest-independent/validation.json", "random-forest-independent.json"},
		{"out/change/change.json", "change.json"}, {"out/features.tsv", feat}}
	for _, m := range []string{"M1", "M2", "M3", "M4", "M5"} {
		pairs = append(pairs, [2]string{"out/ablate/ablation-" + m + ".signature.json", "ablation-" + m + ".signature.json"},
			[2]string{"out/ablation-" + m + "-independent/validation.json", "ablation-" + m + "-independent.json"})
	}
	series, _ := filepath.Glob(p("train", "ext", "sub-*", "func", "*_timeseries.tsv"))
	for _, f := range series {
		sub, _, _ := strings.Cut(filepath.Base(f), "_")
		published, _ := filepath.Glob(p("out", "extract", sub+"_*timeseries.tsv"))
		if len(published) != 1 {
			t.Errorf("%s: %d published series in out/extract", f, len(published))
			continue
		}
		pairs = append(pairs, [2]string{published[0], f})
	}
	for _, pr := range pairs {
		a, errA := os.ReadFile(pr[0])
		b, errB := os.ReadFile(pr[1])
		if errA != nil || errB != nil || string(a) != string(b) {
			t.Errorf("the study's %s and the command's %s differ (%v, %v)", pr[0], pr[1], errA, errB)
		}
	}
	t.Logf("study file: %d result files equal to the command line's; %s in all", len(pairs), time.Since(start).Round(time.Second))
}
