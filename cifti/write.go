package cifti

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/painmark/painmark/nifti"
)

// intents are the NIfTI intent codes and names of the common CIFTI-2 file kinds, by the index
// types of their rows and columns.
var intents = map[[2]string]struct {
	code int32
	name string
}{
	{Series, BrainModels}:  {3002, "ConnDenseSeries"},
	{Scalars, BrainModels}: {3006, "ConnDenseScalar"},
	{Labels, BrainModels}:  {3007, "ConnDenseLabel"},
	{Series, Parcels}:      {3004, "ConnParcelSries"},
	{Scalars, Parcels}:     {3008, "ConnParcelScalr"},
}

// Write writes a CIFTI-2 file of the matrix data (rows x cols, row-major) described by axes
// (Axes[0] the rows, e.g. the maps of a dscalar; Axes[1] the columns, e.g. brain models), stored
// as float32 (label maps: int32). The file appears under its name only once complete.
func Write(path string, axes [2]*Axis, data []float64) error {
	rows, cols := axes[0].Len, axes[1].Len
	if len(data) != rows*cols {
		return fmt.Errorf("%s: %d values for a %d x %d matrix", path, len(data), rows, cols)
	}
	xmlText, err := encodeXML(axes)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	dt := nifti.Float32
	if axes[0].Type == Labels {
		dt = nifti.Int32
		for _, v := range data {
			if v != math.Trunc(v) {
				return fmt.Errorf("%s: label value %v is not an integer key", path, v)
			}
		}
	}
	hdr := nifti.NewHeader([]int{1, 1, 1, 1, rows, cols}, dt)
	hdr.Version = 2
	hdr.Pixdim = [8]float64{1, 1, 1, 1, 1, 1, 1, 1}
	hdr.XYZTUnits = 0
	if in, ok := intents[[2]string{axes[0].Type, axes[1].Type}]; ok {
		hdr.IntentCode, hdr.IntentName = in.code, in.name
	} else {
		hdr.IntentCode, hdr.IntentName = 3000, "ConnUnknown"
	}
	hdr.Extensions = []nifti.Extension{{Code: 32, Data: []byte(xmlText)}}
	// NIfTI order: dim 5 (the rows) varies fastest, so each column's rows are contiguous.
	stored := make([]float64, len(data))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			stored[c*rows+r] = data[r*cols+c]
		}
	}
	return nifti.Write(path, hdr, stored)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

func joinTriples(v [][3]int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%d %d %d", x[0], x[1], x[2])
	}
	return strings.Join(s, "\n")
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func encodeXML(axes [2]*Axis) (string, error) {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CIFTI Version=\"2\">\n<Matrix>\n")
	for d, a := range axes {
		fmt.Fprintf(&b, "<MatrixIndicesMap AppliesToMatrixDimension=\"%d\" IndicesMapToDataType=\"%s\"", d, a.Type)
		switch a.Type {
		case Series:
			unit := a.SeriesUnit
			if unit == "" {
				unit = "SECOND"
			}
			fmt.Fprintf(&b, " NumberOfSeriesPoints=\"%d\" SeriesExponent=\"0\" SeriesStart=\"%s\" SeriesStep=\"%s\" SeriesUnit=\"%s\"/>\n",
				a.Len, fmtFloat(a.SeriesStart), fmtFloat(a.SeriesStep), unit)
			continue
		case Scalars, Labels:
			if len(a.Maps) != a.Len {
				return "", fmt.Errorf("dimension %d: %d named maps for length %d", d, len(a.Maps), a.Len)
			}
			b.WriteString(">\n")
			for _, m := range a.Maps {
				fmt.Fprintf(&b, "<NamedMap><MapName>%s</MapName>", html.EscapeString(m.Name))
				if a.Type == Labels {
					b.WriteString("<LabelTable>")
					for _, l := range m.Labels {
						fmt.Fprintf(&b, "<Label Key=\"%d\" Red=\"%s\" Green=\"%s\" Blue=\"%s\" Alpha=\"%s\">%s</Label>",
							l.Key, fmtFloat(l.Red), fmtFloat(l.Green), fmtFloat(l.Blue), fmtFloat(l.Alpha), html.EscapeString(l.Name))
					}
					b.WriteString("</LabelTable>")
				}
				b.WriteString("</NamedMap>\n")
			}
		case BrainModels:
			b.WriteString(">\n")
			if a.Volume != nil {
				v := a.Volume
				fmt.Fprintf(&b, "<Volume VolumeDimensions=\"%d,%d,%d\"><TransformationMatrixVoxelIndicesIJKtoXYZ MeterExponent=\"-3\">", v.Dims[0], v.Dims[1], v.Dims[2])
				var vals []string
				for _, row := range v.Affine {
					for _, x := range row {
						vals = append(vals, fmtFloat(x))
					}
				}
				fmt.Fprintf(&b, "%s</TransformationMatrixVoxelIndicesIJKtoXYZ></Volume>\n", strings.Join(vals, " "))
			}
			next := 0
			for _, m := range a.Models {
				if m.Offset != next {
					return "", fmt.Errorf("brain model %s starts at %d, expected %d", m.Structure, m.Offset, next)
				}
				next += m.Count
				fmt.Fprintf(&b, "<BrainModel IndexOffset=\"%d\" IndexCount=\"%d\" ModelType=\"%s\" BrainStructure=\"%s\"", m.Offset, m.Count, m.Type, m.Structure)
				if m.Type == SurfaceModel {
					if len(m.Vertices) != m.Count {
						return "", fmt.Errorf("brain model %s: %d vertices for count %d", m.Structure, len(m.Vertices), m.Count)
					}
					fmt.Fprintf(&b, " SurfaceNumberOfVertices=\"%d\"><VertexIndices>%s</VertexIndices></BrainModel>\n", m.SurfaceVertices, joinInts(m.Vertices))
				} else {
					if len(m.Voxels) != m.Count || a.Volume == nil {
						return "", fmt.Errorf("brain model %s: %d voxels for count %d (and a Volume is needed)", m.Structure, len(m.Voxels), m.Count)
					}
					fmt.Fprintf(&b, "><VoxelIndicesIJK>%s</VoxelIndicesIJK></BrainModel>\n", joinTriples(m.Voxels))
				}
			}
			if next != a.Len {
				return "", fmt.Errorf("dimension %d: brain models cover %d indices, length %d", d, next, a.Len)
			}
		default:
			return "", fmt.Errorf("dimension %d: painmark writes series, scalars, labels and brain models, not %s", d, a.Type)
		}
		b.WriteString("</MatrixIndicesMap>\n")
	}
	b.WriteString("</Matrix>\n</CIFTI>\n")
	return b.String(), nil
}
