// Package nifti reads and writes NIfTI-1 and NIfTI-2 images (.nii, .nii.gz), with the header rules of
// the NIfTI standard as nibabel applies them: affine choice between sform and qform, scl_slope and
// scl_inter scaling, units, both byte orders, extensions skipped. Data are streamed one volume at a
// time so that memory stays bounded by a volume, not by the image.
package nifti

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/painmark/painmark/space"
)

// Header sizes and magic strings of the two versions.
const (
	nifti1HeaderSize = 348
	nifti2HeaderSize = 540
	// The single-file data offset minimum: header plus the 4-byte extension flag.
	nifti1MinOffset = 352
	nifti2MinOffset = 544
)

var (
	magic1Single = []byte("n+1\x00")
	magic1Pair   = []byte("ni1\x00")
	magic2Single = []byte("n+2\x00\r\n\x1a\n")
	magic2Pair   = []byte("ni2\x00\r\n\x1a\n")
)

// XformCode says what space an affine maps into (NIFTI_XFORM_*).
type XformCode int32

// The NIfTI xform codes.
const (
	XformUnknown     XformCode = 0
	XformScannerAnat XformCode = 1
	XformAlignedAnat XformCode = 2
	XformTalairach   XformCode = 3
	XformMNI152      XformCode = 4
	XformTemplate    XformCode = 5
)

// String names the code as nibabel does.
func (c XformCode) String() string {
	switch c {
	case XformUnknown:
		return "unknown"
	case XformScannerAnat:
		return "scanner"
	case XformAlignedAnat:
		return "aligned"
	case XformTalairach:
		return "talairach"
	case XformMNI152:
		return "mni"
	case XformTemplate:
		return "template"
	}
	return fmt.Sprintf("code(%d)", int32(c))
}

// Header is a decoded NIfTI-1 or NIfTI-2 header. Floating-point fields are held as float64 (NIfTI-1
// stores float32; the conversion is exact).
type Header struct {
	Version    int              // 1 or 2
	ByteOrder  binary.ByteOrder // byte order of the file
	SingleFile bool             // .nii (n+1/n+2) rather than a .hdr/.img pair (ni1/ni2)

	Dim           [8]int64 // Dim[0] = number of dimensions, Dim[1..] = sizes
	Pixdim        [8]float64
	Datatype      Datatype
	Bitpix        int16
	VoxOffset     int64
	SclSlope      float64
	SclInter      float64
	DimInfo       uint8
	IntentCode    int32
	IntentName    string
	IntentP       [3]float64
	SliceStart    int64
	SliceEnd      int64
	SliceCode     int32
	SliceDuration float64
	XYZTUnits     int32
	CalMin        float64
	CalMax        float64
	Toffset       float64
	Descrip       string
	AuxFile       string

	QformCode                    XformCode
	SformCode                    XformCode
	QuaternB, QuaternC, QuaternD float64
	QoffsetX, QoffsetY, QoffsetZ float64
	SrowX, SrowY, SrowZ          [4]float64

	// Extensions lists the extension blocks found between the header and the data (skipped, not
	// interpreted).
	Extensions []Extension
}

// Extension is one NIfTI header extension: its code (e.g. 32 = CIFTI, 6 = comment) and size.
type Extension struct {
	Code int32
	Size int32 // bytes on disk, including the 8-byte esize/ecode prefix
	Data []byte
}

// HeaderError is a header that cannot be read: it names what was expected and what was found.
type HeaderError struct{ Msg string }

func (e *HeaderError) Error() string { return e.Msg }

func headerErrorf(format string, args ...any) error {
	return &HeaderError{Msg: fmt.Sprintf(format, args...)}
}

// NDim is the number of dimensions (dim[0]).
func (h *Header) NDim() int { return int(h.Dim[0]) }

// Shape returns the size of each dimension, as nibabel's img.shape.
func (h *Header) Shape() []int {
	s := make([]int, h.NDim())
	for i := range s {
		s[i] = int(h.Dim[i+1])
	}
	return s
}

// VolumeShape returns the three spatial sizes (1 for dimensions the image does not have).
func (h *Header) VolumeShape() [3]int {
	s := [3]int{1, 1, 1}
	for i := 0; i < 3 && i < h.NDim(); i++ {
		s[i] = int(h.Dim[i+1])
	}
	return s
}

