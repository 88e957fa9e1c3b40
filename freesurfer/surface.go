package freesurfer

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/painmark/painmark/mesh"
)

// Magic numbers of FreeSurfer's binary surface and per-vertex files (3-byte, big-endian).
const (
	triangleMagic = 0xFFFFFE // triangle surface (?h.white, ?h.pial, ?h.sphere, ...)
	quadMagic     = 0xFFFFFF // "new" curvature format (?h.thickness, ?h.curv, ?h.area, ...); also the old quad surface
)

// maxVertices bounds the counts read from a header, so a corrupt file fails with a clear error
// rather than an enormous allocation (FreeSurfer meshes have a few hundred thousand vertices).
const maxVertices = 1 << 26

// ReadSurface reads a FreeSurfer triangle surface (?h.white, ?h.pial, ?h.inflated, ?h.sphere,
// ?h.sphere.reg), as nibabel.freesurfer.read_geometry does: magic 0xFFFFFE, two text lines
// ("created by ..."), vertex and face counts, float32 coordinates and int32 faces, big-endian.
// Trailing volume-geometry tags are ignored.
func ReadSurface(path string) (*mesh.Mesh, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := parseSurface(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func readMagic(r io.Reader) (int, error) {
	var b [3]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, fmt.Errorf("too short for a FreeSurfer binary file: %w", err)
	}
	return int(b[0])<<16 | int(b[1])<<8 | int(b[2]), nil
}

// readBigEndian reads n big-endian values in blocks, so memory grows with the bytes present and a
// header claiming 2^26 vertices in a 20-byte file fails after one block, not after allocating
// gigabytes.
func readBigEndian[T int32 | float32](r io.Reader, n int) ([]T, error) {
	const block = 1 << 16
	out := make([]T, 0, min(n, block))
	for len(out) < n {
		k := min(n-len(out), block)
		out = append(out, make([]T, k)...)
		if err := binary.Read(r, binary.BigEndian, out[len(out)-k:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseSurface(r *bufio.Reader) (*mesh.Mesh, error) {
	magic, err := readMagic(r)
	if err != nil {
		return nil, err
	}
	switch magic {
	case triangleMagic:
	case quadMagic:
		return nil, fmt.Errorf("a quadrangle surface or a curvature file, not a triangle surface (magic 0xFFFFFF)")
	default:
		return nil, fmt.Errorf("magic number 0x%06X: not a FreeSurfer triangle surface (0xFFFFFE)", magic)
	}
	// nibabel reads two lines: the "created by" line and the empty one after it.
	for k := 0; k < 2; k++ {
		if _, err := r.ReadBytes('\n'); err != nil {
			return nil, fmt.Errorf("header text: %w", err)
		}
	}
	var counts [2]int32
	if err := binary.Read(r, binary.BigEndian, &counts); err != nil {
		return nil, fmt.Errorf("vertex and face counts: %w", err)
	}
	nv, nf := int(counts[0]), int(counts[1])
	if nv < 0 || nf < 0 || nv > maxVertices || nf > 2*maxVertices {
		return nil, fmt.Errorf("implausible counts: %d vertices, %d faces", nv, nf)
	}
	coords, err := readBigEndian[float32](r, 3*nv)
	if err != nil {
		return nil, fmt.Errorf("%d vertex coordinates: %w", nv, err)
	}
	faces, err := readBigEndian[int32](r, 3*nf)
	if err != nil {
		return nil, fmt.Errorf("%d faces: %w", nf, err)
	}
	m := &mesh.Mesh{Vertices: make([][3]float64, nv), Faces: make([][3]int, nf)}
	for i := range m.Vertices {
		for k := 0; k < 3; k++ {
			m.Vertices[i][k] = float64(coords[3*i+k])
		}
	}
	for i := range m.Faces {
		for k := 0; k < 3; k++ {
			m.Faces[i][k] = int(faces[3*i+k])
		}
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadMorph reads a FreeSurfer per-vertex file in the "new" curvature format (?h.thickness,
// ?h.curv, ?h.area, ?h.volume, ?h.sulc), as nibabel.freesurfer.read_morph_data does: magic
// 0xFFFFFF, vertex count, face count, values per vertex (1), float32 values, big-endian.
func ReadMorph(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := parseMorph(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

func parseMorph(r io.Reader) ([]float64, error) {
	magic, err := readMagic(r)
	if err != nil {
		return nil, err
	}
	if magic != quadMagic {
		return nil, fmt.Errorf("magic number 0x%06X: not a FreeSurfer curvature file in the new format (0xFFFFFF)", magic)
	}
	var h [3]int32
	if err := binary.Read(r, binary.BigEndian, &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	nv, perVertex := int(h[0]), int(h[2])
	if nv < 0 || nv > maxVertices {
		return nil, fmt.Errorf("implausible vertex count %d", nv)
	}
	if perVertex != 1 {
		return nil, fmt.Errorf("%d values per vertex; only 1 is supported", perVertex)
	}
	vals, err := readBigEndian[float32](r, nv)
	if err != nil {
		return nil, fmt.Errorf("%d values: %w", nv, err)
	}
	out := make([]float64, nv)
	for i, v := range vals {
		out[i] = float64(v)
		if math.IsInf(out[i], 0) {
			return nil, fmt.Errorf("vertex %d: infinite value", i)
		}
	}
	return out, nil
}
