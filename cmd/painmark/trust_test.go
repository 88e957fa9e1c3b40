package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/table"
)

// TestMissingSubjectsAllNamed feeds learn a participants table missing 26 of the feature table's
// subjects: the error gives their number and the first ten, not one name (issue 20).
func TestMissingSubjectsAllNamed(t *testing.T) {
	feat, parts, _ := bochumFeatureTable(t)
	pt, err := table.ReadParticipants(parts, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	subj := pt.Subjects()
	y, _ := pt.Values(subj, "pain")
	keep := len(subj) - 26
	short := filepath.Join(t.TempDir(), "participants.tsv")
	table.Write(short, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", subj[:keep]), table.NumericColumn("pain", y[:keep])}})
	out := filepath.Join(t.TempDir(), "cv.json")
	_, stderr, code := runCLI(t, "learn", "cv", feat, "--target", short+":pain", "-o", out)
	want := fmt.Sprintf("26 subjects, the first 10: %s not in the table", strings.Join(subj[keep:keep+10], ", "))
	if code == 0 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, %q; want %q", code, stderr, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused run wrote %s", out)
	}
}

// writeSeries writes one subject's ROI time series (frames x regions, seeded noise) as
// dir/sub-ID_timeseries.tsv.
func writeSeries(t *testing.T, dir, id string, frames, regions int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	cols := make([]*table.Column, regions)
	for j := range cols {
		v := make([]float64, frames)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		cols[j] = table.NumericColumn(fmt.Sprintf("r%02d", j), v)
	}
	if err := table.Write(filepath.Join(dir, "sub-"+id+"_timeseries.tsv"), &table.Table{Columns: cols}); err != nil {
		t.Fatal(err)
	}
}