// VoxelsPerVolume is the number of voxels in one 3D volume.
func (h *Header) VoxelsPerVolume() int {
	s := h.VolumeShape()
	return s[0] * s[1] * s[2]
}

// NumVolumes is the number of 3D volumes: the product of dimensions 4 and above (1 for a 3D image).
func (h *Header) NumVolumes() int {
	n := 1
	for i := 4; i <= h.NDim(); i++ {
		n *= int(h.Dim[i])
	}
	return n
}

// DataBytes is the size in bytes of the data block.
func (h *Header) DataBytes() int64 {
	return int64(h.VoxelsPerVolume()) * int64(h.NumVolumes()) * int64(h.Datatype.Size())
}

// SlopeInter returns the scaling to apply to stored values (value = stored·slope + inter) with
// nibabel's rule: a zero or non-finite slope means no scaling (1, 0); a valid slope with a
// non-finite intercept is an error.
func (h *Header) SlopeInter() (slope, inter float64, err error) {
	if h.SclSlope == 0 || math.IsNaN(h.SclSlope) || math.IsInf(h.SclSlope, 0) {
		return 1, 0, nil
	}
	if math.IsNaN(h.SclInter) || math.IsInf(h.SclInter, 0) {
		return 0, 0, fmt.Errorf("valid scl_slope %g but invalid scl_inter %g", h.SclSlope, h.SclInter)
	}
	return h.SclSlope, h.SclInter, nil
}

// SpatialUnit returns the spatial unit of pixdim[1..3] ("unknown", "meter", "mm", "micron").
func (h *Header) SpatialUnit() string {
	switch h.XYZTUnits & 0x07 {
	case 1:
		return "meter"
	case 2:
		return "mm"
	case 3:
		return "micron"
	}
	return "unknown"
}

// TimeUnit returns the unit of pixdim[4] ("unknown", "sec", "msec", "usec", "hz", "ppm", "rads").
func (h *Header) TimeUnit() string {
	switch h.XYZTUnits & 0x38 {
	case 8:
		return "sec"
	case 16:
		return "msec"
	case 24:
		return "usec"
	case 32:
		return "hz"
	case 40:
		return "ppm"
	case 48:
		return "rads"
	}
	return "unknown"
}

// RepetitionTime returns the time between volumes in seconds, from pixdim[4] and the time unit.
// A header with no time unit is taken to be in seconds, as nilearn and fMRIPrep do; ok is false
// when the image has no time axis or its unit is not a time (hz, ppm, rads).
func (h *Header) RepetitionTime() (seconds float64, ok bool) {
	if h.NDim() < 4 {
		return 0, false
	}
	tr := h.Pixdim[4]
	switch h.TimeUnit() {
	case "sec", "unknown":
		return tr, true
	case "msec":
		return tr / 1e3, true
	case "usec":
		return tr / 1e6, true
	}
	return 0, false
}

// Zooms returns pixdim[1..ndim], as nibabel's header.get_zooms().
func (h *Header) Zooms() []float64 {
	z := make([]float64, h.NDim())
	copy(z, h.Pixdim[1:1+h.NDim()])
	return z
}

// SformAffine returns the affine stored in srow_x/y/z.
func (h *Header) SformAffine() space.Affine {
	return space.Affine{h.SrowX, h.SrowY, h.SrowZ, {0, 0, 0, 1}}
}

