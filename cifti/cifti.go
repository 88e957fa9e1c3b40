// Package cifti reads and writes CIFTI-2 files (the HCP "grayordinates" format: *.dtseries.nii,
// *.dscalar.nii, *.dlabel.nii, *.ptseries.nii, ...): a NIfTI-2 file whose extension (code 32) is
// an XML description of the two matrix dimensions. Each dimension is a series (time points), a
// list of named scalar or label maps, brain models (surface vertices and subcortical voxels) or
// parcels. Values and brain models match nibabel's cifti2 reading (img.get_fdata(),
// header.get_axis(i)).
package cifti

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/painmark/painmark/nifti"
)

// Index types of a dimension.
const (
	Series      = "CIFTI_INDEX_TYPE_SERIES"
	Scalars     = "CIFTI_INDEX_TYPE_SCALARS"
	Labels      = "CIFTI_INDEX_TYPE_LABELS"
	BrainModels = "CIFTI_INDEX_TYPE_BRAIN_MODELS"
	Parcels     = "CIFTI_INDEX_TYPE_PARCELS"
)

// Model types of a brain model.
const (
	SurfaceModel = "CIFTI_MODEL_TYPE_SURFACE"
	VoxelModel   = "CIFTI_MODEL_TYPE_VOXELS"
)

// Label is one entry of a label map's table.
type Label struct {
	Key                     int
	Name                    string
	Red, Green, Blue, Alpha float64
}

// NamedMap is one map of a scalars or labels dimension.
type NamedMap struct {
	Name   string
	Labels []Label // labels dimensions only
}

// BrainModel is one structure of a brain-models dimension: a cortical surface's vertices or a
// subcortical structure's voxels, occupying Count consecutive indices from Offset.
type BrainModel struct {
	Structure string // e.g. CIFTI_STRUCTURE_CORTEX_LEFT, CIFTI_STRUCTURE_THALAMUS_LEFT
	Type      string // SurfaceModel or VoxelModel
	Offset    int
	Count     int
	// SurfaceVertices is the number of vertices of the whole surface (SurfaceNumberOfVertices);
	// Vertices the surface vertex of each index.
	SurfaceVertices int
	Vertices        []int
	// Voxels are the voxel (i, j, k) of each index in the dimension's volume.
	Voxels [][3]int
}

// Parcel is one parcel of a parcels dimension.
type Parcel struct {
	Name     string
	Vertices map[string][]int // surface structure -> vertices
	Voxels   [][3]int
}

// Volume is the voxel grid of a dimension's voxel models: its size and the affine from voxel
// indices to mm.
type Volume struct {
	Dims   [3]int
	Affine [4][4]float64
}

// Axis describes one matrix dimension.
type Axis struct {
	Type string
	// Len is the number of indices along the dimension.
	Len int
	// Series: start, step and unit (SECOND, HERTZ, METER, RADIAN), with the exponent applied.
	SeriesStart, SeriesStep float64
	SeriesUnit              string
	Maps                    []NamedMap   // Scalars and Labels
	Models                  []BrainModel // BrainModels
	Parcels                 []Parcel     // Parcels
	Surfaces                map[string]int
	Volume                  *Volume // voxel models' grid, when any
}

// File is an open CIFTI-2 file: Axes[0] indexes the rows of the matrix (time points of a
// dtseries, maps of a dscalar) and Axes[1] its columns (brainordinates).
type File struct {
	Path   string
	Header *nifti.Header
	Axes   [2]*Axis
}

// Rows and Cols are the matrix's dimensions.
func (f *File) Rows() int { return f.Axes[0].Len }
func (f *File) Cols() int { return f.Axes[1].Len }