// TestConnectomeFewerFramesThanRegions: a covariance from fewer frames than regions is singular.
// The empirical estimator's partial correlation (which needs the inverse) is refused naming the
// subjects, writing nothing; Ledoit-Wolf's is flagged with the shrinkage used, printed, in
// connectome.json and in the report (issue 20).
func TestConnectomeFewerFramesThanRegions(t *testing.T) {
	ts := t.TempDir()
	writeSeries(t, ts, "01", 12, 20, 1)
	writeSeries(t, ts, "02", 60, 20, 2)
	writeSeries(t, ts, "03", 20, 20, 3)
	out := filepath.Join(t.TempDir(), "emp")
	_, stderr, code := runCLI(t, "connectome", ts, "--estimator", "empirical", "-o", out)
	if code != 1 || !strings.Contains(stderr, "2 subjects: sub-01 (12), sub-03 (20): fewer frames than the 20 regions") || !strings.Contains(stderr, "Ledoit-Wolf") {
		t.Errorf("empirical partial correlation: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused run wrote %s", out)
	}
	if _, stderr, code := runCLI(t, "connectome", ts, "--estimator", "empirical", "--kind", "correlation", "-o", out); code != 0 {
		t.Errorf("empirical correlation (no inverse needed): exit %d, %s", code, stderr)
	}
	out = filepath.Join(t.TempDir(), "lw")
	stdout, stderr, code := runCLI(t, "connectome", ts, "-o", out, "--report", filepath.Join(out, "report.html"))
	if code != 0 || !strings.Contains(stdout, "warning: subject sub-01: 12 frames for 20 regions: the sample covariance is singular (rank at most 11); the Ledoit-Wolf shrinkage") || strings.Contains(stdout, "sub-02:") {
		t.Fatalf("Ledoit-Wolf: exit %d, %q %s", code, stdout, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(out, "connectome.json"))
	var sc struct{ Warnings []string }
	json.Unmarshal(b, &sc)
	if len(sc.Warnings) != 2 || !strings.Contains(sc.Warnings[1], "subject sub-03: 20 frames for 20 regions") {
		t.Errorf("connectome.json warnings: %q", sc.Warnings)
	}
	if page, _ := os.ReadFile(filepath.Join(out, "report.html")); !strings.Contains(string(page), "12 frames for 20 regions") {
		t.Errorf("the report does not flag sub-01")
	}
}

// TestInSampleLabelled: a signature trained on the Bochum cohort and dissected (lesion), followed
// through an intervention (change) and compared on its own training subjects says IN-SAMPLE in
// the printout, the result JSON (in_sample) and the report; the imported RPN (no recorded
// training subjects) does not (issue 20).
func TestInSampleLabelled(t *testing.T) {
	feat, parts, _ := bochumFeatureTable(t)
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	sig := p("trained.json")
	if _, stderr, code := runCLI(t, "signature", "train", feat, "--target", parts+":pain", "--report", "none", "--bootstrap-out", p("boot.tsv"), "-o", sig); code != 0 {
		t.Fatalf("train: %d %s", code, stderr)
	}
	rpn := p("rpn.json")
	if _, stderr, code := runCLI(t, "signature", "import-rpn", fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"), "-o", rpn); code != 0 {
		t.Fatalf("import-rpn: %d %s", code, stderr)
	}
	pt, _ := table.ReadParticipants(parts, "", nil)
	subj := pt.Subjects()
	pre, _ := pt.Values(subj, "pain")
	post, arm := make([]float64, len(subj)), make([]string, len(subj))
	for i := range subj {
		post[i], arm[i] = pre[i]+float64(i%3), []string{"active", "sham"}[i%2]
	}
	study := p("study.tsv")
	table.Write(study, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", subj), table.NumericColumn("pain_pre", pre), table.NumericColumn("pain_post", post), table.TextColumn("arm", arm)}})
	ft, err := table.Read(feat, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ft.Columns[1:] { // after the intervention: connectivity shrunk per subject
		for i := range c.Values {
			c.Values[i] *= 1 - 0.02*float64(i%7)
		}
		c.Raw = nil
	}
	postFeat := p("post.tsv")
	if err := table.Write(postFeat, ft); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("IN-SAMPLE: %d of the %d subjects were in the signature's training set", len(subj), len(subj))
	for _, c := range []struct {
		name string
		args []string
	}{
		{"lesion", []string{"signature", "lesion", sig, feat, "--target", parts + ":pain", "--repeats", "5"}},
		{"change", []string{"signature", "change", sig, feat, postFeat, "--pain-pre", study + ":pain_pre", "--pain-post", study + ":pain_post", "--group", study + ":arm", "--permutations", "9"}},
		{"compare", []string{"signature", "compare", rpn, feat, sig, feat, "--target", parts + ":pain", "--permutations", "9", "--bootstraps", "9"}},
	} {
		out := p(c.name + ".json")
		stdout, stderr, code := runCLI(t, append(c.args, "-o", out)...)
		if code != 0 || strings.Count(stdout, want) != 1 {
			t.Errorf("%s: exit %d, printout %q %s", c.name, code, stdout, stderr)
			continue
		}
		if b := readBytes(t, out); strings.Count(string(b), `"in_sample": [`) != 1 {
			t.Errorf("%s: the result JSON does not carry in_sample once", c.name)
		}
		if page := readBytes(t, p(c.name+".report.html")); !strings.Contains(string(page), "were in the signature&#39;s training set") {
			t.Errorf("%s: the report does not say in-sample", c.name)
		}
	}
	stdout, _, code := runCLI(t, "signature", "lesion", rpn, feat, "--target", parts+":pain", "--repeats", "5", "-o", p("rpn-lesion.json"))
	if code != 0 || strings.Contains(stdout, "IN-SAMPLE") || strings.Contains(string(readBytes(t, p("rpn-lesion.json"))), "in_sample") {
		t.Errorf("the imported RPN (no training subjects recorded) labelled in-sample: %s", stdout)
	}
}

// TestConnectomeKilled kills painmark connectome (kill -9) at random points of its run: the output
// folder never appears partial (after a kill it is absent, or whole when the kill came after it
// appeared), and the next run sweeps the orphaned
// staging folder and writes the same bytes as an uninterrupted run (issue 21).
func TestConnectomeKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs painmark processes")
	}
	dir := t.TempDir()
	writeRuns(t, filepath.Join(dir, "roi"), 40, 60, 150, 3)
	ref := filepath.Join(dir, "ref")
	start := time.Now()
	if _, errOut, code := runCLI(t, "connectome", filepath.Join(dir, "roi"), "-o", ref, "--report", "none"); code != 0 {
		t.Fatal(errOut)
	}
	full := time.Since(start)
	want := treeBytes(t, ref)
	rng := rand.New(rand.NewPCG(5, 5))
	out := filepath.Join(dir, "out")
	kills := 0
	for attempt := 0; attempt < 5; attempt++ {
		cmd := exec.Command(os.Args[0], "connectome", filepath.Join(dir, "roi"), "-o", out, "--report", "none")
		cmd.Env = append(os.Environ(), "PAINMARK_TEST_AS_CLI=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration((0.3 + 0.65*rng.Float64()) * float64(full)))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			os.RemoveAll(out) // finished before the kill: start again
			continue
		}
		kills++
		if _, err := os.Stat(out); err == nil { // killed after the folder appeared: it must be whole
			if !maps.Equal(treeBytes(t, out), want) {
				t.Fatalf("killed at attempt %d, %s exists but is not an uninterrupted run's", attempt, out)
			}
			os.RemoveAll(out)
		}
	}
	if kills == 0 {
		t.Fatalf("no kill interrupted a run of %.2f s", full.Seconds())
	}
	if _, errOut, code := runCLI(t, "connectome", filepath.Join(dir, "roi"), "-o", out, "--report", "none"); code != 0 {
		t.Fatal(errOut)
	}
	if got := treeBytes(t, out); !maps.Equal(got, want) {
		t.Errorf("the run after %d kills wrote other files than an uninterrupted run", kills)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".out.tmp-*")); len(left) != 0 {
		t.Errorf("orphaned staging folders left: %v", left)
	}
	t.Logf("%d kills in runs of %.2f s", kills, full.Seconds())
}