// QformAffine returns the affine from the quaternion, offsets, pixdim and qfac, following the NIfTI
// standard. nibabel (get_qform, fillpositive, quat2mat) computes it in numpy's longdouble, the 80-bit
// x87 format on x86-64; the same operations are done here in that precision (64-bit mantissa), so
// the results agree bit for bit. It matters when the rotation is near 180 degrees: w = sqrt(1 -
// b²-c²-d²) then amplifies rounding errors a thousandfold.
func (h *Header) QformAffine() (space.Affine, error) {
	for _, v := range []float64{h.QuaternB, h.QuaternC, h.QuaternD, h.QoffsetX, h.QoffsetY, h.QoffsetZ, h.Pixdim[0], h.Pixdim[1], h.Pixdim[2], h.Pixdim[3]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return space.Affine{}, fmt.Errorf("qform parameters are not finite (quatern_b/c/d %g %g %g, qoffset %g %g %g, pixdim %v)",
				h.QuaternB, h.QuaternC, h.QuaternD, h.QoffsetX, h.QoffsetY, h.QoffsetZ, h.Pixdim[:4])
		}
	}
	b, c, d := ext(h.QuaternB), ext(h.QuaternC), ext(h.QuaternD)
	// w2 = 1.0 - np.dot(xyz, xyz); np.dot accumulates from zero, left to right.
	dot := extAdd(extAdd(extMul(b, b), extMul(c, c)), extMul(d, d))
	w2 := extSub(ext(1), dot)
	var w *big.Float
	if w2.Sign() < 0 {
		// Tolerance of the stored precision, as nibabel's quaternion_threshold.
		eps := 1.1920928955078125e-07 // float32 eps (NIfTI-1 stores float32)
		if h.Version == 2 {
			eps = 2.220446049250313e-16
		}
		if f, _ := w2.Float64(); f < -3*eps {
			return space.Affine{}, fmt.Errorf("qform quaternion (b,c,d)=(%g,%g,%g) is not a unit quaternion", h.QuaternB, h.QuaternC, h.QuaternD)
		}
		w = ext(0)
	} else {
		w = new(big.Float).SetPrec(extPrec).Sqrt(w2)
	}
	r := quatToMat(w, b, c, d)
	vox := [3]float64{h.Pixdim[1], h.Pixdim[2], h.Pixdim[3]}
	for _, v := range vox {
		if v < 0 {
			return space.Affine{}, fmt.Errorf("pixdim[1..3] = %v should be positive", vox)
		}
	}
	qfac := h.Pixdim[0]
	if qfac != 1 && qfac != -1 {
		return space.Affine{}, fmt.Errorf("qfac (pixdim[0] = %g) should be 1 or -1", qfac)
	}
	vox[2] *= qfac
	out := space.Identity()
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			out[i][j], _ = extMul(r[i][j], ext(vox[j])).Float64()
		}
	}
	out[0][3], out[1][3], out[2][3] = h.QoffsetX, h.QoffsetY, h.QoffsetZ
	return out, nil
}

// extPrec is the mantissa precision of the x87 extended format (numpy's longdouble on x86-64).
const extPrec = 64

func ext(v float64) *big.Float          { return new(big.Float).SetPrec(extPrec).SetFloat64(v) }
func extAdd(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(extPrec).Add(a, b) }
func extSub(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(extPrec).Sub(a, b) }
func extMul(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(extPrec).Mul(a, b) }
func extQuo(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(extPrec).Quo(a, b) }

// quatToMat is the rotation matrix of the quaternion (w, x, y, z), with the operations of nibabel's
// quat2mat in extended precision.
func quatToMat(w, x, y, z *big.Float) [3][3]*big.Float {
	one := ext(1)
	nq := extAdd(extAdd(extAdd(extMul(w, w), extMul(x, x)), extMul(y, y)), extMul(z, z))
	if f, _ := nq.Float64(); f < 2.220446049250313e-16 {
		zero := ext(0)
		return [3][3]*big.Float{{one, zero, zero}, {zero, one, zero}, {zero, zero, one}}
	}
	s := extQuo(ext(2), nq)
	X, Y, Z := extMul(x, s), extMul(y, s), extMul(z, s)
	wX, wY, wZ := extMul(w, X), extMul(w, Y), extMul(w, Z)
	xX, xY, xZ := extMul(x, X), extMul(x, Y), extMul(x, Z)
	yY, yZ, zZ := extMul(y, Y), extMul(y, Z), extMul(z, Z)
	return [3][3]*big.Float{
		{extSub(one, extAdd(yY, zZ)), extSub(xY, wZ), extAdd(xZ, wY)},
		{extAdd(xY, wZ), extSub(one, extAdd(xX, zZ)), extSub(yZ, wX)},
		{extSub(xZ, wY), extAdd(yZ, wX), extSub(one, extAdd(xX, yY))},
	}
}

// BaseAffine is the affine used when neither sform nor qform is set: voxel sizes on the diagonal,
// x flipped (radiological convention) and the origin at the volume centre, as nibabel's
// get_base_affine (shape_zoom_affine with x_flip=True).
func (h *Header) BaseAffine() space.Affine {
	shape := h.VolumeShape()
	zooms := [3]float64{1, 1, 1}
	for i := 0; i < 3 && i < h.NDim(); i++ {
		zooms[i] = h.Pixdim[i+1]
	}
	zooms[0] = -zooms[0]
	out := space.Identity()
	for i := 0; i < 3; i++ {
		out[i][i] = zooms[i]
		out[i][3] = -(float64(shape[i]) - 1) / 2.0 * zooms[i]
	}
	return out
}

