// Package npy reads and writes numpy's .npy arrays (format versions 1.0, 2.0 and 3.0, C or Fortran
// order), so that Python users exchange feature tables, matrices and time series with painmark
// without conversion. The format is numpy's NEP 1 ("A simple file format for NumPy arrays").
package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
)

var magic = []byte("\x93NUMPY")

// Array is an n-dimensional numeric array held as float64 in C (row-major) order, whatever the
// order on disk.
type Array struct {
	Shape []int
	// Dtype is the numpy type string of the file (e.g. "<f8", "|u1", ">i4").
	Dtype string
	// FortranOrder records the order on disk; Data are always in C order.
	FortranOrder bool
	Data         []float64
}

// Len is the number of elements.
func (a *Array) Len() int { return product(a.Shape) }

// At returns the element at the given index (C order).
func (a *Array) At(idx ...int) float64 {
	off := 0
	for i, v := range idx {
		off = off*a.Shape[i] + v
	}
	return a.Data[off]
}

func product(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// Header is the decoded header of a .npy file.
type Header struct {
	Major, Minor int
	Dtype        string
	FortranOrder bool
	Shape        []int
	DataOffset   int64
}

type dtype struct {
	kind  byte // 'b' bool, 'i' signed, 'u' unsigned, 'f' float
	size  int
	order binary.ByteOrder
}

func parseDtype(s string) (dtype, error) {
	if len(s) < 3 {
		return dtype{}, fmt.Errorf("dtype %q is not a simple numeric type", s)
	}
	var d dtype
	switch s[0] {
	case '<', '|', '=':
		d.order = binary.LittleEndian // '=' is native: numpy writes '<' on every platform painmark runs on
	case '>':
		d.order = binary.BigEndian
	default:
		return dtype{}, fmt.Errorf("dtype %q has no byte-order mark", s)
	}
	d.kind = s[1]
	size, err := strconv.Atoi(s[2:])
	if err != nil {
		return dtype{}, fmt.Errorf("dtype %q is not a simple numeric type (structured, string or object arrays are not read)", s)
	}
	d.size = size
	ok := false
	switch d.kind {
	case 'b':
		ok = size == 1
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'f':
		ok = size == 4 || size == 8
	case 'c':
		return dtype{}, fmt.Errorf("dtype %q is complex; painmark reads real arrays", s)
	}
	if !ok {
		return dtype{}, fmt.Errorf("dtype %q is not supported (bool, int8-64, uint8-64, float32, float64 are)", s)
	}
	return d, nil
}

// maxElements bounds what a header may declare before it is taken for corrupt (2^40 elements).
const maxElements = 1 << 40

// ReadHeader decodes the magic string and header dictionary.
func ReadHeader(r io.Reader) (*Header, error) {
	pre := make([]byte, 8)
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, fmt.Errorf("not a .npy file: too short (%v)", err)
	}
	if !bytes.Equal(pre[:6], magic) {
		return nil, errors.New(`not a .npy file: it does not start with "\x93NUMPY"`)
	}
	h := &Header{Major: int(pre[6]), Minor: int(pre[7])}
	var hlen int
	switch h.Major {
	case 1:
		b := make([]byte, 2)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("truncated .npy header: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b))
		h.DataOffset = 10 + int64(hlen)
	case 2, 3:
		b := make([]byte, 4)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("truncated .npy header: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b))
		h.DataOffset = 12 + int64(hlen)
	default:
		return nil, fmt.Errorf(".npy format version %d.%d is not known (1.0, 2.0 and 3.0 are)", h.Major, h.Minor)
	}
	if hlen > 1<<20 {
		return nil, fmt.Errorf(".npy header claims %d bytes: corrupt", hlen)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf("truncated .npy header: %v", err)
	}
	if err := parseDict(string(text), h); err != nil {
		return nil, fmt.Errorf("bad .npy header %q: %w", strings.TrimSpace(string(text)), err)
	}
	return h, nil
}

// parseDict reads the header's Python dict literal: {'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }. Only these three keys are accepted, each exactly once.
func parseDict(s string, h *Header) error {
	p := &dictParser{s: s}
	p.skip()
	if !p.eat('{') {
		return errors.New("expected '{'")
	}
	seen := map[string]bool{}
	for {
		p.skip()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		if seen[key] {
			return fmt.Errorf("key %q repeated", key)
		}
		seen[key] = true
		p.skip()
		if !p.eat(':') {
			return errors.New("expected ':'")
		}
		p.skip()
		switch key {
		case "descr":
			if h.Dtype, err = p.str(); err != nil {
				return err
			}
		case "fortran_order":
			switch {
			case strings.HasPrefix(p.s[p.i:], "True"):
				h.FortranOrder, p.i = true, p.i+4
			case strings.HasPrefix(p.s[p.i:], "False"):
				h.FortranOrder, p.i = false, p.i+5
			default:
				return errors.New("fortran_order must be True or False")
			}
		case "shape":
			if h.Shape, err = p.tuple(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected key %q", key)
		}
		p.skip()
		if p.eat(',') {
			continue
		}
		p.skip()
		if !p.eat('}') {
			return errors.New("expected ',' or '}'")
		}
		break
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return fmt.Errorf("key %q missing", k)
		}
	}
	if strings.TrimSpace(p.s[p.i:]) != "" {
		return errors.New("text after the dictionary")
	}
	n := int64(1)
	for _, d := range h.Shape {
		if d < 0 {
			return fmt.Errorf("negative dimension in shape %v", h.Shape)
		}
		if d > 0 && n > maxElements/int64(d) {
			return fmt.Errorf("shape %v declares more than 2^40 elements", h.Shape)
		}
		n *= int64(d)
	}
	return nil
}

type dictParser struct {
	s string
	i int
}

func (p *dictParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("shape must be a tuple")
	}
	shape := []int{}
	for {
		p.skip()
		if p.eat(')') {
			return shape, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, errors.New("shape entries must be non-negative integers")
		}
		v, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || v > maxElements {
			return nil, fmt.Errorf("shape entry %q too large", p.s[p.i:j])
		}
		shape = append(shape, v)
		p.i = j
		p.skip()
		if p.eat(',') {
			continue
		}
		p.skip()
		if !p.eat(')') {
			return nil, errors.New("expected ',' or ')' in shape")
		}
		return shape, nil
	}
}

// Read reads a whole .npy file.
func Read(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := Decode(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// maxBytes bounds the memory Decode allocates (16 GiB of float64).
const maxBytes = 16 << 30

// Decode reads a .npy stream. Integers beyond ±2^53, which float64 cannot hold exactly, are refused.
func Decode(r io.Reader) (*Array, error) {
	h, err := ReadHeader(r)
	if err != nil {
		return nil, err
	}
	dt, err := parseDtype(h.Dtype)
	if err != nil {
		return nil, err
	}
	n := product(h.Shape)
	if int64(n)*8 > maxBytes {
		return nil, fmt.Errorf("array of shape %v needs %d GiB as float64, more than the %d GiB allowed", h.Shape, int64(n)*8>>30, maxBytes>>30)
	}
	// The values grow with the data actually read, so a header that promises more than the stream
	// holds fails at the end of the data instead of first reserving the promised size.
	a := &Array{Shape: h.Shape, Dtype: h.Dtype, FortranOrder: h.FortranOrder, Data: make([]float64, 0, min(n, 1<<20))}
	const chunk = 1 << 16
	buf := make([]byte, chunk*dt.size)
	for done := 0; done < n; {
		m := min(chunk, n-done)
		b := buf[:m*dt.size]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("data end after %d of %d elements of shape %v (truncated file?)", done, n, h.Shape)
		}
		a.Data = slices.Grow(a.Data, m)[:done+m]
		if err := decode(dt, b, a.Data[done:done+m], done); err != nil {
			return nil, err
		}
		done += m
	}
	if h.FortranOrder && len(h.Shape) > 1 {
		a.Data = fortranToC(a.Data, h.Shape)
	}
	return a, nil
}

func decode(dt dtype, b []byte, dst []float64, base int) error {
	bo := dt.order
	const exact = 1 << 53
	for i := range dst {
		p := b[i*dt.size:]
		switch dt.kind {
		case 'b':
			if p[0] > 1 {
				return fmt.Errorf("element %d: boolean byte %d is neither 0 nor 1", base+i, p[0])
			}
			dst[i] = float64(p[0])
		case 'f':
			if dt.size == 4 {
				dst[i] = float64(math.Float32frombits(bo.Uint32(p)))
			} else {
				dst[i] = math.Float64frombits(bo.Uint64(p))
			}
		case 'i':
			var v int64
			switch dt.size {
			case 1:
				v = int64(int8(p[0]))
			case 2:
				v = int64(int16(bo.Uint16(p)))
			case 4:
				v = int64(int32(bo.Uint32(p)))
			case 8:
				v = int64(bo.Uint64(p))
				if v > exact || v < -exact {
					return fmt.Errorf("element %d = %d is beyond ±2^53 and cannot be held exactly as float64", base+i, v)
				}
			}
			dst[i] = float64(v)
		case 'u':
			var v uint64
			switch dt.size {
			case 1:
				v = uint64(p[0])
			case 2:
				v = uint64(bo.Uint16(p))
			case 4:
				v = uint64(bo.Uint32(p))
			case 8:
				v = bo.Uint64(p)
				if v > exact {
					return fmt.Errorf("element %d = %d is beyond 2^53 and cannot be held exactly as float64", base+i, v)
				}
			}
			dst[i] = float64(v)
		}
	}
	return nil
}

// fortranToC reorders column-major data of the given shape into row-major order.
func fortranToC(src []float64, shape []int) []float64 {
	dst := make([]float64, len(src))
	nd := len(shape)
	idx := make([]int, nd)
	// Walk the destination in C order; the Fortran offset has strides 1, s0, s0*s1, ...
	fstride := make([]int, nd)
	fstride[0] = 1
	for i := 1; i < nd; i++ {
		fstride[i] = fstride[i-1] * shape[i-1]
	}
	for k := range dst {
		off := 0
		for i := 0; i < nd; i++ {
			off += idx[i] * fstride[i]
		}
		dst[k] = src[off]
		for i := nd - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return dst
}

// Write writes data (C order, len = product of shape) to path as a .npy array of the given dtype
// ("<f8", "<f4", "<i8", "<i4", "|u1", ...). Conversion to an integer type refuses non-integral or
// out-of-range values. The file appears under its name only when complete.
func Write(path string, shape []int, data []float64, dtypeStr string) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := Encode(w, shape, data, dtypeStr); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// Encode writes a .npy stream (format 1.0, or 2.0 when the header needs it).
func Encode(w io.Writer, shape []int, data []float64, dtypeStr string) error {
	dt, err := parseDtype(dtypeStr)
	if err != nil {
		return err
	}
	if product(shape) != len(data) {
		return fmt.Errorf("shape %v holds %d elements, %d given", shape, product(shape), len(data))
	}
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dtypeStr, tuple)
	// Pad with spaces and a newline so that the data start on a 64-byte boundary, as numpy does.
	major, prefix := 1, 10
	if len(dict)+1+prefix > 65535 {
		major, prefix = 2, 12
	}
	total := (prefix + len(dict) + 1 + 63) / 64 * 64
	header := dict + strings.Repeat(" ", total-prefix-len(dict)-1) + "\n"
	out := append([]byte(nil), magic...)
	out = append(out, byte(major), 0)
	if major == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(header)))
	}
	out = append(out, header...)
	if _, err := w.Write(out); err != nil {
		return err
	}
	buf := make([]byte, dt.size)
	for i, v := range data {
		if err := encodeOne(dt, v, buf); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func encodeOne(dt dtype, v float64, b []byte) error {
	bo := dt.order
	switch dt.kind {
	case 'f':
		if dt.size == 4 {
			bo.PutUint32(b, math.Float32bits(float32(v)))
		} else {
			bo.PutUint64(b, math.Float64bits(v))
		}
		return nil
	case 'b':
		if v != 0 && v != 1 {
			return fmt.Errorf("%g is not a boolean", v)
		}
		b[0] = byte(v)
		return nil
	}
	if v != math.Trunc(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%g is not an integer", v)
	}
	bits := uint(dt.size * 8)
	var lo, hi float64
	if dt.kind == 'i' {
		lo, hi = -math.Ldexp(1, int(bits-1)), math.Ldexp(1, int(bits-1))
	} else {
		lo, hi = 0, math.Ldexp(1, int(bits))
	}
	if v < lo || v >= hi {
		return fmt.Errorf("%g does not fit %c%d", v, dt.kind, bits)
	}
	var u uint64
	if dt.kind == 'i' {
		u = uint64(int64(v))
	} else {
		u = uint64(v)
	}
	switch dt.size {
	case 1:
		b[0] = byte(u)
	case 2:
		bo.PutUint16(b, uint16(u))
	case 4:
		bo.PutUint32(b, uint32(u))
	case 8:
		bo.PutUint64(b, u)
	}
	return nil
}
