package gifti

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A GIFTI ExternalFileName of /etc/passwd or ../../x is refused unless external paths are allowed
// (issue 21: it was opened and read); a name beside the file still reads.
func TestExternalDataOnlyBesideTheFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	os.MkdirAll(dir, 0o755)
	raw := []byte{1, 2, 3, 4, 5, 6}
	for _, p := range []string{filepath.Join(dir, "data.bin"), filepath.Join(root, "x")} {
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(name string) string {
		return `<GIFTI Version="1.0"><DataArray Intent="NIFTI_INTENT_NONE" DataType="NIFTI_TYPE_UINT8" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="6" Encoding="ExternalFileBinary" Endian="LittleEndian" ExternalFileName="` + name + `" ExternalFileOffset="0"><Data></Data></DataArray></GIFTI>`
	}
	for _, name := range []string{"/etc/passwd", "../../x", "sub/data.bin", "..", ""} {
		path := filepath.Join(dir, "hostile.gii")
		os.WriteFile(path, []byte(doc(name)), 0o644)
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "beside the GIFTI file") {
			t.Errorf("ExternalFileName %q: %v", name, err)
		}
	}
	path := filepath.Join(dir, "parent.gii")
	os.WriteFile(path, []byte(doc("../../x")), 0o644)
	if img, err := ReadWith(path, Options{AllowExternalPaths: true}); err != nil || img.Arrays[0].Values[5] != 6 {
		t.Errorf("allowed parent path: %v", err)
	}
	os.WriteFile(path, []byte(doc("data.bin")), 0o644)
	if _, err := Read(path); err != nil {
		t.Errorf("beside the file: %v", err)
	}
	// Dimensions whose product overflows or exceeds the memory budget are refused before allocating.
	big := strings.Replace(doc("data.bin"), `Dimensionality="1" Dim0="6"`, `Dimensionality="3" Dim0="4000000000" Dim1="4000000000" Dim2="4000000000"`, 1)
	if _, err := Parse(strings.NewReader(big), dir); err == nil || !strings.Contains(err.Error(), "memory") {
		t.Errorf("huge dimensions: %v", err)
	}
}