// Affine returns the voxel-to-world affine with the NIfTI rule nibabel applies: the sform when
// sform_code > 0, else the qform when qform_code > 0, else the base affine. source names which
// ("sform", "qform" or "base").
func (h *Header) Affine() (aff space.Affine, source string, err error) {
	if h.SformCode != XformUnknown {
		a := h.SformAffine()
		if !a.IsFinite() {
			return space.Affine{}, "sform", fmt.Errorf("sform (srow_x/y/z) has non-finite entries: %v", a.Rows()[:3])
		}
		return a, "sform", nil
	}
	if h.QformCode != XformUnknown {
		a, err := h.QformAffine()
		return a, "qform", err
	}
	a := h.BaseAffine()
	if !a.IsFinite() {
		return space.Affine{}, "base", fmt.Errorf("pixdim %v is not finite: no affine can be formed", h.Pixdim[:4])
	}
	return a, "base", nil
}

// ParseHeader decodes a NIfTI-1 or NIfTI-2 header from its first bytes (at least 348 for NIfTI-1,
// 540 for NIfTI-2) and validates it. It does not read extensions.
func ParseHeader(b []byte) (*Header, error) {
	if len(b) < 4 {
		return nil, headerErrorf("file is %d bytes long: too short for a NIfTI header", len(b))
	}
	var bo binary.ByteOrder
	size := int32(binary.LittleEndian.Uint32(b))
	switch {
	case size == nifti1HeaderSize || size == nifti2HeaderSize:
		bo = binary.LittleEndian
	default:
		size = int32(binary.BigEndian.Uint32(b))
		if size != nifti1HeaderSize && size != nifti2HeaderSize {
			return nil, headerErrorf("not a NIfTI file: sizeof_hdr is %d, expected 348 (NIfTI-1) or 540 (NIfTI-2)",
				int32(binary.LittleEndian.Uint32(b)))
		}
		bo = binary.BigEndian
	}
	if int(size) > len(b) {
		return nil, headerErrorf("file ends inside the header: %d bytes, a NIfTI-%d header needs %d",
			len(b), map[int32]int{348: 1, 540: 2}[size], size)
	}
	var h *Header
	var err error
	if size == nifti1HeaderSize {
		h, err = parse1(b[:nifti1HeaderSize], bo)
	} else {
		h, err = parse2(b[:nifti2HeaderSize], bo)
	}
	if err != nil {
		return nil, err
	}
	if err := h.validate(); err != nil {
		return nil, err
	}
	return h, nil
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.ToValidUTF8(string(b), "?")
}

func parse1(b []byte, bo binary.ByteOrder) (*Header, error) {
	f32 := func(off int) float64 { return float64(math.Float32frombits(bo.Uint32(b[off:]))) }
	i16 := func(off int) int16 { return int16(bo.Uint16(b[off:])) }
	h := &Header{Version: 1, ByteOrder: bo}
	magic := b[344:348]
	switch {
	case bytes.Equal(magic, magic1Single):
		h.SingleFile = true
	case bytes.Equal(magic, magic1Pair):
	default:
		return nil, headerErrorf("not a NIfTI-1 file: magic is %q, expected \"n+1\" (Analyze 7.5 files are not read)", cString(magic))
	}
	h.DimInfo = b[39]
	for i := 0; i < 8; i++ {
		h.Dim[i] = int64(i16(40 + 2*i))
		h.Pixdim[i] = f32(76 + 4*i)
	}
	h.IntentP = [3]float64{f32(56), f32(60), f32(64)}
	h.IntentCode = int32(i16(68))
	h.Datatype = Datatype(i16(70))
	h.Bitpix = i16(72)
	h.SliceStart = int64(i16(74))
	vox := f32(108)
	if vox < 0 || vox != math.Trunc(vox) || vox > 1<<40 {
		return nil, headerErrorf("vox_offset %g is not a valid byte offset", vox)
	}
	h.VoxOffset = int64(vox)
	h.SclSlope = f32(112)
	h.SclInter = f32(116)
	h.SliceEnd = int64(i16(120))
	h.SliceCode = int32(b[122])
	h.XYZTUnits = int32(b[123])
	h.CalMax = f32(124)
	h.CalMin = f32(128)
	h.SliceDuration = f32(132)
	h.Toffset = f32(136)
	h.Descrip = cString(b[148:228])
	h.AuxFile = cString(b[228:252])
	h.QformCode = XformCode(i16(252))
	h.SformCode = XformCode(i16(254))
	h.QuaternB, h.QuaternC, h.QuaternD = f32(256), f32(260), f32(264)
	h.QoffsetX, h.QoffsetY, h.QoffsetZ = f32(268), f32(272), f32(276)
	for i := 0; i < 4; i++ {
		h.SrowX[i] = f32(280 + 4*i)
		h.SrowY[i] = f32(296 + 4*i)
		h.SrowZ[i] = f32(312 + 4*i)
	}
	h.IntentName = cString(b[328:344])
	return h, nil
}

