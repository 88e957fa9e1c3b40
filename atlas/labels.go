package atlas

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// LabelImage is a 3D image of region labels (0 = background) on a voxel grid.
type LabelImage struct {
	Path   string
	Shape  [3]int
	Affine space.Affine
	Labels []int32 // x fastest, as NIfTI
}

// LoadLabelImage reads a label image. Labels stored as floats (as MIST's) are accepted when every
// value is a non-negative integer; anything else is refused rather than truncated.
func LoadLabelImage(path string) (*LabelImage, error) {
	r, err := nifti.Open(path, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if r.NumVolumes() != 1 {
		return nil, fmt.Errorf("%s: a label image has one volume, this one has %d (shape %v)", path, r.NumVolumes(), r.Header.Shape())
	}
	aff, _, err := r.Header.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	vol := make([]float64, r.VoxelsPerVolume())
	if err := r.Next(vol); err != nil {
		return nil, err
	}
	li := &LabelImage{Path: path, Shape: r.Header.VolumeShape(), Affine: aff, Labels: make([]int32, len(vol))}
	for i, v := range vol {
		if v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
			sh := li.Shape
			return nil, fmt.Errorf("%s: voxel (%d,%d,%d) holds %v; label images hold non-negative integers (is this a probabilistic map?)",
				path, i%sh[0], (i/sh[0])%sh[1], i/(sh[0]*sh[1]), v)
		}
		li.Labels[i] = int32(v)
	}
	return li, nil
}

// Counts returns the number of voxels of each non-zero label.
func (l *LabelImage) Counts() map[int32]int {
	c := map[int32]int{}
	for _, v := range l.Labels {
		if v != 0 {
			c[v]++
		}
	}
	return c
}

// LabelValues returns the distinct non-zero labels, sorted.
func (l *LabelImage) LabelValues() []int32 {
	c := l.Counts()
	out := make([]int32, 0, len(c))
	for v := range c {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ResampleTo returns the label image on another grid by nearest neighbour: each target voxel takes
// the label of the source voxel nearest to the same world point (through the two affines), or 0
// outside the source. This is nilearn's resample_to_img(interpolation="nearest"), i.e.
// scipy.ndimage.affine_transform with order 0 (round half up) and mode "constant": a point is
// outside when its source coordinate is below 0 or above n-1, even by a rounding error, so the
// outer half voxel of the atlas is not extended.
func (l *LabelImage) ResampleTo(shape [3]int, target space.Affine) (*LabelImage, error) {
	inv, err := l.Affine.Inverse()
	if err != nil {
		return nil, fmt.Errorf("%s: atlas affine: %w", l.Path, err)
	}
	if !target.IsFinite() {
		return nil, fmt.Errorf("%s: the target grid's affine is not finite", l.Path)
	}
	if _, err := target.Inverse(); err != nil {
		return nil, fmt.Errorf("%s: target affine: %w", l.Path, err)
	}
	m := inv.Mul(target) // target voxel -> source voxel
	out := &LabelImage{Path: l.Path, Shape: shape, Affine: target, Labels: make([]int32, shape[0]*shape[1]*shape[2])}
	sx, sy, sz := l.Shape[0], l.Shape[1], l.Shape[2]
	hit := 0
	idx := 0
	for k := 0; k < shape[2]; k++ {
		for j := 0; j < shape[1]; j++ {
			for i := 0; i < shape[0]; i++ {
				x, y, z := m.Apply(float64(i), float64(j), float64(k))
				if x >= 0 && y >= 0 && z >= 0 && x <= float64(sx-1) && y <= float64(sy-1) && z <= float64(sz-1) {
					xi, yi, zi := int(math.Floor(x+0.5)), int(math.Floor(y+0.5)), int(math.Floor(z+0.5))
					v := l.Labels[xi+sx*(yi+sy*zi)]
					out.Labels[idx] = v
					if v != 0 {
						hit++
					}
				}
				idx++
			}
		}
	}
	if hit == 0 && len(l.Counts()) > 0 {
		return nil, fmt.Errorf("%s: no labelled voxel of the atlas falls inside the target grid: the two images do not overlap in world space (different spaces, or a wrong affine?)", l.Path)
	}
	return out, nil
}

// CheckAgainst compares the labels of an image with a region table: regions absent from the image
// and labels absent from the table are both reported.
func (l *LabelImage) CheckAgainst(t *Table) (missingInImage []Region, unknownLabels []int32) {
	counts := l.Counts()
	for _, r := range t.Regions {
		if counts[int32(r.Index)] == 0 {
			missingInImage = append(missingInImage, r)
		}
	}
	for _, v := range l.LabelValues() {
		if _, ok := t.ByIndex(int(v)); !ok {
			unknownLabels = append(unknownLabels, v)
		}
	}
	return
}
