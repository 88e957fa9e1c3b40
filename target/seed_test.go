package target

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// smallRun writes a 4D image on a 12 x 14 x 10 grid of 3 mm voxels (80 volumes) in which the
// voxels near (−15, 9, 6) mm share a signal with a distant node, and its brain mask.
func smallRun(t *testing.T, dir string, seed uint64) (string, string) {
	t.Helper()
	shape := [3]int{12, 14, 10}
	aff := space.Affine{{-3, 0, 0, 18}, {0, 3, 0, -21}, {0, 0, 3, -12}, {0, 0, 0, 1}}
	const nt = 80
	rng := rand.New(rand.NewPCG(seed, 2))
	signal := make([]float64, nt)
	for t := range signal {
		signal[t] = rng.NormFloat64()
	}
	nvox := shape[0] * shape[1] * shape[2]
	data := make([]float64, nvox*nt)
	mask := make([]float64, nvox)
	for k := 0; k < shape[2]; k++ {
		for j := 0; j < shape[1]; j++ {
			for i := 0; i < shape[0]; i++ {
				v := i + shape[0]*(j+shape[1]*k)
				if i == 0 || j == 0 || k == 0 || i == shape[0]-1 || j == shape[1]-1 {
					continue // outside the "brain": zeros
				}
				mask[v] = 1
				x, y, z := aff.Apply(float64(i), float64(j), float64(k))
				w := math.Exp(-((x+15)*(x+15)+(y-9)*(y-9)+(z-6)*(z-6))/50) + math.Exp(-((x-6)*(x-6)+(y+6)*(y+6)+(z-3)*(z-3))/50)
				for t := 0; t < nt; t++ {
					data[t*nvox+v] = 100 + 2*w*signal[t] + rng.NormFloat64()
				}
			}
		}
	}
	hdr := nifti.NewHeader([]int{shape[0], shape[1], shape[2], nt}, nifti.Float32)
	hdr.SetAffine(aff, nifti.XformScannerAnat)
	run := filepath.Join(dir, fmt.Sprintf("run%d_bold.nii.gz", seed))
	if err := nifti.Write(run, hdr, data); err != nil {
		t.Fatal(err)
	}
	mh := nifti.NewHeader([]int{shape[0], shape[1], shape[2]}, nifti.Uint8)
	mh.SetAffine(aff, nifti.XformScannerAnat)
	maskPath := filepath.Join(dir, "mask.nii.gz")
	if err := nifti.Write(maskPath, mh, mask); err != nil {
		t.Fatal(err)
	}
	return run, maskPath
}

// TestLiveSeedMapNumpy: the seed map of a 6 mm sphere equals numpy's correlation of the sphere's
// mean time series with every voxel (nibabel reading the same files), on a 4D NIfTI and on a
// CIFTI-2 dtseries of the same voxels; the distant node that shares the signal stands out.
func TestLiveSeedMapNumpy(t *testing.T) {
	dir := t.TempDir()
	run, mask := smallRun(t, dir, 1)
	d, err := FromNIfTI(run, mask)
	if err != nil {
		t.Fatal(err)
	}
	centre := [3]float64{-15, 9, 6}
	check := func(d *Dataset, path, maskPath string) {
		s, err := SphereSeed(d, "node", centre, 6)
		if err != nil {
			t.Fatal(err)
		}
		r, z, err := SeedCorrelation(d, SeedSeries(d, s))
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Members []int
			R       []float64
			Z       []*float64
		}
		fixtures.RunPython(t, "testdata/numpy_seedmap.py", map[string]any{"path": path, "mask": maskPath, "centre": centre, "radius": 6.0}, &want)
		if len(want.Members) != len(s.Members) || len(want.R) != d.Len() {
			t.Fatalf("%s: %d seed members and %d brainordinates, numpy %d and %d", path, len(s.Members), d.Len(), len(want.Members), len(want.R))
		}
		worst := 0.0
		for i := range r {
			worst = math.Max(worst, math.Abs(r[i]-want.R[i]))
			if want.Z[i] != nil {
				worst = math.Max(worst, math.Abs(z[i]-*want.Z[i]))
			}
		}
		t.Logf("%s: %d seed voxels, %d brainordinates, largest difference from numpy %.2g", filepath.Base(path), len(s.Members), d.Len(), worst)
		if worst > 1e-10 {
			t.Fatalf("%s: seed map differs from numpy's by %g", path, worst)
		}
		// The distant node at (6, −6, 3) mm correlates with the seed; a far corner does not.
		node, _ := SphereSeed(d, "other", [3]float64{6, -6, 3}, 0)
		corner, _ := SphereSeed(d, "corner", [3]float64{15, 18, 15}, 0)
		if r[node.Members[0]] < 0.5 || math.Abs(r[corner.Members[0]]) > 0.4 {
			t.Errorf("%s: r at the other node %v, at the corner %v", path, r[node.Members[0]], r[corner.Members[0]])
		}
	}
	check(d, run, mask)
	// The same voxels as a CIFTI-2 dtseries with one voxel model.
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: d.Len(), Volume: &cifti.Volume{Dims: d.Shape, Affine: d.Affine},
		Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_OTHER", Type: cifti.VoxelModel, Offset: 0, Count: d.Len(), Voxels: d.Voxels}}}
	series := &cifti.Axis{Type: cifti.Series, Len: d.Timepoints, SeriesStep: 2, SeriesUnit: "SECOND"}
	data := make([]float64, d.Timepoints*d.Len())
	for i, s := range d.Series {
		for t, v := range s {
			data[t*d.Len()+i] = float64(v)
		}
	}
	cpath := filepath.Join(dir, "run.dtseries.nii")
	if err := cifti.Write(cpath, [2]*cifti.Axis{series, bm}, data); err != nil {
		t.Fatal(err)
	}
	cd, err := FromCIFTI(cpath, nil)
	if err != nil {
		t.Fatal(err)
	}
	check(cd, cpath, "")
	// Maps are written on the data's grid (NIfTI) or as a dscalar (CIFTI).
	r, z, _ := SeedCorrelation(d, SeedSeries(d, Seed{Members: []int{0, 1}}))
	if err := WriteMaps(d, filepath.Join(dir, "seed.nii.gz"), []string{"r", "z"}, [][]float64{r, z}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMaps(cd, filepath.Join(dir, "seed.dscalar.nii"), []string{"r", "z"}, [][]float64{r, z}); err != nil {
		t.Fatal(err)
	}
	f, err := cifti.Open(filepath.Join(dir, "seed.dscalar.nii"))
	if err != nil || f.Rows() != 2 || f.Axes[0].Maps[1].Name != "z" {
		t.Fatalf("dscalar: %v", err)
	}
	if _, err := SphereSeed(d, "nowhere", [3]float64{500, 0, 0}, 5); err == nil {
		t.Error("a seed outside the data was accepted")
	}
}

