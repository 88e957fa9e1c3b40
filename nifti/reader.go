package nifti

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
)

// Options tune how images are read. The zero value is the safe default.
type Options struct {
	// AllowNonFinite lets NaN and ±Inf through. By default a non-finite voxel is an error, because in
	// a time series or an atlas it silently poisons every mean it enters.
	AllowNonFinite bool
	// MaxVolumeBytes bounds the memory of one decoded volume (float64); 0 means 4 GiB.
	MaxVolumeBytes int64
	// MaxImageBytes bounds what Load may allocate for a whole image (float64); 0 means 16 GiB.
	MaxImageBytes int64
}

func (o *Options) maxVolume() int64 {
	if o == nil || o.MaxVolumeBytes <= 0 {
		return 4 << 30
	}
	return o.MaxVolumeBytes
}

func (o *Options) maxImage() int64 {
	if o == nil || o.MaxImageBytes <= 0 {
		return 16 << 30
	}
	return o.MaxImageBytes
}

// Reader streams the volumes of a NIfTI image. Sequential reading (Next) holds one volume at a time;
// for gzip files decompression runs one volume ahead on a second goroutine. A Reader is not safe for
// concurrent use.
type Reader struct {
	Path   string
	Header *Header
	// DataPath is the file holding the voxel data: Path itself, or the .img of a .hdr/.img pair.
	DataPath string

	opts     Options
	f        *os.File // the file holding the data (the .img of a pair)
	gzipped  bool
	stream   io.Reader // the data stream positioned at volume `next` (gzip only)
	next     int       // index of the next volume Next returns
	slope    float64
	inter    float64
	scaled   bool
	volBytes int
	raw      []byte

	prefetch *prefetcher
}

// IsGzip reports whether the data are gzip-compressed (no random access).
func (r *Reader) IsGzip() bool { return r.gzipped }

// Open reads the header of path and prepares to stream its data. opts may be nil.
func Open(path string, opts *Options) (*Reader, error) {
	r := &Reader{Path: path, DataPath: path}
	if opts != nil {
		r.opts = *opts
	}
	hdr, f, stream, gz, err := openHeader(path)
	if err != nil {
		return nil, err
	}
	r.Header = hdr
	if !hdr.SingleFile {
		// A .hdr/.img pair: the data live in the image file, from vox_offset (usually 0).
		f.Close()
		imgPath, err := pairImagePath(path)
		if err != nil {
			return nil, err
		}
		r.DataPath = imgPath
		f, stream, gz, err = openStream(imgPath)
		if err != nil {
			return nil, err
		}
		if err := discard(stream, hdr.VoxOffset); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: cannot reach vox_offset %d: %w", imgPath, hdr.VoxOffset, err)
		}
	}
	r.f, r.stream, r.gzipped = f, stream, gz
	if err := r.init(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// maxDeflateRatio bounds how much a deflate stream can expand (RFC 1951: 258 bytes from a 2-bit
// code, about 1032:1).
const maxDeflateRatio = 1032

func (r *Reader) init() error {
	h := r.Header
	slope, inter, err := h.SlopeInter()
	if err != nil {
		return fmt.Errorf("%s: %w", r.Path, err)
	}
	r.slope, r.inter = slope, inter
	r.scaled = !(slope == 1 && inter == 0)
	nvox := int64(h.VoxelsPerVolume())
	if nvox*8 > r.opts.maxVolume() {
		return fmt.Errorf("%s: one volume (%v voxels) would need %d MiB, more than the %d MiB allowed: the header's dimensions %v look corrupt",
			r.Path, h.VolumeShape(), nvox*8>>20, r.opts.maxVolume()>>20, h.Dim[1:h.NDim()+1])
	}
	if err := budget.Check("voxels in one volume", nvox, 8); err != nil {
		return fmt.Errorf("%s: header dimensions %v: %w", r.Path, h.Dim[1:h.NDim()+1], err)
	}
	r.volBytes = int(nvox) * h.Datatype.Size()
	st, err := r.f.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", r.Path, err)
	}
	need := h.VoxOffset + h.DataBytes()
	if r.gzipped {
		// Deflate cannot compress better than 1032:1, so a header claiming more data than the
		// compressed file could hold lies: refuse it before decompressing anything.
		if limit := budget.Bytes(st.Size(), maxDeflateRatio) + 1<<20; need > limit {
			return fmt.Errorf("%s: the header declares %d bytes of %s data (dims %v) but a %d-byte gzip file holds at most %d: corrupt header",
				r.DataPath, h.DataBytes(), h.Datatype, h.Dim[1:h.NDim()+1], st.Size(), limit)
		}
	} else {
		if st.Size() < need {
			return fmt.Errorf("%s: file is %d bytes but the header declares %d bytes of %s data from offset %d (dims %v): truncated file or wrong header",
				r.DataPath, st.Size(), h.DataBytes(), h.Datatype, h.VoxOffset, h.Dim[1:h.NDim()+1])
		}
	}
	return nil
}

