// Package gifti reads GIFTI files (the GIFTI 1.0 XML format of surface meshes, per-vertex shape
// and functional maps and label maps: *.surf.gii, *.shape.gii, *.func.gii, *.label.gii), with every
// encoding the standard allows for inline data (ASCII, Base64Binary, GZipBase64Binary) and external
// binary files, either byte order, row- or column-major arrays. Values match nibabel's
// nibabel.load(path).darrays[i].data.
package gifti

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/mesh"
)

// Intents of the arrays this package gives helpers for (NIfTI intent codes by name).
const (
	IntentPointSet = "NIFTI_INTENT_POINTSET"
	IntentTriangle = "NIFTI_INTENT_TRIANGLE"
	IntentLabel    = "NIFTI_INTENT_LABEL"
	IntentShape    = "NIFTI_INTENT_SHAPE"
)

// Label is one entry of a GIFTI LabelTable: integer key, name and RGBA colour in [0, 1].
type Label struct {
	Key                     int
	Name                    string
	Red, Green, Blue, Alpha float64
}

// Transform is a CoordinateSystemTransformMatrix: the 4x4 affine from DataSpace to
// TransformedSpace (e.g. NIFTI_XFORM_UNKNOWN to NIFTI_XFORM_TALAIRACH), row-major.
type Transform struct {
	DataSpace, TransformedSpace string
	Matrix                      [16]float64
}

// DataArray is one GIFTI data array. Values holds the data as float64 in row-major order whatever
// the file's type and order (integer types up to 32 bits convert exactly); Dims its shape.
type DataArray struct {
	Intent     string
	DataType   string
	Dims       []int
	Meta       map[string]string
	Transforms []Transform
	Values     []float64
}

// Len is the number of rows (Dim0).
func (a *DataArray) Len() int {
	if len(a.Dims) == 0 {
		return 0
	}
	return a.Dims[0]
}

// Columns is the number of values per row (1 for a vector).
func (a *DataArray) Columns() int {
	c := 1
	for _, d := range a.Dims[1:] {
		c *= d
	}
	return c
}

// Image is a GIFTI file: its metadata, label table and data arrays in file order.
type Image struct {
	Path   string
	Meta   map[string]string
	Labels []Label
	Arrays []DataArray
}

// Options tune how a GIFTI file is read. The zero value is the safe default.
type Options struct {
	// AllowExternalPaths lets ExternalFileName name a file anywhere (an absolute path or one with
	// folders, ".." included). By default external data must be a plain file name beside the GIFTI
	// file, so a downloaded file cannot make painmark read /etc/passwd or ../../secret.
	AllowExternalPaths bool
}

// Read reads a GIFTI file with the default options.
func Read(path string) (*Image, error) { return ReadWith(path, Options{}) }

// ReadWith reads a GIFTI file with the given options.
func ReadWith(path string, o Options) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := ParseWith(f, filepath.Dir(path), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	img.Path = path
	return img, nil
}

type xmlMD struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

