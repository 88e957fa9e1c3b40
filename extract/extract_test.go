package extract

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/space"
)

// voronoiLabels writes a label image on the grid of the image at dataPath: k regions, each the set
// of voxels nearest to one of k random seed voxels, and returns its path and table.
func voronoiLabels(t *testing.T, dataPath string, k int, seed int64) (string, *atlas.Table) {
	t.Helper()
	r, err := nifti.Open(dataPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := *r.Header
	r.Close()
	sh := h.VolumeShape()
	rng := rand.New(rand.NewSource(seed))
	seeds := make([][3]int, k)
	for i := range seeds {
		seeds[i] = [3]int{rng.Intn(sh[0]), rng.Intn(sh[1]), rng.Intn(sh[2])}
	}
	vol := make([]float64, sh[0]*sh[1]*sh[2])
	for z := 0; z < sh[2]; z++ {
		for y := 0; y < sh[1]; y++ {
			for x := 0; x < sh[0]; x++ {
				best, bd := 0, math.MaxInt
				for i, s := range seeds {
					d := (x-s[0])*(x-s[0]) + (y-s[1])*(y-s[1]) + (z-s[2])*(z-s[2])
					if d < bd {
						best, bd = i, d
					}
				}
				vol[x+sh[0]*(y+sh[1]*z)] = float64(best + 1)
			}
		}
	}
	// Leave a corner unlabelled (background).
	vol[0] = 0
	lh := h
	lh.Dim[0] = 3
	lh.Dim[4] = 1
	lh.Datatype = nifti.Int16
	lh.SclSlope, lh.SclInter = 1, 0
	lh.Version = 1
	p := filepath.Join(t.TempDir(), "labels.nii.gz")
	if err := nifti.Write(p, &lh, vol); err != nil {
		t.Fatal(err)
	}
	tbl := &atlas.Table{Name: "voronoi"}
	for i := 0; i < k; i++ {
		tbl.Regions = append(tbl.Regions, atlas.Region{Index: i + 1, Name: "r" + string(rune('A'+i)), System: atlas.Brain})
	}
	return p, tbl
}

// gaussianMaps writes k smooth positive maps on the data grid (4D, one volume per map).
func gaussianMaps(t *testing.T, dataPath string, k int) string {
	r, _ := nifti.Open(dataPath, nil)
	h := *r.Header
	r.Close()
	sh := h.VolumeShape()
	n := sh[0] * sh[1] * sh[2]
	data := make([]float64, n*k)
	for m := 0; m < k; m++ {
		cx, cy, cz := float64(sh[0])*float64(m+1)/float64(k+1), float64(sh[1])/2, float64(sh[2])/2
		for z := 0; z < sh[2]; z++ {
			for y := 0; y < sh[1]; y++ {
				for x := 0; x < sh[0]; x++ {
					d := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy) + 4*(float64(z)-cz)*(float64(z)-cz)
					w := math.Exp(-d / float64(sh[0]))
					if w < 1e-3 {
						w = 0
					}
					data[m*n+x+sh[0]*(y+sh[1]*z)] = w
				}
			}
		}
	}
	mh := h
	mh.Dim[0], mh.Dim[4] = 4, int64(k)
	for i := 5; i < 8; i++ {
		mh.Dim[i] = 1
	}
	mh.Datatype = nifti.Float64
	mh.SclSlope, mh.SclInter, mh.Version = 1, 0, 1
	p := filepath.Join(t.TempDir(), "maps.nii.gz")
	if err := nifti.Write(p, &mh, data); err != nil {
		t.Fatal(err)
	}
	return p
}

type peerCase struct {
	Data           string       `json:"data"`
	Kind           string       `json:"kind"`
	Atlas          string       `json:"atlas,omitempty"`
	Labels         []int        `json:"labels,omitempty"`
	Strategy       string       `json:"strategy,omitempty"`
	Seeds          [][3]float64 `json:"seeds,omitempty"`
	Radius         float64      `json:"radius,omitempty"`
	AllowNonfinite bool         `json:"allow_nonfinite,omitempty"`
	name           string
	got            signal.Matrix
}