// openHeader opens path, detects gzip by content, and reads the header and extensions, leaving the
// stream at vox_offset for single files.
func openHeader(path string) (*Header, *os.File, io.Reader, bool, error) {
	f, stream, gz, err := openStream(path)
	if err != nil {
		return nil, nil, nil, false, err
	}
	fail := func(err error) (*Header, *os.File, io.Reader, bool, error) {
		f.Close()
		return nil, nil, nil, false, err
	}
	buf := make([]byte, nifti2HeaderSize)
	n, err := io.ReadFull(stream, buf[:nifti1HeaderSize])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fail(fmt.Errorf("%s: cannot read the header: %w", path, describeStreamError(err, gz)))
	}
	if n >= 4 && (binary.LittleEndian.Uint32(buf) == nifti2HeaderSize || binary.BigEndian.Uint32(buf) == nifti2HeaderSize) && n == nifti1HeaderSize {
		m, err := io.ReadFull(stream, buf[nifti1HeaderSize:])
		n += m
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return fail(fmt.Errorf("%s: cannot read the header: %w", path, describeStreamError(err, gz)))
		}
	}
	hdr, err := ParseHeader(buf[:n])
	if err != nil {
		return fail(fmt.Errorf("%s: %w", path, err))
	}
	hsize := int64(nifti1HeaderSize)
	if hdr.Version == 2 {
		hsize = nifti2HeaderSize
	}
	if hdr.SingleFile {
		if err := readExtensions(stream, hdr, hsize); err != nil {
			return fail(fmt.Errorf("%s: %w", path, describeStreamError(err, gz)))
		}
	}
	return hdr, f, stream, gz, nil
}

// readExtensions reads the extension flag and extension blocks between the header and vox_offset.
// Malformed extension blocks are skipped (the data offset is authoritative), never trusted.
func readExtensions(stream io.Reader, hdr *Header, pos int64) error {
	if hdr.VoxOffset < pos+4 {
		return nil
	}
	var flag [4]byte
	if _, err := io.ReadFull(stream, flag[:]); err != nil {
		return fmt.Errorf("file ends before the data offset %d: %w", hdr.VoxOffset, err)
	}
	pos += 4
	if flag[0] != 0 {
		for pos+8 <= hdr.VoxOffset {
			var eh [8]byte
			if _, err := io.ReadFull(stream, eh[:]); err != nil {
				return fmt.Errorf("file ends inside the header extensions: %w", err)
			}
			pos += 8
			esize := int32(hdr.ByteOrder.Uint32(eh[0:]))
			ecode := int32(hdr.ByteOrder.Uint32(eh[4:]))
			if esize < 8 || pos-8+int64(esize) > hdr.VoxOffset {
				break // malformed: skip the rest up to the data
			}
			// Read what the file holds (memory grows with the bytes present, not with a size a
			// corrupt header claims), then check it is all there.
			data, err := io.ReadAll(io.LimitReader(stream, int64(esize-8)))
			if err == nil && len(data) < int(esize-8) {
				err = io.ErrUnexpectedEOF
			}
			if err != nil {
				return fmt.Errorf("file ends inside header extension (code %d): %w", ecode, err)
			}
			pos += int64(esize - 8)
			hdr.Extensions = append(hdr.Extensions, Extension{Code: ecode, Size: esize, Data: data})
		}
	}
	if err := discard(stream, hdr.VoxOffset-pos); err != nil {
		return fmt.Errorf("file ends before the data offset %d: %w", hdr.VoxOffset, err)
	}
	return nil
}

