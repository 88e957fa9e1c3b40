package npy

import (
	"io"

	"github.com/painmark/painmark/internal/describe"
)

// Summary describes a .npy file (painmark inspect): shape, numpy dtype string, order on disk, and
// the minimum, maximum, mean and standard deviation (ddof 0) of the finite values, with non-finite
// values counted. JSON keys are in this order.
type Summary struct {
	File         string `json:"file"`
	Format       string `json:"format"`
	Shape        []int  `json:"shape"`
	Dtype        string `json:"dtype"`
	FortranOrder bool   `json:"fortran_order"`
	*describe.Values
}

// Summarize reads the array at path into a Summary.
func Summarize(path string) (*Summary, error) {
	a, err := Read(path)
	if err != nil {
		return nil, err
	}
	var st describe.Stats
	st.Add(a.Data)
	return &Summary{File: path, Format: "npy", Shape: a.Shape, Dtype: a.Dtype, FortranOrder: a.FortranOrder, Values: st.Values()}, nil
}

// WriteText writes the summary as "key value" lines.
func (s *Summary) WriteText(w io.Writer) error {
	describe.Line(w, "file", s.File)
	describe.Line(w, "format", s.Format)
	describe.Line(w, "shape", s.Shape)
	describe.Line(w, "dtype", s.Dtype)
	describe.Line(w, "fortran_order", s.FortranOrder)
	s.Values.WriteText(w)
	return nil
}
