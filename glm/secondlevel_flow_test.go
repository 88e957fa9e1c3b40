package glm_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/synthetic"
)

// TestSecondLevelPaired: the paired heat-vs-warm test over the synthetic subjects finds the
// voxels of strong planted pain response (pattern > 2) at FWER 5% and few where the pattern is
// near 0; the maps are written.
func TestSecondLevelPaired(t *testing.T) {
	o := synthetic.DefaultTaskOptions()
	st, err := synthetic.SimulateTask(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	heat, warm, err := st.WriteConditionBetas(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := glm.DefaultSecondLevelOptions()
	opts.Permutations, opts.ClusterP = 300, 0.001
	res, err := glm.SecondLevel(heat, warm, nil, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Voxels) != len(st.Voxels) {
		t.Fatalf("%d voxels, the brain has %d", len(res.Voxels), len(st.Voxels))
	}
	var strong, sigStrong, null, sigNull int
	for v, p := range st.Pain {
		sig := res.Test.LogPMaxT[v] > 1.3
		if p > 2 {
			strong++
			if sig {
				sigStrong++
			}
		} else if p > -0.1 && p < 0.1 {
			null++
			if sig {
				sigNull++
			}
		}
	}
	t.Logf("pattern > 2: %d of %d significant; |pattern| < 0.1: %d of %d", sigStrong, strong, sigNull, null)
	if sigStrong < strong*8/10 || sigNull > null/20 {
		t.Errorf("pattern > 2: %d of %d significant; |pattern| < 0.1: %d of %d", sigStrong, strong, sigNull, null)
	}
	out := t.TempDir()
	if err := res.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
	for _, name := range append(glm.SecondLevelMaps, "second_level") {
		ext := ".nii.gz"
		if name == "second_level" {
			ext = ".json"
		}
		if _, err := os.Stat(filepath.Join(out, name+ext)); err != nil {
			t.Error(err)
		}
	}
	if _, err := glm.SecondLevel(heat[:2], nil, nil, nil, opts); err == nil {
		t.Error("two subjects accepted")
	}
}

// TestMapCovariates: covariates are looked up by the maps' sub- labels, in the file name or a
// folder name; a subject missing from the table is an error.
func TestMapCovariates(t *testing.T) {
	dir := t.TempDir()
	pt := filepath.Join(dir, "participants.tsv")
	os.WriteFile(pt, []byte("participant_id\tage\nsub-01\t30\nsub-02\t41\n"), 0o644)
	maps := []string{filepath.Join(dir, "sub-02", "contrast-heat_stat-effect_statmap.nii.gz"), filepath.Join(dir, "x", "sub-01_heat.nii.gz")}
	c, err := glm.MapCovariates(maps, []string{pt + ":age"}, "--covariate")
	if err != nil || len(c) != 1 || c[0].Name != "age" || c[0].Values[0] != 41 || c[0].Values[1] != 30 {
		t.Fatalf("%v %+v", err, c)
	}
	if _, err := glm.MapCovariates([]string{filepath.Join(dir, "sub-03_heat.nii.gz")}, []string{pt + ":age"}, "--covariate"); err == nil {
		t.Error("unknown subject accepted")
	}
}
