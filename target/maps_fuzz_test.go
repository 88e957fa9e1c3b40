package target

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/fuzzcheck"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// fuzzMapsData is the dataset FuzzReadMaps reads maps for: a 4 x 4 x 3 voxel grid (identity
// affine, six brainordinates) or six left-cortex vertices of a ten-vertex surface.
func fuzzMapsData(ciftiData bool) *Dataset {
	d := &Dataset{Series: make([][]float32, 6)}
	if ciftiData {
		d.Models = &cifti.Axis{Type: cifti.BrainModels, Len: 6, Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT",
			Type: cifti.SurfaceModel, Count: 6, SurfaceVertices: 10, Vertices: []int{0, 1, 2, 3, 4, 5}}}}
		return d
	}
	d.Shape, d.Affine = [3]int{4, 4, 3}, space.Identity()
	d.Voxels = [][3]int{{0, 0, 0}, {1, 0, 0}, {2, 1, 0}, {3, 3, 1}, {1, 2, 2}, {0, 3, 2}}
	return d
}

// FuzzReadMaps: any bytes are read as maps on a dataset's brainordinates (a NIfTI on its grid, or
// a CIFTI dscalar/dlabel with its brain models) or refused, without a panic or an allocation the
// bytes do not hold; maps that read have one value per brainordinate and one name each. Seeds,
// committed in testdata/fuzz/FuzzReadMaps (written by TestWriteReadMapsSeeds with
// PAINMARK_WRITE_SEEDS=1): a two-volume float NIfTI map and a three-label NIfTI on the voxel
// grid, a two-map dscalar and a dlabel with two labels on the surface models.
func FuzzReadMaps(f *testing.F) {
	f.Fuzz(func(t *testing.T, ciftiData bool, labels uint8, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		name := "maps.nii"
		if ciftiData {
			name = "maps.dscalar.nii"
		}
		p := fuzzcheck.File(t, name, b)
		d := fuzzMapsData(ciftiData)
		var names []string
		for k := 0; k < int(labels%4); k++ {
			names = append(names, fmt.Sprintf("net%d", k+1))
		}
		fuzzcheck.Bounded(t, func() {
			maps, got, err := ReadMaps(d, p, names)
			if err != nil {
				return
			}
			if len(maps) != len(got) {
				t.Fatalf("%d maps, %d names", len(maps), len(got))
			}
			for k, m := range maps {
				if len(m) != d.Len() {
					t.Fatalf("map %d has %d values for %d brainordinates", k, len(m), d.Len())
				}
			}
		})
	})
}

// TestWriteReadMapsSeeds writes FuzzReadMaps' seed corpus (PAINMARK_WRITE_SEEDS=1) and checks
// that every seed reads.
func TestWriteReadMapsSeeds(t *testing.T) {
	dir := t.TempDir()
	var header func(shape ...int) *nifti.Header
	seeds := map[string]struct {
		cifti  bool
		labels uint8
		write  func(path string) error
	}{
		"nifti-two-volumes": {false, 0, func(p string) error {
			data := make([]float64, 4*4*3*2)
			for i := range data {
				data[i] = float64(i%7) - 2.5
			}
			return nifti.Write(p, header(4, 4, 3, 2), data)
		}},
		"nifti-three-labels": {false, 3, func(p string) error {
			data := make([]float64, 4*4*3)
			for i := range data {
				data[i] = float64(i % 4)
			}
			return nifti.Write(p, header(4, 4, 3), data)
		}},
		"cifti-dscalar-two-maps": {true, 0, func(p string) error {
			return cifti.Write(p, [2]*cifti.Axis{{Type: cifti.Scalars, Len: 2, Maps: []cifti.NamedMap{{Name: "pain"}, {Name: "touch"}}}, fuzzMapsData(true).Models},
				[]float64{1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6})
		}},
		"cifti-dlabel-two-labels": {true, 0, func(p string) error {
			return cifti.Write(p, [2]*cifti.Axis{{Type: cifti.Labels, Len: 1, Maps: []cifti.NamedMap{{Name: "networks", Labels: []cifti.Label{{Key: 0, Name: "???"}, {Key: 1, Name: "SMN"}, {Key: 2, Name: "DMN"}}}}}, fuzzMapsData(true).Models},
				[]float64{0, 1, 1, 2, 2, 0})
		}},
	}
	header = func(shape ...int) *nifti.Header {
		h := nifti.NewHeader(shape, nifti.Float32)
		h.SetAffine(space.Identity(), nifti.XformScannerAnat)
		return h
	}
	for name, s := range seeds {
		p := filepath.Join(dir, name+".nii")
		if s.cifti {
			p = filepath.Join(dir, name+".dscalar.nii")
		}
		if err := s.write(p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for k := 0; k < int(s.labels); k++ {
			names = append(names, fmt.Sprintf("net%d", k+1))
		}
		maps, _, err := ReadMaps(fuzzMapsData(s.cifti), p, names)
		if err != nil || len(maps) == 0 {
			t.Errorf("seed %s does not read: %v", name, err)
		}
		if os.Getenv("PAINMARK_WRITE_SEEDS") != "" {
			corpus := filepath.Join("testdata", "fuzz", "FuzzReadMaps")
			os.MkdirAll(corpus, 0o755)
			text := fmt.Sprintf("go test fuzz v1\nbool(%v)\nbyte(%q)\n[]byte(%q)\n", s.cifti, s.labels, b)
			if err := os.WriteFile(filepath.Join(corpus, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
