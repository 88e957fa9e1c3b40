package glm

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/painmark/painmark/confounds"
)

// LoadFirstLevelRuns adds an fMRIPrep confounds file's preset columns (confounds.Load) to each run
// as regressors, which the design carries after the conditions with the same values; a preset
// that scrubs volumes is refused, and a confounds file per run is required.
func TestFirstLevelConfoundPresets(t *testing.T) {
	dir := t.TempDir()
	const n = 60
	var b strings.Builder
	var cols []string
	for _, c := range []string{"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z", "csf", "white_matter"} {
		cols = append(cols, c, c+"_derivative1", c+"_power2", c+"_derivative1_power2")
	}
	cols = append(cols, "framewise_displacement", "std_dvars", "cosine00")
	b.WriteString(strings.Join(cols, "\t") + "\n")
	for tt := 0; tt < n; tt++ {
		row := make([]string, len(cols))
		for j, c := range cols {
			v := math.Sin(float64(tt*(j+3)) * 0.7)
			switch c {
			case "framewise_displacement":
				v = 0.1
				if tt == 30 {
					v = 2
				}
			case "std_dvars":
				v = 1
			}
			row[j] = fmt.Sprint(v)
			if tt == 0 && (c == "framewise_displacement" || c == "std_dvars" || strings.Contains(c, "derivative1")) {
				row[j] = "n/a"
			}
		}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	tsv := filepath.Join(dir, "sub-01_task-heat_desc-confounds_timeseries.tsv")
	ev := filepath.Join(dir, "events.tsv")
	os.WriteFile(tsv, []byte(b.String()), 0o644)
	os.WriteFile(ev, []byte("onset\tduration\ttrial_type\n4\t16\theat\n44\t16\twarm\n"), 0o644)
	runs, err := LoadFirstLevelRuns([]string{"run.nii.gz"}, []string{ev}, []string{tsv}, "simple")
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := confounds.Preset("simple")
	want, err := confounds.Load(tsv, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs[0].Confounds) != len(want.Names) || len(want.Names) == 0 {
		t.Fatalf("%d confound regressors, the preset gives %v", len(runs[0].Confounds), want.Names)
	}
	ft, _ := FrameTimes(n, 2, 0)
	d, err := MakeDesign(ft, runs[0].Events, runs[0].Confounds, DefaultDesignOptions())
	if err != nil {
		t.Fatal(err)
	}
	for j, name := range want.Names {
		k := slices.Index(d.Names, name)
		if k < 0 || !slices.Equal(d.Columns[k], want.Column(j)) {
			t.Errorf("confound %s: not in the design with the preset's values (columns %v)", name, d.Names)
		}
	}
	if _, err := LoadFirstLevelRuns([]string{"run.nii.gz"}, []string{ev}, []string{tsv}, "scrubbing"); err == nil || !strings.Contains(err.Error(), "scrubs volumes") {
		t.Errorf("scrubbing preset: %v", err)
	}
	if _, err := LoadFirstLevelRuns([]string{"a.nii.gz", "b.nii.gz"}, []string{ev, ev}, []string{tsv}, "simple"); err == nil || !strings.Contains(err.Error(), "confounds files") {
		t.Errorf("one confounds file for two runs: %v", err)
	}
}