// Open reads a CIFTI-2 file's header and XML; the data are read by Matrix or Columns.
func Open(path string) (*File, error) {
	r, err := nifti.Open(path, nil)
	if err != nil {
		return nil, err
	}
	hdr := r.Header
	gz := r.IsGzip()
	r.Close()
	if gz {
		return nil, fmt.Errorf("%s: a gzip-compressed CIFTI file (CIFTI-2 files are uncompressed .nii)", path)
	}
	if hdr.Version != 2 {
		return nil, fmt.Errorf("%s: a NIfTI-%d file; CIFTI-2 uses NIfTI-2", path, hdr.Version)
	}
	var xmlData []byte
	for _, e := range hdr.Extensions {
		if e.Code == 32 {
			xmlData = e.Data
		}
	}
	if xmlData == nil {
		return nil, fmt.Errorf("%s: no CIFTI extension (code 32): a plain NIfTI-2 image", path)
	}
	axes, err := parseXML(xmlData)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f := &File{Path: path, Header: hdr, Axes: axes}
	// The matrix dimensions are NIfTI dims 5 and 6 (dims 1-4 are 1).
	if hdr.Dim[0] < 5 || hdr.Dim[1] != 1 || hdr.Dim[2] != 1 || hdr.Dim[3] != 1 || hdr.Dim[4] != 1 {
		return nil, fmt.Errorf("%s: NIfTI dims %v: CIFTI-2 stores its matrix in dims 5 and 6", path, hdr.Dim[:hdr.Dim[0]+1])
	}
	rows, cols := int(hdr.Dim[5]), 1
	if hdr.Dim[0] >= 6 {
		cols = int(hdr.Dim[6])
	}
	if rows != axes[0].Len || cols != axes[1].Len {
		return nil, fmt.Errorf("%s: the NIfTI header holds %d x %d values, the CIFTI XML describes %d x %d", path, rows, cols, axes[0].Len, axes[1].Len)
	}
	if hdr.Datatype.IsComplex() || hdr.Datatype.IsRGB() || !hdr.Datatype.Known() {
		return nil, fmt.Errorf("%s: data type %s is not supported", path, hdr.Datatype)
	}
	return f, nil
}

// Columns streams the matrix one column (brainordinate) at a time, in order: NIfTI stores the
// rows of each column contiguously (dim 5 varies fastest), so this is one sequential read. The
// values slice is reused between calls.
func (f *File) Columns(fn func(col int, values []float64) error) error {
	file, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer file.Close()
	if _, err := file.Seek(f.Header.VoxOffset, io.SeekStart); err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	slope, inter, err := f.Header.SlopeInter()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	br := bufio.NewReaderSize(file, 1<<20)
	rows, size := f.Rows(), f.Header.Datatype.Size()
	raw := make([]byte, rows*size)
	vals := make([]float64, rows)
	for c := 0; c < f.Cols(); c++ {
		if _, err := io.ReadFull(br, raw); err != nil {
			return fmt.Errorf("%s: column %d of %d: %w (file truncated?)", f.Path, c, f.Cols(), err)
		}
		nifti.DecodeReal(f.Header.Datatype, f.Header.ByteOrder, raw, vals)
		if slope != 1 || inter != 0 {
			for i := range vals {
				vals[i] = vals[i]*slope + inter
			}
		}
		if err := fn(c, vals); err != nil {
			return err
		}
	}
	return nil
}

// Matrix reads the whole matrix, row-major (rows x cols, as nibabel's get_fdata()).
func (f *File) Matrix() ([]float64, error) {
	rows, cols := f.Rows(), f.Cols()
	out := make([]float64, rows*cols)
	err := f.Columns(func(c int, v []float64) error {
		for r, x := range v {
			out[r*cols+c] = x
		}
		return nil
	})
	return out, err
}

type xmlLabel struct {
	Key   string `xml:"Key,attr"`
	Red   string `xml:"Red,attr"`
	Green string `xml:"Green,attr"`
	Blue  string `xml:"Blue,attr"`
	Alpha string `xml:"Alpha,attr"`
	Name  string `xml:",chardata"`
}

type xmlIndicesMap struct {
	Dims      string `xml:"AppliesToMatrixDimension,attr"`
	Type      string `xml:"IndicesMapToDataType,attr"`
	NSeries   string `xml:"NumberOfSeriesPoints,attr"`
	SeriesExp string `xml:"SeriesExponent,attr"`
	Start     string `xml:"SeriesStart,attr"`
	Step      string `xml:"SeriesStep,attr"`
	Unit      string `xml:"SeriesUnit,attr"`
	NamedMaps []struct {
		Name   string     `xml:"MapName"`
		Labels []xmlLabel `xml:"LabelTable>Label"`
	} `xml:"NamedMap"`
	Volume *struct {
		Dims      string `xml:"VolumeDimensions,attr"`
		Transform struct {
			Exponent string `xml:"MeterExponent,attr"`
			Matrix   string `xml:",chardata"`
		} `xml:"TransformationMatrixVoxelIndicesIJKtoXYZ"`
	} `xml:"Volume"`
	Models []struct {
		Offset    string `xml:"IndexOffset,attr"`
		Count     string `xml:"IndexCount,attr"`
		Type      string `xml:"ModelType,attr"`
		Structure string `xml:"BrainStructure,attr"`
		NVertices string `xml:"SurfaceNumberOfVertices,attr"`
		Vertices  string `xml:"VertexIndices"`
		Voxels    string `xml:"VoxelIndicesIJK"`
	} `xml:"BrainModel"`
	Surfaces []struct {
		Structure string `xml:"BrainStructure,attr"`
		NVertices string `xml:"SurfaceNumberOfVertices,attr"`
	} `xml:"Surface"`
	Parcels []struct {
		Name     string `xml:"Name,attr"`
		Vertices []struct {
			Structure string `xml:"BrainStructure,attr"`
			List      string `xml:",chardata"`
		} `xml:"Vertices"`
		Voxels string `xml:"VoxelIndicesIJK"`
	} `xml:"Parcel"`
}