func parse2(b []byte, bo binary.ByteOrder) (*Header, error) {
	f64 := func(off int) float64 { return math.Float64frombits(bo.Uint64(b[off:])) }
	i64 := func(off int) int64 { return int64(bo.Uint64(b[off:])) }
	i32 := func(off int) int32 { return int32(bo.Uint32(b[off:])) }
	h := &Header{Version: 2, ByteOrder: bo}
	magic := b[4:12]
	switch {
	case bytes.Equal(magic, magic2Single):
		h.SingleFile = true
	case bytes.Equal(magic, magic2Pair):
	default:
		return nil, headerErrorf("not a NIfTI-2 file: magic is %q, expected \"n+2\\0\\r\\n\\032\\n\"", magic)
	}
	h.Datatype = Datatype(int16(bo.Uint16(b[12:])))
	h.Bitpix = int16(bo.Uint16(b[14:]))
	for i := 0; i < 8; i++ {
		h.Dim[i] = i64(16 + 8*i)
		h.Pixdim[i] = f64(104 + 8*i)
	}
	h.IntentP = [3]float64{f64(80), f64(88), f64(96)}
	h.VoxOffset = i64(168)
	h.SclSlope = f64(176)
	h.SclInter = f64(184)
	h.CalMax = f64(192)
	h.CalMin = f64(200)
	h.SliceDuration = f64(208)
	h.Toffset = f64(216)
	h.SliceStart = i64(224)
	h.SliceEnd = i64(232)
	h.Descrip = cString(b[240:320])
	h.AuxFile = cString(b[320:344])
	h.QformCode = XformCode(i32(344))
	h.SformCode = XformCode(i32(348))
	h.QuaternB, h.QuaternC, h.QuaternD = f64(352), f64(360), f64(368)
	h.QoffsetX, h.QoffsetY, h.QoffsetZ = f64(376), f64(384), f64(392)
	for i := 0; i < 4; i++ {
		h.SrowX[i] = f64(400 + 8*i)
		h.SrowY[i] = f64(432 + 8*i)
		h.SrowZ[i] = f64(464 + 8*i)
	}
	h.SliceCode = i32(496)
	h.XYZTUnits = i32(500)
	h.IntentCode = i32(504)
	h.IntentName = cString(b[508:524])
	h.DimInfo = b[524]
	return h, nil
}

// maxVoxels bounds the number of voxels a header may declare (2^40, about 8 TiB of float64):
// anything larger is a corrupt header, not an image.
const maxVoxels = int64(1) << 40

