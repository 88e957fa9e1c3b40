package freesurfer

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadBinary feeds any bytes to the three binary readers (triangle surface, annotation,
// curvature file): each reads them or refuses them with an error, never panics, and never
// allocates for what a header claims rather than for the bytes present. Seeds: a one-triangle
// surface and a three-vertex curvature file built here (as in TestBinaryErrors), and, committed in
// testdata/fuzz/FuzzReadBinary, ../shared/data/enigma/annot/fsa5_lh_aparc.annot reduced to its
// first 40 vertices with its whole colour table.
func FuzzReadBinary(f *testing.F) {
	var surf bytes.Buffer
	surf.Write([]byte{0xFF, 0xFF, 0xFE})
	surf.WriteString("created by test\n\n")
	binary.Write(&surf, binary.BigEndian, []int32{3, 1})
	binary.Write(&surf, binary.BigEndian, []float32{0, 0, 0, 1, 0, 0, 0, 1, 0})
	binary.Write(&surf, binary.BigEndian, []int32{0, 1, 2})
	f.Add(surf.Bytes())
	var curv bytes.Buffer
	curv.Write([]byte{0xFF, 0xFF, 0xFF})
	binary.Write(&curv, binary.BigEndian, []int32{3, 1, 1})
	binary.Write(&curv, binary.BigEndian, []float32{2.5, -0.1, 3})
	f.Add(curv.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "lh.white", b)
		fuzzcheck.Bounded(t, func() {
			if m, err := ReadSurface(p); err == nil {
				if err := m.Check(); err != nil {
					t.Fatalf("surface accepted but fails its check: %v", err)
				}
			}
			ReadMorph(p)
			if a, err := ReadAnnotation(p); err == nil {
				for v, l := range a.Labels {
					if l < -1 || l >= len(a.Table) {
						t.Fatalf("vertex %d: label %d of %d entries", v, l, len(a.Table))
					}
				}
			}
		})
	})
}
