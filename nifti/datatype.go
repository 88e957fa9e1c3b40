package nifti

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Datatype is a NIfTI datatype code (the header's `datatype` field), with the codes and names of the
// NIfTI-1 standard (nifti1.h) as nibabel spells them.
type Datatype int16

// The NIfTI datatype codes.
const (
	Uint8      Datatype = 2
	Int16      Datatype = 4
	Int32      Datatype = 8
	Float32    Datatype = 16
	Complex64  Datatype = 32
	Float64    Datatype = 64
	RGB24      Datatype = 128
	Int8       Datatype = 256
	Uint16     Datatype = 512
	Uint32     Datatype = 768
	Int64      Datatype = 1024
	Uint64     Datatype = 1280
	Float128   Datatype = 1536
	Complex128 Datatype = 1792
	Complex256 Datatype = 2048
	RGBA32     Datatype = 2304
)

type datatypeInfo struct {
	name    string
	size    int  // bytes per voxel
	complex bool // two components per voxel
	rgb     bool
}

var datatypes = map[Datatype]datatypeInfo{
	Uint8:      {"uint8", 1, false, false},
	Int16:      {"int16", 2, false, false},
	Int32:      {"int32", 4, false, false},
	Float32:    {"float32", 4, false, false},
	Complex64:  {"complex64", 8, true, false},
	Float64:    {"float64", 8, false, false},
	RGB24:      {"RGB", 3, false, true},
	Int8:       {"int8", 1, false, false},
	Uint16:     {"uint16", 2, false, false},
	Uint32:     {"uint32", 4, false, false},
	Int64:      {"int64", 8, false, false},
	Uint64:     {"uint64", 8, false, false},
	Float128:   {"float128", 16, false, false},
	Complex128: {"complex128", 16, true, false},
	Complex256: {"complex256", 32, true, false},
	RGBA32:     {"RGBA", 4, false, true},
}

// Known reports whether d is a datatype code of the NIfTI standard that carries voxel values.
func (d Datatype) Known() bool { _, ok := datatypes[d]; return ok }

// String is the datatype's name as nibabel prints it (e.g. "int16", "float32").
func (d Datatype) String() string {
	if info, ok := datatypes[d]; ok {
		return info.name
	}
	return fmt.Sprintf("unknown(%d)", int16(d))
}

// Size is the number of bytes one voxel takes on disk (0 for an unknown code).
func (d Datatype) Size() int { return datatypes[d].size }

// IsComplex reports whether voxels have a real and an imaginary part.
func (d Datatype) IsComplex() bool { return datatypes[d].complex }

// unsupported explains why a datatype of the standard cannot be read, or returns "".
func (d Datatype) unsupported() string {
	switch {
	case d.IsRGB():
		return "holds colour triplets, not numbers; painmark does not analyse RGB images"
	case d == Float128 || d == Complex256:
		return "is 128-bit floating point, which neither painmark nor nibabel on x86-64 reads"
	}
	return ""
}

// IsRGB reports whether voxels are colour triplets or quadruplets, which painmark does not analyse.
func (d Datatype) IsRGB() bool { return datatypes[d].rgb }

// IsInteger reports whether the datatype stores integers.
func (d Datatype) IsInteger() bool {
	switch d {
	case Uint8, Int16, Int32, Int8, Uint16, Uint32, Int64, Uint64:
		return true
	}
	return false
}

// intRange returns the representable range of an integer datatype.
func (d Datatype) intRange() (lo, hi float64) {
	switch d {
	case Uint8:
		return 0, math.MaxUint8
	case Int8:
		return math.MinInt8, math.MaxInt8
	case Int16:
		return math.MinInt16, math.MaxInt16
	case Uint16:
		return 0, math.MaxUint16
	case Int32:
		return math.MinInt32, math.MaxInt32
	case Uint32:
		return 0, math.MaxUint32
	case Int64:
		return math.MinInt64, math.MaxInt64
	case Uint64:
		return 0, math.MaxUint64
	}
	return math.Inf(-1), math.Inf(1)
}

// DecodeReal converts stored values of a real data type to float64 (no scaling applied), for
// readers of data laid out otherwise than in volumes (CIFTI matrices).
func DecodeReal(d Datatype, bo binary.ByteOrder, src []byte, dst []float64) {
	decodeReal(d, bo, src, dst)
}

// decodeReal converts raw voxel bytes into float64 values, without scaling. src holds len(dst)
// voxels of type d in byte order bo.
func decodeReal(d Datatype, bo binary.ByteOrder, src []byte, dst []float64) {
	switch d {
	case Uint8:
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case Int8:
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case Int16:
		for i := range dst {
			dst[i] = float64(int16(bo.Uint16(src[2*i:])))
		}
	case Uint16:
		for i := range dst {
			dst[i] = float64(bo.Uint16(src[2*i:]))
		}
	case Int32:
		for i := range dst {
			dst[i] = float64(int32(bo.Uint32(src[4*i:])))
		}
	case Uint32:
		for i := range dst {
			dst[i] = float64(bo.Uint32(src[4*i:]))
		}
	case Int64:
		for i := range dst {
			dst[i] = float64(int64(bo.Uint64(src[8*i:])))
		}
	case Uint64:
		for i := range dst {
			dst[i] = float64(bo.Uint64(src[8*i:]))
		}
	case Float32:
		if bo == binary.LittleEndian {
			for i := range dst {
				dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:])))
			}
			return
		}
		for i := range dst {
			dst[i] = float64(math.Float32frombits(bo.Uint32(src[4*i:])))
		}
	case Float64:
		for i := range dst {
			dst[i] = math.Float64frombits(bo.Uint64(src[8*i:]))
		}
	default:
		panic("nifti: decodeReal called with " + d.String())
	}
}

