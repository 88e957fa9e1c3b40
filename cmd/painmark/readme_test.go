package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

// TestSyntheticRefusesNonEmptyFolder: every simulator refuses a folder that already holds files
// (the README once sent `synthetic csps study/` into the Go package folder study/), exits 2 and
// adds nothing to it.
func TestSyntheticRefusesNonEmptyFolder(t *testing.T) {
	for _, sub := range []string{"csps", "participant", "target-participant", "morph"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "engine.go"), []byte("package study\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := runCLI(t, "synthetic", sub, dir)
		if code != 2 || !strings.Contains(errOut, "not empty") {
			t.Errorf("synthetic %s into a non-empty folder: exit %d, stderr %q", sub, code, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("synthetic %s wrote %d entries into the refused folder", sub, len(entries)-1)
		}
	}
}

// TestProgressBarsOnTerminalOnly runs long commands as a separate process (this test binary as
// painmark) under a pseudo-terminal (util-linux script) and sees a progress bar with its count
// and ETA on the terminal; the same commands with stderr to a pipe write no bar.
func TestProgressBarsOnTerminalOnly(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script (util-linux) not installed: no pseudo-terminal")
	}
	dir := t.TempDir()
	feat, parts := filepath.Join(dir, "features.tsv"), filepath.Join(dir, "participants.tsv")
	rng := rand.New(rand.NewPCG(1, 2))
	subj, y := make([]string, 30), make([]float64, 30)
	for i := range subj {
		subj[i], y[i] = fmt.Sprintf("sub-%02d", i), rng.NormFloat64()
	}
	cols := []*table.Column{table.TextColumn("subject", subj)}
	for j := 0; j < 40; j++ {
		v := make([]float64, len(subj))
		for i := range v {
			v[i] = rng.NormFloat64() + 0.3*float64(j%3)*y[i]
		}
		cols = append(cols, table.NumericColumn(fmt.Sprintf("e%02d", j), v))
	}
	if err := table.Write(feat, &table.Table{Columns: cols}); err != nil {
		t.Fatal(err)
	}
	if err := table.Write(parts, &table.Table{Columns: []*table.Column{table.TextColumn("participant_id", subj), table.NumericColumn("pain", y)}}); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "synthetic", "participant", filepath.Join(dir, "p01"), "--sessions", "5", "--runs", "1", "--regions", "12", "--planted", "3"); code != 0 {
		t.Fatal(errOut)
	}
	writeRuns(t, filepath.Join(dir, "roi"), 6, 8, 60, 1)
	st := writeStudy(t, dir, "local")
	maps, coords := fixtures.Shared(t, "golden", "spin", "maps.csv"), fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	spin := "spin " + maps + " --x scz_CortThick_d_icv --y mddadult_CortThick_d_icv --coords " + coords + " --n 300 -o " + filepath.Join(dir, "spin")
	for _, c := range []struct{ desc, args string }{
		{"grid search: folds", "learn search " + feat + " --target " + parts + ":pain --k 5,10 --alpha 0.01,0.1 -o " + filepath.Join(dir, "search.json")},
		{"nested cross-validation: outer folds", "learn search " + feat + " --target " + parts + ":pain --k 5,10 --alpha 0.1 --nested -o " + filepath.Join(dir, "nested.json")},
		{"spins", spin + ".json"},
		{"spin test: null correlations", spin + "2.json"},
		{"variogram surrogates", spin + "3.json --method variogram"},
		{"decoding: outer folds", "decode train " + filepath.Join(dir, "p01") + " --bootstraps 200 --permutations 5 -o " + filepath.Join(dir, "dec")},
		{"decoding: hierarchical bootstrap", "decode train " + filepath.Join(dir, "p01") + " --bootstraps 200 --permutations 5 -o " + filepath.Join(dir, "dec2")},
		{"study: connectivity", "run " + st},
		{"learn permute", "learn permute " + feat + " --target " + parts + ":pain --k 10 --n 300 -o " + filepath.Join(dir, "perm.json")},
		{"learn bootstrap", "learn bootstrap " + feat + " --target " + parts + ":pain --k 10 --n 300 -o " + filepath.Join(dir, "boot.json")},
		{"signature train: permutations", "signature train " + feat + " --target " + parts + ":pain --k 10 --alpha 0.1 --permutations 100 --bootstraps 50 --report none --bootstrap-out " + filepath.Join(dir, "boot.tsv") + " -o " + filepath.Join(dir, "sig.json")},
	} {
		line := "PAINMARK_TEST_AS_CLI=1 " + os.Args[0] + " " + c.args
		tty, err := exec.Command(scriptBin, "-q", "-e", "-c", line, "/dev/null").CombinedOutput()
		if err != nil {
			t.Fatalf("%s under a pseudo-terminal: %v\n%s", c.desc, err, tty)
		}
		if !strings.Contains(string(tty), "\r"+c.desc) || !strings.Contains(string(tty), "% |") || !strings.Contains(string(tty), "(1/") {
			t.Errorf("%s on a terminal: no progress bar in %q", c.desc, tty)
		}
		cmd := exec.Command("sh", "-c", line)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", c.desc, err, stderr.String())
		}
		if strings.Contains(stderr.String(), c.desc) || strings.Contains(stderr.String(), "% |") || strings.Contains(stderr.String(), "\r") {
			t.Errorf("%s into a pipe: a progress bar in %q", c.desc, stderr.String())
		}
	}
}
