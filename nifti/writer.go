package nifti

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/painmark/painmark/internal/atomicfile"
)

// Writer writes a single-file NIfTI image volume by volume. The file appears under its final name
// only when Close succeeds with every volume written; Abort (or a failed Close) leaves nothing.
type Writer struct {
	Path   string
	Header *Header

	file  *atomicfile.File
	buf   *bufio.Writer
	gz    *gzip.Writer
	out   io.Writer
	raw   []byte
	tmp   []float64
	next  int
	slope float64
	inter float64
}

// NewHeader returns a NIfTI-1 little-endian single-file header for an image of the given shape and
// datatype, with unit voxel sizes, millimetre and second units and no affine.
func NewHeader(shape []int, dt Datatype) *Header {
	h := &Header{Version: 1, ByteOrder: binary.LittleEndian, SingleFile: true, Datatype: dt}
	h.Dim[0] = int64(len(shape))
	for i := range h.Dim[1:] {
		h.Dim[i+1] = 1
		h.Pixdim[i+1] = 1
	}
	for i, s := range shape {
		h.Dim[i+1] = int64(s)
	}
	h.Pixdim[0] = 1
	h.XYZTUnits = 2 | 8
	h.SclSlope = 1
	return h
}

// Create starts writing the image at path; a name ending in .gz is gzip-compressed. The header is
// copied; its extensions (Code and Data; e.g. a CIFTI-2 XML, code 32) are written after it, each
// padded to a multiple of 16 bytes, and vox_offset is set to follow them.
func Create(path string, hdr *Header) (*Writer, error) {
	h := *hdr
	h.SingleFile = true
	if h.ByteOrder == nil {
		h.ByteOrder = binary.LittleEndian
	}
	var ext []byte
	h.Extensions = nil
	for _, e := range hdr.Extensions {
		size := (8 + len(e.Data) + 15) / 16 * 16
		block := make([]byte, size)
		h.ByteOrder.PutUint32(block[0:], uint32(size))
		h.ByteOrder.PutUint32(block[4:], uint32(e.Code))
		copy(block[8:], e.Data)
		ext = append(ext, block...)
		h.Extensions = append(h.Extensions, Extension{Code: e.Code, Size: int32(size), Data: e.Data})
	}
	if h.Version != 2 {
		h.Version = 1
		h.VoxOffset = nifti1MinOffset + int64(len(ext))
	} else {
		h.VoxOffset = nifti2MinOffset + int64(len(ext))
	}
	if err := h.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.Datatype != Float32 && h.Datatype != Float64 && !h.Datatype.IsInteger() {
		return nil, fmt.Errorf("%s: painmark writes integer, float32 and float64 images, not %s", path, h.Datatype)
	}
	slope, inter, err := h.SlopeInter()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	hb, err := h.Encode()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	w := &Writer{Path: path, Header: &h, file: f, slope: slope, inter: inter}
	w.buf = bufio.NewWriterSize(f, 1<<20)
	w.out = w.buf
	if strings.HasSuffix(path, ".gz") {
		w.gz = gzip.NewWriter(w.buf)
		w.out = w.gz
	}
	if len(ext) > 0 {
		hb[len(hb)-4] = 1 // the extension flag
	}
	if _, err := w.out.Write(append(hb, ext...)); err != nil {
		f.Abort()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w.raw = make([]byte, h.VoxelsPerVolume()*h.Datatype.Size())
	return w, nil
}

// WriteVolume appends the next volume (len VoxelsPerVolume, x fastest). Values are stored as
// (v - scl_inter)/scl_slope; integer types round half to even and refuse values out of range.
func (w *Writer) WriteVolume(v []float64) error {
	if len(v) != w.Header.VoxelsPerVolume() {
		return fmt.Errorf("%s: volume has %d values, expected %d", w.Path, len(v), w.Header.VoxelsPerVolume())
	}
	return w.WriteVolumes(v)
}

// WriteVolumes appends the next len(v)/VoxelsPerVolume volumes at once, as WriteVolume each, in
// blocks of about a million values: images whose volumes are tiny (a CIFTI matrix stores one value
// per "volume") are written without a call per value.
func (w *Writer) WriteVolumes(v []float64) error {
	if w.file == nil {
		return fmt.Errorf("%s: writer is closed", w.Path)
	}
	per := w.Header.VoxelsPerVolume()
	if per == 0 || len(v)%per != 0 {
		return fmt.Errorf("%s: %d values are not whole volumes of %d", w.Path, len(v), per)
	}
	n := len(v) / per
	if w.next+n > w.Header.NumVolumes() {
		return fmt.Errorf("%s: %d volumes given, %d of %d left to write", w.Path, n, w.Header.NumVolumes()-w.next, w.Header.NumVolumes())
	}
	block := max(1, (1<<20)/per) // volumes per block
	for first := 0; first < n; first += block {
		chunk := v[first*per : min(first+block, n)*per]
		src := chunk
		if w.slope != 1 || w.inter != 0 {
			if len(w.tmp) < len(chunk) {
				w.tmp = make([]float64, len(chunk))
			}
			for i, x := range chunk {
				w.tmp[i] = (x - w.inter) / w.slope
			}
			src = w.tmp[:len(chunk)]
		}
		size := len(chunk) * w.Header.Datatype.Size()
		if len(w.raw) < size {
			w.raw = make([]byte, size)
		}
		if err := encodeReal(w.Header.Datatype, w.Header.ByteOrder, src, w.raw[:size]); err != nil {
			if len(chunk) == per {
				return fmt.Errorf("%s: volume %d: %w", w.Path, w.next+first, err)
			}
			return fmt.Errorf("%s: volumes %d-%d: %w", w.Path, w.next+first, w.next+first+len(chunk)/per-1, err)
		}
		if _, err := w.out.Write(w.raw[:size]); err != nil {
			return fmt.Errorf("%s: %w", w.Path, err)
		}
	}
	w.next += n
	return nil
}

// Close finishes the file and moves it to its final name. It fails, leaving nothing behind, if not
// every volume was written.
func (w *Writer) Close() error {
	if w.file == nil {
		return nil
	}
	defer w.Abort()
	if w.next != w.Header.NumVolumes() {
		return fmt.Errorf("%s: %d of %d volumes written; the file was not created", w.Path, w.next, w.Header.NumVolumes())
	}
	if w.gz != nil {
		if err := w.gz.Close(); err != nil {
			return fmt.Errorf("%s: %w", w.Path, err)
		}
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("%s: %w", w.Path, err)
	}
	err := w.file.Commit()
	w.file = nil
	return err
}

// Abort discards a partly written image.
func (w *Writer) Abort() {
	if w.file != nil {
		w.file.Abort()
		w.file = nil
	}
}

// Write writes a whole image (data in NIfTI order, as Image.Data) to path.
func Write(path string, hdr *Header, data []float64) error {
	w, err := Create(path, hdr)
	if err != nil {
		return err
	}
	defer w.Abort()
	n := w.Header.VoxelsPerVolume()
	if len(data) != n*w.Header.NumVolumes() {
		return fmt.Errorf("%s: %d values given, the header's shape %v holds %d", path, len(data), w.Header.Shape(), n*w.Header.NumVolumes())
	}
	if err := w.WriteVolumes(data); err != nil {
		return err
	}
	return w.Close()
}