func discard(r io.Reader, n int64) error {
	if n <= 0 {
		return nil
	}
	m, err := io.CopyN(io.Discard, r, n)
	if m < n && err == nil {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// openStream opens a file and, if its first bytes are the gzip magic, a gzip stream over it.
func openStream(path string) (*os.File, io.Reader, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, false, err
	}
	var magic [2]byte
	n, _ := io.ReadFull(f, magic[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			f.Close()
			return nil, nil, false, fmt.Errorf("%s: corrupt gzip header: %w", path, err)
		}
		return f, gr, true, nil
	}
	if strings.HasSuffix(path, ".gz") {
		f.Close()
		return nil, nil, false, fmt.Errorf("%s: name ends in .gz but the file is not gzip-compressed", path)
	}
	return f, bufio.NewReaderSize(f, 1<<16), false, nil
}

func pairImagePath(hdrPath string) (string, error) {
	base := strings.TrimSuffix(hdrPath, ".gz")
	if !strings.HasSuffix(base, ".hdr") {
		return "", fmt.Errorf("%s: header says this is a .hdr/.img pair (magic ni1/ni2) but the name does not end in .hdr", hdrPath)
	}
	stem := strings.TrimSuffix(base, ".hdr")
	for _, c := range []string{stem + ".img", stem + ".img.gz"} {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("%s: the image file %s.img of this .hdr/.img pair does not exist", hdrPath, stem)
}

func describeStreamError(err error, gz bool) error {
	if !gz {
		return err
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("gzip stream ends early (truncated .gz file): %w", err)
	case errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("gzip checksum mismatch (corrupt .gz file): %w", err)
	}
	return fmt.Errorf("corrupt gzip stream: %w", err)
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.prefetch != nil {
		r.prefetch.stop()
		r.prefetch = nil
	}
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// NumVolumes is the number of volumes Next hands out.
func (r *Reader) NumVolumes() int { return r.Header.NumVolumes() }

// VoxelsPerVolume is the length of the slice Next fills.
func (r *Reader) VoxelsPerVolume() int { return r.Header.VoxelsPerVolume() }

// NextIndex is the index of the volume the next call to Next returns.
func (r *Reader) NextIndex() int { return r.next }

func (r *Reader) checkReal() error {
	d := r.Header.Datatype
	switch {
	case d.unsupported() != "":
		return fmt.Errorf("%s: datatype %s %s", r.Path, d, d.unsupported())
	case d.IsComplex():
		return fmt.Errorf("%s: datatype %s is complex; read it with NextComplex", r.Path, d)
	}
	return nil
}

// Next decodes the next volume into dst (len VoxelsPerVolume, x fastest), applying scl_slope and
// scl_inter. It returns io.EOF after the last volume.
//
// For a gzip file, corruption that still inflates is detected by the stream's CRC-32, which can
// only be checked at its end: the call that reads the last volume then fails. A caller must treat
// an error from any call, the last included, as invalidating the volumes it already received.
func (r *Reader) Next(dst []float64) error {
	if err := r.checkReal(); err != nil {
		return err
	}
	raw, release, err := r.nextRaw(dst)
	if err != nil {
		return err
	}
	decodeReal(r.Header.Datatype, r.Header.ByteOrder, raw, dst)
	release()
	return r.finish(dst, r.next-1)
}

// NextComplex decodes the next volume of a complex image.
func (r *Reader) NextComplex(dst []complex128) error {
	if d := r.Header.Datatype; !d.IsComplex() || d.unsupported() != "" {
		return fmt.Errorf("%s: datatype %s is not a complex type painmark reads", r.Path, d)
	}
	if len(dst) != r.VoxelsPerVolume() {
		return fmt.Errorf("%s: destination holds %d values, a volume has %d", r.Path, len(dst), r.VoxelsPerVolume())
	}
	raw, release, err := r.nextRaw(nil)
	if err != nil {
		return err
	}
	decodeComplex(r.Header.Datatype, r.Header.ByteOrder, raw, dst)
	release()
	if r.scaled {
		for i := range dst {
			dst[i] = dst[i]*complex(r.slope, 0) + complex(r.inter, 0)
		}
	}
	return nil
}

// nextRaw returns the raw bytes of the next volume and a function to call once they are decoded.
func (r *Reader) nextRaw(dst []float64) ([]byte, func(), error) {
	if r.f == nil {
		return nil, nil, fmt.Errorf("%s: reader is closed", r.Path)
	}
	if dst != nil && len(dst) != r.VoxelsPerVolume() {
		return nil, nil, fmt.Errorf("%s: destination holds %d values, a volume has %d", r.Path, len(dst), r.VoxelsPerVolume())
	}
	nvol := r.NumVolumes()
	if r.next >= nvol {
		return nil, nil, io.EOF
	}
	t := r.next
	if !r.gzipped {
		if r.raw == nil {
			r.raw = make([]byte, r.volBytes)
		}
		off := r.Header.VoxOffset + int64(t)*int64(r.volBytes)
		if _, err := r.f.ReadAt(r.raw, off); err != nil {
			return nil, nil, fmt.Errorf("%s: reading volume %d of %d: %w", r.Path, t, nvol, err)
		}
		r.next++
		return r.raw, func() {}, nil
	}
	if r.prefetch == nil {
		r.prefetch = startPrefetch(r.stream, r.volBytes, nvol-t)
	}
	buf, err := r.prefetch.get()
	if err != nil {
		r.prefetch.stop()
		r.prefetch = nil
		r.f.Close()
		r.f = nil
		return nil, nil, fmt.Errorf("%s: reading volume %d of %d (header declares %d data bytes, dims %v): %w",
			r.Path, t, nvol, r.Header.DataBytes(), r.Header.Dim[1:r.Header.NDim()+1], describeStreamError(err, true))
	}
	r.next++
	if r.next == nvol {
		// Read to the end of the gzip stream so that its CRC and length are verified.
		if err := r.prefetch.drain(); err != nil {
			return nil, nil, fmt.Errorf("%s: after the last volume: %w", r.Path, describeStreamError(err, true))
		}
	}
	p := r.prefetch
	return buf, func() { p.put(buf) }, nil
}

// finish applies scaling and the non-finite check to a decoded volume.
func (r *Reader) finish(dst []float64, t int) error {
	if r.scaled {
		s, c := r.slope, r.inter
		for i, v := range dst {
			dst[i] = float64(v*s) + c // the explicit conversion forbids a fused multiply-add
		}
	}
	if !r.opts.AllowNonFinite {
		for i, v := range dst {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				n := 0
				for _, w := range dst[i:] {
					if math.IsNaN(w) || math.IsInf(w, 0) {
						n++
					}
				}
				sh := r.Header.VolumeShape()
				return fmt.Errorf("%s: volume %d has %d non-finite values (first: %v at voxel (%d,%d,%d)); if NaN marks missing data, allow non-finite values explicitly",
					r.Path, t, n, v, i%sh[0], (i/sh[0])%sh[1], i/(sh[0]*sh[1]))
			}
		}
	}
	return nil
}

// ReadVolume decodes volume t into dst. Uncompressed files are read directly at the volume's offset;
// gzip files are read forward (a backward jump reopens the stream, which costs a re-read).
func (r *Reader) ReadVolume(t int, dst []float64) error {
	if t < 0 || t >= r.NumVolumes() {
		return fmt.Errorf("%s: volume %d out of range [0, %d)", r.Path, t, r.NumVolumes())
	}
	if r.gzipped {
		if t < r.next {
			if err := r.rewind(); err != nil {
				return err
			}
		}
		for r.next < t {
			if _, release, err := r.nextRaw(nil); err != nil {
				return err
			} else {
				release()
			}
		}
	} else {
		r.next = t
	}
	return r.Next(dst)
}

// Rewind starts reading the volumes again from the first (reopening the file: gzip streams cannot
// seek), for readers that make two passes.
func (r *Reader) Rewind() error { return r.rewind() }

func (r *Reader) rewind() error {
	path := r.Path
	opts := r.opts
	r.Close()
	nr, err := Open(path, &opts)
	if err != nil {
		return err
	}
	*r = *nr
	return nil
}

// ErrNoRandomAccess is returned for voxel time series of gzip-compressed images, which can only be
// read front to back.
var ErrNoRandomAccess = errors.New("gzip-compressed data allow no random access; stream the volumes or decompress the file")

// TimeSeries reads the time series of voxel (i, j, k) into dst (len NumVolumes) by reading one value
// per volume at its offset: cheap for uncompressed files, refused for gzip ones.
func (r *Reader) TimeSeries(i, j, k int, dst []float64) error {
	if err := r.checkReal(); err != nil {
		return err
	}
	if r.gzipped {
		return fmt.Errorf("%s: %w", r.Path, ErrNoRandomAccess)
	}
	sh := r.Header.VolumeShape()
	if i < 0 || j < 0 || k < 0 || i >= sh[0] || j >= sh[1] || k >= sh[2] {
		return fmt.Errorf("%s: voxel (%d,%d,%d) outside the volume %v", r.Path, i, j, k, sh)
	}
	nvol := r.NumVolumes()
	if len(dst) != nvol {
		return fmt.Errorf("%s: destination holds %d values, the image has %d volumes", r.Path, len(dst), nvol)
	}
	size := r.Header.Datatype.Size()
	idx := int64(i + sh[0]*(j+sh[1]*k))
	one := make([]byte, size)
	val := make([]float64, 1)
	for t := 0; t < nvol; t++ {
		off := r.Header.VoxOffset + (int64(t)*int64(r.VoxelsPerVolume())+idx)*int64(size)
		if _, err := r.f.ReadAt(one, off); err != nil {
			return fmt.Errorf("%s: reading voxel (%d,%d,%d) of volume %d: %w", r.Path, i, j, k, t, err)
		}
		decodeReal(r.Header.Datatype, r.Header.ByteOrder, one, val)
		if err := r.finish(val, t); err != nil {
			return err
		}
		dst[t] = val[0]
	}
	return nil
}

// prefetcher decompresses volumes one ahead of the consumer on its own goroutine, so that gzip
// inflation (one core) overlaps with decoding and the caller's work (the other).
type prefetcher struct {
	src   io.Reader
	ready chan chunk
	free  chan []byte
	quit  chan struct{}
	done  chan struct{}
}

type chunk struct {
	buf []byte
	err error
	pan *parallel.Panic // a panic of the reading goroutine, re-raised by get
}

func startPrefetch(src io.Reader, volBytes, nvol int) *prefetcher {
	p := &prefetcher{
		src:   src,
		ready: make(chan chunk, 1),
		free:  make(chan []byte, 2),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	p.free <- make([]byte, volBytes)
	if nvol > 1 {
		p.free <- make([]byte, volBytes)
	}
	go func() {
		defer close(p.done)
		defer func() {
			if v := recover(); v != nil {
				p.carry(&parallel.Panic{Value: v, Site: parallel.PanicSite(), Stack: debug.Stack()})
			}
		}()
		p.read(src, nvol)
	}()
	return p
}

// carry hands a panic of the reading goroutine to get.
func (p *prefetcher) carry(pan *parallel.Panic) {
	select {
	case p.ready <- chunk{err: io.ErrUnexpectedEOF, pan: pan}:
	case <-p.quit:
	}
}

// read reads nvol volumes from src into the free buffers, handing each to get.
func (p *prefetcher) read(src io.Reader, nvol int) {
	for v := 0; v < nvol; v++ {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-p.quit:
			return
		}
		_, err := io.ReadFull(src, buf)
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		select {
		case p.ready <- chunk{buf: buf, err: err}:
		case <-p.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

func (p *prefetcher) get() ([]byte, error) {
	c, ok := <-p.ready
	if !ok {
		return nil, io.ErrUnexpectedEOF
	}
	if c.pan != nil {
		panic(c.pan)
	}
	return c.buf, c.err
}

func (p *prefetcher) put(buf []byte) {
	select {
	case p.free <- buf:
	default:
	}
}

// drain waits for the producer to finish and reads the rest of the stream, which makes the gzip
// reader verify the CRC-32 and length of the whole stream.
func (p *prefetcher) drain() error {
	<-p.done
	_, err := io.Copy(io.Discard, p.src)
	return err
}

func (p *prefetcher) stop() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	<-p.done
}
