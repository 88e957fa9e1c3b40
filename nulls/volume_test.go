package nulls

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
	"gonum.org/v1/gonum/mat"
)

// On pairs of independent smooth random volumes the naive permutation test (shuffle) calls most
// pairs significant, Moran spectral randomization on the voxel graph and variogram matching far
// fewer; the surrogates keep the map's length; rotation nulls refuse a volume.
func TestVolumeNulls(t *testing.T) {
	maps, coords, err := SmoothRandomVolumes([3]int{5, 5, 5}, 4, 8, 60, 11)
	if err != nil {
		t.Fatal(err)
	}
	space, err := VolumeSpace(coords, 1.01*4*1.7320508)
	if err != nil {
		t.Fatal(err)
	}
	rates := map[string]float64{}
	for _, m := range []string{"moran", "variogram", "shuffle"} {
		model, _ := Lookup(m)
		draws := 40
		if m == "variogram" {
			draws = 20
		}
		null, err := model.Draw(space, draws, 0)
		if err != nil {
			t.Fatal(err)
		}
		mm := maps
		if m == "variogram" {
			mm = maps[:20]
		}
		r, err := FalsePositiveRate(mm, null, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		rates[m] = r.Rate
		sur, err := null.Maps(maps[0], 0)
		if err != nil || len(sur) != draws || len(sur[0]) != len(coords) {
			t.Fatalf("%s: %d maps: %v", m, len(sur), err)
		}
	}
	t.Logf("false-positive rates: %v", rates)
	if rates["shuffle"] < 0.3 || rates["moran"] > 0.2 || rates["variogram"] > 0.25 {
		t.Errorf("false-positive rates %v: the naive test should be liberal, the spatial nulls not", rates)
	}
	vasa, _ := Lookup("vasa")
	if _, err := vasa.Draw(space, 10, 1); err == nil || !strings.Contains(err.Error(), "volume") {
		t.Errorf("a rotation of a volume: %v", err)
	}
	if _, err := VolumeSpace(coords[:3], 1); err == nil {
		t.Error("three voxels accepted")
	}
}

// SmoothRandomFields are stationary: before standardization, the correlation across fields of two
// neighbouring voxels is that of Gaussian-smoothed white noise, exp(−d²/(4σ²)), at the grid's
// corner as at its centre, and so is the variance (SmoothRandomVolumes' fields, whose noise stops
// at the edge, are not: on a 14-voxel grid their corner correlation was 0.911, not 0.857).
func TestSmoothRandomFieldsStationary(t *testing.T) {
	const n, side = 2000, 9
	shape := [3]int{side, side, side}
	sigma := 6 / math.Sqrt(8*math.Ln2) / 2 // FWHM 6 mm on 2 mm voxels
	radius := int(4*sigma + 0.5)
	w := make([]float64, 2*radius+1)
	for k := range w {
		w[k] = math.Exp(-0.5 * float64((k-radius)*(k-radius)) / (sigma * sigma))
	}
	c := side / 2 * (1 + side + side*side)
	var a, b, p, q []float64
	for m := 0; m < n; m++ {
		v := gaussianField(shape, w, rand.New(rand.NewPCG(5, uint64(m))))
		a, b, p, q = append(a, v[0]), append(b, v[1]), append(p, v[c]), append(q, v[c+1])
	}
	want := math.Exp(-1 / (4 * sigma * sigma))
	corner, centre := stats.Pearson(a, b), stats.Pearson(p, q)
	_, sa := stats.MeanSD(a)
	_, sp := stats.MeanSD(p)
	ratio := sa * sa / (sp * sp)
	t.Logf("lag-1 correlation %.4f (corner), %.4f (centre), exp(-1/(4σ²)) = %.4f; variance ratio corner/centre %.3f", corner, centre, want, ratio)
	if math.Abs(corner-want) > 0.02 || math.Abs(centre-want) > 0.02 || math.Abs(ratio-1) > 0.12 {
		t.Errorf("lag-1 correlation %.4f (corner), %.4f (centre), want %.4f; variance ratio %.3f, want 1", corner, centre, want, ratio)
	}
	keep := make([]bool, side*side*side)
	for i := range keep {
		keep[i] = i%5 != 3
	}
	fields, coords, err := SmoothRandomFields(shape, 2, 6, keep, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	_, sd := stats.MeanSD(fields[0])
	if len(coords) != len(fields[0]) || len(coords) >= side*side*side || math.Abs(sd-1) > 1e-12 {
		t.Errorf("%d positions, %d values, SD %v: the mask keeps fewer than the grid, unit variance", len(coords), len(fields[0]), sd)
	}
	if _, _, err := SmoothRandomFields(shape, 2, 6, keep[:5], 2, 1); err == nil {
		t.Error("a mask of the wrong size accepted")
	}
}

// estimateFWHM is AFNI 3dFWHMx -classic's first-difference estimate: equal to a numpy
// computation of the same formula on the same masked map of anisotropic voxels (differences
// along each array axis between voxels both in the mask, variances with n − 1, the geometric
// mean of the axes).
func TestLiveEstimateFWHM(t *testing.T) {
	shape := [3]int{9, 8, 7}
	keep := make([]bool, shape[0]*shape[1]*shape[2])
	for i := range keep {
		keep[i] = i%7 != 2 && i%11 != 5
	}
	fields, grid, err := SmoothRandomFields(shape, 1, 3, keep, 1, 9)
	if err != nil {
		t.Fatal(err)
	}
	size := [3]float64{2, 3, 2.5} // anisotropic voxels: grid index times size
	coords := make([][3]float64, len(grid))
	full := make([]float64, len(keep))
	for i := range full {
		full[i] = math.NaN()
	}
	for k, c := range grid {
		coords[k] = [3]float64{c[0] * size[0], c[1] * size[1], c[2] * size[2]}
		full[int(c[0])+shape[0]*(int(c[1])+shape[1]*int(c[2]))] = fields[0][k]
	}
	axes := gridAxes(coords, 1.01*math.Sqrt(2*2+3*3+2.5*2.5))
	got, per := estimateFWHM(fields[0], axes)
	if len(axes) != 3 {
		t.Fatalf("%d grid axes", len(axes))
	}
	byStep := map[float64]float64{}
	for a, ax := range axes {
		byStep[ax.step] = per[a]
	}
	t.Logf("FWHM per axis %v mm, combined %.4f mm", per, got)
	{
		var want struct {
			PerAxis  []float64
			Combined float64
		}
		fixtures.RunPythonInline(t, `
import json, sys
import numpy as np
cfg = json.load(open(sys.argv[1]))
x = np.array([np.nan if v is None else v for v in cfg["x"]], float).reshape(cfg["shape"][::-1]).T  # x fastest
size = cfg["size"]
v = x[~np.isnan(x)]
var = v.var(ddof=1)
per = []
for a in range(3):
    d = np.diff(x, axis=a)
    d = d[~np.isnan(d)]
    arg = 1 - d.var(ddof=1) / (2 * var)
    per.append(size[a] * np.sqrt(-2 * np.log(2) / np.log(arg)))
json.dump({"perAxis": per, "combined": float(np.exp(np.mean(np.log(per))))}, open(sys.argv[2], "w"))
`, map[string]any{"x": nanToNil(full), "shape": shape, "size": size}, &want)
		for a := range want.PerAxis {
			if g := byStep[size[a]]; math.Abs(g-want.PerAxis[a]) > 1e-9*want.PerAxis[a] {
				t.Errorf("axis %d: FWHM %.12g, numpy %.12g", a, g, want.PerAxis[a])
			}
		}
		if math.Abs(got-want.Combined) > 1e-9*want.Combined {
			t.Errorf("combined FWHM %.12g, numpy %.12g", got, want.Combined)
		}
	}
}

// On stationary smooth random fields of FWHM 8 mm (4 mm voxels), estimateFWHM finds the grid's
// axes and, on average over 20 maps, about 8 mm.
func TestEstimateFWHMKnownFields(t *testing.T) {
	maps, vox, err := SmoothRandomFields([3]int{12, 12, 12}, 4, 8, nil, 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	axes := gridAxes(vox, 1.01*4*math.Sqrt(3))
	var mean float64
	for _, m := range maps {
		f, _ := estimateFWHM(m, axes)
		mean += f / float64(len(maps))
	}
	t.Logf("FWHM 8 mm fields: mean estimate %.3f mm", mean)
	if len(axes) != 3 || axes[0].step != 4 || math.Abs(mean-8) > 0.6 {
		t.Errorf("%d axes, mean estimate %.3f mm of FWHM 8 mm fields", len(axes), mean)
	}
}

func nanToNil(x []float64) []any {
	out := make([]any, len(x))
	for i, v := range x {
		if !math.IsNaN(v) {
			out[i] = v
		}
	}
	return out
}

// The volumetric moran's basis (Gaussian weights at the map's smoothness) diagonalizes the
// centred covariance of a stationary smooth field, so that its sign flips are an exact null:
// at the true FWHM and at 10% off it, the covariance's energy off the diagonal in the basis is
// below 0.5% (BrainSpace's 1/d neighbour graph, kept as MoranNeighbourGraph, leaves 7% at FWHM
// 12 mm on a 10-voxel grid and 10% here).
func TestVolumeMoranBasisDiagonal(t *testing.T) {
	_, coords, err := SmoothRandomFields([3]int{6, 6, 6}, 4, 12, nil, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := len(coords)
	cov := stats.GaussianWeights(coords, 12) // the field's correlation, with its unit diagonal
	for i := 0; i < n; i++ {
		cov[i*n+i] = 1
	}
	centred := mat.NewDense(n, n, nil)
	h := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := -1 / float64(n)
			if i == j {
				v++
			}
			h.Set(i, j, v)
		}
	}
	centred.Product(h, mat.NewDense(n, n, cov), h)
	offShare := func(w []float64) float64 {
		mem, err := stats.NewMoranEigenvectors(w, n, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		var c mat.Dense
		c.Product(mem.Vectors.T(), centred, mem.Vectors)
		var all, diag float64
		r, _ := c.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < r; j++ {
				all += c.At(i, j) * c.At(i, j)
			}
			diag += c.At(i, i) * c.At(i, i)
		}
		return 1 - diag/all
	}
	graph := offShare(neighbourWeights(coords, 1.01*4*math.Sqrt(3)))
	for _, f := range []float64{12, 10.8, 13.2} {
		share := offShare(stats.GaussianWeights(coords, f))
		t.Logf("weights of FWHM %.1f mm: %.2g of the covariance off the diagonal (1/d graph %.3f)", f, share, graph)
		if share > 5e-3 {
			t.Errorf("weights of FWHM %.1f mm: %.3g of the covariance off the diagonal", f, share)
		}
	}
	if graph < 0.05 {
		t.Errorf("the 1/d graph leaves %.3g off the diagonal: the test no longer tells the weights apart", graph)
	}
}

// falsePositiveRates is each registered model's false-positive rate at alpha 0.05 on pairs of
// maps over a space (draws per map, seed 1).
func falsePositiveRates(t *testing.T, maps [][]float64, s *Space, draws int, names ...string) map[string]float64 {
	t.Helper()
	rate := map[string]float64{}
	for _, name := range names {
		m, _ := Lookup(name)
		null, err := m.Draw(s, draws, 1)
		if err != nil {
			t.Fatal(err)
		}
		r, err := FalsePositiveRate(maps, null, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		rate[name] = r.Rate
	}
	return rate
}

// On pairs of independent stationary smooth random volumes at FWHM 12 mm (7 x 7 x 7 voxels of
// 4 mm), moran (each map's smoothness kernel) keeps the false-positive rate near alpha, where
// the naive shuffle is badly liberal; moran-pair refuses volumes.
func TestVolumeMoranFalsePositiveRate(t *testing.T) {
	const pairs = 300
	maps, coords, err := SmoothRandomFields([3]int{7, 7, 7}, 4, 12, nil, 2*pairs, 23)
	if err != nil {
		t.Fatal(err)
	}
	space, err := VolumeSpace(coords, 1.01*4*math.Sqrt(3))
	if err != nil {
		t.Fatal(err)
	}
	rate := falsePositiveRates(t, maps, space, 100, "moran", "shuffle")
	t.Logf("false-positive rate at alpha 0.05 on %d pairs of FWHM 12 mm volumes: moran %.3f, shuffle %.3f", pairs, rate["moran"], rate["shuffle"])
	if rate["moran"] < 0.02 || rate["moran"] > 0.09 {
		t.Errorf("moran false-positive rate %.3f, want about 0.05 (0.02-0.09 with %d pairs)", rate["moran"], pairs)
	}
	if rate["shuffle"] < 0.3 {
		t.Errorf("the naive shuffle's rate %.3f: the maps are not smooth enough to test a spatial null", rate["shuffle"])
	}
	pair, _ := Lookup("moran-pair")
	if _, err := pair.Draw(space, 10, 1); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("moran-pair on a volume: %v", err)
	}
}
