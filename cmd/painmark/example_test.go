package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/synthetic"
)

// exampleDir is the tiny fMRIPrep-style run used by the README's `painmark extract` examples.
var exampleDir = filepath.Join("..", "..", "testdata", "example-fmriprep")

func writeExample(t *testing.T, dir string) {
	img, err := atlas.BuiltinImage("mist122", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	inv, _ := img.Affine.Inverse()
	labelAt := func(x, y, z float64) int {
		i, j, k := inv.Apply(x, y, z)
		ii, jj, kk := int(i+0.5), int(j+0.5), int(k+0.5)
		sh := img.Shape
		if i < 0 || j < 0 || k < 0 || ii >= sh[0] || jj >= sh[1] || kk >= sh[2] {
			return 0
		}
		return int(img.Labels[ii+sh[0]*(jj+sh[1]*kk)])
	}
	if err := synthetic.WriteExampleRun(dir, labelAt); err != nil {
		t.Fatal(err)
	}
}

// TestExampleIsCurrent regenerates the committed example and checks it is byte-identical (set
// PAINMARK_REGENERATE_EXAMPLE=1 to rewrite it), then runs the README's extract examples on it.
func TestExampleIsCurrent(t *testing.T) {
	if os.Getenv("PAINMARK_REGENERATE_EXAMPLE") != "" {
		os.RemoveAll(exampleDir)
		writeExample(t, exampleDir)
	}
	fresh := t.TempDir()
	writeExample(t, fresh)
	err := filepath.Walk(fresh, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fresh, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(exampleDir, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("testdata/example-fmriprep/%s is missing or stale (regenerate with PAINMARK_REGENERATE_EXAMPLE=1 go test ./cmd/painmark -run Example)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, stderr, code := runCLI(t, "extract", exampleDir, "--atlas", "mist122", "--confounds", "simple", "--high-pass", "0.01", "--standardize", "zscore_sample", "-o", out); code != 0 {
		t.Fatalf("README example: %s", stderr)
	}
}
