package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
)

// TestMain lets tests run this test binary as the painmark command (PAINMARK_TEST_AS_CLI=1): a
// separate process that can be killed, or a Slurm task.
func TestMain(m *testing.M) {
	if os.Getenv("PAINMARK_TEST_AS_CLI") == "1" {
		// A simulated crash of one Slurm task, once: PAINMARK_TEST_FAIL_UNIT names the unit,
		// PAINMARK_TEST_FAIL_MARKER a file whose removal records that the crash happened.
		args := os.Args[1:]
		if m := os.Getenv("PAINMARK_TEST_FAIL_MARKER"); len(args) == 3 && args[0] == "run-task" && args[2] == os.Getenv("PAINMARK_TEST_FAIL_UNIT") {
			if os.Remove(m) == nil {
				fmt.Fprintln(os.Stderr, "simulated task crash")
				os.Exit(1)
			}
		}
		os.Exit(run(args))
	}
	os.Exit(m.Run())
}

// writeRuns writes n synthetic ROI time-series tables (frames x regions, BIDS names).
func writeRuns(t testing.TB, dir string, n, regions, frames int, seed uint64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for s := 0; s < n; s++ {
		cols := make([]*table.Column, regions)
		shared := make([]float64, frames)
		for f := range shared {
			shared[f] = rng.NormFloat64()
		}
		for r := range cols {
			v := make([]float64, frames)
			for f := range v {
				v[f] = rng.NormFloat64() + 0.5*shared[f]*float64(r%3)
			}
			cols[r] = table.NumericColumn(fmt.Sprintf("R%02d", r), v)
		}
		if err := table.Write(filepath.Join(dir, fmt.Sprintf("sub-%04d_task-rest_timeseries.tsv", s)), &table.Table{Columns: cols}); err != nil {
			t.Fatal(err)
		}
	}
}

func writeStudy(t testing.TB, dir, executor string) string {
	t.Helper()
	path := filepath.Join(dir, "study.toml")
	text := fmt.Sprintf(`name = "test"
output = "out"
[inputs]
timeseries = "roi"
[connectivity]
kind = "partial correlation"
scaling = "zscore"
[executor]
type = %q
retries = 1
`, executor)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var computedRe = regexp.MustCompile(`\((\d+) computed, (\d+) cached\)`)

// TestRunStudyLocal: a study's cohort table equals the library's connectivity of each run; a
// re-run computes nothing; changing one run recomputes that run and the table only; bad study
// files name the problem; a second run waits for the lock.
func TestRunStudyLocal(t *testing.T) {
	dir := t.TempDir()
	writeRuns(t, filepath.Join(dir, "roi"), 12, 10, 80, 1)
	st := writeStudy(t, dir, "local")
	out, errOut, code := runCLI(t, "run", st)
	if code != 0 {
		t.Fatalf("run: %d %s %s", code, out, errOut)
	}
	if m := computedRe.FindStringSubmatch(out); m == nil || m[1] != "13" {
		t.Fatalf("first run: %s", out)
	}
	arr, err := npy.Read(filepath.Join(dir, "out", "features.npy"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "roi", "*_timeseries.tsv"))
	for s, f := range files {
		tb, _ := table.Read(f, nil)
		cols := make([]int, len(tb.Columns))
		for i := range cols {
			cols[i] = i
		}
		data, _ := tb.Matrix(cols, false)
		m, _, err := connectome.RPNMeasure.Matrix(signal.Matrix{Rows: tb.NumRows(), Cols: len(cols), Data: data})
		if err != nil {
			t.Fatal(err)
		}
		want := connectome.Vectorize(m, true)
		for k, v := range want {
			if arr.Data[s*len(want)+k] != v {
				t.Fatalf("run %d feature %d: %v, library %v", s, k, arr.Data[s*len(want)+k], v)
			}
		}
	}
	out, _, _ = runCLI(t, "run", st)
	if m := computedRe.FindStringSubmatch(out); m == nil || m[1] != "0" {
		t.Errorf("re-run: %s", out)
	}
	// One run changes: it and the cohort table are recomputed.
	writeRuns(t, filepath.Join(dir, "other"), 1, 10, 80, 9)
	b, _ := os.ReadFile(filepath.Join(dir, "other", "sub-0000_task-rest_timeseries.tsv"))
	os.WriteFile(files[3], b, 0o644)
	out, _, _ = runCLI(t, "run", st)
	if m := computedRe.FindStringSubmatch(out); m == nil || m[1] != "2" {
		t.Errorf("after one input changed: %s", out)
	}
	out, _, _ = runCLI(t, "status", st)
	if !strings.Contains(out, "connectivity       12 of     12 built") || !strings.Contains(out, "complete") {
		t.Errorf("status: %s", out)
	}
	for _, c := range []struct{ text, want string }{
		{"output = \"o\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nkind = \"tangent\"\n", "tangent"},
		{"output = \"o\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nkindd = \"correlation\"\n", "unknown key connectivity.kindd"},
		{"output = \"o\"\n[inputs]\ntimeseries = \"nowhere\"\n", "no time-series table"},
		{"[inputs]\ntimeseries = \"roi\"\n", "output is required"},
		{"output = \"o\"\n[inputs]\ntimeseries = \"roi\"\n[executor]\ntype = \"cloud\"\n", "local or slurm"},
	} {
		bad := filepath.Join(dir, "bad.toml")
		os.WriteFile(bad, []byte(c.text), 0o644)
		if _, errOut, code := runCLI(t, "run", bad); code == 0 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "bad.toml") {
			t.Errorf("%q: %d %s", c.want, code, errOut)
		}
	}
}

