package npy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatrixFileColumns reads blocks of columns of C- and Fortran-order files and compares them
// with the whole array read by Read.
func TestMatrixFileColumns(t *testing.T) {
	dir := t.TempDir()
	rows, cols := 7, 11
	data := make([]float64, rows*cols)
	for i := range data {
		data[i] = float64(i*i%13) - 3.5
	}
	for _, dt := range []string{"<f8", "<f4", ">f8", "<i2"} {
		path := filepath.Join(dir, "x.npy")
		vals := data
		if dt == "<i2" {
			vals = make([]float64, len(data))
			for i, v := range data {
				vals[i] = float64(int(v * 2))
			}
		}
		if err := Write(path, []int{rows, cols}, vals, dt); err != nil {
			t.Fatal(err)
		}
		whole, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := OpenMatrix(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, blk := range [][2]int{{0, 11}, {3, 7}, {10, 11}} {
			w := blk[1] - blk[0]
			dst := make([]float64, rows*w)
			if err := m.Columns(blk[0], blk[1], dst); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < rows; i++ {
				for c := 0; c < w; c++ {
					if dst[i*w+c] != whole.Data[i*cols+blk[0]+c] {
						t.Fatalf("%s block %v (%d,%d): %v, want %v", dt, blk, i, c, dst[i*w+c], whole.Data[i*cols+blk[0]+c])
					}
				}
			}
		}
		if err := m.Columns(5, 12, make([]float64, 100)); err == nil {
			t.Fatal("columns beyond the array accepted")
		}
		m.Close()
	}
	// Fortran order: the same data column-major on disk
	ft := filepath.Join(dir, "f.npy")
	fdata := make([]float64, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			fdata[j*rows+i] = data[i*cols+j]
		}
	}
	if err := Write(ft, []int{rows, cols}, fdata, "<f8"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(ft) // the column-major values, declared Fortran order
	os.WriteFile(ft, bytes.Replace(b, []byte("'fortran_order': False, "), []byte("'fortran_order': True,  "), 1), 0o644)
	m, err := OpenMatrix(ft)
	if err != nil || !m.header.FortranOrder {
		t.Fatalf("fortran file: %v", err)
	}
	dst := make([]float64, rows*4)
	if err := m.Columns(2, 6, dst); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < rows; i++ {
		for c := 0; c < 4; c++ {
			if dst[i*4+c] != data[i*cols+2+c] {
				t.Fatalf("fortran (%d,%d): %v, want %v", i, c, dst[i*4+c], data[i*cols+2+c])
			}
		}
	}
	if _, err := OpenMatrix(filepath.Join(dir, "missing.npy")); err == nil {
		t.Fatal("missing file opened")
	}
	one := filepath.Join(dir, "one.npy")
	Write(one, []int{5}, make([]float64, 5), "<f8")
	if _, err := OpenMatrix(one); err == nil || !strings.Contains(err.Error(), "2-D") {
		t.Fatalf("1-D array: %v", err)
	}
}
