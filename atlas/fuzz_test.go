package atlas

import (
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadTable: any bytes are read as an atlas region table or refused, never a panic. Seeds,
// committed in testdata/fuzz/FuzzReadTable: the first rows of
// ../shared/data/painter-bochum/atlas/atlas_relabeled.tsv (MIST-122 as PAINTeR relabelled it)
// and of ../shared/data/atlases/dk-volumetric/atlas-DK_labels.csv.
func FuzzReadTable(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "atlas.tsv", b)
		fuzzcheck.Bounded(t, func() { ReadTable(p) })
	})
}

// FuzzLoadLabelImage: any bytes are read as a label image or refused; a label image that loads
// has one label per voxel. Seeds, committed in testdata/fuzz/FuzzLoadLabelImage: nibabel's
// test images nifti/testdata/nibabel/dt-uint8.nii and scl-uint8.nii.
func FuzzLoadLabelImage(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "labels.nii", b)
		fuzzcheck.Bounded(t, func() {
			img, err := LoadLabelImage(p)
			if err != nil {
				return
			}
			if n := img.Shape[0] * img.Shape[1] * img.Shape[2]; len(img.Labels) != n {
				t.Fatalf("%d labels for a %v grid", len(img.Labels), img.Shape)
			}
		})
	})
}
