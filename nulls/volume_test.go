package nulls

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/painmark/painmark/stats"
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
