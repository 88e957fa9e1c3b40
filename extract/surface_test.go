package extract

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/synthetic"
)

// writeGIFTIPair writes a hemisphere's functional file (one FLOAT32 array per frame, values k/8
// so that text and binary agree exactly) and its label file, ASCII-encoded.
func writeGIFTIPair(t *testing.T, dir, hemi string, vertices, frames, parcels int) (string, string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GIFTI Version=\"1.0\" NumberOfDataArrays=\"%d\">\n", frames)
	for f := 0; f < frames; f++ {
		fmt.Fprintf(&b, `<DataArray Intent="NIFTI_INTENT_TIME_SERIES" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="%d" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset=""><Data>`, vertices)
		for v := 0; v < vertices; v++ {
			fmt.Fprintf(&b, "%g ", 100+float64((v*7+f*13+len(hemi))%41)/8)
		}
		b.WriteString("</Data></DataArray>\n")
	}
	b.WriteString("</GIFTI>\n")
	fn := filepath.Join(dir, "hemi-"+hemi+"_bold.func.gii")
	if err := os.WriteFile(fn, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	structure := map[string]string{"L": "CortexLeft", "R": "CortexRight"}[hemi]
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GIFTI Version=\"1.0\" NumberOfDataArrays=\"1\"><MetaData><MD><Name>AnatomicalStructurePrimary</Name><Value>%s</Value></MD></MetaData>\n<LabelTable><Label Key=\"0\" Red=\"0\" Green=\"0\" Blue=\"0\" Alpha=\"0\">???</Label>", structure)
	for k := 1; k <= parcels; k++ {
		fmt.Fprintf(&b, `<Label Key="%d" Red="0.5" Green="0.5" Blue="0.5" Alpha="1">%s_p%d</Label>`, k, hemi, k)
	}
	fmt.Fprintf(&b, `</LabelTable><DataArray Intent="NIFTI_INTENT_LABEL" DataType="NIFTI_TYPE_INT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="%d" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset=""><Data>`, vertices)
	for v := 0; v < vertices; v++ {
		fmt.Fprintf(&b, "%d ", (v/9)%(parcels+1))
	}
	b.WriteString("</Data></DataArray></GIFTI>\n")
	lb := filepath.Join(dir, "hemi-"+hemi+"_parcels.label.gii")
	if err := os.WriteFile(lb, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return fn, lb
}