// decodeComplex converts raw complex voxels into complex128 values.
func decodeComplex(d Datatype, bo binary.ByteOrder, src []byte, dst []complex128) {
	switch d {
	case Complex64:
		for i := range dst {
			re := math.Float32frombits(bo.Uint32(src[8*i:]))
			im := math.Float32frombits(bo.Uint32(src[8*i+4:]))
			dst[i] = complex(float64(re), float64(im))
		}
	case Complex128:
		for i := range dst {
			re := math.Float64frombits(bo.Uint64(src[16*i:]))
			im := math.Float64frombits(bo.Uint64(src[16*i+8:]))
			dst[i] = complex(re, im)
		}
	default:
		panic("nifti: decodeComplex called with " + d.String())
	}
}

// encodeReal converts float64 values (already un-scaled) into raw voxels of type d. Integer types
// are rounded half to even (numpy's rint); a value outside the type's range or a NaN is refused,
// never clipped.
func encodeReal(d Datatype, bo binary.ByteOrder, src []float64, dst []byte) error {
	if d.IsInteger() {
		lo, hi := d.intRange()
		for i, v := range src {
			r := math.RoundToEven(v)
			if math.IsNaN(v) || r < lo || r > hi {
				return fmt.Errorf("value %g at voxel %d does not fit datatype %s", v, i, d)
			}
			switch d {
			case Uint8:
				dst[i] = uint8(r)
			case Int8:
				dst[i] = uint8(int8(r))
			case Int16:
				bo.PutUint16(dst[2*i:], uint16(int16(r)))
			case Uint16:
				bo.PutUint16(dst[2*i:], uint16(r))
			case Int32:
				bo.PutUint32(dst[4*i:], uint32(int32(r)))
			case Uint32:
				bo.PutUint32(dst[4*i:], uint32(r))
			case Int64:
				if r >= 9.223372036854775807e18 {
					return fmt.Errorf("value %g at voxel %d does not fit datatype %s", v, i, d)
				}
				bo.PutUint64(dst[8*i:], uint64(int64(r)))
			case Uint64:
				if r >= 1.8446744073709551615e19 {
					return fmt.Errorf("value %g at voxel %d does not fit datatype %s", v, i, d)
				}
				bo.PutUint64(dst[8*i:], uint64(r))
			}
		}
		return nil
	}
	switch d {
	case Float32:
		for i, v := range src {
			bo.PutUint32(dst[4*i:], math.Float32bits(float32(v)))
		}
	case Float64:
		for i, v := range src {
			bo.PutUint64(dst[8*i:], math.Float64bits(v))
		}
	default:
		return fmt.Errorf("painmark does not write datatype %s", d)
	}
	return nil
}
