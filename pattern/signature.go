package pattern

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/version"
)

// Kind is the kind of a voxel-pattern signature file (format painmark-signature).
const Kind = "voxel pattern"

// Signature is a voxel-pattern signature file: a weight map over a template space's grid, either
// embedded (its non-zero voxels and weights) or referred to by a path and the SHA-256 of the file,
// so that a published map that is not ours to ship stays in the user's copy and is still pinned.
type Signature struct {
	Format      string `json:"format"`
	Version     int    `json:"version"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Space is the template space of the map (e.g. MNI152NLin2009cAsym, MNI152NLin6Asym).
	Space string `json:"space"`
	// Grid is the map's voxel grid: shape and voxel-to-world affine (mm).
	Grid Grid `json:"grid"`
	// MapPath is the weight map's NIfTI file, relative to the signature file's folder (or
	// absolute), and MapSHA256 the SHA-256 of its bytes; empty when the map is embedded.
	MapPath   string `json:"map_path,omitempty"`
	MapSHA256 string `json:"map_sha256,omitempty"`
	// Voxels (grid indices, x fastest, increasing) and Weights are the embedded map's non-zero
	// weights.
	Voxels  []int     `json:"voxels,omitempty"`
	Weights []float64 `json:"weights,omitempty"`
	// Licence is the map's licence as its authors give it (e.g. "BSD-3-Clause"), or "unknown".
	Licence    string               `json:"licence"`
	Provenance signature.Provenance `json:"provenance"`
	// Checksum is the SHA-256 of the file's JSON with this field empty; Read verifies it.
	Checksum string `json:"checksum"`
}

// Grid is a voxel grid: its shape and affine.
type Grid struct {
	Shape  [3]int       `json:"shape"`
	Affine space.Affine `json:"affine"`
}

// NewSignature makes a voxel-pattern signature of the weight map at mapPath: embedded (embed) or
// referred to by path (made relative to sigDir when it lies under it) and SHA-256.
func NewSignature(mapPath, sigDir, name, spaceName, licence string, embed bool) (*Signature, error) {
	m, err := LoadMap(mapPath)
	if err != nil {
		return nil, err
	}
	s := &Signature{Format: signature.Format, Version: signature.FormatVersion, Kind: Kind, Name: name, Space: spaceName,
		Grid: Grid{Shape: m.Shape, Affine: m.Affine}, Licence: licence,
		Provenance: signature.Provenance{Source: "weight map " + filepath.Base(mapPath), SoftwareVersion: version.Version}}
	if s.Licence == "" {
		s.Licence = "unknown"
	}
	if embed {
		for i, v := range m.Values {
			if v != 0 {
				s.Voxels, s.Weights = append(s.Voxels, i), append(s.Weights, v)
			}
		}
		return s, nil
	}
	if s.MapSHA256, err = fileSHA256(mapPath); err != nil {
		return nil, err
	}
	s.MapPath = mapPath
	if abs, err1 := filepath.Abs(mapPath); err1 == nil {
		if d, err2 := filepath.Abs(sigDir); err2 == nil {
			if rel, err3 := filepath.Rel(d, abs); err3 == nil && filepath.IsLocal(rel) {
				s.MapPath = rel
			}
		}
	}
	return s, nil
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Validate checks the file's format, kind and consistency.
func (s *Signature) Validate() error {
	if s.Format != signature.Format || s.Kind != Kind {
		return fmt.Errorf("not a voxel-pattern signature (format %q, kind %q)", s.Format, s.Kind)
	}
	if s.Version < 1 || s.Version > signature.FormatVersion {
		return fmt.Errorf("signature format version %d (this painmark reads 1 to %d)", s.Version, signature.FormatVersion)
	}
	n := s.Grid.Shape[0] * s.Grid.Shape[1] * s.Grid.Shape[2]
	if n <= 0 {
		return fmt.Errorf("signature %q: grid shape %v", s.Name, s.Grid.Shape)
	}
	if (s.MapPath == "") == (len(s.Voxels) == 0) {
		return fmt.Errorf("signature %q: give either map_path or embedded voxels and weights", s.Name)
	}
	if len(s.Voxels) != len(s.Weights) {
		return fmt.Errorf("signature %q: %d voxels and %d weights", s.Name, len(s.Voxels), len(s.Weights))
	}
	for i, v := range s.Voxels {
		if v < 0 || v >= n || (i > 0 && v <= s.Voxels[i-1]) {
			return fmt.Errorf("signature %q: voxel %d (position %d) is outside the grid or out of order", s.Name, v, i)
		}
	}
	return nil
}

func (s Signature) checksum() (string, error) {
	s.Checksum = ""
	return signature.ChecksumJSON(s)
}

// Write validates the signature, stamps its checksum and writes it as indented JSON, atomically.
func (s *Signature) Write(path string) error {
	if err := s.Validate(); err != nil {
		return err
	}
	sum, err := s.checksum()
	if err != nil {
		return err
	}
	s.Checksum = sum
	return atomicfile.WriteJSON(path, s)
}

// ReadSignature reads a voxel-pattern signature file, verifying its format, kind and checksum.
func ReadSignature(path string) (*Signature, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Signature
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: not a signature file: %w", path, err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sum, err := s.checksum(); err != nil || sum != s.Checksum {
		return nil, fmt.Errorf("%s: checksum mismatch (the file was changed after it was written)", path)
	}
	return &s, nil
}

// Map returns the signature's weight map: the embedded weights, or the referred file (relative to
// the folder of the signature file at sigPath), refused when its SHA-256 or grid differ from the
// recorded ones.
func (s *Signature) Map(sigPath string) (*Map, error) {
	if s.MapPath == "" {
		m := &Map{Shape: s.Grid.Shape, Affine: s.Grid.Affine, Values: make([]float64, s.Grid.Shape[0]*s.Grid.Shape[1]*s.Grid.Shape[2])}
		for i, v := range s.Voxels {
			m.Values[v] = s.Weights[i]
		}
		return m, nil
	}
	p := s.MapPath
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(sigPath), p)
	}
	sum, err := fileSHA256(p)
	if err != nil {
		return nil, fmt.Errorf("signature %q: weight map: %w", s.Name, err)
	}
	if sum != s.MapSHA256 {
		return nil, fmt.Errorf("%s: SHA-256 %.12s… differs from the %.12s… signature %q recorded: another map, or the map was changed", p, sum, s.MapSHA256, s.Name)
	}
	m, err := LoadMap(p)
	if err != nil {
		return nil, err
	}
	if !m.SameGrid(s.Grid.Shape, s.Grid.Affine) {
		return nil, fmt.Errorf("%s: grid %v differs from the signature's %v", p, m.Shape, s.Grid.Shape)
	}
	return m, nil
}
