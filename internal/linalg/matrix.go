package linalg

// Matrix is a dense row-major matrix: Rows x Cols (time points x series, samples x features).
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// NewMatrix allocates a zero matrix.
func NewMatrix(rows, cols int) Matrix {
	return Matrix{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
}

// At returns element (t, j).
func (m Matrix) At(t, j int) float64 { return m.Data[t*m.Cols+j] }

// Column copies series j.
func (m Matrix) Column(j int) []float64 {
	out := make([]float64, m.Rows)
	for t := range out {
		out[t] = m.Data[t*m.Cols+j]
	}
	return out
}

// SetColumn writes series j.
func (m Matrix) SetColumn(j int, v []float64) {
	for t := range v {
		m.Data[t*m.Cols+j] = v[t]
	}
}

// Clone copies the matrix.
func (m Matrix) Clone() Matrix {
	return Matrix{Rows: m.Rows, Cols: m.Cols, Data: append([]float64(nil), m.Data...)}
}

// SelectRows returns the rows listed, in order.
func (m Matrix) SelectRows(rows []int) Matrix {
	out := NewMatrix(len(rows), m.Cols)
	for i, t := range rows {
		copy(out.Data[i*m.Cols:(i+1)*m.Cols], m.Data[t*m.Cols:(t+1)*m.Cols])
	}
	return out
}

// SelectColumns returns the columns listed, in order.
func (m Matrix) SelectColumns(cols []int) Matrix {
	out := NewMatrix(m.Rows, len(cols))
	for i := 0; i < m.Rows; i++ {
		row := m.Data[i*m.Cols : (i+1)*m.Cols]
		o := out.Data[i*len(cols) : (i+1)*len(cols)]
		for k, c := range cols {
			o[k] = row[c]
		}
	}
	return out
}

// HStack joins matrices with the same number of rows side by side.
func HStack(ms ...Matrix) Matrix {
	cols := 0
	for _, m := range ms {
		cols += m.Cols
	}
	out := NewMatrix(ms[0].Rows, cols)
	off := 0
	for _, m := range ms {
		for t := 0; t < m.Rows; t++ {
			copy(out.Data[t*cols+off:t*cols+off+m.Cols], m.Data[t*m.Cols:(t+1)*m.Cols])
		}
		off += m.Cols
	}
	return out
}