// TestLiveNumpyExtraction compares every masker with nibabel+numpy on the real 4D images in
// ../shared/data/fmri, to 1e-10 relative. Skipped unless PAINMARK_PYTHON is set.
func TestLiveNumpyExtraction(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	images := []string{
		fixtures.Shared(t, "fmri", "nipy", "functional.nii.gz"),
		fixtures.Shared(t, "fmri", "spinal-cord", "fmri", "fmri.nii.gz"),
		fixtures.Shared(t, "fmri", "spinal-cord", "fmri", "fmri_r.nii.gz"),
		fixtures.Shared(t, "fmri", "example_nifti2.nii.gz"),
	}
	var cases []*peerCase
	for n, img := range images {
		lp, tbl := voronoiLabels(t, img, 7, int64(n))
		li, err := atlas.LoadLabelImage(lp)
		if err != nil {
			t.Fatal(err)
		}
		idx := []int{}
		for _, r := range tbl.Regions {
			idx = append(idx, r.Index)
		}
		for _, s := range Strategies {
			res, err := Labels(img, li, tbl, LabelOptions{Strategy: s})
			if err != nil {
				t.Fatalf("%s %s: %v", img, s, err)
			}
			cases = append(cases, &peerCase{Data: img, Kind: "labels", Atlas: lp, Labels: idx, Strategy: string(s), name: filepath.Base(img) + " labels " + string(s), got: res.Signals})
		}
		mp := gaussianMaps(t, img, 3)
		for _, s := range []MapsStrategy{LeastSquares, WeightedMean} {
			res, err := Maps(img, mp, nil, s, Options{})
			if err != nil {
				t.Fatalf("%s maps %s: %v", img, s, err)
			}
			cases = append(cases, &peerCase{Data: img, Kind: "maps", Atlas: mp, Strategy: string(s), name: filepath.Base(img) + " maps " + string(s), got: res.Signals})
		}
		r, _ := nifti.Open(img, nil)
		aff, _, _ := r.Header.Affine()
		sh := r.Header.VolumeShape()
		r.Close()
		vs := aff.VoxelSizes()
		var seeds [][3]float64
		for _, f := range [][3]float64{{0.25, 0.3, 0.5}, {0.7, 0.6, 0.2}} {
			x, y, z := aff.Apply(f[0]*float64(sh[0]-1)+0.3, f[1]*float64(sh[1]-1)-0.2, f[2]*float64(sh[2]-1))
			seeds = append(seeds, [3]float64{x, y, z})
		}
		radius := 1.6 * math.Max(vs[0], vs[1])
		res, err := Spheres(img, seeds, radius, nil, false, Options{})
		if err != nil {
			t.Fatalf("%s spheres: %v", img, err)
		}
		cases = append(cases, &peerCase{Data: img, Kind: "spheres", Seeds: seeds, Radius: radius, name: filepath.Base(img) + " spheres", got: res.Signals})
	}
	// A real atlas on another grid: PAM50 spinal levels onto the spinal-cord fMRI (resampled).
	levels := fixtures.Shared(t, "fmri", "spinal-cord", "template", "template", "PAM50_small_levels.nii.gz")
	li, err := atlas.LoadLabelImage(levels)
	if err != nil {
		t.Fatal(err)
	}
	tbl := &atlas.Table{Name: "PAM50 levels"}
	for _, v := range li.LabelValues() {
		tbl.Regions = append(tbl.Regions, atlas.Region{Index: int(v), Name: "level" + string(rune('0'+v%10)), System: atlas.Spinal})
	}
	res, err := Labels(images[1], li, tbl, LabelOptions{Strategy: Mean, Missing: MissingNaN})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resampled {
		t.Error("PAM50 levels should have been resampled onto the fMRI grid")
	}
	idx := []int{}
	for _, r := range tbl.Regions {
		idx = append(idx, r.Index)
	}
	cases = append(cases, &peerCase{Data: images[1], Kind: "labels", Atlas: levels, Labels: idx, Strategy: "mean", name: "fmri.nii.gz PAM50 levels (resampled)", got: res.Signals})

	var want [][][]*float64
	fixtures.RunPython(t, filepath.Join("testdata", "numpy_extract.py"), cases, &want)
	for i, c := range cases {
		w := want[i]
		if len(w) != c.got.Rows || len(w[0]) != c.got.Cols {
			t.Errorf("%s: %dx%d, numpy %dx%d", c.name, c.got.Rows, c.got.Cols, len(w), len(w[0]))
			continue
		}
		var maxRel float64
		for tt := range w {
			for j, v := range w[tt] {
				g := c.got.At(tt, j)
				if v == nil {
					if !math.IsNaN(g) {
						t.Errorf("%s: (%d,%d) = %v, numpy NaN", c.name, tt, j, g)
					}
					continue
				}
				maxRel = math.Max(maxRel, math.Abs(g-*v)/math.Max(1, math.Abs(*v)))
			}
		}
		if maxRel > 1e-10 {
			t.Errorf("%s: max relative difference %.3g", c.name, maxRel)
		} else {
			t.Logf("%-50s %3dx%-2d max rel diff %.2g", c.name, c.got.Rows, c.got.Cols, maxRel)
		}
	}
}

