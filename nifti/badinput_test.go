package nifti

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// fixture returns the bytes of a committed fixture.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "nibabel", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// readEverything opens path and streams every volume, returning the first error.
func readEverything(path string, opts *Options) error {
	r, err := Open(path, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	buf := make([]float64, r.VoxelsPerVolume())
	for {
		if err := r.Next(buf); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func TestBadInputGivesClearErrors(t *testing.T) {
	good := fixture(t, "dt-float32.nii")
	hugeDims := append([]byte(nil), good...)
	for i := 1; i <= 4; i++ {
		binary.LittleEndian.PutUint16(hugeDims[40+2*i:], 32000)
	}
	bigVolume := append([]byte(nil), good...)
	binary.LittleEndian.PutUint16(bigVolume[42:], 32000)
	binary.LittleEndian.PutUint16(bigVolume[44:], 32000)
	binary.LittleEndian.PutUint16(bigVolume[46:], 100)
	zeroDim := append([]byte(nil), good...)
	binary.LittleEndian.PutUint16(zeroDim[44:], 0)
	badDatatype := append([]byte(nil), good...)
	binary.LittleEndian.PutUint16(badDatatype[70:], 99)
	lowOffset := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(lowOffset[108:], math.Float32bits(200))
	badMagic := append([]byte(nil), good...)
	copy(badMagic[344:], "xx1\x00")
	corruptGz := gz(t, good)
	corruptGz[len(corruptGz)/2] ^= 0xff
	badCRC := gz(t, good)
	badCRC[len(badCRC)-6] ^= 0xff

	cases := []struct {
		name, file string
		data       []byte
		want       string
		opts       *Options
	}{
		{"truncated data", "t.nii", good[:len(good)-10], "truncated", nil},
		{"truncated header", "t.nii", good[:200], "ends inside the header", nil},
		{"truncated gzip", "t.nii.gz", gz(t, good)[:300], "truncated", nil},
		{"gzip of a truncated image", "t.nii.gz", gz(t, good[:len(good)-10]), "truncated", nil},
		{"corrupt gzip", "t.nii.gz", corruptGz, "gzip", nil},
		{"gzip checksum", "t.nii.gz", badCRC, "checksum", nil},
		{"absurd dimensions", "t.nii", hugeDims, "corrupt", nil},
		{"one huge volume", "t.nii.gz", gz(t, bigVolume), "look corrupt", nil},
		{"zero dimension", "t.nii", zeroDim, "dim[2] = 0", nil},
		{"unknown datatype", "t.nii", badDatatype, "datatype code 99", nil},
		{"offset inside header", "t.nii", lowOffset, "vox_offset 200", nil},
		{"not nifti", "t.nii", []byte("hello world, this is not an image at all"), "not a NIfTI file", nil},
		{"bad magic", "t.nii", badMagic, "magic", nil},
		{"gz name, plain content", "t.nii.gz", good, "not gzip", nil},
		{"empty file", "t.nii", nil, "too short", nil},
		{"nan refused", "nan.nii", fixture(t, "nonfinite-float32.nii"), "non-finite", nil},
		{"rgb refused", "rgb.nii", fixture(t, "dt-rgb.nii"), "RGB", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, c.file, c.data)
			err := readEverything(path, c.opts)
			if err == nil {
				t.Fatalf("no error for %s", c.name)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
	if err := readEverything(filepath.Join(t.TempDir(), "missing.nii"), nil); err == nil || !strings.Contains(err.Error(), "missing.nii") {
		t.Errorf("missing file: %v", err)
	}
}

func TestTruncatedPairNamesTheImageFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.hdr"), fixture(t, "pair-v1-int16.hdr"), 0o644)
	img := fixture(t, "pair-v1-int16.img")
	os.WriteFile(filepath.Join(dir, "p.img"), img[:len(img)/2], 0o644)
	err := readEverything(filepath.Join(dir, "p.hdr"), nil)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "p.img")) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated .img: %v", err)
	}
	os.Remove(filepath.Join(dir, "p.img"))
	if err := readEverything(filepath.Join(dir, "p.hdr"), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing .img: %v", err)
	}
}

func TestNonFiniteHeaderFieldsGiveErrors(t *testing.T) {
	good := fixture(t, "affine-qform-only.nii")
	for name, patch := range map[string]func([]byte){
		"NaN quaternion": func(b []byte) { binary.LittleEndian.PutUint32(b[256:], math.Float32bits(float32(math.NaN()))) },
		"Inf qoffset":    func(b []byte) { binary.LittleEndian.PutUint32(b[268:], math.Float32bits(float32(math.Inf(1)))) },
		"NaN sform": func(b []byte) {
			binary.LittleEndian.PutUint16(b[254:], 1)
			binary.LittleEndian.PutUint32(b[280:], math.Float32bits(float32(math.NaN())))
		},
	} {
		b := append([]byte(nil), good...)
		patch(b)
		h, err := ParseHeader(b)
		if err != nil {
			continue // refused at parse time: fine
		}
		if _, _, err := h.Affine(); err == nil || !strings.Contains(err.Error(), "finite") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNonFiniteAllowedWhenAsked(t *testing.T) {
	path := filepath.Join("testdata", "nibabel", "nonfinite-float32.nii")
	if err := readEverything(path, &Options{AllowNonFinite: true}); err != nil {
		t.Fatal(err)
	}
	_, st, err := ComputeStats(path)
	if err != nil || st.NonFinite != 2 {
		t.Fatalf("stats: %+v, %v", st, err)
	}
}

func TestRandomAccessEqualsStreaming(t *testing.T) {
	for _, name := range []string{"dt-int16.nii", "gz-int16.nii.gz", "be-float64.nii", "scl-int16-be.nii"} {
		path := filepath.Join("testdata", "nibabel", name)
		im, err := Load(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		vol := make([]float64, r.VoxelsPerVolume())
		for _, tv := range []int{1, 0, 1} { // backwards too
			if err := r.ReadVolume(tv, vol); err != nil {
				t.Fatal(err)
			}
			if !equalSlices(vol, im.Volume(tv)) {
				t.Errorf("%s: ReadVolume(%d) differs from Load", name, tv)
			}
		}
		ts := make([]float64, r.NumVolumes())
		err = r.TimeSeries(2, 3, 4, ts)
		if r.IsGzip() {
			if err == nil {
				t.Errorf("%s: time series of a gzip file should be refused", name)
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			for tv := range ts {
				if ts[tv] != im.At(2, 3, 4, tv) {
					t.Errorf("%s: TimeSeries[%d] = %v, want %v", name, tv, ts[tv], im.At(2, 3, 4, tv))
				}
			}
		}
		r.Close()
	}
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameFloat(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestWriteReadRoundTrip(t *testing.T) {
	src, err := Load(filepath.Join("testdata", "nibabel", "dt-float32.nii"), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name    string
		dt      Datatype
		version int
		bo      binary.ByteOrder
		slope   float64
		inter   float64
	}{
		{"f32.nii.gz", Float32, 1, binary.LittleEndian, 1, 0},
		{"f64-be.nii", Float64, 1, binary.BigEndian, 1, 0},
		{"f64-v2.nii", Float64, 2, binary.LittleEndian, 1, 0},
		{"i16-scaled.nii", Int16, 1, binary.LittleEndian, 0.01, 100},
		{"i32-v2-be.nii.gz", Int32, 2, binary.BigEndian, 1e-5, 0},
	} {
		h := *src.Header
		h.Datatype, h.Version, h.ByteOrder, h.SclSlope, h.SclInter = c.dt, c.version, c.bo, c.slope, c.inter
		path := filepath.Join(dir, c.name)
		if err := Write(path, &h, src.Data); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := Load(path, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ga, _, _ := got.Header.Affine()
		sa, _, _ := src.Header.Affine()
		if ga != sa {
			t.Errorf("%s: affine changed: %v vs %v", c.name, ga, sa)
		}
		for i, v := range src.Data {
			tol := 0.0
			if c.dt.IsInteger() {
				tol = c.slope / 2
			}
			if math.Abs(got.Data[i]-v) > tol*(1+1e-9) {
				t.Fatalf("%s: voxel %d = %v, wrote %v", c.name, i, got.Data[i], v)
			}
		}
	}
}

func TestWriterRefusesOutOfRangeAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	h := NewHeader([]int{2, 2, 1}, Uint8)
	path := filepath.Join(dir, "out.nii")
	if err := Write(path, h, []float64{1, 2, 300, 4}); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Fatalf("want range error, got %v", err)
	}
	w, err := Create(filepath.Join(dir, "partial.nii.gz"), NewHeader([]int{2, 2, 1, 3}, Float32))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteVolume([]float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteVolumes(make([]float64, 12)); err == nil || !strings.Contains(err.Error(), "2 of 3 left") {
		t.Errorf("too many volumes at once: %v", err)
	}
	if err := w.WriteVolumes(make([]float64, 6)); err == nil || !strings.Contains(err.Error(), "whole volumes") {
		t.Errorf("a partial volume: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("closing after 1 of 3 volumes should fail")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}
}

func TestSetAffineRoundTripsThroughQform(t *testing.T) {
	c, s := math.Cos(0.4), math.Sin(0.4)
	for _, a := range []struct {
		name string
		aff  [4][4]float64
	}{
		{"rotation", [4][4]float64{{2 * c, -2 * s, 0, 10}, {2 * s, 2 * c, 0, -4}, {0, 0, 3, 7}, {0, 0, 0, 1}}},
		{"radiological", [4][4]float64{{-2, 0, 0, 90}, {0, 2, 0, -126}, {0, 0, 2, -72}, {0, 0, 0, 1}}},
		{"reflected z", [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, -1.5, 0}, {0, 0, 0, 1}}},
	} {
		h := NewHeader([]int{4, 4, 4}, Float32)
		h.SetAffine(a.aff, XformScannerAnat)
		h.SformCode = XformUnknown
		q, src, err := h.Affine()
		if err != nil || src != "qform" {
			t.Fatalf("%s: %v %s", a.name, err, src)
		}
		if d := q.MaxAbsDiff(a.aff); d > 1e-12 {
			t.Errorf("%s: qform differs from the affine set by %g", a.name, d)
		}
	}
}