// treeBytes maps every file under dir (relative path) to its bytes as a string; connectome.json's
// inputs and version lines are the same between runs on the same files.
func treeBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(b)
		}
		return nil
	})
	if len(out) == 0 {
		t.Fatalf("no files under %s", dir)
	}
	return out
}

// TestSyntheticMorphCohort: painmark synthetic morph writes the library's files byte for byte
// (synthetic.SimulateMorph, MorphCohort.Write), and painmark morph analyses its five features
// of 120 subjects without --min-features, as the README's example does (issue 20).
func TestSyntheticMorphCohort(t *testing.T) {
	dir := t.TempDir()
	cli, lib := filepath.Join(dir, "cli"), filepath.Join(dir, "lib")
	if _, stderr, code := runCLI(t, "synthetic", "morph", cli); code != 0 {
		t.Fatal(stderr)
	}
	c, err := synthetic.SimulateMorph(synthetic.DefaultMorphOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(lib); err != nil {
		t.Fatal(err)
	}
	if a, b := treeBytes(t, cli), treeBytes(t, lib); !maps.Equal(a, b) || len(a) != 7 {
		t.Errorf("synthetic morph wrote %d files, the library %d: they differ", len(a), len(b))
	}
	args := []string{"morph"}
	for _, f := range synthetic.MorphFeatures {
		args = append(args, "--enigma", filepath.Join(cli, "metr_"+f.Suffix+".csv"))
	}
	args = append(args, "--participants", filepath.Join(cli, "cov.csv"), "--group", "Dx", "--case", "1", "--covariates", "Age,Sex,ICV", "--spins", "50",
		"--coords", fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), "-o", filepath.Join(dir, "ms"))
	if stdout, stderr, code := runCLI(t, args...); code != 0 || !strings.Contains(stdout, "global MS case-control: t = ") || !strings.Contains(stdout, "(115)") {
		t.Errorf("morph on the simulated cohort: exit %d, %s %s", code, stdout, stderr)
	}
}
