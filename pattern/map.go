package pattern

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// Interpolations of the weight map onto an image's grid.
const (
	// Linear is trilinear interpolation, as CanlabCore's resample_space (MATLAB interp3 'linear')
	// and nilearn's resample_to_img(interpolation="linear") (scipy.ndimage order 1); points outside
	// the map's grid are 0 (equal to resample_to_img: TestLiveResample).
	Linear = "linear"
	// Nearest takes the nearest voxel's weight (round half up), 0 outside the map's grid.
	Nearest = "nearest"
)

// Map is a weight map on a voxel grid: Values in NIfTI order (x fastest), NaN weights set to 0 as
// CanlabCore's apply_mask does.
type Map struct {
	Shape  [3]int       `json:"shape"`
	Affine space.Affine `json:"affine"`
	Values []float64    `json:"-"`
}

// LoadMap reads a 3D weight map (NIfTI).
func LoadMap(path string) (*Map, error) {
	im, err := nifti.Load(path, &nifti.Options{AllowNonFinite: true})
	if err != nil {
		return nil, err
	}
	if im.Header.NumVolumes() != 1 {
		return nil, fmt.Errorf("%s: a weight map has one volume, this image has %d", path, im.Header.NumVolumes())
	}
	aff, _, err := im.Header.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &Map{Shape: im.Header.VolumeShape(), Affine: aff, Values: im.Data}
	nz := 0
	for i, v := range m.Values {
		if math.IsNaN(v) {
			m.Values[i] = 0
		} else if math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: weight %v at voxel %d is not finite", path, v, i)
		}
		if m.Values[i] != 0 {
			nz++
		}
	}
	if nz == 0 {
		return nil, fmt.Errorf("%s: the weight map has no non-zero weight", path)
	}
	return m, nil
}

// SameGrid reports whether the map is on the given grid (shape equal, affine equal to 1e-6 mm).
func (m *Map) SameGrid(shape [3]int, aff space.Affine) bool {
	if shape != m.Shape {
		return false
	}
	for r := range aff {
		for c := range aff[r] {
			if math.Abs(aff[r][c]-m.Affine[r][c]) > 1e-6 {
				return false
			}
		}
	}
	return true
}

// ResampleTo returns the map on another grid (its values at the world positions of the grid's
// voxels) by the interpolation given (Linear or Nearest). A map already on the grid is returned
// as it is.
func (m *Map) ResampleTo(shape [3]int, aff space.Affine, interp string) (*Map, error) {
	if m.SameGrid(shape, aff) {
		return m, nil
	}
	if interp != Linear && interp != Nearest {
		return nil, fmt.Errorf("interpolation %q: %q or %q", interp, Linear, Nearest)
	}
	inv, err := m.Affine.Inverse()
	if err != nil {
		return nil, fmt.Errorf("weight map affine: %w", err)
	}
	if _, err := aff.Inverse(); err != nil {
		return nil, fmt.Errorf("image affine: %w", err)
	}
	tr := inv.Mul(aff) // image voxel -> map voxel
	out := &Map{Shape: shape, Affine: aff, Values: make([]float64, shape[0]*shape[1]*shape[2])}
	sx, sy, sz := m.Shape[0], m.Shape[1], m.Shape[2]
	at := func(i, j, k int) float64 {
		if i < 0 || j < 0 || k < 0 || i >= sx || j >= sy || k >= sz {
			return 0
		}
		return m.Values[i+sx*(j+sy*k)]
	}
	idx, hit := 0, 0
	for k := 0; k < shape[2]; k++ {
		for j := 0; j < shape[1]; j++ {
			for i := 0; i < shape[0]; i++ {
				x, y, z := tr.Apply(float64(i), float64(j), float64(k))
				var v float64
				if x >= 0 && y >= 0 && z >= 0 && x <= float64(sx-1) && y <= float64(sy-1) && z <= float64(sz-1) {
					if interp == Nearest {
						v = at(int(math.Floor(x+0.5)), int(math.Floor(y+0.5)), int(math.Floor(z+0.5)))
					} else {
						x0, y0, z0 := int(math.Floor(x)), int(math.Floor(y)), int(math.Floor(z))
						fx, fy, fz := x-float64(x0), y-float64(y0), z-float64(z0)
						for c := 0; c < 8; c++ {
							wx, wy, wz := 1-fx, 1-fy, 1-fz
							dx, dy, dz := c&1, (c>>1)&1, (c>>2)&1
							if dx == 1 {
								wx = fx
							}
							if dy == 1 {
								wy = fy
							}
							if dz == 1 {
								wz = fz
							}
							if w := wx * wy * wz; w != 0 {
								v += w * at(x0+dx, y0+dy, z0+dz)
							}
						}
					}
				}
				out.Values[idx] = v
				if v != 0 {
					hit++
				}
				idx++
			}
		}
	}
	if hit == 0 {
		return nil, fmt.Errorf("no weight of the map falls inside the image's grid: the two do not overlap in world space (different spaces, or a wrong affine?)")
	}
	return out, nil
}
