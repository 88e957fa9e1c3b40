package npy

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// MatrixFile is a two-dimensional .npy file opened for reading by blocks of columns, so a feature
// table larger than memory (subjects x edges) can be streamed: only the block asked for is held.
// C-order files are read row segment by row segment (os.File.ReadAt, served from the page cache
// when the file has been read before), Fortran-order files one contiguous run per block.
type MatrixFile struct {
	Path       string
	Rows, Cols int
	header     *Header
	dt         dtype
	f          *os.File
	rowBuf     []byte // ReadRows' read buffer, reused (a MatrixFile is read by one goroutine)
}

// OpenMatrix opens a .npy file holding a 2-D numeric array.
func OpenMatrix(path string) (*MatrixFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	h, err := ReadHeader(bufio.NewReader(io.NewSectionReader(f, 0, 1<<21)))
	if err == nil && len(h.Shape) != 2 {
		err = fmt.Errorf("shape %v: need a 2-D array (subjects x features)", h.Shape)
	}
	var dt dtype
	if err == nil {
		dt, err = parseDtype(h.Dtype)
	}
	if err == nil {
		var st os.FileInfo
		if st, err = f.Stat(); err == nil {
			want := h.DataOffset + int64(h.Shape[0])*int64(h.Shape[1])*int64(dt.size)
			if st.Size() < want {
				err = fmt.Errorf("%d bytes, but shape %v of %s needs %d (truncated file?)", st.Size(), h.Shape, h.Dtype, want)
			}
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &MatrixFile{Path: path, Rows: h.Shape[0], Cols: h.Shape[1], header: h, dt: dt, f: f}, nil
}

// Close closes the file.
func (m *MatrixFile) Close() error { return m.f.Close() }

// Columns reads columns j0 .. j1−1 of every row into dst (row-major, Rows x (j1−j0)), which must
// hold that many values.
func (m *MatrixFile) Columns(j0, j1 int, dst []float64) error {
	w := j1 - j0
	if j0 < 0 || j1 > m.Cols || w < 1 || len(dst) < m.Rows*w {
		return fmt.Errorf("%s: columns %d..%d of %d into %d values", m.Path, j0, j1, m.Cols, len(dst))
	}
	sz := int64(m.dt.size)
	if m.header.FortranOrder {
		b := make([]byte, int64(m.Rows)*int64(w)*sz)
		if _, err := m.f.ReadAt(b, m.header.DataOffset+int64(j0)*int64(m.Rows)*sz); err != nil {
			return fmt.Errorf("%s: %w", m.Path, err)
		}
		col := make([]float64, m.Rows)
		for c := 0; c < w; c++ {
			if err := decode(m.dt, b[int64(c)*int64(m.Rows)*sz:], col, (j0+c)*m.Rows); err != nil {
				return fmt.Errorf("%s: %w", m.Path, err)
			}
			for i, v := range col {
				dst[i*w+c] = v
			}
		}
		return nil
	}
	b := make([]byte, int64(w)*sz)
	for i := 0; i < m.Rows; i++ {
		if _, err := m.f.ReadAt(b, m.header.DataOffset+(int64(i)*int64(m.Cols)+int64(j0))*sz); err != nil {
			return fmt.Errorf("%s: row %d: %w", m.Path, i, err)
		}
		if err := decode(m.dt, b, dst[i*w:(i+1)*w], i*m.Cols+j0); err != nil {
			return fmt.Errorf("%s: %w", m.Path, err)
		}
	}
	return nil
}

// ReadRows reads rows i0 .. i1−1 into dst (row-major, (i1−i0) x Cols), which must hold that many
// values: one contiguous read for a C-order file, a strided one per column for Fortran order.
func (m *MatrixFile) ReadRows(i0, i1 int, dst []float64) error {
	h := i1 - i0
	if i0 < 0 || i1 > m.Rows || h < 1 || len(dst) < h*m.Cols {
		return fmt.Errorf("%s: rows %d..%d of %d into %d values", m.Path, i0, i1, m.Rows, len(dst))
	}
	sz := int64(m.dt.size)
	if m.header.FortranOrder {
		b := make([]byte, int64(h)*sz)
		col := make([]float64, h)
		for j := 0; j < m.Cols; j++ {
			if _, err := m.f.ReadAt(b, m.header.DataOffset+(int64(j)*int64(m.Rows)+int64(i0))*sz); err != nil {
				return fmt.Errorf("%s: column %d: %w", m.Path, j, err)
			}
			if err := decode(m.dt, b, col, j*m.Rows+i0); err != nil {
				return fmt.Errorf("%s: %w", m.Path, err)
			}
			for i, v := range col {
				dst[i*m.Cols+j] = v
			}
		}
		return nil
	}
	need := int(int64(h) * int64(m.Cols) * sz)
	if cap(m.rowBuf) < need {
		m.rowBuf = make([]byte, need)
	}
	b := m.rowBuf[:need]
	if _, err := m.f.ReadAt(b, m.header.DataOffset+int64(i0)*int64(m.Cols)*sz); err != nil {
		return fmt.Errorf("%s: rows %d..%d: %w", m.Path, i0, i1-1, err)
	}
	if err := decode(m.dt, b, dst[:h*m.Cols], i0*m.Cols); err != nil {
		return fmt.Errorf("%s: %w", m.Path, err)
	}
	return nil
}
