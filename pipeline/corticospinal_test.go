package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/table"
)

// A study file with atlas = "corticospinal" extracts the 139 regions from each brain run and its
// space-PAM50 cord run (synthetic images), equal byte for byte to painmark extract's library
// path and to the planted series (r > 0.99 per region), and builds the 9,591-edge feature table; a
// [[cohort]] of the same runs shares their extract units and publishes the same series and table.
func TestStudyExtractsCorticospinal(t *testing.T) {
	pam50 := fixtures.Shared(t, "pam50", "template")
	dir := t.TempDir()
	st, err := synthetic.Generate(synthetic.Options{Train: 2, Independent: 1, Task: 1, Clinical1: 1, Clinical2: 1, PrePost: 1, Frames: 30, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	gm := filepath.Join(dir, "gm_mask.nii.gz")
	if err := synthetic.WriteGreyMatterMask(gm); err != nil {
		t.Fatal(err)
	}
	o := extract.DefaultRunOptions()
	o.Atlas, o.Corticospinal.PAM50, o.Corticospinal.GreyMatter = extract.CorticospinalAtlas, pam50, gm
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	im, err := synthetic.NewImages(spec.Set)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.WriteCohort(filepath.Join(dir, "fmriprep"), st.Train); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "study.toml")
	os.WriteFile(path, []byte(`output = "out"
[inputs]
fmriprep = "fmriprep"
[extract]
atlas = "corticospinal"
pam50 = "`+pam50+`"
gm_mask = "gm_mask.nii.gz"
[[cohort]]
name = "again"
fmriprep = "fmriprep"
`), 0o644)
	s, p := runStudy(t, path)
	// painmark extract run from the study's folder: the sidecars name the runs as the study does.
	t.Chdir(dir)
	jobs, err := extract.FolderJobs("fmriprep", t.TempDir(), study.Filter{}, spec)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, u := range p.Units {
		if u.Step != "extract" {
			continue
		}
		got := filepath.Join(p.Dir(u), "timeseries.tsv")
		j := jobs[n]
		if _, err := j.Run(spec); err != nil {
			t.Fatal(err)
		}
		for _, ext := range []string{".tsv", ".json"} {
			a, _ := os.ReadFile(got[:len(got)-4] + ext)
			b, _ := os.ReadFile(j.Out[:len(j.Out)-4] + ext)
			if len(a) == 0 || string(a) != string(b) {
				t.Errorf("%s%s: the study's extraction differs from painmark extract's", u.Name, ext)
			}
		}
		tb, err := table.Read(got, nil)
		if err != nil {
			t.Fatal(err)
		}
		planted := st.Train.Subjects[n].Series
		for c, col := range tb.Columns {
			if r := stats.Pearson(col.Values, planted.Column(c)); !(r > 0.99) {
				t.Errorf("%s %s: r = %.4f", u.Name, col.Name, r)
			}
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d extract units, want 2 (the cord runs are not runs of their own; a [[cohort]] of the same runs shares them)", n)
	}
	// The [[cohort]] of the same runs publishes the same series and the same table.
	for _, f := range []string{"extract/sub-tr001_task-rest_timeseries.tsv", "extract/sub-tr002_task-rest_timeseries.json", features.TSVName} {
		a, errA := os.ReadFile(filepath.Join(s.Output, f))
		b, errB := os.ReadFile(filepath.Join(s.Output, "again", f))
		if errA != nil || errB != nil || string(a) != string(b) {
			t.Errorf("[[cohort]] again: %s differs from the study's cohort's (%v, %v)", f, errA, errB)
		}
	}
	ft, err := features.Read(s.Output, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ft.Subjects) != 2 || ft.NumFeatures() != 139*138/2 {
		t.Errorf("feature table %d subjects x %d features", len(ft.Subjects), ft.NumFeatures())
	}
}