type xmlCifti struct {
	XMLName xml.Name        `xml:"CIFTI"`
	Version string          `xml:"Version,attr"`
	Maps    []xmlIndicesMap `xml:"Matrix>MatrixIndicesMap"`
}

func ints(s, what string) ([]int, error) {
	f := strings.Fields(s)
	out := make([]int, len(f))
	for i, x := range f {
		v, err := strconv.Atoi(x)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an integer", what, x)
		}
		out[i] = v
	}
	return out, nil
}

func atoi(s, what string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%s %q is not an integer", what, s)
	}
	return v, nil
}

func atof(s, what string, def float64) (float64, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", what, s)
	}
	return v, nil
}

func triples(s, what string) ([][3]int, error) {
	v, err := ints(s, what)
	if err != nil {
		return nil, err
	}
	if len(v)%3 != 0 {
		return nil, fmt.Errorf("%s: %d numbers, not i j k triples", what, len(v))
	}
	out := make([][3]int, len(v)/3)
	for i := range out {
		out[i] = [3]int{v[3*i], v[3*i+1], v[3*i+2]}
	}
	return out, nil
}

func parseXML(data []byte) ([2]*Axis, error) {
	var axes [2]*Axis
	var doc xmlCifti
	if err := xml.NewDecoder(bytes.NewReader(bytes.TrimRight(data, "\x00"))).Decode(&doc); err != nil {
		return axes, fmt.Errorf("CIFTI XML: %w", err)
	}
	if doc.Version != "2" && !strings.HasPrefix(doc.Version, "2.") {
		return axes, fmt.Errorf("CIFTI version %q; painmark reads CIFTI-2", doc.Version)
	}
	for _, m := range doc.Maps {
		dims, err := ints(strings.ReplaceAll(m.Dims, ",", " "), "AppliesToMatrixDimension")
		if err != nil {
			return axes, err
		}
		a, err := parseAxis(m)
		if err != nil {
			return axes, fmt.Errorf("dimension %v (%s): %w", dims, m.Type, err)
		}
		for _, d := range dims {
			if d < 0 || d > 1 {
				return axes, fmt.Errorf("matrix dimension %d: painmark reads two-dimensional CIFTI matrices", d)
			}
			if axes[d] != nil {
				return axes, fmt.Errorf("matrix dimension %d is described twice", d)
			}
			axes[d] = a
		}
	}
	for d, a := range axes {
		if a == nil {
			return axes, fmt.Errorf("matrix dimension %d is not described", d)
		}
	}
	return axes, nil
}