// TestLiveTemplateMatchNumpy: the template-matching similarities (computed through the T x T Gram
// matrix) equal numpy's spatial correlations of the full N x N connectivity profiles with each
// template, and the assignments are the same.
func TestLiveTemplateMatchNumpy(t *testing.T) {
	dir := t.TempDir()
	run, mask := smallRun(t, dir, 1)
	d, err := FromNIfTI(run, mask)
	if err != nil {
		t.Fatal(err)
	}
	templates := make([][]float64, 3)
	for _, c := range d.Coords {
		templates[0] = append(templates[0], math.Exp(-((c[0]+15)*(c[0]+15)+(c[1]-9)*(c[1]-9)+(c[2]-6)*(c[2]-6))/72))
		templates[1] = append(templates[1], math.Exp(-((c[0]-12)*(c[0]-12)+(c[1]-12)*(c[1]-12)+(c[2]+3)*(c[2]+3))/72))
		slab := 0.0
		if c[2] > 9 {
			slab = 1
		}
		templates[2] = append(templates[2], slab)
	}
	nm, err := TemplateMatch(d, []string{"a", "b", "slab"}, templates)
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Similarity [][]float64
		Assign     []int
	}
	fixtures.RunPython(t, "testdata/numpy_template_match.py", map[string]any{"path": run, "mask": mask, "templates": templates}, &want)
	worst, differ := 0.0, 0
	for k := range want.Similarity {
		for i, v := range want.Similarity[k] {
			worst = math.Max(worst, math.Abs(nm.Similarity[k][i]-v))
		}
	}
	for i, a := range want.Assign {
		if nm.Assign[i] != a {
			differ++
		}
	}
	t.Logf("%d voxels, 3 templates: similarities within %.2g of numpy's full profiles, %d assignments differ", d.Len(), worst, differ)
	if worst > 1e-10 || differ > 0 {
		t.Fatalf("template matching differs from numpy: %g, %d assignments", worst, differ)
	}
}

// TestLiveSmoothScipy: smoothing a seed map on the grid equals nilearn's smooth_img definition,
// scipy.ndimage.gaussian_filter1d along each axis on the full grid (zero outside the mask).
func TestLiveSmoothScipy(t *testing.T) {
	dir := t.TempDir()
	run, mask := smallRun(t, dir, 1)
	d, err := FromNIfTI(run, mask)
	if err != nil {
		t.Fatal(err)
	}
	_, z, _ := SeedCorrelation(d, SeedSeries(d, Seed{Members: []int{100, 101, 102}}))
	sm, err := Smooth(d, z, 8)
	if err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys
import numpy as np
from scipy import ndimage
cfg = json.load(open(sys.argv[1]))
vol = np.zeros(cfg["shape"])
ijk = np.array(cfg["voxels"])
vol[ijk[:, 0], ijk[:, 1], ijk[:, 2]] = cfg["values"]
fwhm = cfg["fwhm"]
for axis, vs in enumerate(cfg["sizes"]):
    ndimage.gaussian_filter1d(vol, fwhm / np.sqrt(8 * np.log(2)) / vs, output=vol, axis=axis)
json.dump(vol[ijk[:, 0], ijk[:, 1], ijk[:, 2]].tolist(), open(sys.argv[2], "w"))
`
	clean := make([]float64, len(z))
	for i, v := range z {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			clean[i] = v
		}
	}
	vs := d.Affine.VoxelSizes()
	var want []float64
	fixtures.RunPythonInline(t, script, map[string]any{"shape": d.Shape, "voxels": d.Voxels, "values": clean, "fwhm": 8.0, "sizes": vs}, &want)
	worst := 0.0
	for i := range want {
		worst = math.Max(worst, math.Abs(sm[i]-want[i]))
	}
	t.Logf("8 mm FWHM on %d voxels: within %.2g of scipy's gaussian_filter1d", d.Len(), worst)
	if worst > 1e-12 {
		t.Fatalf("smoothing differs from scipy by %g", worst)
	}
}