func (h *Header) validate() error {
	nd := h.Dim[0]
	if nd < 1 || nd > 7 {
		return headerErrorf("dim[0] = %d: the number of dimensions must be between 1 and 7", nd)
	}
	total := int64(1)
	for i := int64(1); i <= nd; i++ {
		if h.Dim[i] < 1 {
			return headerErrorf("dim[%d] = %d: every dimension size must be at least 1 (dim = %v)", i, h.Dim[i], h.Dim[:nd+1])
		}
		if total > maxVoxels/h.Dim[i] {
			return headerErrorf("dim = %v declares more than 2^40 voxels: the header is corrupt", h.Dim[:nd+1])
		}
		total *= h.Dim[i]
	}
	if !h.Datatype.Known() {
		return headerErrorf("datatype code %d is not a NIfTI datatype", int16(h.Datatype))
	}
	// nibabel repairs these on load (negative pixdim → absolute value, zero → 1, bad qfac → 1); do the
	// same so that affines agree.
	for i := 1; i <= 3; i++ {
		if h.Pixdim[i] < 0 {
			h.Pixdim[i] = -h.Pixdim[i]
		} else if h.Pixdim[i] == 0 {
			h.Pixdim[i] = 1
		}
	}
	if h.Pixdim[0] != 1 && h.Pixdim[0] != -1 {
		h.Pixdim[0] = 1
	}
	min := int64(nifti1MinOffset)
	if h.Version == 2 {
		min = nifti2MinOffset
	}
	if h.SingleFile && h.VoxOffset != 0 && h.VoxOffset < min {
		return headerErrorf("vox_offset %d is inside the header: a single-file NIfTI-%d needs at least %d", h.VoxOffset, h.Version, min)
	}
	if h.SingleFile && h.VoxOffset == 0 {
		h.VoxOffset = min
	}
	return nil
}

// Encode returns the header's bytes (348 for NIfTI-1, 540 for NIfTI-2) in its byte order, followed
// by the 4-byte extension flag (no extensions are written).
func (h *Header) Encode() ([]byte, error) {
	bo := h.ByteOrder
	if bo == nil {
		bo = binary.LittleEndian
	}
	if h.Version == 2 {
		return h.encode2(bo), nil
	}
	for i := 0; i <= h.NDim(); i++ {
		if h.Dim[i] > math.MaxInt16 {
			return nil, fmt.Errorf("dim[%d] = %d does not fit a NIfTI-1 header (max 32767): write NIfTI-2", i, h.Dim[i])
		}
	}
	return h.encode1(bo), nil
}

func (h *Header) encode1(bo binary.ByteOrder) []byte {
	b := make([]byte, nifti1MinOffset)
	pf := func(off int, v float64) { bo.PutUint32(b[off:], math.Float32bits(float32(v))) }
	pi16 := func(off int, v int64) { bo.PutUint16(b[off:], uint16(int16(v))) }
	bo.PutUint32(b[0:], nifti1HeaderSize)
	b[38] = 'r'
	b[39] = h.DimInfo
	for i := 0; i < 8; i++ {
		pi16(40+2*i, h.Dim[i])
		pf(76+4*i, h.Pixdim[i])
	}
	pf(56, h.IntentP[0])
	pf(60, h.IntentP[1])
	pf(64, h.IntentP[2])
	pi16(68, int64(h.IntentCode))
	pi16(70, int64(h.Datatype))
	pi16(72, int64(h.Datatype.Size()*8))
	pi16(74, h.SliceStart)
	pf(108, float64(h.VoxOffset))
	pf(112, h.SclSlope)
	pf(116, h.SclInter)
	pi16(120, h.SliceEnd)
	b[122] = uint8(h.SliceCode)
	b[123] = uint8(h.XYZTUnits)
	pf(124, h.CalMax)
	pf(128, h.CalMin)
	pf(132, h.SliceDuration)
	pf(136, h.Toffset)
	copy(b[148:227], h.Descrip)
	copy(b[228:251], h.AuxFile)
	pi16(252, int64(h.QformCode))
	pi16(254, int64(h.SformCode))
	pf(256, h.QuaternB)
	pf(260, h.QuaternC)
	pf(264, h.QuaternD)
	pf(268, h.QoffsetX)
	pf(272, h.QoffsetY)
	pf(276, h.QoffsetZ)
	for i := 0; i < 4; i++ {
		pf(280+4*i, h.SrowX[i])
		pf(296+4*i, h.SrowY[i])
		pf(312+4*i, h.SrowZ[i])
	}
	copy(b[328:343], h.IntentName)
	if h.SingleFile {
		copy(b[344:], magic1Single)
	} else {
		copy(b[344:], magic1Pair)
	}
	return b
}

