package cifti

import (
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzParseXML: any bytes as the CIFTI-2 extension either describe two axes or fail with an
// error, never a panic. Seeds: committed in testdata/fuzz/FuzzParseXML, the XML of
// ../shared/data/tms/LPFC_LH.dtseries.nii reduced to 20 vertices per hemisphere, plus two small
// documents (label maps, parcels with a volume) built here.
func FuzzParseXML(f *testing.F) {
	f.Add([]byte(`<CIFTI Version="2"><Matrix><MatrixIndicesMap AppliesToMatrixDimension="0" IndicesMapToDataType="CIFTI_INDEX_TYPE_LABELS"><NamedMap><MapName>m</MapName><LabelTable><Label Key="1" Red="1" Green="0" Blue="0" Alpha="1">A</Label></LabelTable></NamedMap></MatrixIndicesMap><MatrixIndicesMap AppliesToMatrixDimension="1" IndicesMapToDataType="CIFTI_INDEX_TYPE_BRAIN_MODELS"><Volume VolumeDimensions="2,2,2"><TransformationMatrixVoxelIndicesIJKtoXYZ MeterExponent="-3">2 0 0 -1 0 2 0 -1 0 0 2 -1 0 0 0 1</TransformationMatrixVoxelIndicesIJKtoXYZ></Volume><BrainModel IndexOffset="0" IndexCount="2" ModelType="CIFTI_MODEL_TYPE_VOXELS" BrainStructure="CIFTI_STRUCTURE_THALAMUS_LEFT"><VoxelIndicesIJK>0 0 0 1 1 1</VoxelIndicesIJK></BrainModel></MatrixIndicesMap></Matrix></CIFTI>`))
	f.Add([]byte(`<CIFTI Version="2"><Matrix><MatrixIndicesMap AppliesToMatrixDimension="0" IndicesMapToDataType="CIFTI_INDEX_TYPE_SCALARS"><NamedMap><MapName>a</MapName></NamedMap></MatrixIndicesMap><MatrixIndicesMap AppliesToMatrixDimension="1" IndicesMapToDataType="CIFTI_INDEX_TYPE_PARCELS"><Surface BrainStructure="CIFTI_STRUCTURE_CORTEX_LEFT" SurfaceNumberOfVertices="10"/><Parcel Name="p1"><Vertices BrainStructure="CIFTI_STRUCTURE_CORTEX_LEFT">1 2 3</Vertices></Parcel></MatrixIndicesMap></Matrix></CIFTI>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		fuzzcheck.Bounded(t, func() {
			axes, err := parseXML(b)
			if err != nil {
				return
			}
			for d, a := range axes {
				if a.Len < 0 {
					t.Fatalf("dimension %d: length %d", d, a.Len)
				}
			}
		})
	})
}

// FuzzOpen feeds whole files through Open and Matrix: a header, XML and data that disagree are
// refused; the matrix read is never larger than the file. Seed: committed in
// testdata/fuzz/FuzzOpen, ../shared/data/tms/LPFC_LH.dtseries.nii reduced to 20 vertices per
// hemisphere (cifti.Write of its first indices and values; 1.6 KB).
func FuzzOpen(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "f.dtseries.nii", b)
		fuzzcheck.Bounded(t, func() {
			c, err := Open(p)
			if err != nil {
				return
			}
			if m, err := c.Matrix(); err == nil && len(m) != c.Rows()*c.Cols() {
				t.Fatalf("%d values for a %d x %d matrix", len(m), c.Rows(), c.Cols())
			}
		})
	})
}
