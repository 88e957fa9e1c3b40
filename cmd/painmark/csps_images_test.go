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
// series found, r > 0.99 per region in every cohort) → connectome with region tags → signature
// train → validate on the retest, independent and clinical cohorts → ablation models M1-M5, each
// signature validated on the retest and independent cohorts (and on both together: explained
// variance weighted by cohort size; M1 and M2 on brain-only and spinal-only tables, M3 on the
// block tables of connectome --blocks, M4 and M5 on the full ones) → virtual lesions by system →
// nonlinear baselines (RBF SVR, random forest) validated like the CSps → the rTMS pre/post change;
// every command writes its report. Then testdata/studies/csps-chain/study.toml does the same from
// the images alone: every cohort is a [[cohort]] (extraction and connectivity), validations on
// several cohorts list their tables (features = ["@retest", "@independent"]), and its extracted
// series, its tables and every step's result files equal the command line's byte for byte. The
// commands run in the test's folder and write the tables where the study publishes them
// (out/COHORT/), the study runs in s/ (its inputs linked to the same images), so that inputs are
// named alike. Long (PAINMARK_LONG): 30 training subjects of 150 frames (107 runs, each extracted
// by both routes), 5 minutes here on two shared cores; PAINMARK_CSPS_SMALL=1 makes every cohort
// small (for developing, 2 minutes).
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
	nTrain, nIndep, nClin, nPrePost, frames := 30, 15, 8, 8, 150
	small := os.Getenv("PAINMARK_CSPS_SMALL") != "" // too few subjects to expect the planted signal back
	if small {
		nTrain, nIndep, nClin, nPrePost, frames = 12, 8, 4, 6, 100
	}
	run("synthetic", "csps", ".", "--seed", "5", "--train", fmt.Sprint(nTrain), "--independent", fmt.Sprint(nIndep), "--task", "1", "--clinical1", fmt.Sprint(nClin), "--clinical2", fmt.Sprint(nClin),
		"--prepost", fmt.Sprint(nPrePost), "--frames", fmt.Sprint(frames), "--strength", "0.8", "--images", "--pam50", pam50)
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
	// The cohorts' tables go where the study publishes its cohorts' (out/NAME/).
	conn := func(cohort, name string, extra ...string) {
		run(append([]string{"connectome", p("ext", cohort), "--kind", "partial correlation", "--scaling", "zscore", "--no-matrices", "--report", "none", "-o", p("out", name)}, extra...)...)
	}
	cohorts := []string{"train", "retest", "independent", "clinical-cLBP", "clinical-FM", "pre", "post"}
	for _, c := range cohorts {
		run("extract", p(c, "fmriprep"), "--atlas", "corticospinal", "--pam50", "pam50", "--gm-mask", "gm_mask.nii.gz", "-o", p("ext", c))
		extra := []string{"--region-tags", "regions.tsv"}
		if c == "pre" || c == "post" { // one row per person (not per run), as signature change pairs them
			extra = append(extra, "--combine", "mean")
		}
		conn(c, c, extra...)
	}
	for _, c := range []string{"retest", "independent"} { // the ablation models' own tables
		conn(c, c+"-brain", "--drop", strings.Join(spinal, ","))
		conn(c, c+"-spinal", "--drop", strings.Join(brain, ","))
		conn(c, c+"-blocks", "--region-tags", "regions.tsv", "--blocks")
	}
	// The extracted series are the planted ones (every subject of every cohort, every region).
	planted := func(label, cohort string, found func(sub string) []string) {
		t.Helper()
		want, _ := filepath.Glob(p(cohort, "roi", "sub-*_timeseries.tsv"))
		worst := 1.0
		for _, w := range want {
			sub, _, _ := strings.Cut(filepath.Base(w), "_")
			files := found(sub)
			if len(files) != 1 {
				t.Fatalf("%s %s %s: %d extracted series", label, cohort, sub, len(files))
			}
			got, err1 := table.Read(files[0], nil)
			pl, err2 := table.Read(w, nil)
			if err1 != nil || err2 != nil || len(got.Columns) != 139 || len(pl.Columns) != 139 {
				t.Fatalf("%s %s: %v %v", cohort, sub, err1, err2)
			}
			for c := range pl.Columns {
				worst = min(worst, stats.Pearson(got.Columns[c].Values, pl.Columns[c].Values))
			}
		}
		if len(want) == 0 || !(worst > 0.99) {
			t.Errorf("%s %s: %d planted subjects, the lowest r between an extracted and a planted series is %.6f", label, cohort, len(want), worst)
		}
		t.Logf("%s extraction, %s: every region of the %d subjects within r >= %.6f of its planted series", label, cohort, len(want), worst)
	}
	for _, c := range cohorts {
		planted("command line", c, func(sub string) []string {
			f, _ := filepath.Glob(p("ext", c, sub, "func", sub+"_*_timeseries.tsv"))
			return f
		})
	}
	t.Logf("command-line extraction and tables: %s", time.Since(start).Round(time.Second))

	feat, target := p("out", "train", "features.tsv"), p("train", "participants.tsv")+":heat_pain_threshold"
	grid := []string{"--k", "50,100,200", "--alpha", "0.01,0.1", "--l1-ratio", "0.5"}
	out := run(append([]string{"signature", "train", feat, "--target", target, "--zscore", "--flip", "--name", "CSps-images", "--cohort", "train",
		"--permutations", "200", "--permute", "predictions", "--bootstraps", "50", "--bootstrap-out", "bootstrap.tsv", "-o", "csps.signature.json"}, grid...)...)
	t.Logf("train: %s", strings.TrimSpace(out))
	validate := func(s, name string, extra ...string) string {
		return run(append([]string{"signature", "validate", s}, append(extra, "--permutations", "200", "--bootstraps", "200", "-o", name+".json")...)...)
	}
	tablePath := func(name string) string { return p("out", name, "features.tsv") }
	for _, c := range []string{"retest", "independent"} {
		out = validate("csps.signature.json", c+"-validation", tablePath(c), "--target", p(c, "participants.tsv")+":heat_pain_threshold", "--standardize", "training")
		if r := number(t, out, `r = ([-0-9.]+)`); r < 0.2 && !small {
			t.Errorf("%s: r = %.3f\n%s", c, r, out)
		}
		t.Logf("%s: %s", c, strings.TrimSpace(out))
	}
	clinical := []string{"--target", "clinical_participants.tsv:clinical_pain", "--standardize", "within", "--flip", "no"}
	for _, c := range []string{"clinical-cLBP", "clinical-FM"} {
		validate("csps.signature.json", c+"-validation", append([]string{tablePath(c)}, clinical...)...)
	}
	out = validate("csps.signature.json", "clinical-validation", append([]string{tablePath("clinical-cLBP"), tablePath("clinical-FM")}, clinical...)...)
	if !strings.Contains(out, "weighted by cohort size") {
		t.Errorf("clinical validation:\n%s", out)
	}
	t.Logf("clinical: %s", strings.TrimSpace(out))

	// Ablation models M1-M5 from the series (M3 from separately computed blocks), each kept as a
	// signature and validated on the retest and independent cohorts, alone and together (the
	// explained variance weighted by cohort size for every model).
	out = run(append([]string{"signature", "ablate", feat, "--target", target, "--zscore", "--flip", "--series", p("ext", "train"), "-o", "ablation.json"}, grid...)...)
	t.Logf("ablations:\n%s", out)
	a, errA := os.ReadFile(p("retest", "participants.tsv"))
	b, errB := os.ReadFile(p("independent", "participants.tsv"))
	_, rows, _ := strings.Cut(string(b), "\n")
	if errA != nil || errB != nil || os.WriteFile("external_participants.tsv", append(a, rows...), 0o644) != nil {
		t.Fatal(errA, errB)
	}
	models := [][2]string{{"M1", "-brain"}, {"M2", "-spinal"}, {"M3", "-blocks"}, {"M4", ""}, {"M5", ""}}
	for _, m := range models {
		for _, c := range []string{"retest", "independent"} {
			validate("ablation-"+m[0]+".signature.json", "ablation-"+m[0]+"-"+c, tablePath(c+m[1]), "--target", p(c, "participants.tsv")+":heat_pain_threshold", "--standardize", "training")
		}
		out = validate("ablation-"+m[0]+".signature.json", "ablation-"+m[0]+"-external", tablePath("retest"+m[1]), tablePath("independent"+m[1]),
			"--target", "external_participants.tsv:heat_pain_threshold", "--standardize", "training")
		if !strings.Contains(out, "explained variance weighted by cohort size") {
			t.Errorf("%s on two cohorts:\n%s", m[0], out)
		}
		t.Logf("%s on the retest and independent cohorts: %s", m[0], strings.TrimSpace(out))
	}

	// Virtual lesions by system, spinal first.
	indep := p("independent", "participants.tsv") + ":heat_pain_threshold"
	out = run("signature", "lesion", "csps.signature.json", tablePath("independent"), "--target", indep, "--standardize", "training", "--repeats", "50", "-o", "lesions.json")
	if !strings.Contains(strings.ToLower(out), "spinal") {
		t.Errorf("lesions name no system:\n%s", out)
	}
	// Nonlinear baselines as signatures, validated like the CSps.
	for _, model := range []string{"svr-rbf", "random-forest"} {
		s := model + ".signature.json"
		run("signature", "train", feat, "--target", target, "--zscore", "--flip", "--model", model, "--k", "100", "--trees", "50", "--name", model, "--cohort", "train", "-o", s)
		out = validate(s, model+"-independent", tablePath("independent"), "--target", indep, "--standardize", "training")
		t.Logf("%s: %s", model, strings.TrimSpace(out))
	}
	// The rTMS intervention: pre/post change by arm.
	out = run("signature", "change", "csps.signature.json", tablePath("pre"), tablePath("post"),
		"--pain-pre", p("pre", "participants.tsv")+":heat_pain_threshold", "--pain-post", p("post", "participants.tsv")+":heat_pain_threshold",
		"--group", p("pre", "participants.tsv")+":group", "-o", "change.json")
	t.Logf("change:\n%s", out)
	for _, r := range []string{"csps.signature", "retest-validation", "clinical-validation", "ablation", "ablation-M3-external", "lesions", "svr-rbf-independent", "change"} {
		if _, err := os.Stat(r + ".report.html"); err != nil {
			t.Errorf("no report: %v", err)
		}
	}
	t.Logf("command line: %s", time.Since(start).Round(time.Second))

	// The same chain from one study file, in s/ with its inputs linked to the same images: every
	// cohort's series and table and every result file equal the command line's.
	if err := os.Mkdir("s", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, in := range append([]string{"pam50", "gm_mask.nii.gz", "regions.tsv", "clinical_participants.tsv", "external_participants.tsv"}, cohorts...) {
		if err := os.Symlink(p("..", in), p("s", in)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(p("s", "csps-chain.toml"), studyText, 0o644); err != nil {
		t.Fatal(err)
	}
	studyStart := time.Now()
	run("run", p("s", "csps-chain.toml"))
	t.Logf("study file: %s", time.Since(studyStart).Round(time.Second))
	for _, c := range cohorts {
		planted("study file", c, func(sub string) []string {
			f, _ := filepath.Glob(p("s", "out", c, "extract", sub+"_*timeseries.tsv"))
			return f
		})
	}
	pairs := [][2]string{{"out/csps/signature.json", "csps.signature.json"}, {"out/csps/bootstrap.tsv", "bootstrap.tsv"},
		{"out/ablate/ablation.json", "ablation.json"}, {"out/lesion/lesions.json", "lesions.json"},
		{"out/svr/signature.json", "svr-rbf.signature.json"}, {"out/svr-independent/validation.json", "svr-rbf-independent.json"},
		{"out/forest/signature.json", "random-forest.signature.json"}, {"out/forest-independent/validation.json", "random-forest-independent.json"},
		{"out/change/change.json", "change.json"}}
	for _, c := range []string{"retest", "independent", "clinical-cLBP", "clinical-FM", "clinical"} {
		pairs = append(pairs, [2]string{"out/validate-" + c + "/validation.json", c + "-validation.json"})
	}
	for _, m := range models {
		pairs = append(pairs, [2]string{"out/ablate/ablation-" + m[0] + ".signature.json", "ablation-" + m[0] + ".signature.json"})
		for _, c := range []string{"retest", "independent", "external"} {
			pairs = append(pairs, [2]string{"out/ablation-" + m[0] + "-" + c + "/validation.json", "ablation-" + m[0] + "-" + c + ".json"})
		}
	}
	for i := range pairs {
		pairs[i][0] = p("s", pairs[i][0])
	}
	var tables int
	for _, c := range cohorts {
		names := []string{c}
		if c == "retest" || c == "independent" {
			names = append(names, c+"-brain", c+"-spinal", c+"-blocks")
		}
		for _, n := range names {
			pairs, tables = append(pairs, [2]string{p("s", tablePath(n)), tablePath(n)}), tables+1
		}
		series, _ := filepath.Glob(p("ext", c, "sub-*", "func", "*_timeseries.tsv"))
		for _, f := range series {
			sub, _, _ := strings.Cut(filepath.Base(f), "_")
			published, _ := filepath.Glob(p("s", "out", c, "extract", sub+"_*timeseries.tsv"))
			if len(published) != 1 {
				t.Errorf("%s: %d published series in s/out/%s/extract", f, len(published), c)
				continue
			}
			pairs = append(pairs, [2]string{published[0], f})
		}
	}
	for _, pr := range pairs {
		a, errA := os.ReadFile(pr[0])
		b, errB := os.ReadFile(pr[1])
		if errA != nil || errB != nil || string(a) != string(b) {
			t.Errorf("the study's %s and the command's %s differ (%v, %v)", pr[0], pr[1], errA, errB)
		}
	}
	t.Logf("study file: %d files equal to the command line's (%d cohort tables, %d series, %d result files); %s in all",
		len(pairs), tables, countSeries(pairs), len(pairs)-tables-countSeries(pairs), time.Since(start).Round(time.Second))
}

// countSeries counts the extracted series among compared pairs.
func countSeries(pairs [][2]string) int {
	n := 0
	for _, pr := range pairs {
		if strings.HasSuffix(pr[0], "_timeseries.tsv") {
			n++
		}
	}
	return n
}
