package study

import (
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
