package study

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseNameAndDiscovery(t *testing.T) {
	f, err := ParseName("/d/sub-01/ses-2/func/sub-01_ses-2_task-rest_run-1_space-MNI152NLin2009cAsym_res-2_desc-preproc_bold.nii.gz")
	if err != nil {
		t.Fatal(err)
	}
	if f.Entities["sub"] != "01" || f.Entities["run"] != "1" || f.Suffix != "bold" || f.Extension != ".nii.gz" {
		t.Errorf("%+v", f)
	}
	if got := f.Prefix("space", "res", "desc"); got != "sub-01_ses-2_task-rest_run-1" {
		t.Errorf("prefix %s", got)
	}
	for _, bad := range []string{"task-rest_bold.nii.gz", "sub-01_task_rest_bold.nii.gz", "sub-01_sub-02_bold.nii"} {
		if _, err := ParseName(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	root := t.TempDir()
	mk := func(rel string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	mk("sub-01/func/sub-01_task-rest_space-MNI_desc-preproc_bold.nii.gz")
	mk("sub-01/func/sub-01_task-rest_desc-confounds_timeseries.tsv")
	mk("sub-02/func/sub-02_task-rest_space-MNI_desc-preproc_bold.nii.gz")
	mk("sub-02/func/sub-02_task-rest_space-T1w_desc-preproc_bold.nii.gz")
	mk("sub-02/func/sub-02_task-rest_space-MNI_desc-brain_mask.nii.gz")
	all, err := FindPreprocBold(root, Filter{"space": {"MNI"}})
	if err != nil || len(all) != 2 {
		t.Fatalf("%d runs, %v", len(all), err)
	}
	one, _ := FindPreprocBold(root, Filter{"sub": {"sub-02"}, "space": {"MNI"}})
	if len(one) != 1 || one[0].Entities["sub"] != "02" {
		t.Errorf("filter: %v", one)
	}
	if c, err := ConfoundsFor(all[0]); err != nil || !strings.HasSuffix(c, "sub-01_task-rest_desc-confounds_timeseries.tsv") {
		t.Errorf("confounds: %v %v", c, err)
	}
	if _, err := ConfoundsFor(all[1]); err == nil {
		t.Error("missing confounds not reported")
	}
}

// TestIndexSummary: a BIDS dataset with derivatives, a SUBJECTS_DIR and a ciftify folder are
// indexed by subject, and what a subject lacks is reported by name.
func TestIndexSummary(t *testing.T) {
	root := t.TempDir()
	touch := func(rel string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	touch("bids/sub-01/func/sub-01_task-rest_run-1_bold.nii.gz")
	touch("bids/sub-01/func/sub-01_task-rest_run-2_bold.nii.gz")
	touch("bids/sub-02/ses-1/func/sub-02_ses-1_task-rest_bold.nii.gz")
	fp := "bids/derivatives/fmriprep/"
	touch(fp + "sub-01/func/sub-01_task-rest_run-1_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
	touch(fp + "sub-01/func/sub-01_task-rest_run-1_desc-confounds_timeseries.tsv")
	touch(fp + "sub-02/ses-1/func/sub-02_ses-1_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
	touch("freesurfer/sub-01/stats/lh.aparc.stats")
	touch("freesurfer/sub-01/stats/rh.aparc.stats")
	touch("ciftify/sub-02/MNINonLinear/Results/rest/rest_Atlas_s0.dtseries.nii")
	ix, err := BuildIndex(filepath.Join(root, "bids"), filepath.Join(root, "freesurfer"), filepath.Join(root, "ciftify"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Raw) != 3 || len(ix.Preproc) != 2 || len(ix.FreeSurfer) != 1 || len(ix.Ciftify["02"]) != 1 {
		t.Fatalf("raw %d, preproc %d, freesurfer %v, ciftify %v", len(ix.Raw), len(ix.Preproc), ix.FreeSurfer, ix.Ciftify)
	}
	sum := ix.Summary(Filter{"sub": {"01", "02", "03"}})
	if len(sum) != 3 {
		t.Fatalf("%d subjects: %v", len(sum), sum)
	}
	text := fmt.Sprint(sum)
	for _, want := range []string{
		"preprocessed run of sub-01_task-rest_run-2_bold.nii.gz",
		"confounds of sub-02_ses-1_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz",
		"any BOLD run matching the filters",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary does not report %q:\n%s", want, text)
		}
	}
	if sum[0].Raw != 2 || sum[0].Preproc != 1 || sum[0].Confounds != 1 || !sum[0].FreeSurfer || sum[1].Ciftify != 1 || sum[1].FreeSurfer {
		t.Errorf("%+v", sum)
	}
	if !strings.Contains(sum[1].String(), "FreeSurfer stats") || !strings.Contains(sum[0].String(), "ciftify") {
		t.Errorf("cross-subject gaps not reported:\n%s", text)
	}
}

// TestTimeSeriesFiles: folders (also through a symlink), files and patterns expand to sorted
// tables; a folder or pattern without one is an error naming it.
func TestTimeSeriesFiles(t *testing.T) {
	dir := t.TempDir()
	roi := filepath.Join(dir, "roi")
	os.MkdirAll(filepath.Join(roi, "sub-02"), 0o755)
	for _, f := range []string{"sub-02/sub-02_timeseries.tsv", "sub-01_timeseries.tsv", "notes.txt"} {
		os.WriteFile(filepath.Join(roi, f), []byte("a\n1\n"), 0o644)
	}
	os.Symlink(roi, filepath.Join(dir, "link"))
	for _, in := range []string{roi, filepath.Join(dir, "link")} {
		got, err := TimeSeriesFiles(in)
		if err != nil || len(got) != 2 || !strings.HasSuffix(got[0], "sub-01_timeseries.tsv") {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	if got, err := TimeSeriesFiles(filepath.Join(roi, "*.txt"), filepath.Join(roi, "sub-01_timeseries.tsv")); err != nil || len(got) != 2 {
		t.Errorf("pattern and file: %v %v", got, err)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	for _, bad := range []string{empty, filepath.Join(dir, "nowhere*")} {
		if _, err := TimeSeriesFiles(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
