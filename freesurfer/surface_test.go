package freesurfer

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveNibabelSurfaces compares the annotation, surface and curvature readers with nibabel's
// read_annot, read_geometry and read_morph_data: the real fsaverage5 aparc annotations of both
// hemispheres, and a surface and thickness file nibabel writes from the real fsaverage5 pial mesh.
func TestLiveNibabelSurfaces(t *testing.T) {
	annots := []string{fixtures.Shared(t, "enigma", "annot", "fsa5_lh_aparc.annot"), fixtures.Shared(t, "enigma", "annot", "fsa5_rh_aparc.annot")}
	var peer struct {
		Annot map[string]struct {
			Labels []int
			Names  []string
			Ctab   [][]int
		}
		Surface struct {
			Path     string
			Vertices []float64
			Faces    []int
		}
		Morph struct {
			Path   string
			Values []float64
		}
	}
	fixtures.RunPython(t, "testdata/nibabel_surface.py", map[string]any{"annot": annots,
		"gifti": fixtures.Shared(t, "enigma", "surfaces", "fsa5_lh.gii"), "dir": t.TempDir()}, &peer)
	for _, path := range annots {
		want := peer.Annot[path]
		a, err := ReadAnnotation(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(a.Names(), ",") != strings.Join(want.Names, ",") {
			t.Fatalf("%s: names %v, nibabel %v", path, a.Names(), want.Names)
		}
		for i, e := range a.Table {
			w := want.Ctab[i]
			if e.Red != w[0] || e.Green != w[1] || e.Blue != w[2] || e.Transparency != w[3] || e.Value != w[4] {
				t.Fatalf("%s entry %d: %+v, nibabel %v", path, i, e, w)
			}
		}
		if len(a.Labels) != len(want.Labels) {
			t.Fatalf("%s: %d vertices, nibabel %d", path, len(a.Labels), len(want.Labels))
		}
		for v := range want.Labels {
			if a.Labels[v] != want.Labels[v] {
				t.Fatalf("%s vertex %d: label %d, nibabel %d", path, v, a.Labels[v], want.Labels[v])
			}
		}
		if len(a.Labels) != 10242 {
			t.Errorf("%s: %d vertices, fsaverage5 has 10242", path, len(a.Labels))
		}
	}
	m, err := ReadSurface(peer.Surface.Path)
	if err != nil {
		t.Fatal(err)
	}
	if 3*len(m.Vertices) != len(peer.Surface.Vertices) || 3*len(m.Faces) != len(peer.Surface.Faces) {
		t.Fatalf("%d vertices and %d faces, nibabel %d and %d", len(m.Vertices), len(m.Faces), len(peer.Surface.Vertices)/3, len(peer.Surface.Faces)/3)
	}
	for i, v := range m.Vertices {
		for k := 0; k < 3; k++ {
			if v[k] != peer.Surface.Vertices[3*i+k] {
				t.Fatalf("vertex %d: %v, nibabel %v", i, v, peer.Surface.Vertices[3*i:3*i+3])
			}
		}
	}
	for i, f := range m.Faces {
		for k := 0; k < 3; k++ {
			if f[k] != peer.Surface.Faces[3*i+k] {
				t.Fatalf("face %d: %v, nibabel %v", i, f, peer.Surface.Faces[3*i:3*i+3])
			}
		}
	}
	vals, err := ReadMorph(peer.Morph.Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != len(peer.Morph.Values) {
		t.Fatalf("%d values, nibabel %d", len(vals), len(peer.Morph.Values))
	}
	for i := range vals {
		if vals[i] != peer.Morph.Values[i] {
			t.Fatalf("value %d: %v, nibabel %v", i, vals[i], peer.Morph.Values[i])
		}
	}
	// The two formats are not confused with each other.
	if _, err := ReadSurface(peer.Morph.Path); err == nil || !strings.Contains(err.Error(), "not a triangle surface") {
		t.Errorf("a curvature file read as a surface: %v", err)
	}
	if _, err := ReadMorph(peer.Surface.Path); err == nil || !strings.Contains(err.Error(), "not a FreeSurfer curvature") {
		t.Errorf("a surface read as a curvature file: %v", err)
	}
}

// TestRealAnnotation reads ENIGMA's fsaverage5 aparc annotation: 36 entries (unknown, corpus
// callosum and the 34 Desikan-Killiany regions), every vertex labelled or -1.
func TestRealAnnotation(t *testing.T) {
	a, err := ReadAnnotation(fixtures.Shared(t, "enigma", "annot", "fsa5_lh_aparc.annot"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, l := range a.Labels {
		if l >= 0 {
			counts[a.Table[l].Name]++
		}
	}
	if counts["precentral"] < 200 || counts["insula"] < 50 || len(counts) < 34 {
		t.Errorf("%d entries %v, counts %v", len(a.Table), a.Names(), counts)
	}
}

// TestBinaryErrors: truncated and foreign files name the problem instead of panicking.
func TestBinaryErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var buf bytes.Buffer
	buf.Write([]byte{0xFF, 0xFF, 0xFE})
	buf.WriteString("created by test\n\n")
	binary.Write(&buf, binary.BigEndian, []int32{3, 1})
	binary.Write(&buf, binary.BigEndian, []float32{0, 0, 0, 1, 0, 0, 0, 1, 0})
	good := append([]byte{}, buf.Bytes()...)
	binary.Write(&buf, binary.BigEndian, []int32{0, 1, 2})
	if m, err := ReadSurface(write("ok", buf.Bytes())); err != nil || len(m.Faces) != 1 {
		t.Fatalf("a one-triangle surface: %v", err)
	}
	bad := append(append([]byte{}, good...), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7)
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{
		"truncated": {good, "1 faces"},
		"vertex":    {bad, "names vertex 7"},
		"empty":     {nil, "too short"},
		"text":      {[]byte("hello world"), "magic number"},
	} {
		_, err := ReadSurface(write(name, c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want %q and the path", name, err, c.want)
		}
		_, err = ReadAnnotation(write(name+".annot", c.b))
		if err == nil {
			t.Errorf("%s read as an annotation", name)
		}
		_, err = ReadMorph(write(name+".curv", c.b))
		if err == nil {
			t.Errorf("%s read as a curvature file", name)
		}
	}
}