// writeSynthetic writes a 4D float image whose voxel (i,j,k) at frame t holds label·1000 + t + i/100
// over a label image with 3 regions, so region means are known in closed form.
func writeSynthetic(t *testing.T, nan bool) (string, *atlas.LabelImage, *atlas.Table) {
	sh := [3]int{4, 3, 2}
	n := sh[0] * sh[1] * sh[2]
	lab := make([]int32, n)
	for i := range lab {
		lab[i] = int32(i%3 + 1)
	}
	lab[n-1] = 0
	T := 5
	data := make([]float64, n*T)
	for tt := 0; tt < T; tt++ {
		for v := 0; v < n; v++ {
			data[tt*n+v] = float64(lab[v])*1000 + float64(tt) + float64(v%sh[0])/100
		}
	}
	if nan {
		data[2*n+3] = math.NaN()
	}
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], T}, nifti.Float64)
	h.SetAffine(space.Affine{{2, 0, 0, -4}, {0, 2, 0, -3}, {0, 0, 2, 0}, {0, 0, 0, 1}}, nifti.XformScannerAnat)
	p := filepath.Join(t.TempDir(), "synthetic.nii")
	if err := nifti.Write(p, h, data); err != nil {
		t.Fatal(err)
	}
	aff, _, _ := h.Affine()
	li := &atlas.LabelImage{Path: "synthetic-labels", Shape: sh, Affine: aff, Labels: lab}
	tbl := &atlas.Table{Name: "synthetic", Regions: []atlas.Region{{Index: 1, Name: "one"}, {Index: 2, Name: "two"}, {Index: 3, Name: "three"}}}
	return p, li, tbl
}

