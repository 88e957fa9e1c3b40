package nifti

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

func addFixtures(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "nibabel", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParseHeader: any byte string either parses into a header that validates or is refused with
// an error; it never panics, and an accepted header's affine and sizes are computable.
func FuzzParseHeader(f *testing.F) {
	addFixtures(f, "dt-int16.nii", "be-float32.nii", "v2-float64.nii", "ext-comment.nii", "affine-qform-oblique.nii")
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if err != nil {
			return
		}
		_ = h.DataBytes()
		_, _, _ = h.Affine()
		_, _ = h.RepetitionTime()
		if enc, err := h.Encode(); err == nil {
			if _, err := ParseHeader(enc); err != nil {
				t.Errorf("re-encoded header does not parse: %v", err)
			}
		}
	})
}

// FuzzReadImage feeds whole files (plain and gzip) through the streaming reader: errors are fine,
// panics and runaway allocations are not.
func FuzzReadImage(f *testing.F) {
	addFixtures(f, "dt-uint8.nii", "gz-int16.nii.gz", "scl-uint8.nii", "dim-5d.nii", "v2-be-float32.nii")
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		name := "f.nii"
		if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
			name = "f.nii.gz"
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(p, &Options{MaxVolumeBytes: 1 << 24, AllowNonFinite: true})
		if err != nil {
			return
		}
		defer r.Close()
		if r.Header.Datatype.IsComplex() || r.Header.Datatype.unsupported() != "" {
			return
		}
		buf := make([]float64, r.VoxelsPerVolume())
		for i := 0; i < 64; i++ {
			if err := r.Next(buf); err != nil {
				return
			}
		}
	})
}

// FuzzGzipStream corrupts a gzip-compressed image byte by byte: the reader must report an error or
// return the original data, never different data.
func FuzzGzipStream(f *testing.F) {
	orig, err := os.ReadFile(filepath.Join("testdata", "nibabel", "dt-int16.nii"))
	if err != nil {
		f.Fatal(err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(orig)
	zw.Close()
	gz := zb.Bytes()
	want, err := Load(filepath.Join("testdata", "nibabel", "dt-int16.nii"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(0, byte(0))
	f.Add(len(gz)/2, byte(0xff))
	f.Add(len(gz)-5, byte(1))
	f.Fuzz(func(t *testing.T, pos int, x byte) {
		if pos < 0 || pos >= len(gz) {
			return
		}
		b := append([]byte(nil), gz...)
		b[pos] ^= x
		p := filepath.Join(t.TempDir(), "c.nii.gz")
		os.WriteFile(p, b, 0o644)
		r, err := Open(p, nil)
		if err != nil {
			return
		}
		defer r.Close()
		// Integrity is known only at the end of the stream (gzip's CRC-32): read everything, then
		// the data must equal the original unless some call reported an error.
		var got []float64
		buf := make([]float64, r.VoxelsPerVolume())
		for {
			err := r.Next(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			got = append(got, buf...)
		}
		if len(got) != len(want.Data) {
			return // a corrupted header byte changed the shape: a different (valid) image
		}
		for i, v := range got {
			if v != want.Data[i] {
				t.Fatalf("corrupted stream (byte %d ^ %#x) read to the end without error but with different data", pos, x)
			}
		}
	})
}

// FuzzOpenDefaults opens whole files with the default options (the 4 GiB volume limit every
// command uses, where FuzzReadImage sets 16 MiB): opening never allocates for what a header or an
// extension claims rather than for the bytes present, and the first volumes of an image of at most
// 2^22 voxels stream without a panic. Seeds: the FuzzReadImage fixtures (nibabel's test files).
func FuzzOpenDefaults(f *testing.F) {
	addFixtures(f, "dt-uint8.nii", "gz-int16.nii.gz", "ext-comment.nii", "dim-5d.nii", "v2-be-float32.nii")
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		name := "f.nii"
		if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
			name = "f.nii.gz"
		}
		p := fuzzcheck.File(t, name, b)
		fuzzcheck.Bounded(t, func() {
			r, err := Open(p, nil)
			if err != nil {
				return
			}
			defer r.Close()
			if r.VoxelsPerVolume() > 1<<22 || r.Header.Datatype.IsComplex() || r.Header.Datatype.unsupported() != "" {
				return
			}
			buf := make([]float64, r.VoxelsPerVolume())
			for i := 0; i < 4; i++ {
				if r.Next(buf) != nil {
					return
				}
			}
		})
	})
}
