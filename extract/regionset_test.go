package extract

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
)

// loadPAM50 builds the C1-C7 horns from the full-resolution PAM50 template in ../shared/data.
func loadPAM50(t *testing.T) (*atlas.LabelImage, *atlas.Table) {
	t.Helper()
	levels, err := atlas.LoadLabelImage(fixtures.Shared(t, "pam50", "template", "PAM50_spinal_levels.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	cord, err := atlas.LoadMask(fixtures.Shared(t, "pam50", "template", "PAM50_cord.nii.gz"), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	gm, err := nifti.Load(fixtures.Shared(t, "pam50", "template", "PAM50_gm.nii.gz"), nil)
	if err != nil {
		t.Fatal(err)
	}
	segs := []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7"}
	horns, tbl, err := atlas.SpinalHorns(levels, cord, gm, 0.5, segs)
	if err != nil {
		t.Fatal(err)
	}
	return horns, tbl
}

func TestSpinalHornsOnPAM50(t *testing.T) {
	horns, tbl := loadPAM50(t)
	if tbl.Len() != 14 {
		t.Fatalf("%d regions", tbl.Len())
	}
	counts := horns.Counts()
	for i := 0; i < tbl.Len(); i += 2 {
		d, v := tbl.Regions[i], tbl.Regions[i+1]
		if counts[int32(d.Index)] < 50 || counts[int32(v.Index)] < 50 {
			t.Errorf("%s/%s: %d and %d voxels", d.Name, v.Name, counts[int32(d.Index)], counts[int32(v.Index)])
		}
		if d.Centroid[1] >= v.Centroid[1] {
			t.Errorf("%s (y %.1f) is not posterior to %s (y %.1f)", d.Name, d.Centroid[1], v.Name, v.Centroid[1])
		}
		if d.System != atlas.Spinal || d.Segment != v.Segment {
			t.Errorf("tags %+v %+v", d, v)
		}
		if i > 0 && d.Centroid[2] >= tbl.Regions[i-2].Centroid[2] {
			t.Errorf("%s is not below %s", d.Name, tbl.Regions[i-2].Name)
		}
	}
}

func TestCorticospinalSetAndTwoSpaceExtraction(t *testing.T) {
	dir := t.TempDir()
	mist, _ := atlas.Builtin("mist122")
	mistImg, err := atlas.BuiltinImage("mist122", dir)
	if err != nil {
		t.Fatal(err)
	}
	// Brainstem and grey-matter masks on the MIST grid (synthetic PAG and RVM near the midbrain and
	// medulla; grey matter = every MIST voxel).
	mkMask := func(name string, keep func(x, y, z float64) bool) *atlas.LabelImage {
		m := &atlas.LabelImage{Path: name, Shape: mistImg.Shape, Affine: mistImg.Affine, Labels: make([]int32, len(mistImg.Labels))}
		sh := m.Shape
		for idx := range m.Labels {
			x, y, z := m.Affine.Apply(float64(idx%sh[0]), float64((idx/sh[0])%sh[1]), float64(idx/(sh[0]*sh[1])))
			if keep(x, y, z) {
				m.Labels[idx] = 1
			}
		}
		return m
	}
	near := func(cx, cy, cz, r float64) func(x, y, z float64) bool {
		return func(x, y, z float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy)+(z-cz)*(z-cz) <= r*r }
	}
	pag := mkMask("PAG", near(0, -32, -10, 4))
	rvm := mkMask("RVM", near(0, -40, -48, 4))
	gmMask := &atlas.LabelImage{Path: "GM", Shape: mistImg.Shape, Affine: mistImg.Affine, Labels: make([]int32, len(mistImg.Labels))}
	for i, v := range mistImg.Labels {
		if v != 0 {
			gmMask.Labels[i] = 1
		}
	}
	levels, _ := atlas.LoadLabelImage(fixtures.Shared(t, "pam50", "template", "PAM50_spinal_levels.nii.gz"))
	cord, _ := atlas.LoadMask(fixtures.Shared(t, "pam50", "template", "PAM50_cord.nii.gz"), 0.5)
	gm, _ := nifti.Load(fixtures.Shared(t, "pam50", "template", "PAM50_gm.nii.gz"), nil)
	set, err := atlas.Corticospinal(atlas.CorticospinalSpec{
		BrainSpace: "MNI", Brain: mistImg, BrainTable: mist,
		Brainstem:   []atlas.NamedMask{{Name: "PAG", Mask: pag}, {Name: "RVM", Mask: rvm}},
		GreyMatter:  gmMask,
		SpinalSpace: "PAM50", Levels: levels, GM: gm, Cord: cord, GMThreshold: 0.5,
		Segments: []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tbl := set.Table()
	bySystem := map[atlas.System]int{}
	for _, r := range tbl.Regions {
		bySystem[r.System]++
	}
	if tbl.Len() != 139 || bySystem[atlas.Brain] != 123 || bySystem[atlas.Brainstem] != 2 || bySystem[atlas.Spinal] != 14 {
		t.Fatalf("%d regions, by system %v (want 139: 123 brain incl. GM, 2 brainstem, 14 spinal)", tbl.Len(), bySystem)
	}
	if tbl.Regions[122].Name != "PAG" || tbl.Regions[124].Name != "GM" || tbl.Regions[125].Name != "C1_dorsal" {
		t.Errorf("order: %s %s %s", tbl.Regions[122].Name, tbl.Regions[124].Name, tbl.Regions[125].Name)
	}
	// Two spaces: a synthetic brain run on the MIST grid, and a synthetic spinal run in PAM50 space
	// on a 1 mm grid cropped around C1-C7 (the horns are resampled onto it). Each voxel holds its
	// region's label (plus 0.01·t), so every region's mean is known.
	brainRun := filepath.Join(dir, "brain.nii.gz")
	sh := mistImg.Shape
	n := sh[0] * sh[1] * sh[2]
	data := make([]float64, n*30)
	for tt := 0; tt < 30; tt++ {
		for v := 0; v < n; v++ {
			data[tt*n+v] = float64(mistImg.Labels[v]) + 0.01*float64(tt)
		}
	}
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], 30}, nifti.Float32)
	h.SetAffine(mistImg.Affine, nifti.XformMNI152)
	if err := nifti.Write(brainRun, h, data); err != nil {
		t.Fatal(err)
	}
	horns := set.Parts[len(set.Parts)-1]
	lo, hi := [3]int{1 << 30, 1 << 30, 1 << 30}, [3]int{}
	hs := horns.Labels.Shape
	for idx, v := range horns.Labels.Labels {
		if v != 0 {
			c := [3]int{idx % hs[0], (idx / hs[0]) % hs[1], idx / (hs[0] * hs[1])}
			for a := 0; a < 3; a++ {
				lo[a], hi[a] = min(lo[a], c[a]), max(hi[a], c[a])
			}
		}
	}
	grid := horns.Labels.Affine // 0.5 mm PAM50 → 1 mm, starting at the horns' bounding box
	for a := 0; a < 3; a++ {
		for r := 0; r < 3; r++ {
			grid[r][a] *= 2
		}
	}
	x0, y0, z0 := horns.Labels.Affine.Apply(float64(lo[0]), float64(lo[1]), float64(lo[2]))
	grid[0][3], grid[1][3], grid[2][3] = x0, y0, z0
	gsh := [3]int{(hi[0]-lo[0])/2 + 2, (hi[1]-lo[1])/2 + 2, (hi[2]-lo[2])/2 + 2}
	onGrid, err := horns.Labels.ResampleTo(gsh, grid)
	if err != nil {
		t.Fatal(err)
	}
	gn := gsh[0] * gsh[1] * gsh[2]
	sdata := make([]float64, gn*30)
	for tt := 0; tt < 30; tt++ {
		for v := 0; v < gn; v++ {
			sdata[tt*gn+v] = 10*float64(onGrid.Labels[v]) + 0.01*float64(tt)
		}
	}
	sh4 := nifti.NewHeader([]int{gsh[0], gsh[1], gsh[2], 30}, nifti.Float64)
	sh4.SetAffine(grid, nifti.XformTemplate)
	spinalRun := filepath.Join(dir, "spinal.nii.gz")
	if err := nifti.Write(spinalRun, sh4, sdata); err != nil {
		t.Fatal(err)
	}
	res, err := Set(map[string]string{"MNI": brainRun, "PAM50": spinalRun}, set, LabelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signals.Rows != 30 || res.Signals.Cols != 139 || len(res.Names) != 139 {
		t.Fatalf("%dx%d", res.Signals.Rows, res.Signals.Cols)
	}
	// Brain parcels: label value + 0.01·t (float32 storage).
	for j, r := range mist.Regions {
		if d := math.Abs(res.Signals.At(7, j) - (float64(r.Index) + 0.07)); d > 1e-4 {
			t.Errorf("%s: %v", r.Name, res.Signals.At(7, j))
		}
	}
	// Horns: 10·label + 0.01·t, in the set's order after the 125 brain and brainstem columns.
	for j, r := range horns.Table.Regions {
		if d := math.Abs(res.Signals.At(7, 125+j) - (10*float64(r.Index) + 0.07)); d > 1e-12 {
			t.Errorf("%s: %v", r.Name, res.Signals.At(7, 125+j))
		}
	}
	// PAG and RVM average the MIST labels (0 where unlabelled) that they overlap.
	for _, j := range []int{122, 123} {
		if v := res.Signals.At(0, j); math.IsNaN(v) || v < 0 || v > 122 {
			t.Errorf("%s: %v", res.Names[j], v)
		}
	}
	// The spinal-cord test fMRI is in its own subject space, not PAM50's: refused with a clear error.
	if _, err := Set(map[string]string{"MNI": brainRun, "PAM50": fixtures.Shared(t, "fmri", "spinal-cord", "fmri", "fmri.nii.gz")}, set, LabelOptions{}); err == nil {
		t.Error("an image that does not overlap the spinal horns was accepted")
	}
	// Images with different lengths are refused.
	short := filepath.Join(dir, "short.nii.gz")
	h.Dim[4] = 10
	if err := nifti.Write(short, h, data[:n*10]); err != nil {
		t.Fatal(err)
	}
	if _, err := Set(map[string]string{"MNI": short, "PAM50": spinalRun}, set, LabelOptions{}); err == nil {
		t.Error("images of different lengths accepted")
	}
	if _, err := Set(map[string]string{"MNI": brainRun}, set, LabelOptions{}); err == nil {
		t.Error("missing space accepted")
	}
}
