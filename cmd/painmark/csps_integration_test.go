package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/table"
)

// TestCSpsProtocolOnSyntheticCohorts runs the whole corticospinal signature protocol through the
// command line on a synthetic study with a known answer (package synthetic): ROI series →
// connectome (with region tags) → signature train (search, permutations, bootstrap, learning curve)
// → validate on the retest and independent cohorts (training standardization) and on two clinical
// cohorts (within-cohort z, pooled) → forced choice heat vs cold → virtual lesions → nodal
// strength → the brain-only restriction applied to brain-only features → pre/post change by
// group → ablation models M1-M5 → nonlinear baselines. It checks that the planted edges are
// recovered and that the statistics are those the generative model implies.
func TestCSpsProtocolOnSyntheticCohorts(t *testing.T) {
	fixtures.Long(t)
	dir := t.TempDir()
	st, err := synthetic.Generate(synthetic.Options{Train: 54, Independent: 30, Task: 30, Clinical1: 20, Clinical2: 20, PrePost: 24, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	// The command writes the same study the package generated above (the known answer).
	run("synthetic", "csps", dir, "--seed", "11", "--train", "54", "--independent", "30", "--task", "30", "--clinical1", "20", "--clinical2", "20", "--prepost", "24")
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	var spinal []string
	for _, r := range st.Regions {
		if r.System == "spinal" {
			spinal = append(spinal, r.Name)
		}
	}
	for _, c := range []string{"train", "retest", "independent", "task-heat", "task-cold", "clinical-cLBP", "clinical-FM", "pre", "post"} {
		run("connectome", p(c, "roi"), "--kind", "partial correlation", "--scaling", "zscore", "--region-tags", p("regions.tsv"), "--no-matrices", "-o", p(c, "conn"))
	}
	// The brain-only features of the independent cohort (no spinal imaging).
	run("connectome", p("independent", "roi"), "--drop", strings.Join(spinal, ","), "--kind", "partial correlation", "--scaling", "zscore", "--no-matrices", "-o", p("independent", "conn-brain"))

	feat := p("train", "conn", "features.tsv")
	sig := p("csps.signature.json")
	grid := []string{"--k", "50,100,200", "--alpha", "0.01,0.05,0.1", "--l1-ratio", "0.5,0.9"}
	out := run(append([]string{"signature", "train", feat, "--target", p("train", "participants.tsv") + ":heat_pain_threshold", "--zscore", "--flip",
		"--target-description", "-z(heat pain threshold)", "--name", "CSps-synthetic", "--permutations", "100", "--bootstraps", "200",
		"--learning-curve", "15,25,35", "--curve-repeats", "10", "--bootstrap-out", p("bootstrap.tsv"), "-o", sig}, grid...)...)
	if r := number(t, out, `loo r = ([-0-9.]+)`); r < 0.6 {
		t.Errorf("leave-one-out r = %.3f on a cohort with a strong planted pattern:\n%s", r, out)
	}
	if pr := number(t, out, `p\(r\) = ([-0-9.e]+)`); pr > 0.02 {
		t.Errorf("permutation p(r) = %g, expected the smallest possible (1/101)", pr)
	}
	// CanlabCore's bootstrap p (the default) calls stable the sparse model's edges chosen in few
	// refits with one sign: the run says so, with the count.
	if !strings.Contains(out, "warning: ") || !strings.Contains(out, "edges called stable are selected in fewer than half of the 200 bootstrap refits") {
		t.Errorf("train does not warn that rarely selected edges are called stable:\n%s", out)
	}

	// Planted edges are recovered: most of them among the 20 edges of largest bootstrap |Z|.
	boot, err := table.Read(p("bootstrap.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	edges, err := table.Read(p("train", "conn", "edges.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ri, _ := edges.Column("region_i")
	rj, _ := edges.Column("region_j")
	z, err := boot.Floats("z")
	if err != nil {
		t.Fatal(err)
	}
	order := make([]int, len(z))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return math.Abs(z[order[a]]) > math.Abs(z[order[b]]) })
	planted := map[string]bool{}
	for _, e := range st.Planted {
		planted[st.Regions[e.A].Name+"|"+st.Regions[e.B].Name] = true
		planted[st.Regions[e.B].Name+"|"+st.Regions[e.A].Name] = true
	}
	found := 0
	for _, k := range order[:20] {
		if planted[ri.Raw[k]+"|"+rj.Raw[k]] {
			found++
		}
	}
	if found < len(st.Planted)*2/3 {
		t.Errorf("%d of the %d planted edges among the 20 largest bootstrap |Z|", found, len(st.Planted))
	}
	t.Logf("train: %s; %d of %d planted edges among the top 20 bootstrap |Z|", strings.TrimSpace(strings.Split(out, "\n")[0]), found, len(st.Planted))

	// External validation: the retest and independent cohorts, standardized with the training
	// cohort's mean and SD; the clinical cohorts z-scored within cohort and pooled.
	for _, c := range []string{"retest", "independent"} {
		out = run("signature", "validate", sig, p(c, "conn", "features.tsv"), "--target", p(c, "participants.tsv")+":heat_pain_threshold",
			"--standardize", "training", "--permutations", "200", "--bootstraps", "200", "-o", p(c+"-validation.json"))
		if r := number(t, out, `r = ([-0-9.]+)`); r < 0.5 {
			t.Errorf("%s: r = %.3f\n%s", c, r, out)
		}
	}
	out = run("signature", "validate", sig, p("clinical-cLBP", "conn", "features.tsv"), p("clinical-FM", "conn", "features.tsv"),
		"--target", p("clinical_participants.tsv")+":clinical_pain", "--standardize", "within", "--flip", "no", "--permutations", "200", "--bootstraps", "200", "-o", p("clinical-validation.json"))
	if !strings.Contains(out, "the pooled cohorts") || number(t, out, `the pooled cohorts, \d+ subjects .*?: r = ([-0-9.]+)`) < 0.3 {
		t.Errorf("clinical validation:\n%s", out)
	}

	// Task cohort: heat raises the planted coupling, so the signature tells heat from cold.
	out = run("signature", "forced-choice", sig, p("task-heat", "conn", "features.tsv"), p("task-cold", "conn", "features.tsv"), "-o", p("forced.json"))
	if acc := number(t, out, `accuracy ([0-9.]+)`); acc < 70 {
		t.Errorf("forced choice accuracy %.1f%%:\n%s", acc, out)
	}

	// The same task cohort scored on dynamic conditional correlations (DCC) of the weighted edges.
	out = run("signature", "forced-choice", sig, p("task-heat", "roi"), p("task-cold", "roi"), "--dcc", "-o", p("forced-dcc.json"))
	if acc := number(t, out, `accuracy ([0-9.]+)`); acc < 60 {
		t.Errorf("DCC forced choice accuracy %.1f%%:\n%s", acc, out)
	}
	t.Logf("forced choice on DCC: %s", strings.TrimSpace(out))

	// Dissection.
	run("signature", "lesion", sig, feat, "--target", p("train", "participants.tsv")+":heat_pain_threshold", "--standardize", "training", "--repeats", "20", "-o", p("lesions.json"))
	var les struct {
		Edges []string  `json:"edges"`
		Drop  []float64 `json:"drop"`
	}
	readJSON(t, p("lesions.json"), &les)
	if len(les.Edges) == 0 || len(les.Drop) != len(les.Edges) {
		t.Fatalf("lesions: %d edges, %d drops", len(les.Edges), len(les.Drop))
	}
	top := 0
	for i, d := range les.Drop {
		if d > les.Drop[top] {
			top = i
		}
	}
	featureEdge := map[string]string{}
	fc, _ := edges.Column("feature")
	for k, f := range fc.Raw {
		featureEdge[f] = ri.Raw[k] + "|" + rj.Raw[k]
	}
	if !planted[featureEdge[les.Edges[top]]] {
		t.Errorf("the largest lesion drop is %s (%s), not a planted edge", les.Edges[top], featureEdge[les.Edges[top]])
	}
	out = run("signature", "nodes", sig, "-o", p("nodes.tsv"))
	if !strings.Contains(out, "C") {
		t.Errorf("nodes: %s", out)
	}
	bsig := p("bcsps.signature.json")
	run("signature", "restrict", sig, "--system", "brain,brainstem", "--name", "bCSps", "-o", bsig)
	run("signature", "apply", bsig, p("independent", "conn-brain", "features.tsv"), "-o", p("bcsps-independent.tsv"))
	// A plain weight table (the planted pattern itself, by region name) as a signature.
	wt := p("planted_weights.tsv")
	if err := os.WriteFile(wt, []byte(plantedWeightTable(st)), 0o644); err != nil {
		t.Fatal(err)
	}
	run("signature", "import-weights", wt, "--connectome", p("train", "conn", "connectome.json"), "--name", "planted", "-o", p("planted.signature.json"))
	out = run("signature", "validate", p("planted.signature.json"), p("independent", "conn", "features.tsv"), "--target", p("independent", "participants.tsv")+":heat_pain_threshold",
		"--permutations", "200", "--bootstraps", "0", "-o", p("planted-validation.json"))
	if r := number(t, out, `r = ([-0-9.]+)`); r > -0.5 {
		t.Errorf("the planted pattern predicts the threshold with r = %.3f (expected strongly negative)\n%s", r, out)
	}
	// The full signature against its brain-only part on the same (independent) subjects.
	out = run("signature", "compare", sig, p("independent", "conn", "features.tsv"), bsig, p("independent", "conn-brain", "features.tsv"),
		"--target", p("independent", "participants.tsv")+":heat_pain_threshold", "--standardize", "training", "--permutations", "200", "--bootstraps", "500", "-o", p("compare.json"))
	if d := number(t, out, `Δr = ([-0-9.]+)`); !(d > 0) {
		t.Errorf("CSps vs bCSps on the independent cohort: Δr = %.3f (the planted edges are mostly brain-spinal)\n%s", d, out)
	}
	t.Logf("compare:\n%s", out)

	// Intervention: active stimulation lowers sensitivity; signature change follows pain change.
	out = run("signature", "change", sig, p("pre", "conn", "features.tsv"), p("post", "conn", "features.tsv"),
		"--pain-pre", p("pre", "participants.tsv")+":heat_pain_threshold", "--pain-post", p("post", "participants.tsv")+":heat_pain_threshold",
		"--group", p("pre", "participants.tsv")+":group", "--edge", st.Regions[st.Planted[0].A].Name+","+st.Regions[st.Planted[0].B].Name,
		"--compare", "active,sham", "-o", p("change.json"))
	active := number(t, out, `active \(n = \d+\).*mean changes ([-0-9.]+)`)
	sham := number(t, out, `sham \(n = \d+\).*mean changes ([-0-9.]+)`)
	if !(active < 0 && active < sham) {
		t.Errorf("mean signature change: active %.3f, sham %.3f (active stimulation lowers sensitivity)\n%s", active, sham, out)
	}
	t.Logf("change:\n%s", out)

	// Ablations: only the cross-system edges keep most of the signal, the spinal block alone none.
	out = run(append([]string{"signature", "ablate", feat, "--target", p("train", "participants.tsv") + ":heat_pain_threshold", "--zscore", "--flip",
		"--series", p("train", "roi"), "-o", p("ablation.json")}, grid...)...)
	var abl struct {
		Models []struct {
			Model string  `json:"model"`
			R     float64 `json:"cv_r"`
		} `json:"models"`
	}
	readJSON(t, p("ablation.json"), &abl)
	r := map[string]float64{}
	for _, m := range abl.Models {
		r[m.Model] = m.R
	}
	if len(r) != 5 || !(r["M5"] > r["M2"]+0.3) || !(r["M5"] > r["M4"]) {
		t.Errorf("ablation r: %v\n%s", r, out)
	}
	t.Logf("ablations:\n%s", out)

	// Every command's report loads in a real browser, self-contained, with its figures (when the
	// extended suite provides Chromium).
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		chromium := browsercheck.Chromium(t)
		for _, r := range []struct {
			name    string
			figures int
		}{{"csps.signature", 5}, {"retest-validation", 1}, {"clinical-validation", 3}, {"forced", 1}, {"forced-dcc", 1},
			{"lesions", 2}, {"ablation", 1}, {"compare", 1}, {"change", 2}} {
			browsercheck.Check(t, chromium, p(r.name+".report.html"), "csps-"+r.name+".png", r.figures)
		}
	}

	// Nonlinear baselines through the same pipeline.
	for _, model := range []string{"svr-rbf", "random-forest"} {
		out = run("learn", "cv", feat, "--target", p("train", "participants.tsv")+":heat_pain_threshold", "--model", model, "--k", "100",
			"--trees", "50", "--cv", "kfold:5", "-o", p("cv-"+model+".json"))
		t.Logf("%s: %s", model, strings.TrimSpace(out))
	}
}

// plantedWeightTable writes the planted edges as a weight table by region name.
func plantedWeightTable(st *synthetic.Study) string {
	var b strings.Builder
	b.WriteString("region_i\tregion_j\tweight\n")
	for _, e := range st.Planted {
		b.WriteString(st.Regions[e.A].Name + "\t" + st.Regions[e.B].Name + "\t" + strconv.FormatFloat(e.Sign, 'g', -1, 64) + "\n")
	}
	return b.String()
}

// number returns the first capture of pattern in s as a float.
func number(t *testing.T, s, pattern string) float64 {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %q in:\n%s", pattern, s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%q: %v", m[1], err)
	}
	return v
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
