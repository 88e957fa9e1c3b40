package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/fixtures"
)

// hostileNames are region, network, condition and parameter names as users and atlases write
// them: very long, markup, quotes, wide capitals and CJK (no tab, newline or comma: those separate
// fields and lists).
var hostileNames = []string{
	"Left_Inferior_Frontal_Gyrus_pars_opercularis_<script>alert(1)</script>",
	"WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
	"右侧岛叶后部 posterior insula (right hemisphere; Glasser 2016 area PoI2)",
	`a "quoted" & <tagged> name`,
	"Brainstem_PAG_periaqueductal_grey_matter_rostral_ventromedial_medulla",
}

// hostile is the k-th hostile name, numbered so that names stay unique.
func hostile(k int) string { return fmt.Sprintf("%s %d", hostileNames[k%len(hostileNames)], k) }

// renameColumns rewrites the header of a TSV file through rename.
func renameColumns(t *testing.T, path string, rename map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, rest, _ := strings.Cut(string(b), "\n")
	cols := strings.Split(head, "\t")
	for i, c := range cols {
		if n, ok := rename[c]; ok {
			cols[i] = n
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(cols, "\t")+"\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The commands that write reports, run on inputs whose region, network, condition and parameter
// names are very long and hostile (markup, quotes, CJK): every figure of every report passes the
// browser's layout check (no text outside its figure, over another text or over a data mark), runs
// no script and makes no request. Skipped unless PAINMARK_CHROMIUM is set (the extended suite).
func TestBrowserReportsWithHostileNames(t *testing.T) {
	chromium := browsercheck.Chromium(t)
	dir := t.TempDir()
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	run := func(args ...string) {
		t.Helper()
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	var reports []string

	// CSps cohorts: every fourth region and two networks renamed (the others keep their atlas
	// names, so the anatomical figures place them).
	run("synthetic", "csps", p("st"), "--seed", "3", "--train", "24", "--independent", "4", "--task", "4", "--clinical1", "4", "--clinical2", "4", "--prepost", "12")
	b, err := os.ReadFile(p("st", "regions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rename := map[string]string{}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], "\t")
		if i%4 == 0 {
			rename[f[0]] = hostile(i)
			f[0] = rename[f[0]]
		}
		if f[2] == "DMnet" || f[2] == "CER" {
			f[2] = hostileNames[len(f[2])%len(hostileNames)] + " network"
		}
		lines[i] = strings.Join(f, "\t")
	}
	if err := os.WriteFile(p("st", "regions.tsv"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"train", "pre", "post"} {
		files, _ := filepath.Glob(p("st", c, "roi", "*_timeseries.tsv"))
		for _, f := range files {
			renameColumns(t, f, rename)
		}
		run("connectome", p("st", c, "roi"), "--kind", "partial correlation", "--scaling", "zscore", "--region-tags", p("st", "regions.tsv"), "--no-matrices", "-o", p("st", c, "conn"))
	}
	reports = append(reports, p("st", "train", "conn", "connectome.report.html"))
	col := func(c, name string) string { return p("st", c, "participants.tsv") + ":" + name }
	feat := func(c string) string { return p("st", c, "conn", "features.tsv") }
	run("signature", "train", feat("train"), "--target", col("train", "heat_pain_threshold"), "--zscore", "--flip", "--name", hostile(0),
		"--k", "100", "--alpha", "0.1", "--l1-ratio", "0.9", "--permutations", "20", "--bootstraps", "50", "--bootstrap-out", p("bootstrap.tsv"), "-o", p("sig.json"))
	run("signature", "validate", p("sig.json"), feat("pre"), "--target", col("pre", "heat_pain_threshold"), "--standardize", "training",
		"--permutations", "20", "--bootstraps", "20", "-o", p("validation.json"))
	run("signature", "change", p("sig.json"), feat("pre"), feat("post"), "--pain-pre", col("pre", "heat_pain_threshold"),
		"--pain-post", col("post", "heat_pain_threshold"), "--group", col("pre", "group"), "--permutations", "20", "-o", p("change.json"))
	reports = append(reports, p("sig.report.html"), p("validation.report.html"), p("change.report.html"))

	// Targets and the lesion network with hostile network names.
	run("synthetic", "target-participant", p("tp"), "--timepoints", "60")
	run("synthetic", "target-participant", p("tp2"), "--timepoints", "60", "--seed", "2")
	run("synthetic", "target-participant", p("tp3"), "--timepoints", "60", "--seed", "3")
	// (--names is a list: a double quote would have to be written CSV-quoted)
	names := []string{hostile(1), hostile(2), hostile(4), hostile(0), hostile(6)}
	run("target", "--bold", p("tp", "bold.nii.gz"), "--mask", p("tp", "mask.nii.gz"), "--templates", p("tp", "templates.nii.gz"),
		"--names", strings.Join(names, ","), "--network", names[0], "--search-space", p("tp", "precentral.nii.gz"), "--min-score", "0.15", "-o", p("tg"))
	run("lesionnet", "--lesion-mm", "-9,-18,6", "--runs", p("tp", "bold.nii.gz")+","+p("tp2", "bold.nii.gz")+","+p("tp3", "bold.nii.gz"), "--mask", p("tp", "mask.nii.gz"),
		"--networks", p("tp", "templates.nii.gz"), "--names", strings.Join(names, ","), "-o", p("ln"))
	reports = append(reports, p("tg", "targets.report.html"), p("ln", "lesionnet.report.html"))

	// A stimulation search over parameters with hostile names and choices.
	space := fmt.Sprintf(`[{"name": %q, "type": "categorical", "choices": [%q, %q]}, {"name": %q, "type": "continuous", "min": 0.5, "max": 5}]`,
		hostile(0), hostile(1), hostile(2), hostile(3))
	os.WriteFile(p("space.json"), []byte(space), 0o644)
	run("stimopt", "init", p("space.json"), "-o", p("stim.json"), "--outcome-name", hostile(4))
	for _, y := range []string{"1", "4", "2.5"} {
		run("stimopt", "suggest", p("stim.json"))
		run("stimopt", "record", p("stim.json"), "--outcome", y)
	}
	run("stimopt", "status", p("stim.json"), "--report", p("stim.report.html"))
	reports = append(reports, p("stim.report.html"))

	// A GLM design whose conditions have hostile names.
	ev := fmt.Sprintf("onset\tduration\ttrial_type\n10\t20\t%s\n45\t20\t%s\n80\t20\t%s\n", hostile(0), hostile(2), hostile(3))
	os.WriteFile(p("events.tsv"), []byte(ev), 0o644)
	run("glm", "design", p("events.tsv"), "--tr", "2", "--n-scans", "60", "-o", p("design.tsv"))
	reports = append(reports, p("design.report.html"))

	// A spin test of two maps whose columns have hostile names (the ENIGMA maps, when present).
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	b, err = os.ReadFile(maps)
	if err != nil {
		t.Fatal(err)
	}
	head, rest, _ := strings.Cut(string(b), "\n")
	csvField := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	head = strings.Replace(strings.Replace(head, "scz_CortThick_d_icv", csvField(hostile(0)), 1), "mddadult_CortThick_d_icv", csvField(hostile(3)), 1)
	os.WriteFile(p("maps.csv"), []byte(head+"\n"+rest), 0o644)
	run("spin", p("maps.csv"), "--x", hostile(0), "--y", hostile(3), "--coords", fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"),
		"--n", "200", "-o", p("spin.json"))
	reports = append(reports, p("spin.report.html"))

	for _, r := range reports {
		pg := browsercheck.Check(t, chromium, r, "hostile-"+strings.ReplaceAll(strings.TrimPrefix(r, dir+"/"), "/", "-")+".png", 1)
		if pg.Scripts != 0 {
			t.Errorf("%s: %d <script> elements in the DOM", r, pg.Scripts)
		}
	}
}
