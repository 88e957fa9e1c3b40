package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/synthetic"
)

// threeRoutes runs one synthetic BIDS study (participants x 2 runs) through (a) the BIDS App
// (participant, then group), (b) the equivalent commands (extract, connectome --combine mean,
// signature train with participants.tsv's pain) and (c) the equivalent study file, and checks that
// the three give the same cohort table and signature byte for byte, each with its report and a
// dataset_description.json. It returns the signature.
func threeRoutes(t *testing.T, o synthetic.BIDSOptions) *signature.Signature {
	dir := t.TempDir()
	ds := filepath.Join(dir, "ds")
	if _, err := synthetic.WriteBIDS(ds, o); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) {
		t.Helper()
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	// (a) The BIDS App, one participant job first (as a cluster array runs them), then the rest.
	cli(ds, a, "participant", "--participant-label", "01")
	cli(ds, a, "participant")
	cli(ds, a, "group", "--target", "pain")
	// (b) The commands.
	cli("extract", filepath.Join(ds, "derivatives", "fmriprep"), "-o", filepath.Join(b, "ex"))
	cli("connectome", filepath.Join(b, "ex"), "--combine", "mean", "--no-matrices", "-o", filepath.Join(b, "conn"))
	// The cohort named as the BIDS App names it: by the dataset's folder.
	cli("signature", "train", filepath.Join(b, "conn", "features.tsv"), "--target", filepath.Join(ds, "participants.tsv")+":pain", "--cohort", "ds", "-o", filepath.Join(b, "signature.json"))
	// (c) The study file.
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(fmt.Sprintf("output = \"c\"\n[inputs]\nfmriprep = %q\n[connectivity]\ncombine = \"mean\"\n[[signature_train]]\nname = \"signature\"\nfeatures = \"@cohort\"\ntarget = %q\ncohort = \"ds\"\n",
		filepath.Join(ds, "derivatives", "fmriprep"), filepath.Join(ds, "participants.tsv")+":pain")), 0o644)
	cli("run", st)
	same := func(files ...string) {
		t.Helper()
		first, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files[1:] {
			if other, err := os.ReadFile(f); err != nil || !bytes.Equal(first, other) {
				t.Errorf("%s differs from %s (%v)", f, files[0], err)
			}
		}
	}
	same(filepath.Join(a, "group", "signature", "signature.json"), filepath.Join(b, "signature.json"), filepath.Join(c, "signature", "signature.json"))
	for _, f := range []string{"features.tsv", "features.npy", "edges.tsv"} {
		same(filepath.Join(a, "group", f), filepath.Join(b, "conn", f), filepath.Join(c, f))
	}
	// Each route's report and derivative description.
	for _, f := range []string{filepath.Join(a, "group", "signature", "report.html"), filepath.Join(b, "signature.report.html"), filepath.Join(c, "signature", "report.html"),
		filepath.Join(a, "dataset_description.json"), filepath.Join(b, "ex", "dataset_description.json"), filepath.Join(c, "dataset_description.json")} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	var desc struct {
		DatasetType    string
		GeneratedBy    []struct{ Name, Version, CodeURL, Description string }
		SourceDatasets []struct{ URL, Version string }
	}
	b0, _ := os.ReadFile(filepath.Join(a, "dataset_description.json"))
	if err := json.Unmarshal(b0, &desc); err != nil || desc.DatasetType != "derivative" || desc.GeneratedBy[0].Name != "painmark" || !strings.Contains(desc.GeneratedBy[0].Description, "group --target pain") {
		t.Errorf("dataset_description.json: %s (%v)", b0, err)
	}
	// Its sources: the raw dataset and the fMRIPrep derivatives (with the version that made them).
	if len(desc.SourceDatasets) != 2 || desc.SourceDatasets[0].URL != "file://"+filepath.ToSlash(ds) ||
		!strings.HasSuffix(desc.SourceDatasets[1].URL, "/derivatives/fmriprep") || desc.SourceDatasets[1].Version == "" {
		t.Errorf("SourceDatasets: %+v", desc.SourceDatasets)
	}
	// Derivative names keep every entity (and the participant-level connectivity sits beside).
	for _, f := range []string{"sub-01_task-rest_run-2_space-MNI152NLin2009cAsym_atlas-mist122_timeseries.tsv", "sub-01_task-rest_run-2_space-MNI152NLin2009cAsym_atlas-mist122_timeseries.json",
		"sub-01_task-rest_space-MNI152NLin2009cAsym_atlas-mist122_meas-PartialCorrelation_desc-mean_relmat.tsv", "sub-01_task-rest_space-MNI152NLin2009cAsym_atlas-mist122_meas-PartialCorrelation_desc-mean_relmat.json"} {
		if _, err := os.Stat(filepath.Join(a, "sub-01", "func", f)); err != nil {
			t.Error(err)
		}
	}
	s, err := signature.Read(filepath.Join(b, "signature.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Training.N != o.Subjects {
		t.Errorf("trained on %d rows, want one per participant (%d)", s.Training.N, o.Subjects)
	}
	return s
}

// TestBIDSAppRoutesAgree is the quick form (short runs): the three routes agree byte for byte.
func TestBIDSAppRoutesAgree(t *testing.T) {
	threeRoutes(t, synthetic.BIDSOptions{Subjects: 20, Runs: 2, Frames: 40, Seed: 2})
}

// TestBIDSAppRecoversPain is the full-size study (painmark synthetic bids' defaults: 20
// participants x 2 runs of 200 volumes): the three routes agree and the signature's leave-one-out
// r recovers the planted effect.
func TestBIDSAppRecoversPain(t *testing.T) {
	fixtures.Long(t)
	s := threeRoutes(t, synthetic.DefaultBIDSOptions())
	if r := s.Training.CV["r"]; r < 0.6 {
		t.Errorf("cross-validated r %.3f: the planted effect is not recovered", r)
	}
	t.Logf("cross-validated r = %.3f", s.Training.CV["r"])
}

// TestBIDSAppUsage: the App's usage errors exit 2, and an unknown command still does.
func TestBIDSAppUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"bogus"}, {"bogus", dir, "participant"}, {dir, dir, "group"}, {dir, dir, "participant", "--bogus"}, {"bids-app", dir, dir, "everyone"}} {
		if _, _, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("painmark %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
