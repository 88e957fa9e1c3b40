package main

import (
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/table"
)

// fmriprepTree writes a small fMRIPrep-like derivatives folder: runs on the MIST-122 grid with
// confounds TSVs and BOLD sidecars (TR 2 s).
func fmriprepTree(t *testing.T, T int) string {
	root := t.TempDir()
	img, err := atlas.BuiltinImage("mist122", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(5))
	sh := img.Shape
	n := sh[0] * sh[1] * sh[2]
	for _, rel := range []string{"sub-01/func/sub-01_task-rest", "sub-02/ses-1/func/sub-02_ses-1_task-rest"} {
		dir := filepath.Join(root, filepath.Dir(rel))
		os.MkdirAll(dir, 0o755)
		data := make([]float64, n*T)
		for tt := 0; tt < T; tt++ {
			for v := 0; v < n; v++ {
				if img.Labels[v] != 0 {
					data[tt*n+v] = 500 + float64(img.Labels[v]) + 5*rng.NormFloat64()
				}
			}
		}
		h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], T}, nifti.Float32)
		h.SetAffine(img.Affine, nifti.XformMNI152)
		bold := filepath.Join(root, rel+"_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
		if err := nifti.Write(bold, h, data); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(strings.TrimSuffix(bold, ".nii.gz")+".json", []byte(`{"RepetitionTime": 2.0}`), 0o644)
		if err := synthetic.WriteConfounds(filepath.Join(root, rel+"_desc-confounds_timeseries.tsv"), T, rng); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestExtractFmriprepFolder(t *testing.T) {
	root := fmriprepTree(t, 40)
	out := t.TempDir()
	stdout, stderr, code := runCLI(t, "extract", root, "--atlas", "mist122", "--confounds", "simple",
		"--high-pass", "0.01", "--standardize", "zscore_sample", "--detrend", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, rel := range []string{
		"sub-01/func/sub-01_task-rest_space-MNI152NLin2009cAsym_atlas-mist122_timeseries.tsv",
		"sub-02/ses-1/func/sub-02_ses-1_task-rest_space-MNI152NLin2009cAsym_atlas-mist122_timeseries.tsv",
	} {
		p := filepath.Join(out, rel)
		tb, err := table.Read(p, nil)
		if err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if tb.NumRows() != 40 || len(tb.Columns) != 122 || tb.Columns[0].Name != "CER6_p" {
			t.Errorf("%s: %d x %d", rel, tb.NumRows(), len(tb.Columns))
		}
		b, err := os.ReadFile(strings.TrimSuffix(p, ".tsv") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var side map[string]any
		if err := json.Unmarshal(b, &side); err != nil {
			t.Fatal(err)
		}
		if side["Atlas"] != "mist122" || side["RepetitionTime"] != 2.0 || side["NumVolumesKept"] != 40.0 || side["SoftwareVersion"] == nil || side["Cleaning"] == nil {
			t.Errorf("sidecar: %v", side)
		}
		// z-scored (ddof 1): each column has unit sample variance.
		v := tb.Columns[5].Values
		var m, ss float64
		for _, x := range v {
			m += x
		}
		m /= float64(len(v))
		for _, x := range v {
			ss += (x - m) * (x - m)
		}
		if d := ss/float64(len(v)-1) - 1; d > 1e-9 || d < -1e-9 {
			t.Errorf("column variance %v", ss/float64(len(v)-1))
		}
	}
	// A Go program calling the library writes the same bytes as the command.
	lib := t.TempDir()
	o := extract.DefaultRunOptions()
	o.Confounds, o.HighPass, o.Standardize, o.Detrend = "simple", 0.01, signal.Standardization("zscore_sample"), true
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := extract.FolderJobs(root, lib, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := extract.RunJobs(jobs, spec, nil); err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		rel, _ := filepath.Rel(lib, j.Out)
		for _, f := range []string{rel, strings.TrimSuffix(rel, ".tsv") + ".json"} {
			a, _ := os.ReadFile(filepath.Join(out, f))
			b, _ := os.ReadFile(filepath.Join(lib, f))
			if len(a) == 0 || string(a) != string(b) {
				t.Errorf("%s: the library's differs from the command's", f)
			}
		}
	}
	// One subject only.
	out2 := t.TempDir()
	if _, stderr, code := runCLI(t, "extract", root, "--subject", "02", "-o", out2); code != 0 {
		t.Fatalf("subject filter: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out2, "sub-01")); err == nil {
		t.Error("sub-01 processed despite --subject 02")
	}
}

func TestExtractSingleImageAndBadConfounds(t *testing.T) {
	root := fmriprepTree(t, 30)
	bold := filepath.Join(root, "sub-01/func/sub-01_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
	// A label image of its own with a region table.
	img, _ := atlas.BuiltinImage("mist122", t.TempDir())
	h := nifti.NewHeader([]int{img.Shape[0], img.Shape[1], img.Shape[2]}, nifti.Int16)
	h.SetAffine(img.Affine, nifti.XformMNI152)
	lab := make([]float64, len(img.Labels))
	for i, v := range img.Labels {
		if v != 0 {
			lab[i] = float64(v%3 + 1)
		}
	}
	dir := t.TempDir()
	lp := filepath.Join(dir, "three.nii.gz")
	nifti.Write(lp, h, lab)
	tp := filepath.Join(dir, "three.tsv")
	os.WriteFile(tp, []byte("index\tname\n1\tfirst\n2\tsecond\n3\tthird\n"), 0o644)
	out := t.TempDir()
	if _, stderr, code := runCLI(t, "extract", bold, "--atlas", lp, "--atlas-table", tp, "--strategy", "median", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*_atlas-three_timeseries.tsv"))
	if len(files) != 1 {
		t.Fatalf("outputs %v", files)
	}
	tb, _ := table.Read(files[0], nil)
	if strings.Join(tb.Names(), ",") != "first,second,third" || tb.NumRows() != 30 {
		t.Errorf("%v %d", tb.Names(), tb.NumRows())
	}
	// Confounds with a different number of rows than the image has volumes.
	other := filepath.Join(root, "sub-02/ses-1/func/sub-02_ses-1_task-rest_desc-confounds_timeseries.tsv")
	lines, _ := os.ReadFile(other)
	short := filepath.Join(dir, "short_desc-confounds_timeseries.tsv")
	parts := strings.SplitAfter(string(lines), "\n")
	os.WriteFile(short, []byte(strings.Join(parts[:20], "")), 0o644)
	_, stderr, code := runCLI(t, "extract", bold, "--confounds", "simple", "--confounds-file", short, "-o", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "19 rows") || !strings.Contains(stderr, "30 volumes") {
		t.Errorf("mismatched confounds: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "extract", bold, "--confounds", "simple", "-o", t.TempDir()); code != 2 || !strings.Contains(stderr, "confounds-file") {
		t.Errorf("confounds without file: %d %s", code, stderr)
	}
}

// TestExtractCIFTI runs painmark extract on the synthetic CIFTI run and checks that its table holds
// the library's parcellation (extract.CIFTIParcellate) and names the unlabelled caudate.
func TestExtractCIFTI(t *testing.T) {
	dir := t.TempDir()
	if err := synthetic.WriteCIFTIRun(dir, 12, 6, 2); err != nil {
		t.Fatal(err)
	}
	bold, dl := filepath.Join(dir, "bold.dtseries.nii"), filepath.Join(dir, "parcels.dlabel.nii")
	if _, stderr, code := runCLI(t, "extract", bold, "--atlas", dl, "--missing", "drop", "-o", filepath.Join(dir, "out")); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tb, err := table.Read(filepath.Join(dir, "out", "bold_atlas-parcels_timeseries.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := extract.CIFTIParcellate(bold, dl, extract.SurfaceOptions{Missing: extract.MissingDrop, Structures: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tb.Names(), ",") != strings.Join(res.Names, ",") || !strings.HasSuffix(strings.Join(res.Names, ","), "CAUDATE_RIGHT") {
		t.Fatalf("CLI regions %v, library %v", tb.Names(), res.Names)
	}
	for j, name := range res.Names {
		col, _ := tb.Floats(name)
		for f, v := range col {
			if v != res.Signals.Data[f*res.Signals.Cols+j] {
				t.Fatalf("%s frame %d: CLI %v, library %v", name, f, v, res.Signals.Data[f*res.Signals.Cols+j])
			}
		}
	}
}