// TestCIFTIParcellateSynthetic parcellates the synthetic CIFTI run: the empty label is refused by
// default, the unlabelled caudate becomes a parcel, and every parcel mean equals a naive sum.
func TestCIFTIParcellateSynthetic(t *testing.T) {
	dir := t.TempDir()
	if err := synthetic.WriteCIFTIRun(dir, 6, 5, 3); err != nil {
		t.Fatal(err)
	}
	bold, dl := filepath.Join(dir, "bold.dtseries.nii"), filepath.Join(dir, "parcels.dlabel.nii")
	// The synthetic dlabel names a key no grayordinate carries: an error by default.
	if _, err := CIFTIParcellate(bold, dl, SurfaceOptions{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("the empty label was not refused: %v", err)
	}
	res, err := CIFTIParcellate(bold, dl, SurfaceOptions{Missing: MissingDrop, Structures: true})
	if err != nil {
		t.Fatal(err)
	}
	last := res.Names[len(res.Names)-1]
	if last != "CAUDATE_RIGHT" || res.VoxelCounts[len(res.Names)-1] != 9 {
		t.Errorf("the unlabelled right caudate is not the last parcel: %v %v", res.Names, res.VoxelCounts)
	}
	// Naive recomputation: the data's grayordinates against the dlabel's keys.
	data, _ := cifti.Open(bold)
	lab, _ := cifti.Open(dl)
	x, _ := data.Matrix()
	keys, _ := lab.Matrix()
	for j, name := range res.Names[:len(res.Names)-1] {
		var k int
		if _, err := fmt.Sscanf(name, "parcel_%d", &k); err != nil {
			continue // a structure parcel
		}
		for f := 0; f < data.Rows(); f++ {
			var s, n float64
			for c := 0; c < lab.Cols(); c++ { // the labelled models come first, in the same order
				if int(keys[c]) == k {
					s += x[f*data.Cols()+c]
					n++
				}
			}
			if got := res.Signals.Data[f*res.Signals.Cols+j]; math.Abs(got-s/n) > 1e-12 {
				t.Fatalf("%s frame %d: %v, naive %v", name, f, got, s/n)
			}
		}
	}
	if res.TR != 0.8 {
		t.Errorf("TR %v", res.TR)
	}
	without, err := CIFTIParcellate(bold, dl, SurfaceOptions{Missing: MissingDrop})
	if err != nil || len(without.Names) != len(res.Names)-1 {
		t.Fatalf("without structures: %v, %v", without.Names, err)
	}
}

// TestLiveSurfaceParcellation parcellates the real CIFTI files of ../shared/data/tms with a dlabel
// the synthetic generator writes on their brain models, the synthetic CIFTI run (cortex and
// subcortical voxels) and a GIFTI func/label pair per hemisphere, and compares every parcel mean
// with numpy on nibabel's reading, to 1e-12.
func TestLiveSurfaceParcellation(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	dir := t.TempDir()
	if err := synthetic.WriteCIFTIRun(dir, 8, 6, 11); err != nil {
		t.Fatal(err)
	}
	type pcase struct {
		Kind       string   `json:"kind"`
		Data       string   `json:"data,omitempty"`
		Labels     any      `json:"labels"`
		Funcs      []string `json:"funcs,omitempty"`
		Structures bool     `json:"structures,omitempty"`
		got        *LabelResult
	}
	var cases []*pcase
	for i, name := range []string{"LPFC_LH.dtseries.nii", "LPFC_RH.dtseries.nii", "LPFC_LH+RH.dtseries.nii"} {
		real := fixtures.Shared(t, "tms", name)
		f, err := cifti.Open(real)
		if err != nil {
			t.Fatal(err)
		}
		dl := filepath.Join(dir, fmt.Sprintf("tms%d.dlabel.nii", i))
		if err := synthetic.WriteDlabel(dl, f.Axes[1], 40, uint64(i)); err != nil {
			t.Fatal(err)
		}
		res, err := CIFTIParcellate(real, dl, SurfaceOptions{Missing: MissingDrop, Structures: true})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, &pcase{Kind: "cifti", Data: real, Labels: dl, Structures: true, got: res})
	}
	bold, dl := filepath.Join(dir, "bold.dtseries.nii"), filepath.Join(dir, "parcels.dlabel.nii")
	for _, s := range []bool{false, true} {
		res, err := CIFTIParcellate(bold, dl, SurfaceOptions{Missing: MissingDrop, Structures: s})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, &pcase{Kind: "cifti", Data: bold, Labels: dl, Structures: s, got: res})
	}
	fl, ll := writeGIFTIPair(t, dir, "L", 300, 5, 6)
	fr, lr := writeGIFTIPair(t, dir, "R", 280, 5, 4)
	res, err := GIFTIParcellate([]string{fl, fr}, []string{ll, lr}, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, &pcase{Kind: "gifti", Funcs: []string{fl, fr}, Labels: []string{ll, lr}, got: res})
	var want []struct {
		Names []string
		Data  []float64
		Cols  int
	}
	fixtures.RunPython(t, "testdata/numpy_surface.py", cases, &want)
	for i, c := range cases {
		w, g := want[i], c.got
		if strings.Join(w.Names, ",") != strings.Join(g.Names, ",") {
			t.Fatalf("case %d (%s): parcels %v, numpy %v", i, c.Data, g.Names, w.Names)
		}
		if len(w.Data) != len(g.Signals.Data) {
			t.Fatalf("case %d: %d values, numpy %d", i, len(g.Signals.Data), len(w.Data))
		}
		for k := range w.Data {
			if math.Abs(w.Data[k]-g.Signals.Data[k]) > 1e-12 {
				t.Fatalf("case %d value %d: %v, numpy %v", i, k, g.Signals.Data[k], w.Data[k])
			}
		}
		t.Logf("case %d (%s %v): %d parcels x %d frames equal numpy", i, c.Kind, c.Structures, g.Signals.Cols, g.Signals.Rows)
	}
}