type xmlFile struct {
	XMLName xml.Name `xml:"GIFTI"`
	Version string   `xml:"Version,attr"`
	N       string   `xml:"NumberOfDataArrays,attr"`
	Meta    []xmlMD  `xml:"MetaData>MD"`
	Labels  []struct {
		Key   string `xml:"Key,attr"`
		Index string `xml:"Index,attr"`
		Red   string `xml:"Red,attr"`
		Green string `xml:"Green,attr"`
		Blue  string `xml:"Blue,attr"`
		Alpha string `xml:"Alpha,attr"`
		Name  string `xml:",chardata"`
	} `xml:"LabelTable>Label"`
	Arrays []struct {
		Intent     string  `xml:"Intent,attr"`
		DataType   string  `xml:"DataType,attr"`
		Order      string  `xml:"ArrayIndexingOrder,attr"`
		Dimensions string  `xml:"Dimensionality,attr"`
		Encoding   string  `xml:"Encoding,attr"`
		Endian     string  `xml:"Endian,attr"`
		ExtName    string  `xml:"ExternalFileName,attr"`
		ExtOffset  string  `xml:"ExternalFileOffset,attr"`
		Meta       []xmlMD `xml:"MetaData>MD"`
		Transforms []struct {
			DataSpace        string `xml:"DataSpace"`
			TransformedSpace string `xml:"TransformedSpace"`
			Matrix           string `xml:"MatrixData"`
		} `xml:"CoordinateSystemTransformMatrix"`
		Data  string     `xml:"Data"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"DataArray"`
}

// Parse parses a GIFTI document with the default options; dir is where external data files are
// looked for.
func Parse(r io.Reader, dir string) (*Image, error) { return ParseWith(r, dir, Options{}) }

// ParseWith parses a GIFTI document; dir is where external data files are looked for.
func ParseWith(r io.Reader, dir string, o Options) (*Image, error) {
	var doc xmlFile
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a GIFTI XML document: %w", err)
	}
	img := &Image{Meta: metaMap(doc.Meta)}
	for _, l := range doc.Labels {
		key := l.Key
		if key == "" {
			key = l.Index // GIFTI 1.0 drafts called it Index
		}
		k, err := strconv.Atoi(strings.TrimSpace(key))
		if err != nil {
			return nil, fmt.Errorf("label %q: key %q is not an integer", strings.TrimSpace(l.Name), key)
		}
		lab := Label{Key: k, Name: strings.TrimSpace(l.Name), Alpha: 1}
		for _, c := range []struct {
			s string
			v *float64
		}{{l.Red, &lab.Red}, {l.Green, &lab.Green}, {l.Blue, &lab.Blue}, {l.Alpha, &lab.Alpha}} {
			if c.s == "" {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(c.s), 64)
			if err != nil {
				return nil, fmt.Errorf("label %q: colour %q is not a number", lab.Name, c.s)
			}
			*c.v = v
		}
		img.Labels = append(img.Labels, lab)
	}
	for i, a := range doc.Arrays {
		da, err := decodeArray(i, a.Intent, a.DataType, a.Order, a.Dimensions, a.Attrs, a.Encoding, a.Endian, a.ExtName, a.ExtOffset, a.Data, dir, o)
		if err != nil {
			return nil, fmt.Errorf("data array %d (%s): %w", i, a.Intent, err)
		}
		da.Meta = metaMap(a.Meta)
		for _, t := range a.Transforms {
			f := strings.Fields(t.Matrix)
			if len(f) != 16 {
				return nil, fmt.Errorf("data array %d: a transform matrix needs 16 numbers, got %d", i, len(f))
			}
			tr := Transform{DataSpace: strings.TrimSpace(t.DataSpace), TransformedSpace: strings.TrimSpace(t.TransformedSpace)}
			for k, s := range f {
				if tr.Matrix[k], err = strconv.ParseFloat(s, 64); err != nil {
					return nil, fmt.Errorf("data array %d: transform value %q: %w", i, s, err)
				}
			}
			da.Transforms = append(da.Transforms, tr)
		}
		img.Arrays = append(img.Arrays, *da)
	}
	if doc.N != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(doc.N)); err == nil && n != len(img.Arrays) {
			return nil, fmt.Errorf("the header declares %d data arrays, the file holds %d", n, len(img.Arrays))
		}
	}
	return img, nil
}

func metaMap(md []xmlMD) map[string]string {
	m := map[string]string{}
	for _, e := range md {
		m[strings.TrimSpace(e.Name)] = strings.TrimSpace(e.Value)
	}
	return m
}

// elementSize gives the bytes of each GIFTI data type.
var elementSize = map[string]int{"NIFTI_TYPE_UINT8": 1, "NIFTI_TYPE_INT8": 1, "NIFTI_TYPE_INT16": 2, "NIFTI_TYPE_UINT16": 2,
	"NIFTI_TYPE_INT32": 4, "NIFTI_TYPE_UINT32": 4, "NIFTI_TYPE_FLOAT32": 4, "NIFTI_TYPE_FLOAT64": 8, "NIFTI_TYPE_INT64": 8}

