package nifti

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/painmark/painmark/internal/describe"
)

// Summary is what nib-ls and fslinfo tell about a NIfTI-1/2 file (painmark inspect): the header
// fields, the affine painmark uses and where it comes from, and the minimum, maximum, mean and
// standard deviation (ddof 0) of the scaled data, streamed volume by volume, with non-finite values
// counted and left out. JSON keys are in this order; Data explains why a complex or RGB image has
// no statistics.
type Summary struct {
	File         string            `json:"file"`
	Format       string            `json:"format"`
	ByteOrder    string            `json:"byte_order"`
	Dims         []int             `json:"dims"`
	Datatype     string            `json:"datatype"`
	Pixdim       []describe.Finite `json:"pixdim"`
	Zooms        []float64         `json:"zooms"`
	Units        []string          `json:"units"`
	TR           *float64          `json:"tr_seconds,omitempty"`
	Affine       [][]float64       `json:"affine"`
	AffineSource string            `json:"affine_source"`
	QformCode    int               `json:"qform_code"`
	SformCode    int               `json:"sform_code"`
	SclSlope     describe.Finite   `json:"scl_slope"`
	SclInter     describe.Finite   `json:"scl_inter"`
	VoxOffset    int64             `json:"vox_offset"`
	Extensions   []int             `json:"extensions"`
	Descrip      string            `json:"descrip"`
	IntentCode   int32             `json:"intent_code"`
	Data         string            `json:"data,omitempty"`
	*describe.Values
}

// Summarize reads the header of the image at path and streams its data into a Summary.
func Summarize(path string) (*Summary, error) {
	h, st, statErr := ComputeStats(path)
	if h == nil {
		return nil, statErr
	}
	aff, src, err := h.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Summary{File: path, Format: fmt.Sprintf("NIfTI-%d", h.Version), ByteOrder: "little-endian",
		Dims: h.Shape(), Datatype: h.Datatype.String(), Zooms: h.Zooms(), Units: []string{h.SpatialUnit(), h.TimeUnit()},
		Affine: aff.Rows(), AffineSource: src, QformCode: int(h.QformCode), SformCode: int(h.SformCode),
		SclSlope: describe.Finite(h.SclSlope), SclInter: describe.Finite(h.SclInter), VoxOffset: h.VoxOffset,
		Descrip: h.Descrip, IntentCode: h.IntentCode}
	if h.ByteOrder == binary.BigEndian {
		s.ByteOrder = "big-endian"
	}
	for _, v := range h.Pixdim {
		s.Pixdim = append(s.Pixdim, describe.Finite(v))
	}
	if tr, ok := h.RepetitionTime(); ok {
		s.TR = &tr
	}
	for _, e := range h.Extensions {
		s.Extensions = append(s.Extensions, int(e.Code))
	}
	if statErr != nil {
		s.Data = statErr.Error()
	} else {
		s.Values = st.Values()
	}
	return s, nil
}

// WriteText writes the summary as "key value" lines, the affine as four rows.
func (s *Summary) WriteText(w io.Writer) error {
	line := func(k string, v any) { describe.Line(w, k, v) }
	line("file", s.File)
	line("format", s.Format)
	line("byte_order", s.ByteOrder)
	line("dims", s.Dims)
	line("datatype", s.Datatype)
	pix := make([]any, len(s.Pixdim))
	for i, v := range s.Pixdim {
		pix[i] = v.Value()
	}
	line("pixdim", pix)
	line("zooms", s.Zooms)
	line("units", s.Units)
	if s.TR != nil {
		line("tr_seconds", *s.TR)
	}
	fmt.Fprintf(w, "%-14s\n", "affine")
	for _, row := range s.Affine {
		fmt.Fprintf(w, "  %12.6g %12.6g %12.6g %12.6g\n", row[0], row[1], row[2], row[3])
	}
	line("affine_source", s.AffineSource)
	line("qform_code", s.QformCode)
	line("sform_code", s.SformCode)
	line("scl_slope", s.SclSlope.Value())
	line("scl_inter", s.SclInter.Value())
	line("vox_offset", s.VoxOffset)
	line("extensions", s.Extensions)
	line("descrip", s.Descrip)
	line("intent_code", s.IntentCode)
	if s.Values == nil {
		line("data", s.Data)
		return nil
	}
	s.Values.WriteText(w)
	return nil
}
