package synthetic

import (
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/study"
)

// From synthetic brain (MNI, 3 mm) and cord (PAM50, 1 x 1 x 2 mm) images, the corticospinal
// region set extracts the planted series of all 139 regions (r > 0.99 per region; in fact equal up
// to float32 storage), overlapping regions (PAG and RVM inside MIST parcels, GM over all of them)
// included, and the folder layout pairs each brain run with its cord run.
func TestImagesGiveThePlantedSeries(t *testing.T) {
	dir := t.TempDir()
	gmPath := filepath.Join(dir, "gm_mask.nii.gz")
	if err := WriteGreyMatterMask(gmPath); err != nil {
		t.Fatal(err)
	}
	o := extract.DefaultRunOptions()
	o.Atlas = extract.CorticospinalAtlas
	o.Corticospinal.PAM50 = fixtures.Shared(t, "pam50")
	o.Corticospinal.GreyMatter = gmPath
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if n := spec.Set.Table().Len(); n != 139 {
		t.Fatalf("%d regions", n)
	}
	st, err := Generate(Options{Train: 2, Independent: 1, Task: 1, Clinical1: 1, Clinical2: 1, PrePost: 1, Frames: 30, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	im, err := NewImages(spec.Set)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(im)
	fm := filepath.Join(dir, "fmriprep")
	if err := im.WriteCohort(fm, st.Train); err != nil {
		t.Fatal(err)
	}
	jobs, err := extract.FolderJobs(fm, filepath.Join(dir, "roi"), study.Filter{}, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].Cord == "" {
		t.Fatalf("jobs %+v", jobs)
	}
	for i, j := range jobs {
		res, err := j.Run(spec)
		if err != nil {
			t.Fatal(err)
		}
		planted := st.Train.Subjects[i].Series
		if res.Series.Cols != 139 || res.Series.Rows != planted.Rows {
			t.Fatalf("%dx%d", res.Series.Rows, res.Series.Cols)
		}
		worst, at := 1.0, ""
		for c := 0; c < 139; c++ {
			r := stats.Pearson(res.Series.Column(c), planted.Column(c))
			if r < worst {
				worst, at = r, res.Names[c]
			}
		}
		if worst < 0.99 {
			t.Errorf("run %d: region %s has r = %.4f with its planted series", i, at, worst)
		}
		t.Logf("run %d: smallest r %.8f (%s)", i, worst, at)
		if res.Sidecar.Sources[atlas.CordSpace] != j.Cord || res.Sidecar.Atlas != "corticospinal" {
			t.Errorf("sidecar %+v", res.Sidecar.Sources)
		}
	}
}