func TestKnownAnswers(t *testing.T) {
	p, li, tbl := writeSynthetic(t, false)
	res, err := Labels(p, li, tbl, LabelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for j, reg := range tbl.Regions {
		// Mean of label·1000 + t + (v mod 4)/100 over the region's voxels.
		var off float64
		cnt := 0
		for v, l := range li.Labels {
			if int(l) == reg.Index {
				off += float64(v%4) / 100
				cnt++
			}
		}
		for tt := 0; tt < 5; tt++ {
			want := float64(reg.Index)*1000 + float64(tt) + off/float64(cnt)
			if got := res.Signals.At(tt, j); math.Abs(got-want) > 1e-9 {
				t.Errorf("%s frame %d: %v, want %v", reg.Name, tt, got, want)
			}
		}
	}
	if res.TR == 0 || len(res.AllZero) != 0 || res.VoxelCounts[0] != 8 {
		t.Errorf("TR %v, all-zero %v, counts %v", res.TR, res.AllZero, res.VoxelCounts)
	}
}

func TestBadInputAndPolicies(t *testing.T) {
	p, li, tbl := writeSynthetic(t, false)
	extra := &atlas.Table{Name: "with-missing", Regions: append(append([]atlas.Region{}, tbl.Regions...), atlas.Region{Index: 9, Name: "nowhere"})}
	if _, err := Labels(p, li, extra, LabelOptions{}); err == nil || !strings.Contains(err.Error(), "nowhere (9)") {
		t.Errorf("missing region: %v", err)
	}
	res, err := Labels(p, li, extra, LabelOptions{Missing: MissingDrop})
	if err != nil || len(res.Names) != 3 || len(res.Missing) != 1 {
		t.Errorf("drop: %v %v", res, err)
	}
	res, err = Labels(p, li, extra, LabelOptions{Missing: MissingNaN})
	if err != nil || len(res.Names) != 4 || !math.IsNaN(res.Signals.At(0, 3)) {
		t.Errorf("nan: %v", err)
	}
	np, _, _ := writeSynthetic(t, true)
	if _, err := Labels(np, li, tbl, LabelOptions{}); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Errorf("NaN voxel: %v", err)
	}
	res, err = Labels(np, li, tbl, LabelOptions{Options: Options{AllowNonFinite: true}})
	if err != nil || math.IsNaN(res.Signals.At(2, 0)) {
		t.Errorf("NaN skipped: %v", err)
	}
	// A 3D image where a time series is needed.
	h := nifti.NewHeader([]int{4, 3, 2}, nifti.Float32)
	h.SetAffine(li.Affine, nifti.XformScannerAnat)
	p3 := filepath.Join(t.TempDir(), "3d.nii")
	nifti.Write(p3, h, make([]float64, 24))
	if _, err := Labels(p3, li, tbl, LabelOptions{}); err == nil || !strings.Contains(err.Error(), "4D") {
		t.Errorf("3D image: %v", err)
	}
	// An atlas in another space: no overlap.
	far := *li
	far.Affine[0][3] = 5000
	if _, err := Labels(p, &far, tbl, LabelOptions{}); err == nil || !strings.Contains(err.Error(), "do not overlap") {
		t.Errorf("no overlap: %v", err)
	}
	if _, err := Labels(p, li, tbl, LabelOptions{Strategy: "mode"}); err == nil {
		t.Error("unknown strategy accepted")
	}
	if _, err := Spheres(p, [][3]float64{{0, 0, 0}, {0.5, 0, 0}}, 3, nil, false, Options{}); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("overlapping spheres: %v", err)
	}
	if _, err := Spheres(p, [][3]float64{{900, 0, 0}}, 1, nil, false, Options{}); err == nil || !strings.Contains(err.Error(), "no voxel") {
		t.Errorf("empty sphere: %v", err)
	}
}

func TestAllZeroRegionKeptAndReported(t *testing.T) {
	sh := [3]int{2, 2, 1}
	h := nifti.NewHeader([]int{2, 2, 1, 3}, nifti.Float32)
	data := []float64{1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0, 0}
	p := filepath.Join(t.TempDir(), "fov.nii")
	if err := nifti.Write(p, h, data); err != nil {
		t.Fatal(err)
	}
	aff, _, _ := h.Affine()
	li := &atlas.LabelImage{Shape: sh, Affine: aff, Labels: []int32{1, 1, 2, 2}}
	tbl := &atlas.Table{Name: "fov", Regions: []atlas.Region{{Index: 1, Name: "in"}, {Index: 2, Name: "out"}}}
	res, err := Labels(p, li, tbl, LabelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.AllZero) != 1 || res.AllZero[0] != "out" || res.Signals.Cols != 2 {
		t.Errorf("all-zero: %v, %d columns", res.AllZero, res.Signals.Cols)
	}
}
