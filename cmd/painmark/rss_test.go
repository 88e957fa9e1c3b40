package main

import (
	"bytes"
	"compress/gzip"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/target"
)

// rssBudget is the memory budget the hostile runs get (PAINMARK_MEMORY_LIMIT): each must stay
// under it, measured as the peak resident set size of its process.
const rssBudget = 1 << 30

// TestHostileInputsPeakRSS runs the hostile inputs of issue 21 as painmark processes under a 1 GiB
// memory budget and reads each one's peak RSS (getrusage's ru_maxrss): every one is refused with
// exit 1 or 2 (no panic, no out-of-memory kill), writes no final-named output, and stays under the
// budget (they used to panic, grow to 2 GB or until the system killed them).
func TestHostileInputsPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs painmark processes")
	}
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	feat, parts, _ := bochumFeatureTable(t)
	rpn := p("rpn.json")
	if _, stderr, code := runCLI(t, "signature", "import-rpn", fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"), "-o", rpn); code != 0 {
		t.Fatal(stderr)
	}
	// A small 4D image with a NaN TR in its header, and a 250 KB .nii.gz claiming 800x800x800x2.
	small := nifti.NewHeader([]int{6, 6, 6, 20}, nifti.Float32)
	small.Pixdim[4] = math.NaN()
	data := make([]float64, 6*6*6*20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	if err := nifti.Write(p("nan-tr.nii.gz"), small, data); err != nil {
		t.Fatal(err)
	}
	labels := make([]float64, 6*6*6)
	for i := range labels {
		labels[i] = float64(i % 4)
	}
	if err := nifti.Write(p("labels.nii.gz"), nifti.NewHeader([]int{6, 6, 6}, nifti.Int16), labels); err != nil {
		t.Fatal(err)
	}
	writeLiar(t, p("liar.nii.gz"))
	// A stimulation-search state claiming 2e9 candidates and a study file with 2e9 permutations.
	st, err := target.NewState([]target.Parameter{{Name: "x", Type: "continuous", Min: 0, Max: 1}}, "ei", 1)
	if err != nil {
		t.Fatal(err)
	}
	st.Candidates = 2000000000
	if err := st.Save(p("state.json")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p("study.toml"), []byte("output = \"study-out\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nkind = \"correlation\"\n[model]\ntarget = \"participants.tsv:pain\"\npermutations = 2000000000\n"), 0o644)
	maps, coords := fixtures.Shared(t, "golden", "spin", "maps.csv"), fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	y := parts + ":pain"
	for _, c := range []struct {
		name string
		args []string
		out  string
		want string // in the error
	}{
		{"extract --tr nan", []string{"extract", p("nan-tr.nii.gz"), "--atlas", "mist122", "--tr", "nan", "--high-pass", "0.01", "-o", p("x1")}, p("x1"), "TR NaN s: each must be a finite number"},
		{"extract, a header TR of NaN", []string{"extract", p("nan-tr.nii.gz"), "--atlas", p("labels.nii.gz"), "--high-pass", "0.01", "-o", p("x2")}, p("x2"), "need the repetition time"},
		{"extract, a header claiming 800x800x800x2", []string{"extract", p("liar.nii.gz"), "--atlas", "mist122", "-o", p("x3")}, p("x3"), "more than the budget of 1 GiB"},
		{"learn permute --n 2e9", []string{"learn", "permute", feat, "--target", y, "--n", "2000000000", "-o", p("perm.json")}, p("perm.json"), "more than the budget of 1 GiB"},
		// learn bootstrap tallies its replicates in blocks of 256: 2e9 samples hold no more memory
		// than 256 (TestBudgetRefusals, learn.TestBootstrapBudget), so the count is no hostile input.
		{"signature train --permutations 2e9", []string{"signature", "train", feat, "--target", y, "--permutations", "2000000000", "-o", p("sig.json")}, p("sig.json"), "more than the budget of 1 GiB"},
		{"signature train --curve-repeats 2e9", []string{"signature", "train", feat, "--target", y, "--learning-curve", "20,30", "--curve-repeats", "2000000000", "-o", p("sigc.json")}, p("sigc.json"), "more than the budget of 1 GiB"},
		{"learn cv --cv repeated:5:2e9:1", []string{"learn", "cv", feat, "--target", y, "--cv", "repeated:5:2000000000:1", "-o", p("cv.json")}, p("cv.json"), "more than the budget of 1 GiB"},
		{"signature train --alpha 0", []string{"signature", "train", feat, "--target", y, "--alpha", "0", "-o", p("sig0.json")}, p("sig0.json"), "the ElasticNet needs alpha > 0"},
		// validate counts its permutation null as drawn (2e9 permutations run in constant memory); its
		// bootstrap keeps the draws for the percentile intervals.
		{"signature validate --bootstraps 2e9", []string{"signature", "validate", rpn, feat, "--target", y, "--permutations", "0", "--bootstraps", "2000000000", "-o", p("val.json")}, p("val.json"), "more than the budget of 1 GiB"},
		{"spin --n 2e9", []string{"spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords, "--n", "2000000000", "-o", p("spin.json")}, p("spin.json"), "more than the budget of 1 GiB"},
		// A dropped null holds a 64-bit hash per spin for the duplicate check: 32 GiB for 2e9.
		{"spin --n 2e9 --save-null=false", []string{"spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords, "--n", "2000000000", "--save-null=false", "-o", p("spin.json")}, p("spin.json"), "more than the budget of 1 GiB"},
		{"stimopt suggest, 2e9 candidates", []string{"stimopt", "suggest", p("state.json")}, "", "more than the budget of 1 GiB"},
		{"run, a study of 2e9 permutations", []string{"run", p("study.toml")}, p("study-out"), "more than the budget of 1 GiB"},
	} {
		cmd := exec.Command(os.Args[0], c.args...)
		cmd.Env = append(os.Environ(), "PAINMARK_TEST_AS_CLI=1", budget.EnvVar+"=1GiB")
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := cmd.ProcessState.ExitCode()
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024 // KiB on Linux
		t.Logf("%s: exit %d, peak RSS %d MiB: %s", c.name, code, rss>>20, strings.TrimSpace(stderr.String()))
		if err == nil || (code != 1 && code != 2) {
			t.Errorf("%s: exit %d (want 1 or 2), %s", c.name, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: the error does not say %q: %s", c.name, c.want, stderr.String())
		}
		if strings.Contains(stderr.String(), "internal error") || strings.Contains(stderr.String(), "goroutine ") {
			t.Errorf("%s: a panic: %s", c.name, stderr.String())
		}
		if rss >= rssBudget {
			t.Errorf("%s: peak RSS %d MiB, over the %d MiB budget", c.name, rss>>20, rssBudget>>20)
		}
		if c.out != "" {
			if _, err := os.Stat(c.out); err == nil {
				t.Errorf("%s: a failed run left %s", c.name, c.out)
			}
		}
	}
}

// writeLiar writes a 250 KB .nii.gz whose header claims 800x800x800x2 int16 (2 GB of data).
func writeLiar(t *testing.T, path string) {
	hdr := nifti.NewHeader([]int{800, 800, 800, 2}, nifti.Int16)
	hdr.VoxOffset = 352
	b, err := hdr.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	raw.Write(b)
	raw.Write(make([]byte, int(hdr.VoxOffset)-len(b)))
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 250<<10)
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	raw.Write(noise)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(raw.Bytes())
	w.Close()
	if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
