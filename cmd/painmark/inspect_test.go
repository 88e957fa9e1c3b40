package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/inspect"
)

// The CLI prints what the library writes: inspect's JSON and text, and confounds' files, byte for
// byte.
func TestInspectAndConfoundsMatchLibrary(t *testing.T) {
	img := filepath.Join("..", "..", "nifti", "testdata", "nibabel", "scl-nan-slope.nii")
	s, err := inspect.File(img)
	if err != nil {
		t.Fatal(err)
	}
	var js, text bytes.Buffer
	inspect.WriteJSON(&js, s)
	s.WriteText(&text)
	if out, _, _ := runCLI(t, "inspect", "--json", img); out != js.String() {
		t.Errorf("inspect --json:\n%s\nlibrary:\n%s", out, js.String())
	}
	if out, _, _ := runCLI(t, "inspect", img); out != text.String() {
		t.Errorf("inspect:\n%s\nlibrary:\n%s", out, text.String())
	}

	in := filepath.Join("..", "..", "testdata", "example-fmriprep", "sub-01", "func", "sub-01_task-rest_desc-confounds_timeseries.tsv")
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "confounds", "--preset", "scrubbing", "--fd-threshold", "0.1", in, "-o", filepath.Join(dir, "cli.tsv")); code != 0 {
		t.Fatal(errOut)
	}
	spec, _ := confounds.Preset("scrubbing")
	spec.FDThreshold = 0.1
	res, err := confounds.Load(in, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.WriteFiles(filepath.Join(dir, "lib.tsv"), in, spec); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".tsv", ".json"} {
		a, _ := os.ReadFile(filepath.Join(dir, "cli"+ext))
		b, _ := os.ReadFile(filepath.Join(dir, "lib"+ext))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("confounds %s: the CLI's file differs from the library's", ext)
		}
	}
}