func (h *Header) encode2(bo binary.ByteOrder) []byte {
	b := make([]byte, nifti2MinOffset)
	pf := func(off int, v float64) { bo.PutUint64(b[off:], math.Float64bits(v)) }
	pi := func(off int, v int64) { bo.PutUint64(b[off:], uint64(v)) }
	p32 := func(off int, v int32) { bo.PutUint32(b[off:], uint32(v)) }
	bo.PutUint32(b[0:], nifti2HeaderSize)
	if h.SingleFile {
		copy(b[4:12], magic2Single)
	} else {
		copy(b[4:12], magic2Pair)
	}
	bo.PutUint16(b[12:], uint16(h.Datatype))
	bo.PutUint16(b[14:], uint16(h.Datatype.Size()*8))
	for i := 0; i < 8; i++ {
		pi(16+8*i, h.Dim[i])
		pf(104+8*i, h.Pixdim[i])
	}
	pf(80, h.IntentP[0])
	pf(88, h.IntentP[1])
	pf(96, h.IntentP[2])
	pi(168, h.VoxOffset)
	pf(176, h.SclSlope)
	pf(184, h.SclInter)
	pf(192, h.CalMax)
	pf(200, h.CalMin)
	pf(208, h.SliceDuration)
	pf(216, h.Toffset)
	pi(224, h.SliceStart)
	pi(232, h.SliceEnd)
	copy(b[240:319], h.Descrip)
	copy(b[320:343], h.AuxFile)
	p32(344, int32(h.QformCode))
	p32(348, int32(h.SformCode))
	pf(352, h.QuaternB)
	pf(360, h.QuaternC)
	pf(368, h.QuaternD)
	pf(376, h.QoffsetX)
	pf(384, h.QoffsetY)
	pf(392, h.QoffsetZ)
	for i := 0; i < 4; i++ {
		pf(400+8*i, h.SrowX[i])
		pf(432+8*i, h.SrowY[i])
		pf(464+8*i, h.SrowZ[i])
	}
	p32(496, h.SliceCode)
	p32(500, h.XYZTUnits)
	p32(504, h.IntentCode)
	copy(b[508:523], h.IntentName)
	b[524] = h.DimInfo
	return b
}

// SetAffine stores an affine as the sform (with the given code) and, when its 3x3 part is a
// rotation times voxel sizes, as the qform too, as nibabel's set_sform/set_qform do when writing.
func (h *Header) SetAffine(a space.Affine, code XformCode) {
	h.SrowX, h.SrowY, h.SrowZ = a[0], a[1], a[2]
	h.SformCode = code
	zooms := a.VoxelSizes()
	for i := 0; i < 3; i++ {
		h.Pixdim[i+1] = zooms[i]
	}
	// Quaternion of the rotation part (Shepperd's method), with qfac taking a reflection.
	var r [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if zooms[j] != 0 {
				r[i][j] = a[i][j] / zooms[j]
			}
		}
	}
	det := r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) - r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) + r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
	h.Pixdim[0] = 1
	if det < 0 {
		h.Pixdim[0] = -1
		for i := 0; i < 3; i++ {
			r[i][2] = -r[i][2]
		}
	}
	w, x, y, z := matToQuat(r)
	if w < 0 {
		x, y, z = -x, -y, -z
	}
	h.QuaternB, h.QuaternC, h.QuaternD = x, y, z
	h.QoffsetX, h.QoffsetY, h.QoffsetZ = a[0][3], a[1][3], a[2][3]
	h.QformCode = code
}

func matToQuat(r [3][3]float64) (w, x, y, z float64) {
	tr := r[0][0] + r[1][1] + r[2][2]
	switch {
	case tr > 0:
		s := math.Sqrt(tr+1) * 2
		w = s / 4
		x = (r[2][1] - r[1][2]) / s
		y = (r[0][2] - r[2][0]) / s
		z = (r[1][0] - r[0][1]) / s
	case r[0][0] > r[1][1] && r[0][0] > r[2][2]:
		s := math.Sqrt(1+r[0][0]-r[1][1]-r[2][2]) * 2
		w = (r[2][1] - r[1][2]) / s
		x = s / 4
		y = (r[0][1] + r[1][0]) / s
		z = (r[0][2] + r[2][0]) / s
	case r[1][1] > r[2][2]:
		s := math.Sqrt(1+r[1][1]-r[0][0]-r[2][2]) * 2
		w = (r[0][2] - r[2][0]) / s
		x = (r[0][1] + r[1][0]) / s
		y = s / 4
		z = (r[1][2] + r[2][1]) / s
	default:
		s := math.Sqrt(1+r[2][2]-r[0][0]-r[1][1]) * 2
		w = (r[1][0] - r[0][1]) / s
		x = (r[0][2] + r[2][0]) / s
		y = (r[1][2] + r[2][1]) / s
		z = s / 4
	}
	return
}
