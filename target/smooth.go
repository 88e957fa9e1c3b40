package target

import (
	"fmt"
	"math"
)

// Smooth smooths a map on a volume dataset's brainordinates with a Gaussian kernel of the given
// FWHM (mm), as nilearn's smooth_img does: the map is placed on the full grid (zero outside the
// brainordinates) and filtered along each axis by scipy's gaussian_filter1d (sigma =
// FWHM/√(8 ln 2)/voxel size, kernel truncated at 4 sigma, mirror-reflected borders), then read back
// at the brainordinates.
func Smooth(d *Dataset, values []float64, fwhm float64) ([]float64, error) {
	if d.Voxels == nil {
		return nil, fmt.Errorf("smoothing on the grid needs volume data; %s has no voxel grid", d.Source)
	}
	if len(values) != d.Len() {
		return nil, fmt.Errorf("smoothing: %d values for %d brainordinates", len(values), d.Len())
	}
	if fwhm <= 0 {
		return append([]float64(nil), values...), nil
	}
	sh := d.Shape
	vol := make([]float64, sh[0]*sh[1]*sh[2])
	for i, v := range d.Voxels {
		x := values[i]
		if math.IsNaN(x) || math.IsInf(x, 0) {
			x = 0
		}
		vol[v[0]+sh[0]*(v[1]+sh[1]*v[2])] = x
	}
	sizes := d.Affine.VoxelSizes()
	stride := [3]int{1, sh[0], sh[0] * sh[1]}
	for axis := 0; axis < 3; axis++ {
		sigma := fwhm / math.Sqrt(8*math.Log(2)) / sizes[axis]
		radius := int(4*sigma + 0.5)
		w := make([]float64, 2*radius+1)
		var sum float64
		for k := -radius; k <= radius; k++ {
			w[k+radius] = math.Exp(-0.5 * float64(k*k) / (sigma * sigma))
			sum += w[k+radius]
		}
		for k := range w {
			w[k] /= sum
		}
		n := sh[axis]
		line := make([]float64, n)
		out := make([]float64, n)
		// Every line along the axis: its start index runs over the other two axes.
		a1, a2 := (axis+1)%3, (axis+2)%3
		for p := 0; p < sh[a1]; p++ {
			for q := 0; q < sh[a2]; q++ {
				start := p*stride[a1] + q*stride[a2]
				for i := 0; i < n; i++ {
					line[i] = vol[start+i*stride[axis]]
				}
				for i := 0; i < n; i++ {
					var s float64
					for k := -radius; k <= radius; k++ {
						s += w[k+radius] * line[reflect(i+k, n)]
					}
					out[i] = s
				}
				for i := 0; i < n; i++ {
					vol[start+i*stride[axis]] = out[i]
				}
			}
		}
	}
	res := make([]float64, d.Len())
	for i, v := range d.Voxels {
		res[i] = vol[v[0]+sh[0]*(v[1]+sh[1]*v[2])]
	}
	return res, nil
}

// reflect maps an index outside [0, n) as scipy.ndimage's "reflect" mode (d c b a | a b c d |
// d c b a: the edge sample repeated).
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
}