func parseAxis(m xmlIndicesMap) (*Axis, error) {
	a := &Axis{Type: m.Type}
	switch m.Type {
	case Series:
		n, err := atoi(m.NSeries, "NumberOfSeriesPoints")
		if err != nil {
			return nil, err
		}
		exp, err := atof(m.SeriesExp, "SeriesExponent", 0)
		if err != nil {
			return nil, err
		}
		if a.SeriesStart, err = atof(m.Start, "SeriesStart", 0); err != nil {
			return nil, err
		}
		if a.SeriesStep, err = atof(m.Step, "SeriesStep", 0); err != nil {
			return nil, err
		}
		scale := math.Pow(10, exp)
		a.SeriesStart, a.SeriesStep, a.SeriesUnit, a.Len = a.SeriesStart*scale, a.SeriesStep*scale, m.Unit, n
	case Scalars, Labels:
		for _, nm := range m.NamedMaps {
			mp := NamedMap{Name: strings.TrimSpace(nm.Name)}
			for _, l := range nm.Labels {
				k, err := atoi(l.Key, "label key")
				if err != nil {
					return nil, err
				}
				lab := Label{Key: k, Name: strings.TrimSpace(l.Name), Alpha: 1}
				for _, c := range []struct {
					s string
					v *float64
				}{{l.Red, &lab.Red}, {l.Green, &lab.Green}, {l.Blue, &lab.Blue}, {l.Alpha, &lab.Alpha}} {
					if *c.v, err = atof(c.s, "label colour", *c.v); err != nil {
						return nil, err
					}
				}
				mp.Labels = append(mp.Labels, lab)
			}
			a.Maps = append(a.Maps, mp)
		}
		a.Len = len(a.Maps)
	case BrainModels, Parcels:
		if m.Volume != nil {
			d, err := ints(strings.ReplaceAll(m.Volume.Dims, ",", " "), "VolumeDimensions")
			if err != nil || len(d) != 3 {
				return nil, fmt.Errorf("VolumeDimensions %q: want three integers", m.Volume.Dims)
			}
			exp, err := atof(m.Volume.Transform.Exponent, "MeterExponent", -3)
			if err != nil {
				return nil, err
			}
			vals := strings.Fields(m.Volume.Transform.Matrix)
			if len(vals) != 16 {
				return nil, fmt.Errorf("TransformationMatrixVoxelIndicesIJKtoXYZ: %d numbers, want 16", len(vals))
			}
			v := &Volume{Dims: [3]int{d[0], d[1], d[2]}}
			scale := math.Pow(10, exp+3) // to mm
			for k, s := range vals {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, fmt.Errorf("transformation value %q is not a number", s)
				}
				if k/4 < 3 {
					x *= scale
				}
				v.Affine[k/4][k%4] = x
			}
			a.Volume = v
		}
		if m.Type == Parcels {
			a.Surfaces = map[string]int{}
			for _, s := range m.Surfaces {
				n, err := atoi(s.NVertices, "SurfaceNumberOfVertices")
				if err != nil {
					return nil, err
				}
				a.Surfaces[s.Structure] = n
			}
			for _, p := range m.Parcels {
				pc := Parcel{Name: p.Name, Vertices: map[string][]int{}}
				for _, v := range p.Vertices {
					idx, err := ints(v.List, "parcel "+p.Name+" vertices")
					if err != nil {
						return nil, err
					}
					pc.Vertices[v.Structure] = idx
				}
				vox, err := triples(p.Voxels, "parcel "+p.Name+" voxels")
				if err != nil {
					return nil, err
				}
				pc.Voxels = vox
				a.Parcels = append(a.Parcels, pc)
			}
			a.Len = len(a.Parcels)
			return a, nil
		}
		next := 0
		for _, bm := range m.Models {
			off, err := atoi(bm.Offset, "IndexOffset")
			if err != nil {
				return nil, err
			}
			cnt, err := atoi(bm.Count, "IndexCount")
			if err != nil {
				return nil, err
			}
			if off != next || cnt < 0 {
				return nil, fmt.Errorf("brain model %s covers indices %d-%d; they must follow each other from 0 (expected offset %d)", bm.Structure, off, off+cnt-1, next)
			}
			next = off + cnt
			model := BrainModel{Structure: bm.Structure, Type: bm.Type, Offset: off, Count: cnt}
			switch bm.Type {
			case SurfaceModel:
				if model.SurfaceVertices, err = atoi(bm.NVertices, "SurfaceNumberOfVertices"); err != nil {
					return nil, err
				}
				if model.Vertices, err = ints(bm.Vertices, bm.Structure+" VertexIndices"); err != nil {
					return nil, err
				}
				if len(model.Vertices) != cnt {
					return nil, fmt.Errorf("brain model %s: %d vertex indices for IndexCount %d", bm.Structure, len(model.Vertices), cnt)
				}
				for _, v := range model.Vertices {
					if v < 0 || v >= model.SurfaceVertices {
						return nil, fmt.Errorf("brain model %s: vertex %d of a %d-vertex surface", bm.Structure, v, model.SurfaceVertices)
					}
				}
			case VoxelModel:
				if model.Voxels, err = triples(bm.Voxels, bm.Structure+" VoxelIndicesIJK"); err != nil {
					return nil, err
				}
				if len(model.Voxels) != cnt {
					return nil, fmt.Errorf("brain model %s: %d voxels for IndexCount %d", bm.Structure, len(model.Voxels), cnt)
				}
				if a.Volume == nil {
					return nil, fmt.Errorf("brain model %s has voxels but the dimension has no Volume", bm.Structure)
				}
				for _, v := range model.Voxels {
					for k := 0; k < 3; k++ {
						if v[k] < 0 || v[k] >= a.Volume.Dims[k] {
							return nil, fmt.Errorf("brain model %s: voxel %v outside the %v volume", bm.Structure, v, a.Volume.Dims)
						}
					}
				}
			default:
				return nil, fmt.Errorf("brain model %s: model type %q", bm.Structure, bm.Type)
			}
			a.Models = append(a.Models, model)
		}
		a.Len = next
	default:
		return nil, fmt.Errorf("index type %q is not a CIFTI-2 type", m.Type)
	}
	return a, nil
}
