package glm

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
	"gonum.org/v1/gonum/mat"
)

// synthEvents are heat and warm blocks alternating every 40 s, with a rating after each heat block.
func synthEvents(nvol int, tr float64) []Event {
	var ev []Event
	for on, k := 6.0, 0; on+20 < float64(nvol)*tr; on, k = on+40, k+1 {
		typ := "heat"
		if k%2 == 1 {
			typ = "warm"
		}
		ev = append(ev, Event{Onset: on, Duration: 18, TrialType: typ, Modulation: 1})
		if typ == "heat" {
			ev = append(ev, Event{Onset: on + 19, Duration: 2, TrialType: "rating", Modulation: 1 + 0.1*float64(k)})
		}
	}
	return ev
}

// writeSynthRun writes a float32 4D run (shape, nvol volumes, TR tr, affine 3 mm, origin
// off-centre) with planted heat and warm responses and AR(1) noise (phi up to 0.5) around a
// baseline of a few hundred, and returns its path and events.
func writeSynthRun(t testing.TB, path string, shape [3]int, nvol int, tr float64, seed uint64) []Event {
	t.Helper()
	ev := synthEvents(nvol, tr)
	ft, _ := FrameTimes(nvol, tr, 0)
	d, err := MakeDesign(ft, ev, nil, DefaultDesignOptions())
	if err != nil {
		t.Fatal(err)
	}
	heat, warm := d.Columns[0], d.Columns[2]
	nvox := shape[0] * shape[1] * shape[2]
	data := make([]float64, nvox*nvol)
	rng := rand.New(rand.NewPCG(seed, 24))
	for v := 0; v < nvox; v++ {
		base := 300 + 50*float64(v%7)
		phi := 0.5 * float64(v%6) / 5
		bh, bw := float64(v%5-2)*3, float64(v%3-1)*2
		e := 0.0
		for i := 0; i < nvol; i++ {
			e = phi*e + 4*rng.NormFloat64()
			data[i*nvox+v] = float64(float32(base + e + bh*heat[i] + bw*warm[i] + 0.02*float64(i)))
		}
	}
	h := nifti.NewHeader([]int{shape[0], shape[1], shape[2], nvol}, nifti.Float32)
	a := space.Affine{{-3, 0, 0, 40}, {0, 3, 0, -60}, {0, 0, 3, -20}, {0, 0, 0, 1}}
	h.SetAffine(a, nifti.XformScannerAnat)
	h.Pixdim[4] = tr
	if err := nifti.Write(path, h, data); err != nil {
		t.Fatal(err)
	}
	return ev
}

