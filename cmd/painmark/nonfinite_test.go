package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/nifti"
)

// Issue 21: a TR or cut-off that is NaN, infinite or negative is refused by name (today
// `extract --tr nan --high-pass 0.01` and a header TR of NaN panic in signal/butterworth.go), and
// never silently skips the filter.
func TestExtractRefusesNonFiniteTRAndCutoffs(t *testing.T) {
	root := fmriprepTree(t, 30)
	bold := filepath.Join(root, "sub-01/func/sub-01_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
	for _, args := range [][]string{{"--tr", "nan", "--high-pass", "0.01"}, {"--high-pass", "nan"}, {"--low-pass", "-1"}, {"--tr", "inf", "--high-pass", "0.01"}} {
		out := t.TempDir()
		_, stderr, code := runCLI(t, append([]string{"extract", bold, "-o", out}, args...)...)
		if code == 0 || code == 70 || !strings.Contains(stderr, "finite") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	// A header TR of NaN, no sidecar: the TR is unknown, and filtering says it needs one.
	img, err := atlas.BuiltinImage("mist122", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sh := img.Shape
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], 10}, nifti.Float32)
	h.SetAffine(img.Affine, nifti.XformMNI152)
	h.Pixdim[4] = math.NaN()
	data := make([]float64, sh[0]*sh[1]*sh[2]*10)
	for i := range data {
		data[i] = float64(i%7) + 500
	}
	nan := filepath.Join(t.TempDir(), "sub-01_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
	if err := nifti.Write(nan, h, data); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "extract", nan, "--high-pass", "0.01", "-o", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "TR") {
		t.Errorf("header TR NaN: exit %d, %s", code, stderr)
	}
}