func decodeArray(index int, intent, dtype, order, dimensionality string, attrs []xml.Attr, encoding, endian, extName, extOffset, data, dir string, o Options) (*DataArray, error) {
	size, ok := elementSize[dtype]
	if !ok {
		return nil, fmt.Errorf("data type %q is not supported", dtype)
	}
	nd, err := strconv.Atoi(strings.TrimSpace(dimensionality))
	if err != nil || nd < 1 || nd > 6 {
		return nil, fmt.Errorf("Dimensionality %q must be 1 to 6", dimensionality)
	}
	dims := make([]int, nd)
	count64 := int64(1)
	for k := range dims {
		name := "Dim" + strconv.Itoa(k)
		s := ""
		for _, a := range attrs {
			if a.Name.Local == name {
				s = a.Value
			}
		}
		d, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%s %q must be a non-negative integer", name, s)
		}
		dims[k] = d
		count64 = budget.Bytes(count64, int64(d))
	}
	if err := budget.Check("values (Dim0..)", count64, 8); err != nil {
		return nil, err
	}
	count := int(count64)
	var raw []byte
	switch encoding {
	case "ASCII":
		f := strings.Fields(data)
		if len(f) != count {
			return nil, fmt.Errorf("ASCII data holds %d values, the dimensions need %d", len(f), count)
		}
		vals := make([]float64, count)
		for k, s := range f {
			if vals[k], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("ASCII value %q is not a number", s)
			}
			if dtype == "NIFTI_TYPE_FLOAT32" { // stored at the declared precision, as nibabel does
				vals[k] = float64(float32(vals[k]))
			} else if dtype != "NIFTI_TYPE_FLOAT64" && vals[k] != math.Trunc(vals[k]) {
				return nil, fmt.Errorf("ASCII value %q is not an integer of type %s", s, dtype)
			}
		}
		return &DataArray{Intent: intent, DataType: dtype, Dims: dims, Values: reorder(vals, dims, order)}, nil
	case "Base64Binary", "GZipBase64Binary":
		raw, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(data), ""))
		if err != nil {
			return nil, fmt.Errorf("base64 data: %w", err)
		}
		if encoding == "GZipBase64Binary" {
			// The standard's "gzip" is zlib's deflate stream (as gifticlib and nibabel write it).
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				return nil, fmt.Errorf("compressed data: %w", err)
			}
			if raw, err = io.ReadAll(io.LimitReader(zr, int64(count*size)+1)); err != nil {
				return nil, fmt.Errorf("compressed data: %w", err)
			}
		}
	case "ExternalFileBinary":
		path := extName
		if !o.AllowExternalPaths && (path == "" || filepath.IsAbs(path) || filepath.Base(path) != path || path == "." || path == "..") {
			return nil, fmt.Errorf("ExternalFileName %q: external data must be a file name beside the GIFTI file (no folder, absolute or parent path) unless external paths are allowed", extName)
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		off, err := strconv.ParseInt(strings.TrimSpace(extOffset), 10, 64)
		if err != nil && strings.TrimSpace(extOffset) != "" {
			return nil, fmt.Errorf("ExternalFileOffset %q is not an integer", extOffset)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("external data file: %w", err)
		}
		defer f.Close()
		// The file must hold the data before memory is set aside for it.
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && (off < 0 || st.Size()-off < int64(count*size)) {
			return nil, fmt.Errorf("external data file %s: %d bytes at offset %d, the file has %d", path, count*size, off, st.Size())
		}
		raw = make([]byte, count*size)
		if _, err := f.ReadAt(raw, off); err != nil {
			return nil, fmt.Errorf("external data file %s: %d bytes at offset %d: %w", path, len(raw), off, err)
		}
	default:
		return nil, fmt.Errorf("encoding %q is not a GIFTI encoding", encoding)
	}
	if len(raw) != count*size {
		return nil, fmt.Errorf("%d bytes of data, the dimensions and type need %d", len(raw), count*size)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch endian {
	case "BigEndian":
		bo = binary.BigEndian
	case "LittleEndian", "":
	default:
		return nil, fmt.Errorf("Endian %q must be LittleEndian or BigEndian", endian)
	}
	vals := make([]float64, count)
	for k := range vals {
		b := raw[k*size:]
		switch dtype {
		case "NIFTI_TYPE_UINT8":
			vals[k] = float64(b[0])
		case "NIFTI_TYPE_INT8":
			vals[k] = float64(int8(b[0]))
		case "NIFTI_TYPE_INT16":
			vals[k] = float64(int16(bo.Uint16(b)))
		case "NIFTI_TYPE_UINT16":
			vals[k] = float64(bo.Uint16(b))
		case "NIFTI_TYPE_INT32":
			vals[k] = float64(int32(bo.Uint32(b)))
		case "NIFTI_TYPE_UINT32":
			vals[k] = float64(bo.Uint32(b))
		case "NIFTI_TYPE_INT64":
			vals[k] = float64(int64(bo.Uint64(b)))
		case "NIFTI_TYPE_FLOAT32":
			vals[k] = float64(math.Float32frombits(bo.Uint32(b)))
		case "NIFTI_TYPE_FLOAT64":
			vals[k] = math.Float64frombits(bo.Uint64(b))
		}
	}
	return &DataArray{Intent: intent, DataType: dtype, Dims: dims, Values: reorder(vals, dims, order)}, nil
}