// writeSynthMask writes a mask on the run's grid that leaves out every 5th voxel and one whole plane.
func writeSynthMask(t testing.TB, path string, shape [3]int) []bool {
	t.Helper()
	n := shape[0] * shape[1] * shape[2]
	m, data := make([]bool, n), make([]float64, n)
	for v := range m {
		m[v] = v%5 != 3 && v/(shape[0]*shape[1]) != 1
		if m[v] {
			data[v] = 1
		}
	}
	h := nifti.NewHeader(shape[:], nifti.Uint8)
	h.SetAffine(space.Affine{{-3, 0, 0, 40}, {0, 3, 0, -60}, {0, 0, 3, -20}, {0, 0, 0, 1}}, nifti.XformScannerAnat)
	if err := nifti.Write(path, h, data); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFirstLevelSlabs: FirstLevel's streamed fit (ar1) is the same whatever the slab size (one slab
// or one plane per slab) and whether the run is gzip-compressed, and equals FitAR1 (checked
// against nilearn's run_glm in TestLiveAR1Contrasts) on the masked, mean-scaled time series.
func TestFirstLevelSlabs(t *testing.T) {
	dir := t.TempDir()
	shape := [3]int{24, 20, 6}
	ev := writeSynthRun(t, filepath.Join(dir, "run.nii"), shape, 200, 2, 1)
	writeSynthRun(t, filepath.Join(dir, "run.nii.gz"), shape, 200, 2, 1)
	mask := writeSynthMask(t, filepath.Join(dir, "mask.nii.gz"), shape)
	fitWith := func(name string, slabMiB int) (*FirstLevelModel, *ContrastResult) {
		opts := DefaultFirstLevelOptions()
		opts.SlabMiB = slabMiB
		m, err := FirstLevel([]FirstLevelRun{{BOLD: filepath.Join(dir, name), Events: ev}}, mask, opts)
		if err != nil {
			t.Fatal(err)
		}
		c, err := m.Contrast("heat - warm")
		if err != nil {
			t.Fatal(err)
		}
		return m, c
	}
	m1, one := fitWith("run.nii", 256)
	_, many := fitWith("run.nii", 1)
	_, gz := fitWith("run.nii.gz", 1)
	if n := len(slabs(m1.Voxels, shape[0]*shape[1], shape[2], 200, 1<<20)); n < 4 {
		t.Fatalf("1 MiB slabs: %d slabs, want several", n)
	}
	for _, k := range StatMaps {
		for i, v := range one.Values(k) {
			if many.Values(k)[i] != v || gz.Values(k)[i] != v {
				t.Fatalf("%s at voxel %d: one slab %v, 1 MiB slabs %v, gzip %v", k, i, v, many.Values(k)[i], gz.Values(k)[i])
			}
		}
	}
	im, err := nifti.Load(filepath.Join(dir, "run.nii"), nil)
	if err != nil {
		t.Fatal(err)
	}
	nvox := im.Header.VoxelsPerVolume()
	y := mat.NewDense(200, len(m1.Voxels), nil)
	for j, v := range m1.Voxels {
		for i := 0; i < 200; i++ {
			y.Set(i, j, im.Data[i*nvox+v])
		}
	}
	meanScale(y, true) // a float32 run is scaled in float32, as nilearn's masker hands it over
	ys := make([][]float64, len(m1.Voxels))
	for j := range ys {
		ys[j] = mat.Col(nil, j, y)
	}
	ref, _, err := FitAR1(m1.Designs[0], ys, 100)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ContrastVector("heat - warm", m1.Designs[0].Names)
	want, err := ref.TContrast(c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Effect {
		if ref.Models[i].Rho != m1.Fits[0].Models[i].Rho {
			t.Fatalf("voxel %d: AR(1) bin %v, FitAR1's %v", i, m1.Fits[0].Models[i].Rho, ref.Models[i].Rho)
		}
		if d := math.Abs(want.Effect[i] - one.Effect[i]); d > 1e-9 {
			t.Fatalf("voxel %d: effect %v, FitAR1's %v", i, one.Effect[i], want.Effect[i])
		}
		if d := math.Abs(want.Z[i] - one.Z[i]); d > 1e-9 {
			t.Fatalf("voxel %d: z %v, FitAR1's %v", i, one.Z[i], want.Z[i])
		}
	}
}

// TestFirstLevelBadInput: missing or malformed runs and masks give errors naming the file.
func TestFirstLevelBadInput(t *testing.T) {
	dir := t.TempDir()
	shape := [3]int{4, 3, 2}
	run := filepath.Join(dir, "run.nii")
	ev := writeSynthRun(t, run, shape, 40, 2, 3)
	vol := filepath.Join(dir, "vol.nii")
	writeSynthMask(t, vol, shape)
	other := filepath.Join(dir, "other.nii")
	writeSynthMask(t, other, [3]int{4, 3, 3})
	opts := DefaultFirstLevelOptions()
	fit := func(bold string, mask []bool, o FirstLevelOptions) error {
		_, err := FirstLevel([]FirstLevelRun{{BOLD: bold, Events: ev}}, mask, o)
		return err
	}
	bad := opts
	bad.NoiseModel = "ar3"
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"missing run", fit(filepath.Join(dir, "none.nii"), nil, opts), "none.nii"},
		{"3D run", fit(vol, nil, opts), "vol.nii: a first-level model needs a 4D image"},
		{"mask size", fit(run, make([]bool, 5), opts), "mask of 5 voxels"},
		{"empty mask", fit(run, make([]bool, 24), opts), "mask is empty"},
		{"noise model", fit(run, nil, bad), `noise model "ar3"`},
		{"confound rows", func() error {
			_, err := FirstLevel([]FirstLevelRun{{BOLD: run, Events: ev, Confounds: []Regressor{{Name: "fd", Values: make([]float64, 3)}}}}, nil, opts)
			return err
		}(), `confound "fd" has 3 rows`},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, c.err, c.want)
		}
	}
	h, err := nifti.Open(run, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := LoadMask(other, h.Header); err == nil || !strings.Contains(err.Error(), "other.nii: mask of shape") {
		t.Errorf("mask on another grid: %v", err)
	}
	if m, err := LoadMask(vol, h.Header); err != nil || len(m) != 24 {
		t.Errorf("mask on the run's grid: %v", err)
	}
	if _, err := os.Stat(run); err != nil {
		t.Fatal(err)
	}
}

// TestContrastFileName: nilearn's _clean_contrast_name on a few expressions.
func TestContrastFileName(t *testing.T) {
	for in, want := range map[string]string{"heat - warm": "heatMinusWarm", "heat": "heat", "0.5*heat + 0.5*warm": "05heatPlus05Warm",
		"Heat_pain-warm": "heatPainMinusWarm", "-warm_derivative": "MinusWarmDerivative"} {
		if got := ContrastFileName(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