// TestRunStudyKilled kills a study run (kill -9) at random points several times, then lets it
// finish: the cohort table is byte-identical to an uninterrupted run's, no file under a final
// name is ever partial, and the finishing run computes exactly the units that were missing.
func TestRunStudyKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs painmark processes")
	}
	ref := t.TempDir()
	writeRuns(t, filepath.Join(ref, "roi"), 150, 40, 300, 2)
	refStudy := writeStudy(t, ref, "local")
	start := time.Now()
	if out, errOut, code := runCLI(t, "run", refStudy); code != 0 {
		t.Fatalf("reference run: %d %s %s", code, out, errOut)
	}
	full := time.Since(start)
	want, _ := os.ReadFile(filepath.Join(ref, "out", "features.tsv"))
	dir := t.TempDir()
	os.Symlink(filepath.Join(ref, "roi"), filepath.Join(dir, "roi"))
	st := writeStudy(t, dir, "local")
	rng := rand.New(rand.NewPCG(7, 7))
	kills := 0
	var progress []int
	for attempt := 0; attempt < 4; attempt++ {
		cmd := exec.Command(os.Args[0], "run", st)
		cmd.Env = append(os.Environ(), "PAINMARK_TEST_AS_CLI=1")
		var o bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &o
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Each attempt dies a little later than a tenth of a full run: some units are built
		// each time, never all.
		time.Sleep(time.Duration((0.08 + 0.04*rng.Float64()) * float64(full)))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			kills++
		}
		checkNoPartial(t, filepath.Join(dir, "out"))
		progress = append(progress, countBuilt(t, filepath.Join(dir, "out", ".cache")))
	}
	if kills < 3 || progress[len(progress)-1] >= 151 || progress[len(progress)-1] == 0 {
		t.Fatalf("the kills did not interrupt the run midway (%d kills, units built after each: %v)", kills, progress)
	}
	// What is built now must not be built again.
	built := countBuilt(t, filepath.Join(dir, "out", ".cache"))
	out, errOut, code := runCLI(t, "run", st)
	if code != 0 {
		t.Fatalf("finishing run: %d %s %s", code, out, errOut)
	}
	m := computedRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("finishing run: %s", out)
	}
	computed, _ := strconv.Atoi(m[1])
	if computed != 151-built {
		t.Errorf("the finishing run computed %d units; %d of 151 were built before it", computed, built)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "out", "features.tsv"))
	if !bytes.Equal(got, want) {
		t.Error("the cohort table after the kills differs from the uninterrupted run's")
	}
	t.Logf("%d kills at random points of a %.2f s run (units built after each: %v); the finishing run computed the %d missing", kills, full.Seconds(), progress, computed)
}