// reorder turns a column-major array into row-major order.
func reorder(vals []float64, dims []int, order string) []float64 {
	if order != "ColumnMajorOrder" || len(dims) < 2 {
		return vals
	}
	out := make([]float64, len(vals))
	strideC := make([]int, len(dims)) // column-major strides
	strideC[0] = 1
	for k := 1; k < len(dims); k++ {
		strideC[k] = strideC[k-1] * dims[k-1]
	}
	idx := make([]int, len(dims))
	for r := range out {
		c := 0
		for k := range idx {
			c += idx[k] * strideC[k]
		}
		out[r] = vals[c]
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < dims[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// Array returns the first data array with the given intent.
func (img *Image) Array(intent string) (*DataArray, error) {
	for i := range img.Arrays {
		if img.Arrays[i].Intent == intent {
			return &img.Arrays[i], nil
		}
	}
	return nil, fmt.Errorf("%s: no %s data array", img.Path, intent)
}

// Surface returns the mesh of a surface GIFTI (its POINTSET and TRIANGLE arrays), checking that
// every face names an existing vertex.
func (img *Image) Surface() (*mesh.Mesh, error) {
	p, err := img.Array(IntentPointSet)
	if err != nil {
		return nil, err
	}
	t, err := img.Array(IntentTriangle)
	if err != nil {
		return nil, err
	}
	if p.Columns() != 3 || t.Columns() != 3 {
		return nil, fmt.Errorf("%s: points are %v and triangles %v, both need 3 columns", img.Path, p.Dims, t.Dims)
	}
	m := &mesh.Mesh{Vertices: make([][3]float64, p.Len()), Faces: make([][3]int, t.Len())}
	for i := range m.Vertices {
		copy(m.Vertices[i][:], p.Values[3*i:3*i+3])
	}
	for i := range m.Faces {
		for k := 0; k < 3; k++ {
			m.Faces[i][k] = int(t.Values[3*i+k])
		}
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", img.Path, err)
	}
	return m, nil
}

// ReadSurface reads the mesh of a surface GIFTI file.
func ReadSurface(path string) (*mesh.Mesh, error) {
	img, err := Read(path)
	if err != nil {
		return nil, err
	}
	return img.Surface()
}
