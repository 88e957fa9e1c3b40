package gifti

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzParse: any bytes parse into a GIFTI image whose arrays hold as many values as their
// dimensions say, or fail with an error; no panic, no allocation for sizes the bytes do not hold.
// Seeds: the small documents of TestParseErrors (inline, external, column-major) and, committed in
// testdata/fuzz/FuzzParse, ../shared/data/enigma/surfaces/fsa5_lh.gii reduced to its first four
// triangles (six vertices, GZipBase64Binary, the original header and metadata).
// External data files are read only from the fuzz folder's data.bin (8 bytes).
func FuzzParse(f *testing.F) {
	f.Add([]byte(`<GIFTI Version="1.0" NumberOfDataArrays="1"><DataArray Intent="NIFTI_INTENT_SHAPE" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="3" Encoding="ASCII" Endian="LittleEndian"><Data>1 2 3</Data></DataArray></GIFTI>`))
	f.Add([]byte(`<GIFTI Version="1.0"><DataArray Intent="NIFTI_INTENT_NONE" DataType="NIFTI_TYPE_UINT8" ArrayIndexingOrder="ColumnMajorOrder" Dimensionality="2" Dim0="2" Dim1="3" Encoding="ExternalFileBinary" Endian="LittleEndian" ExternalFileName="data.bin" ExternalFileOffset="2"><Data></Data></DataArray></GIFTI>`))
	f.Add([]byte(`<GIFTI Version="1.0"><LabelTable><Label Key="1" Red="1" Green="0" Blue="0" Alpha="1">A</Label></LabelTable><DataArray Intent="NIFTI_INTENT_LABEL" DataType="NIFTI_TYPE_INT32" Dimensionality="1" Dim0="1" Encoding="Base64Binary" Endian="BigEndian"><Data>AAAAAQ==</Data></DataArray></GIFTI>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		var doc xmlFile
		if xml.NewDecoder(bytes.NewReader(b)).Decode(&doc) == nil {
			for _, a := range doc.Arrays {
				if a.ExtName != "" && a.ExtName != "data.bin" {
					return // never open files outside the fuzz folder (devices, pipes)
				}
			}
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "data.bin"), []byte{9, 9, 1, 4, 2, 5, 3, 6}, 0o644); err != nil {
			t.Fatal(err)
		}
		fuzzcheck.Bounded(t, func() {
			img, err := Parse(bytes.NewReader(b), dir)
			if err != nil {
				return
			}
			for i, a := range img.Arrays {
				n := 1
				for _, d := range a.Dims {
					n *= d
				}
				if len(a.Values) != n {
					t.Fatalf("array %d: %d values for dimensions %v", i, len(a.Values), a.Dims)
				}
			}
			img.Surface()
		})
	})
}
