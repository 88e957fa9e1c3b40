package gifti

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestReadRealSurface reads ENIGMA's fsaverage5 sphere: 10,242 vertices on a 100 mm sphere and
// 20,480 faces, as fsaverage5 has.
func TestReadRealSurface(t *testing.T) {
	m, err := ReadSurface(fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_lh.gii"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Vertices) != 10242 || len(m.Faces) != 20480 {
		t.Fatalf("%d vertices, %d faces", len(m.Vertices), len(m.Faces))
	}
	for i, v := range m.Vertices {
		if r := math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2]); math.Abs(r-100) > 0.1 {
			t.Fatalf("vertex %d at radius %v, not on the 100 mm sphere", i, r)
		}
	}
}

// TestLiveNibabel compares every array and label table with nibabel's reading, on the real
// surfaces and on files nibabel writes in each inline encoding and byte order.
func TestLiveNibabel(t *testing.T) {
	real := []string{
		fixtures.Shared(t, "enigma", "surfaces", "fsa5_lh.gii"),
		fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_rh.gii"),
	}
	type array struct {
		Intent string
		Dims   []int
		Data   []float64
	}
	var peer map[string]struct {
		Arrays []array
		Labels [][]any
	}
	dir := t.TempDir()
	fixtures.RunPython(t, "testdata/nibabel_gifti.py", map[string]any{"real": real, "dir": dir}, &peer)
	if len(peer) != len(real)+5 {
		t.Fatalf("the peer reported %d files", len(peer))
	}
	for path, want := range peer {
		img, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(img.Arrays) != len(want.Arrays) {
			t.Fatalf("%s: %d arrays, nibabel %d", path, len(img.Arrays), len(want.Arrays))
		}
		for i, w := range want.Arrays {
			a := img.Arrays[i]
			if a.Intent != w.Intent || len(a.Values) != len(w.Data) || a.Len() != w.Dims[0] {
				t.Fatalf("%s array %d: %s %v (%d values), nibabel %s %v", path, i, a.Intent, a.Dims, len(a.Values), w.Intent, w.Dims)
			}
			for k := range w.Data {
				if a.Values[k] != w.Data[k] {
					t.Fatalf("%s array %d value %d: %v, nibabel %v", path, i, k, a.Values[k], w.Data[k])
				}
			}
		}
		if len(img.Labels) != len(want.Labels) {
			t.Fatalf("%s: %d labels, nibabel %d", path, len(img.Labels), len(want.Labels))
		}
		for i, w := range want.Labels {
			l := img.Labels[i]
			got := []any{float64(l.Key), l.Name, l.Red, l.Green, l.Blue, l.Alpha}
			for k := range got {
				if got[k] != w[k] {
					t.Fatalf("%s label %d: %v, nibabel %v", path, i, got, w)
				}
			}
		}
	}
}

// TestParseErrors: broken files name the problem.
func TestParseErrors(t *testing.T) {
	good := `<GIFTI Version="1.0" NumberOfDataArrays="1"><DataArray Intent="NIFTI_INTENT_SHAPE" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="3" Encoding="ASCII" Endian="LittleEndian"><Data>1 2 3</Data></DataArray></GIFTI>`
	img, err := Parse(strings.NewReader(good), "")
	if err != nil || len(img.Arrays) != 1 || img.Arrays[0].Values[2] != 3 {
		t.Fatalf("good file: %v %+v", err, img)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"values", "1 2 3", "1 2", "holds 2 values"},
		{"count", `NumberOfDataArrays="1"`, `NumberOfDataArrays="2"`, "declares 2"},
		{"type", "NIFTI_TYPE_FLOAT32", "NIFTI_TYPE_COMPLEX64", "not supported"},
		{"encoding", `Encoding="ASCII"`, `Encoding="Hex"`, "not a GIFTI encoding"},
		{"base64", `Encoding="ASCII"`, `Encoding="Base64Binary"`, "base64"},
		{"dims", `Dim0="3"`, `Dim0="x"`, "Dim0"},
		{"xml", "</GIFTI>", "", "not a GIFTI XML"},
	} {
		_, err := Parse(strings.NewReader(strings.Replace(good, c.from, c.to, 1)), "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// External data, column-major: a 2x3 array stored by columns.
	dir := t.TempDir()
	raw := []byte{1, 4, 2, 5, 3, 6}
	if err := os.WriteFile(filepath.Join(dir, "data.bin"), append([]byte{9, 9}, raw...), 0o644); err != nil {
		t.Fatal(err)
	}
	ext := `<GIFTI Version="1.0"><DataArray Intent="NIFTI_INTENT_NONE" DataType="NIFTI_TYPE_UINT8" ArrayIndexingOrder="ColumnMajorOrder" Dimensionality="2" Dim0="2" Dim1="3" Encoding="ExternalFileBinary" Endian="LittleEndian" ExternalFileName="data.bin" ExternalFileOffset="2"><Data></Data></DataArray></GIFTI>`
	img, err = Parse(strings.NewReader(ext), dir)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{1, 2, 3, 4, 5, 6} {
		if img.Arrays[0].Values[k] != want {
			t.Fatalf("column-major external array read as %v", img.Arrays[0].Values)
		}
	}
	if _, err := img.Surface(); err == nil {
		t.Error("a file without a pointset gave a surface")
	}
}
