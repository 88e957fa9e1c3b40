package inspect

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The format is told by content before name, and the JSON keeps each format's key order, with
// null for a non-finite number (a NaN scl_slope) and the data keys after the header's.
func TestFileFormatsAndJSON(t *testing.T) {
	dir := t.TempDir()
	npyAsTxt := filepath.Join(dir, "array.txt")
	b, err := os.ReadFile(filepath.Join("..", "npy", "testdata", "numpy", "fortran-2d.npy"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(npyAsTxt, b, 0o644)
	tsv := filepath.Join(dir, "t.tsv")
	os.WriteFile(tsv, []byte("a\tb\n1\tx\nn/a\ty\n"), 0o644)
	for _, c := range []struct {
		path, format string
		keys         []string
	}{
		{filepath.Join("..", "nifti", "testdata", "nibabel", "scl-nan-slope.nii"), "nifti",
			[]string{`"file"`, `"format"`, `"dims"`, `"pixdim"`, `"affine"`, `"scl_slope": null`, `"intent_code"`, `"min"`, `"n_nonfinite"`}},
		{npyAsTxt, "npy", []string{`"file"`, `"shape"`, `"dtype": "<f8"`, `"fortran_order": true`, `"min"`, `"n_nonfinite"`}},
		{tsv, "table", []string{`"rows": 2`, `"columns"`, `"max": 1`, `"mean": 1`, `"min": 1`, `"missing": 1`, `"name": "a"`, `"type"`, `"name": "b"`}},
	} {
		f, err := Format(c.path)
		if err != nil || f != c.format {
			t.Fatalf("%s: format %q, %v; want %q", c.path, f, err, c.format)
		}
		s, err := File(c.path)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, s); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("%s: invalid JSON\n%s", c.path, buf.String())
		}
		out, at := buf.String(), 0
		for _, k := range c.keys {
			i := strings.Index(out[at:], k)
			if i < 0 {
				t.Fatalf("%s: %s missing or out of order in\n%s", c.path, k, out)
			}
			at += i
		}
	}
	if _, err := File(filepath.Join(dir, "x.bin")); err == nil {
		t.Error("an unknown file was summarised")
	}
}
