package atlas

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/table"
)

func TestBuiltinMISTMatchesPAINTeRTimeSeries(t *testing.T) {
	mist, err := Builtin("mist122")
	if err != nil {
		t.Fatal(err)
	}
	if mist.Len() != 122 {
		t.Fatalf("%d regions", mist.Len())
	}
	// The table's order is the column order of PAINTeR's ROI time series after GlobSig.
	ts, err := table.Read(fixtures.Shared(t, "painter-bochum", "bochum-sample", "regional_timeseries", "bochum-004_pumi-0.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := ts.Names()
	if cols[0] != "GlobSig" || len(cols) != 123 {
		t.Fatalf("time series header %v", cols[:3])
	}
	if got, want := strings.Join(mist.Names(), ","), strings.Join(cols[1:], ","); got != want {
		t.Errorf("region order differs from the time series:\n%s\n%s", got, want)
	}
	img, err := BuiltinImage("mist122", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	missing, unknown := img.CheckAgainst(mist)
	if len(missing) != 0 || len(unknown) != 0 {
		t.Errorf("label image and table disagree: missing %v, unknown %v", missing, unknown)
	}
	for _, r := range mist.Regions {
		if math.IsNaN(r.Centroid[0]) || r.Network == "" || r.FullName == "" {
			t.Errorf("region %+v lacks centroid, network or full name", r)
		}
	}
}

func TestBuiltinDK68(t *testing.T) {
	dk, err := Builtin("dk68")
	if err != nil {
		t.Fatal(err)
	}
	left, right := 0, 0
	for _, r := range dk.Regions {
		switch r.Hemisphere {
		case "left":
			left++
		case "right":
			right++
		}
		if r.CytoClass < 1 || r.CytoClass > 7 || r.Network == "" || math.IsNaN(r.SphereCentroid[2]) {
			t.Errorf("region %+v incomplete", r)
		}
	}
	if dk.Len() != 68 || left != 34 || right != 34 {
		t.Errorf("%d regions, %d left, %d right", dk.Len(), left, right)
	}
	if _, err := Builtin("aal"); err == nil || !strings.Contains(err.Error(), "mist122") {
		t.Errorf("unknown atlas: %v", err)
	}
}

func TestReadTableFromLabelFiles(t *testing.T) {
	// MIST's own parcel table: ".csv" with semicolons, columns roi;label;name;...;x;y;z.
	mt, err := ReadTable(fixtures.Shared(t, "painter-bochum", "atlas", "MIST", "Parcel_Information", "MIST_122.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if mt.Len() != 122 || mt.Regions[0].Name != "SPlob" || mt.Regions[0].Index != 1 || mt.Regions[0].Centroid[2] != 73.98 {
		t.Errorf("MIST_122.csv: %d regions, first %+v", mt.Len(), mt.Regions[0])
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "spinal.tsv")
	os.WriteFile(p, []byte("index\tname\themi\tsystem\tsegment\n1\tPAG\tB\tbrainstem\tn/a\n2\tC5_DH_L\tL\tspinal\tC5\n"), 0o644)
	st, err := ReadTable(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.BySystem(Spinal); len(got) != 1 || st.Regions[got[0]].Segment != "C5" || st.Regions[1].Hemisphere != "left" {
		t.Errorf("spinal table %+v", st.Regions)
	}
	back := filepath.Join(dir, "back.tsv")
	if err := WriteTable(back, st); err != nil {
		t.Fatal(err)
	}
	if rt, err := ReadTable(back); err != nil || rt.Regions[1].System != Spinal || rt.Regions[1].Name != "C5_DH_L" {
		t.Errorf("round trip: %+v %v", rt, err)
	}
	for name, content := range map[string]string{
		"dup.tsv":    "index\tname\n1\ta\n1\tb\n",
		"noname.tsv": "index\tvalue2\n1\t2\n",
		"system.tsv": "index\tname\tsystem\n1\ta\tliver\n",
		"zero.tsv":   "index\tname\n0\tbackground\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := ReadTable(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestResampleSynthetic(t *testing.T) {
	src := &LabelImage{Shape: [3]int{4, 4, 4}, Affine: space.Identity(), Labels: make([]int32, 64)}
	for i := range src.Labels {
		src.Labels[i] = int32(i + 1)
	}
	same, err := src.ResampleTo(src.Shape, src.Affine)
	if err != nil {
		t.Fatal(err)
	}
	for i := range same.Labels {
		if same.Labels[i] != src.Labels[i] {
			t.Fatal("identity resampling changed labels")
		}
	}
	// A target grid shifted by +1 voxel in x: target voxel i sees source voxel i+1, and the last
	// column falls outside (0). A shift of a fraction of a voxel past the edge is outside too, as in
	// scipy's constant mode.
	shift := space.Identity()
	shift[0][3] = 1
	sh, err := src.ResampleTo(src.Shape, shift)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Labels[0] != src.Labels[1] || sh.Labels[3] != 0 {
		t.Errorf("shifted: %v", sh.Labels[:4])
	}
	shift[0][3] = -0.25
	sh, _ = src.ResampleTo(src.Shape, shift)
	if sh.Labels[0] != 0 || sh.Labels[1] != src.Labels[1] {
		t.Errorf("shifted by -0.25: %v", sh.Labels[:4])
	}
	far := space.Identity()
	far[0][3] = 1000
	if _, err := src.ResampleTo(src.Shape, far); err == nil || !strings.Contains(err.Error(), "do not overlap") {
		t.Errorf("no overlap: %v", err)
	}
	singular := space.Identity()
	singular[2][2] = 0
	if _, err := src.ResampleTo(src.Shape, singular); err == nil {
		t.Error("singular target affine accepted")
	}
}

func TestLoadLabelImageRefusesProbabilities(t *testing.T) {
	h := nifti.NewHeader([]int{2, 2, 1}, nifti.Float32)
	p := filepath.Join(t.TempDir(), "prob.nii")
	if err := nifti.Write(p, h, []float64{0, 0.5, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadLabelImage(p); err == nil || !strings.Contains(err.Error(), "probabilistic") {
		t.Errorf("%v", err)
	}
}

// TestLiveScipyResample compares nearest-neighbour resampling with scipy (nilearn's steps) on real
// images: MIST 3 mm onto 2 mm and 1 mm MNI grids, and PAM50 spinal levels onto an oblique
// spinal-cord fMRI grid. Skipped unless PAINMARK_PYTHON is set (the extended suite sets it).
func TestLiveScipyResample(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	cases := [][2]string{
		{"painter-bochum/atlas/MIST/Parcellations/MIST_122.nii.gz", "atlases/dk-volumetric/atlas-DK_2mm.nii.gz"},
		{"painter-bochum/atlas/MIST/Parcellations/MIST_122.nii.gz", "painter-bochum/atlas/atlas_relabeled.nii.gz"},
		{"atlases/dk-volumetric/atlas-DK_1mm.nii.gz", "painter-bochum/atlas/MIST/Parcellations/MIST_122.nii.gz"},
		{"fmri/spinal-cord/template/template/PAM50_small_levels.nii.gz", "fmri/spinal-cord/fmri/fmri.nii.gz"},
		{"fmri/spinal-cord/t2/t2_seg-manual.nii.gz", "fmri/spinal-cord/fmri/fmri_r.nii.gz"},
	}
	for _, c := range cases {
		src := fixtures.Shared(t, strings.Split(c[0], "/")...)
		tgt := fixtures.Shared(t, strings.Split(c[1], "/")...)
		out := filepath.Join(t.TempDir(), "labels.npy")
		if msg, err := exec.Command(py, filepath.Join("testdata", "scipy_resample.py"), src, tgt, out).CombinedOutput(); err != nil {
			t.Fatalf("scipy: %v\n%s", err, msg)
		}
		want, err := npy.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		li, err := LoadLabelImage(src)
		if err != nil {
			t.Fatal(err)
		}
		r, err := nifti.Open(tgt, nil)
		if err != nil {
			t.Fatal(err)
		}
		aff, _, _ := r.Header.Affine()
		shape := r.Header.VolumeShape()
		r.Close()
		got, err := li.ResampleTo(shape, aff)
		if err != nil {
			t.Fatalf("%s -> %s: %v", c[0], c[1], err)
		}
		// Where a target voxel's centre is exactly equidistant from two source voxels (a coordinate
		// at k + 0.5 in exact arithmetic) the choice is decided by the last bit of the inverted
		// affine, in scipy as here: such ties may differ, every other voxel must be equal.
		inv, _ := li.Affine.Inverse()
		m := inv.Mul(aff)
		diff, ties, labelled := 0, 0, 0
		for i, v := range got.Labels {
			if float64(v) != want.Data[i] {
				x, y, z := m.Apply(float64(i%shape[0]), float64((i/shape[0])%shape[1]), float64(i/(shape[0]*shape[1])))
				tie := false
				for _, c := range []float64{x, y, z} {
					tie = tie || math.Abs(c-math.Floor(c)-0.5) < 1e-9
				}
				if tie {
					ties++
				} else {
					diff++
				}
			}
			if v != 0 {
				labelled++
			}
		}
		if diff != 0 {
			t.Errorf("%s -> %s: %d of %d voxels differ from scipy", c[0], c[1], diff, len(got.Labels))
		}
		t.Logf("%s -> %s: %d voxels, %d labelled; equal to scipy except %d exact half-voxel ties", filepath.Base(c[0]), filepath.Base(c[1]), len(got.Labels), labelled, ties)
	}
}
