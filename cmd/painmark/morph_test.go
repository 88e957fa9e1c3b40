package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// painmark morph --leave-one-feature-out on a SUBJECTS_DIR of the three real recons (five
// features) and painmark morph pca on three real ENIGMA case-control maps.
func TestMorphFeaturesAndPCA(t *testing.T) {
	dir := t.TempDir()
	subjects := filepath.Join(dir, "subjects")
	for subj, src := range map[string]string{"bert": "bert_fs7.2", "hcp": "hcp198451_fs5.3", "hcp2": "hcp198451_fs7.4.1_rerun"} {
		os.MkdirAll(filepath.Join(subjects, subj, "stats"), 0o755)
		for _, h := range []string{"lh", "rh"} {
			if err := os.Symlink(fixtures.Shared(t, "freesurfer", src, h+".aparc.stats"), filepath.Join(subjects, subj, "stats", h+".aparc.stats")); err != nil {
				t.Fatal(err)
			}
		}
	}
	out, errOut, code := runCLI(t, "morph", "--subjects-dir", subjects, "--subjects", "bert,hcp,hcp2", "--leave-one-feature-out", "-o", filepath.Join(dir, "ms"))
	if code != 0 {
		t.Fatalf("morph: %d %s %s", code, out, errOut)
	}
	lofo, err := table.Read(filepath.Join(dir, "ms", "leave_one_feature_out.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if lofo.NumRows() != 68 || len(lofo.Columns) != 7 || strings.Count(out, "with the all-features map") != 5 {
		t.Errorf("%d rows, %d columns:\n%s", lofo.NumRows(), len(lofo.Columns), out)
	}
	// PCA of three real case-control maps, one file each (regions matched by name), and the same
	// maps as columns of one table.
	var args []string
	var cols []*table.Column
	var names []string
	for k, name := range []string{"mddadult_case-controls_CortThick.csv", "mddadolescent_case-controls_CortThick.csv", "adhdadult_case-controls_CortThick.csv"} {
		path := fixtures.Shared(t, "enigma", "summary_statistics", name)
		args = append(args, path+":d_icv")
		tb, err := table.Read(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			reg, _ := tb.Column("Structure")
			cols = append(cols, table.TextColumn("region", reg.Raw))
		}
		d, _ := tb.Floats("d_icv")
		names = append(names, strings.Split(name, "_")[0])
		cols = append(cols, table.NumericColumn(names[k], d))
	}
	out, errOut, code = runCLI(t, append(append([]string{"morph", "pca"}, args...), "-o", filepath.Join(dir, "pca.json"))...)
	if code != 0 {
		t.Fatalf("morph pca: %d %s %s", code, out, errOut)
	}
	pc1 := number(t, out, `PC1: eigenvalue [0-9.e-]+, ([0-9.]+)% of variance`)
	if pc1 < 34 || pc1 > 100 {
		t.Errorf("PC1 explains %v%%:\n%s", pc1, out)
	}
	maps := filepath.Join(dir, "maps.tsv")
	if err := table.Write(maps, &table.Table{Columns: cols}); err != nil {
		t.Fatal(err)
	}
	out2, errOut, code := runCLI(t, "morph", "pca", maps, "--columns", strings.Join(names, ","), "-o", filepath.Join(dir, "pca2.json"))
	if code != 0 || number(t, out2, `PC1: eigenvalue [0-9.e-]+, ([0-9.]+)% of variance`) != pc1 {
		t.Errorf("one table: %d %s %s", code, out2, errOut)
	}
	// --standardize: the CLI's file is the library call's, byte for byte.
	out3, errOut, code := runCLI(t, append(append([]string{"morph", "pca", "--standardize"}, args...), "-o", filepath.Join(dir, "pcaz.json"), "--report", "none")...)
	if code != 0 || !strings.Contains(out3, "components with eigenvalue > 1") {
		t.Fatalf("morph pca --standardize: %d %s %s", code, out3, errOut)
	}
	cm, err := morph.ReadConditionMaps(args, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := morph.PCA(cm, morph.PCAOptions{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "pcaz-lib.json")); err != nil {
		t.Fatal(err)
	}
	cli, _ := os.ReadFile(filepath.Join(dir, "pcaz.json"))
	lib, _ := os.ReadFile(filepath.Join(dir, "pcaz-lib.json"))
	if string(cli) != string(lib) || !strings.Contains(string(cli), `"standardized": true`) {
		t.Errorf("morph pca --standardize differs from morph.PCA:\n%s\n%s", cli, lib)
	}
	if _, errOut, code := runCLI(t, "morph", "pca", args[0], "-o", filepath.Join(dir, "x.json")); code != 2 || !strings.Contains(errOut, "at least 2") {
		t.Errorf("one map: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "morph", "pca", maps, "--columns", names[0]+",nothere", "-o", filepath.Join(dir, "x.json")); code == 0 || !strings.Contains(errOut, "nothere") {
		t.Errorf("a missing column: %d %s", code, errOut)
	}
	lofo2 := filepath.Join(dir, "lofo.tsv") // the leave-one-feature-out map, R_insula renamed
	b, _ := os.ReadFile(filepath.Join(dir, "ms", "leave_one_feature_out.tsv"))
	os.WriteFile(lofo2, []byte(strings.Replace(string(b), "R_insula", "R_insula2", 1)), 0o644)
	if _, errOut, code := runCLI(t, "morph", "pca", args[0], lofo2+":all_features", "-o", filepath.Join(dir, "x.json")); code == 0 || !strings.Contains(errOut, `no region "R_insula"`) {
		t.Errorf("maps of other regions: %d %s", code, errOut)
	}
	if _, _, code := runCLI(t, "morph", "pca", args[0], filepath.Join(dir, "ms", "leave_one_feature_out.tsv")+":all_features", "-o", filepath.Join(dir, "x.json")); code != 0 {
		t.Errorf("maps of the same DK regions from two sources: %d", code)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "pca.report.html"), "pca-report.png", 2)
	}
}

// painmark morph on the real ENIGMA table: regional and global MS for 20 subjects, the
// case-control table with covariates and an interaction, and a report that loads in Chromium.
func TestMorphCommand(t *testing.T) {
	dir := t.TempDir()
	x := func(name string) string { return fixtures.Shared(t, "enigma", "xdata", name) }
	economo := fixtures.Shared(t, "enigma", "derived", "dk68_economo_koskinas_class_mode.csv")
	out, errOut, code := runCLI(t, "morph", "--enigma", x("metr2_CortThick.csv"), "--enigma", x("metr3_CortSurf.csv"),
		"--participants", x("cov.csv"), "--group", "Dx", "--case", "1", "--covariates", "Age,Sex,ICV", "--interactions", "Age*Sex",
		"--classes", economo+":economo_koskinas_class_mode", "--classes", fixtures.Shared(t, "enigma", "derived", "dk68_yeo7_mode_via_schaefer400_conte69.csv")+":yeo7_mode",
		"--coords", fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), "--spins", "300", "--min-features", "2", "-o", dir)
	if code != 0 {
		t.Fatalf("morph: %d %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "20 subjects x 68 regions x 2 features") {
		t.Errorf("output:\n%s", out)
	}
	cc, err := table.Read(filepath.Join(dir, "case_control.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cc.NumRows() != 68 {
		t.Errorf("%d case-control rows", cc.NumRows())
	}
	// Class summaries: 5 von Economo-Koskinas classes and 7 Yeo networks, each mean equal to the
	// mean of the case-control table's d over the class's regions (by name).
	if n := strings.Count(out, " regions: mean d "); n != 12 {
		t.Errorf("%d class summaries, want 12:\n%s", n, out)
	}
	regions, _ := cc.Column("region")
	d, _ := cc.Floats("cohen_d")
	ec, _ := table.Read(economo, nil)
	ecReg, _ := ec.Column("region")
	ecCls, _ := ec.Column("economo_koskinas_class_mode")
	classOf := map[string]string{}
	for i, r := range ecReg.Raw {
		classOf[r] = ecCls.Raw[i]
	}
	var sum float64
	var n int
	for i, r := range regions.Raw {
		if classOf[r] == "1" {
			sum, n = sum+d[i], n+1
		}
	}
	if got := number(t, out, `economo_koskinas_class_mode\s+1\s+\d+ regions: mean d ([-0-9.]+)`); math.Abs(got-sum/float64(n)) > 5e-4 {
		t.Errorf("class 1 mean d %v, case_control.tsv gives %v", got, sum/float64(n))
	}
	// Hub susceptibility: Spearman's rho between case_control.tsv's t and the controls' mean of
	// regional_ms.tsv, and a quadrant for every region.
	rm, err := table.Read(filepath.Join(dir, "regional_ms.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cov, _ := table.Read(x("cov.csv"), nil)
	ids, _ := cov.Column("SubjID")
	dx, _ := cov.Column("Dx")
	isControl := map[string]bool{}
	for i, id := range ids.Raw {
		isControl[id] = dx.Raw[i] == "0"
	}
	subj, _ := rm.Column("subject")
	controlMS := make([]float64, len(regions.Raw))
	for r, name := range regions.Raw {
		v, _ := rm.Floats(name)
		nc := 0
		for s, id := range subj.Raw {
			if isControl[id] {
				controlMS[r] += v[s]
				nc++
			}
		}
		controlMS[r] /= float64(nc)
	}
	tval, _ := cc.Floats("t")
	if got, want := number(t, out, `rho\(case-control t, control MS\) = ([-0-9.]+)`), stats.Spearman(tval, controlMS); math.Abs(got-want) > 5e-4 {
		t.Errorf("hub susceptibility rho %v, the written tables give %v", got, want)
	}
	if p := number(t, out, `control MS\) = [-0-9.]+, spin p = ([0-9.e-]+)`); !(p > 0 && p <= 1) {
		t.Errorf("hub susceptibility p %v", p)
	}
	var inQuadrants float64
	for _, q := range []string{"dedifferentiation", "hypercoupling", "hyperdifferentiation", "decoupling"} {
		inQuadrants += number(t, out, q+`\s+(\d+) \(`)
	}
	if inQuadrants != 68 {
		t.Errorf("%v regions in the four quadrants:\n%s", inQuadrants, out)
	}
	// The global and class-level MS tests (Martins et al. 2022): one row, and one per class.
	if g, err := table.Read(filepath.Join(dir, "global_case_control.tsv"), nil); err != nil || g.NumRows() != 1 || !strings.Contains(out, "global MS case-control: t = ") {
		t.Errorf("global MS test: %v\n%s", err, out)
	}
	if c, err := table.Read(filepath.Join(dir, "class_case_control_economo_koskinas_class_mode.tsv"), nil); err != nil || c.NumRows() != 5 {
		t.Errorf("class-level MS test: %v", err)
	}
	if _, errOut, code := runCLI(t, "morph", "--enigma", x("metr2_CortThick.csv"), "--enigma", x("metr3_CortSurf.csv"), "--leave-one-feature-out-change", "-o", dir); code != 2 || !strings.Contains(errOut, "needs --participants") {
		t.Errorf("--leave-one-feature-out-change without participants: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "morph", "-o", dir); code != 2 || !strings.Contains(errOut, "--subjects-dir or --enigma") {
		t.Errorf("no input: %d %s", code, errOut)
	}
	// Guard rail: two features give MS values of ±1 only; refused unless --min-features says so,
	// and nothing is written.
	refused := filepath.Join(t.TempDir(), "ms2")
	if _, errOut, code := runCLI(t, "morph", "--enigma", x("metr2_CortThick.csv"), "--enigma", x("metr3_CortSurf.csv"),
		"--participants", x("cov.csv"), "--group", "Dx", "-o", refused); code == 0 || !strings.Contains(errOut, "at least 3 features, got 2") {
		t.Errorf("two features: %d %s", code, errOut)
	}
	if _, err := os.Stat(refused); err == nil {
		t.Errorf("refused morph wrote %s", refused)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "morph.report.html"), "morph-report.png", 5)
	}
}

// TestMorphCaseControlGuardRails feeds painmark morph degenerate case-control cohorts (painmark
// synthetic morph): 3 cases and 3 controls with three covariates leave the GLM df = 1, refused with
// nothing written; 5 cases and 4 controls run, with the small-sample warning in the printout.
func TestMorphCaseControlGuardRails(t *testing.T) {
	dir := t.TempDir()
	morphArgs := func(cohort, out string) []string {
		args := []string{"morph"}
		for _, f := range []string{"grayvol", "surfavg", "thickavg", "meancurv", "gauscurv"} {
			args = append(args, "--enigma", filepath.Join(cohort, "metr_"+f+".csv"))
		}
		return append(args, "--participants", filepath.Join(cohort, "cov.csv"), "--group", "Dx", "--case", "1", "--covariates", "Age,Sex,ICV", "-o", out)
	}
	for _, c := range []struct {
		cases, controls string
		code            int
		want            string
	}{{"3", "3", exitFailure, "case-control GLM of 6 subjects with 5 parameters: a t test with df = 1; painmark refuses df < 2"},
		{"5", "4", 0, "warning: case-control (Dx = 1): a t test over 5 and 4, under painmark's minimum of 10 per group"}} {
		cohort, out := filepath.Join(dir, "c"+c.cases+c.controls), filepath.Join(dir, "ms"+c.cases+c.controls)
		if _, errOut, code := runCLI(t, "synthetic", "morph", "--cases", c.cases, "--controls", c.controls, cohort); code != 0 {
			t.Fatal(errOut)
		}
		stdout, stderr, code := runCLI(t, morphArgs(cohort, out)...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%s cases, %s controls: exit %d, %s%s", c.cases, c.controls, code, stdout, stderr)
		}
		if _, err := os.Stat(out); (err == nil) != (c.code == 0) {
			t.Errorf("%s cases, %s controls: output folder present %v, exit %d", c.cases, c.controls, err == nil, code)
		}
	}
}
