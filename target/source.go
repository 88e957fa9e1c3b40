package target

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/table"
)

// Source names a resting-state run: a 4D NIfTI (Bold, with its brain Mask; without one every voxel
// that varies) or a CIFTI-2 dtseries (Dtseries, with the left and right midthickness Surfaces
// giving its vertices' positions).
type Source struct {
	Bold, Mask, Dtseries string
	Surfaces             []string
}

// Load reads the run a Source names.
func Load(s Source) (*Dataset, error) {
	switch {
	case s.Bold != "" && s.Dtseries == "":
		return FromNIfTI(s.Bold, s.Mask)
	case s.Dtseries != "" && s.Bold == "":
		surf, err := readSurfaces(s.Surfaces)
		if err != nil {
			return nil, err
		}
		return FromCIFTI(s.Dtseries, surf)
	}
	return nil, fmt.Errorf("give a 4D NIfTI run (with its mask) or a CIFTI dtseries")
}

// readSurfaces reads the left and right cortical surfaces (either may be missing) by CIFTI
// structure.
func readSurfaces(paths []string) (map[string][][3]float64, error) {
	if len(paths) > 2 {
		return nil, fmt.Errorf("surfaces: left,right")
	}
	surf := map[string][][3]float64{}
	for k, p := range paths {
		m, err := gifti.ReadSurface(p)
		if err != nil {
			return nil, err
		}
		surf[[]string{"CIFTI_STRUCTURE_CORTEX_LEFT", "CIFTI_STRUCTURE_CORTEX_RIGHT"}[k]] = m.Vertices
	}
	return surf, nil
}

// ext is the extension of the dataset's map files: NIfTI or CIFTI dscalar.
func (d *Dataset) ext() string {
	if d.Models != nil {
		return ".dscalar.nii"
	}
	return ".nii.gz"
}

// DefaultNeighbour joins voxels that share a face, an edge or a corner (26-connectivity): 1.01 x
// the voxel diagonal, 3 mm where the data have no grid.
func (d *Dataset) DefaultNeighbour() float64 {
	vs := d.Affine.VoxelSizes()
	diag := math.Sqrt(vs[0]*vs[0] + vs[1]*vs[1] + vs[2]*vs[2])
	if diag == 0 || math.IsNaN(diag) {
		return 3
	}
	return 1.01 * diag
}

// SeedSpec names a seed: a sphere (MM, the centre x, y, z in mm, with Radius), a mask image on the
// data's grid (Mask, e.g. a lesion) or a region of a label image on the data's grid (Region,
// "ATLAS:LABEL" with an integer label). Name labels the seed in messages.
type SeedSpec struct {
	Name   string
	MM     []float64
	Radius float64
	Mask   string
	Region string
}

// DefaultSeedRadius is the radius (mm) of a coordinate seed.
const DefaultSeedRadius = 6

// IsSet says whether the spec names a seed.
func (s SeedSpec) IsSet() bool { return len(s.MM) > 0 || s.Mask != "" || s.Region != "" }

// Resolve finds the seed's brainordinates in a dataset.
func (s SeedSpec) Resolve(d *Dataset) (Seed, error) {
	name := func(def string) string {
		if s.Name != "" {
			return s.Name
		}
		return def
	}
	switch {
	case len(s.MM) == 3:
		return SphereSeed(d, name("sphere"), [3]float64{s.MM[0], s.MM[1], s.MM[2]}, s.Radius)
	case len(s.MM) != 0:
		return Seed{}, fmt.Errorf("a seed coordinate needs x,y,z, got %d numbers", len(s.MM))
	case s.Mask != "":
		m, err := atlas.LoadMask(s.Mask, 0.5)
		if err != nil {
			return Seed{}, err
		}
		return MaskSeed(d, name(filepath.Base(s.Mask)), m)
	case s.Region != "":
		ref, err := table.ParseColumnRef(s.Region, "seed region")
		l, errLabel := strconv.Atoi(ref.Column)
		if err != nil || errLabel != nil {
			return Seed{}, fmt.Errorf("seed region %q: want ATLAS:LABEL (an integer label)", s.Region)
		}
		img, err := atlas.LoadLabelImage(ref.Path)
		if err != nil {
			return Seed{}, err
		}
		sel := *img
		sel.Labels = make([]int32, len(img.Labels))
		for k, v := range img.Labels {
			if v == int32(l) {
				sel.Labels[k] = 1
			}
		}
		return MaskSeed(d, name(s.Region), &sel)
	}
	return Seed{}, fmt.Errorf("no seed: give a coordinate, a mask or a region")
}

// ReadAffine reads a 4x4 affine written as 16 numbers, row by row (whitespace or commas), whose
// last row must be 0 0 0 1 (e.g. a native-to-template transform).
func ReadAffine(path string) (space.Affine, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return space.Affine{}, err
	}
	f := strings.FieldsFunc(string(b), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(f) != 16 {
		return space.Affine{}, fmt.Errorf("%s: %d numbers; a 4x4 affine has 16", path, len(f))
	}
	var a space.Affine
	for k, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return space.Affine{}, fmt.Errorf("%s: %q is not a number", path, s)
		}
		a[k/4][k%4] = v
	}
	if a[3] != [4]float64{0, 0, 0, 1} {
		return space.Affine{}, fmt.Errorf("%s: the last row is %v, an affine's is 0 0 0 1", path, a[3])
	}
	return a, nil
}

// ReadTolerability reads scalp positions (a table with columns name, x, y, z in the data's space)
// and Meteyard & Holmes' TMS-SMART ratings, weighting a target's score by
// 1 − weight·pain/10.
func ReadTolerability(scalp, ratings string, weight float64) (*Tolerability, error) {
	tb, err := table.Read(scalp, nil)
	if err != nil {
		return nil, err
	}
	name, err := tb.Column("name")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", scalp, err)
	}
	var xyz [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		if xyz[k], err = tb.Floats(c); err != nil {
			return nil, fmt.Errorf("%s: %w", scalp, err)
		}
	}
	r, err := ReadMeteyardHolmes(ratings)
	if err != nil {
		return nil, err
	}
	tol := &Tolerability{Ratings: r, Weight: weight}
	for i, n := range name.Raw {
		tol.Sites = append(tol.Sites, ScalpSite{Name: n, MM: [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}})
	}
	return tol, nil
}

// ones is a vector of n ones (the underlay of slice views).
func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
