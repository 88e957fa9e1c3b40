package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/synthetic"
)

// libFiles lists the files the library wrote under dir.
func libFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("%s: %v (%d files)", dir, err, len(entries))
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestGLMBetasSecondCLI: painmark glm betas and glm second on the synthetic task study write the
// library's files byte for byte.
func TestGLMBetasSecondCLI(t *testing.T) {
	dir := t.TempDir()
	o := synthetic.DefaultTaskOptions()
	o.Subjects = 5
	st, err := synthetic.WriteTask(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	mask := filepath.Join(dir, "truth", "mask.nii.gz")
	cli, lib := filepath.Join(dir, "cli"), filepath.Join(dir, "lib")
	if _, errOut, code := runCLI(t, "glm", "betas", "--bold", st.BoldPath(dir, 0), "--events", st.EventsPath(dir, 0), "--mask", mask, "--others", "all", "-o", cli, "--report", "none"); code != 0 {
		t.Fatalf("glm betas: exit %d: %s", code, errOut)
	}
	m, _ := glm.LoadMaskLike(mask, st.BoldPath(dir, 0))
	bo := glm.DefaultBetaSeriesOptions()
	bo.Others = glm.OthersAll
	b, err := glm.BetaSeries(glm.FirstLevelRun{BOLD: st.BoldPath(dir, 0), Events: st.Runs[0].Events}, m, bo)
	if err != nil || b.WriteFiles(lib) != nil {
		t.Fatal(err)
	}
	sameFiles(t, cli, lib, libFiles(t, lib)...)
	heat, warm, err := st.WriteConditionBetas(dir)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"glm", "second"}, heat...)
	for _, w := range warm {
		args = append(args, "--paired-with", w)
	}
	cli2, lib2 := filepath.Join(dir, "cli2"), filepath.Join(dir, "lib2")
	if _, errOut, code := runCLI(t, append(args, "--permutations", "64", "--cluster-p", "0.01", "--two-sided", "-o", cli2, "--report", "none")...); code != 0 {
		t.Fatalf("glm second: exit %d: %s", code, errOut)
	}
	so := glm.DefaultSecondLevelOptions()
	so.Permutations, so.ClusterP, so.TwoSided = 64, 0.01, true
	res, err := glm.SecondLevel(heat, warm, nil, nil, so)
	if err != nil || res.WriteFiles(lib2) != nil {
		t.Fatal(err)
	}
	sameFiles(t, cli2, lib2, libFiles(t, lib2)...)
	if _, _, code := runCLI(t, "glm", "second", heat[0], heat[1], heat[2], "--cluster-p", "1.5", "-o", cli2); code != 2 {
		t.Errorf("--cluster-p 1.5: exit %d", code)
	}
}