// checkNoPartial: every cached unit folder is complete and every published file is whole.
func checkNoPartial(t *testing.T, out string) {
	t.Helper()
	units, _ := filepath.Glob(filepath.Join(out, ".cache", "connectivity", "*"))
	for _, u := range units {
		if strings.HasPrefix(filepath.Base(u), ".tmp-") {
			continue
		}
		st, err := os.Stat(filepath.Join(u, "vector.bin"))
		if err != nil || st.Size() != 8*40*39/2 {
			t.Fatalf("unit %s is partial: %v", u, err)
		}
		if b, err := os.ReadFile(filepath.Join(u, "regions.txt")); err != nil || strings.Count(string(b), "\n") != 40 {
			t.Fatalf("unit %s has a partial regions.txt", u)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "features.tsv")); err == nil {
		if strings.Count(string(b), "\n") != 151 {
			t.Fatalf("a partial features.tsv under its final name (%d lines)", strings.Count(string(b), "\n"))
		}
	}
}

func countBuilt(t *testing.T, cache string) int {
	n := 0
	for _, step := range []string{"connectivity", "features"} {
		units, _ := filepath.Glob(filepath.Join(cache, step, "*"))
		for _, u := range units {
			if !strings.HasPrefix(filepath.Base(u), ".tmp-") {
				n++
			}
		}
	}
	return n
}

// TestSlurmStudy runs the same study locally and on the local Slurm cluster (the extended suite
// starts it with ../shared/scripts/start-local-slurm.sh and sets PAINMARK_SLURM=1): the cohort
// tables are byte-identical; a task that fails is resubmitted.
func TestSlurmStudy(t *testing.T) {
	if os.Getenv("PAINMARK_SLURM") == "" {
		t.Skip("PAINMARK_SLURM not set (the extended suite starts a local Slurm cluster and sets it)")
	}
	local := t.TempDir()
	writeRuns(t, filepath.Join(local, "roi"), 20, 12, 100, 3)
	if out, errOut, code := runCLI(t, "run", writeStudy(t, local, "local")); code != 0 {
		t.Fatalf("local: %d %s %s", code, out, errOut)
	}
	// The cluster's tasks run this test binary as painmark (the environment is exported to jobs).
	os.Setenv("PAINMARK_TEST_AS_CLI", "1")
	defer os.Unsetenv("PAINMARK_TEST_AS_CLI")
	marker := filepath.Join(t.TempDir(), "crash-once")
	os.WriteFile(marker, nil, 0o644)
	os.Setenv("PAINMARK_TEST_FAIL_UNIT", "5")
	os.Setenv("PAINMARK_TEST_FAIL_MARKER", marker)
	defer os.Unsetenv("PAINMARK_TEST_FAIL_UNIT")
	cluster := t.TempDir()
	os.Symlink(filepath.Join(local, "roi"), filepath.Join(cluster, "roi"))
	st := writeStudy(t, cluster, "slurm")
	start := time.Now()
	out, errOut, code := runCLI(t, "run", st, "--painmark", os.Args[0])
	if code != 0 {
		t.Fatalf("slurm: %d %s %s", code, out, errOut)
	}
	if m := computedRe.FindStringSubmatch(out); m == nil || m[1] != "21" {
		t.Errorf("slurm run: %s", out)
	}
	for _, f := range []string{"features.tsv", "features.npy", "edges.tsv"} {
		a, _ := os.ReadFile(filepath.Join(local, "out", f))
		b, _ := os.ReadFile(filepath.Join(cluster, "out", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the local and the Slurm run", f)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the simulated crash did not happen")
	}
	// The crash of one connectivity task cancels the dependent array; the retry submits the
	// missing unit and the cohort table again: 2 scripts per attempt.
	scripts, _ := filepath.Glob(filepath.Join(cluster, "out", ".cache", "slurm", "*.sh"))
	if len(scripts) != 4 {
		t.Errorf("%d batch scripts, want 4 (two steps, two attempts)", len(scripts))
	}
	b, _ := os.ReadFile(filepath.Join(cluster, "out", ".cache", "slurm", "connectivity-1.sh"))
	if !strings.Contains(string(b), `chunks=("5")`) || !strings.Contains(string(b), "exec '") {
		t.Errorf("retry script:\n%s", b)
	}
	t.Logf("21 units on Slurm in %.1f s, one task crashed and was resubmitted; cohort tables byte-identical", time.Since(start).Seconds())
}

// TestRunStudyFmriprep: a study from fMRIPrep outputs (extraction with confounds and cleaning,
// then connectivity) gives the cohort table that painmark extract then painmark connectome give
// with the same options; a subject the filters name without runs is reported by name.
func TestRunStudyFmriprep(t *testing.T) {
	root := fmriprepTree(t, 40)
	dir := t.TempDir()
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
fmriprep = "`+root+`"
[extract]
atlas = "mist122"
confounds = "simple"
high_pass = 0.01
detrend = true
standardize = "zscore_sample"
[connectivity]
kind = "correlation"
`), 0o644)
	out, errOut, code := runCLI(t, "run", st)
	if code != 0 {
		t.Fatalf("run: %d %s %s", code, out, errOut)
	}
	if m := computedRe.FindStringSubmatch(out); m == nil || m[1] != "5" {
		t.Errorf("fmriprep study: %s", out)
	}
	roi := t.TempDir()
	if _, e, c := runCLI(t, "extract", root, "--atlas", "mist122", "--confounds", "simple", "--high-pass", "0.01", "--detrend", "--standardize", "zscore_sample", "-o", roi); c != 0 {
		t.Fatal(e)
	}
	conn := t.TempDir()
	if _, e, c := runCLI(t, "connectome", roi, "--kind", "correlation", "-o", conn); c != 0 {
		t.Fatal(e)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "out", "features.tsv"))
	b, _ := os.ReadFile(filepath.Join(conn, "features.tsv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the study's cohort table differs from extract + connectome's")
	}
	// The runs' ROI series are published (OUTPUT/extract/<run>_timeseries.tsv), equal to
	// painmark extract's, and status lists them.
	published, _ := filepath.Glob(filepath.Join(dir, "out", "extract", "*_timeseries.tsv"))
	var extracted []string
	filepath.WalkDir(roi, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, "_timeseries.tsv") {
			b, _ := os.ReadFile(p)
			extracted = append(extracted, string(b))
		}
		return nil
	})
	same := 0
	for _, p := range published {
		b, _ := os.ReadFile(p)
		if slices.Contains(extracted, string(b)) {
			same++
		}
	}
	if len(published) == 0 || same != len(published) || len(published) != len(extracted) {
		t.Errorf("%d published ROI series, %d equal to painmark extract's %d", len(published), same, len(extracted))
	}
	if out, _, _ := runCLI(t, "status", st); len(published) > 0 && !strings.Contains(out, published[0]) {
		t.Errorf("status does not list the ROI series:\n%s", out)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("output = \"o\"\n[inputs]\nfmriprep = \""+root+"\"\nsubjects = [\"01\", \"99\"]\n"), 0o644)
	if _, errOut, code := runCLI(t, "run", bad); code == 0 || !strings.Contains(errOut, "sub-99") || strings.Contains(errOut, "sub-01,") {
		t.Errorf("a missing subject: %d %s", code, errOut)
	}
}

// painmark index on the example fMRIPrep tree: the subject is complete; a subject named without
// data is reported, and --strict makes it an error.
func TestIndexCommand(t *testing.T) {
	out, errOut, code := runCLI(t, "index", "../../testdata/example-fmriprep")
	if code != 0 || !strings.Contains(out, "sub-01") || !strings.Contains(out, "0 with something missing") {
		t.Fatalf("index: %d %s %s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "index", "../../testdata/example-fmriprep", "--subject", "01,07", "--strict")
	if code != 1 || !strings.Contains(out, "sub-07") || !strings.Contains(out, "any BOLD run") || !strings.Contains(errOut, "1 of 2 subjects are incomplete") {
		t.Errorf("strict: %d %s %s", code, out, errOut)
	}
}
