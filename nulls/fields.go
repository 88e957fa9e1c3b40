package nulls

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/painmark/painmark/internal/parallel"
)

// SmoothRandomFields draws n independent stationary Gaussian random fields on a grid (shape,
// isotropic voxels of size mm) at the voxels where keep is true (nil: all, x fastest), with unit
// variance over those voxels: white noise on the grid extended by the kernel's radius on every
// side, convolved along each axis with a Gaussian of the given FWHM (mm) truncated at 4 sigma
// (scipy.ndimage.gaussian_filter's default), then cropped to the grid. Unlike
// SmoothRandomVolumes, whose noise stops at the grid's edge (edge voxels average fewer draws, so
// the maps are rougher and less correlated there than inside), every voxel's value is the same
// weighted sum of draws: the field is stationary, as a brain map's smoothness does not change at
// a mask's edge. Map k draws from PCG(seed, k). It returns the maps and the kept voxels' mm
// positions.
func SmoothRandomFields(shape [3]int, size, fwhm float64, keep []bool, n int, seed uint64) ([][]float64, [][3]float64, error) {
	if !(size > 0) || !(fwhm > 0) || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 {
		return nil, nil, fmt.Errorf("smooth random fields: grid %v of %v mm voxels, FWHM %v mm", shape, size, fwhm)
	}
	total := shape[0] * shape[1] * shape[2]
	if keep != nil && len(keep) != total {
		return nil, nil, fmt.Errorf("smooth random fields: a mask of %d voxels for a %v grid", len(keep), shape)
	}
	var coords [][3]float64
	var index []int
	for i := 0; i < total; i++ {
		if keep == nil || keep[i] {
			coords = append(coords, [3]float64{size * float64(i%shape[0]), size * float64(i/shape[0]%shape[1]), size * float64(i/(shape[0]*shape[1]))})
			index = append(index, i)
		}
	}
	if len(coords) < 2 {
		return nil, nil, fmt.Errorf("smooth random fields: %d voxels kept", len(coords))
	}
	sigma := fwhm / math.Sqrt(8*math.Ln2) / size
	radius := int(4*sigma + 0.5)
	w := make([]float64, 2*radius+1)
	for k := range w {
		d := float64(k - radius)
		w[k] = math.Exp(-0.5 * d * d / (sigma * sigma))
	}
	maps := make([][]float64, n)
	parallel.For(n, func(m int) {
		vol := gaussianField(shape, w, rand.New(rand.NewPCG(seed, uint64(m))))
		v := make([]float64, len(index))
		var mean, ss float64
		for i, j := range index {
			v[i] = vol[j]
			mean += v[i] / float64(len(v))
		}
		for _, x := range v {
			ss += (x - mean) * (x - mean)
		}
		for i := range v {
			v[i] = (v[i] - mean) / math.Sqrt(ss/float64(len(v)-1))
		}
		maps[m] = v
	})
	return maps, coords, nil
}

// gaussianField is white noise on the grid extended by the kernel's radius on every side,
// convolved along each axis with the kernel w (2·radius + 1 weights) and cropped to shape (x
// fastest): each pass shrinks the padded grid by 2·radius along its axis ("valid" convolution).
func gaussianField(shape [3]int, w []float64, rng *rand.Rand) []float64 {
	radius := len(w) / 2
	sh := [3]int{shape[0] + 2*radius, shape[1] + 2*radius, shape[2] + 2*radius}
	vol := make([]float64, sh[0]*sh[1]*sh[2])
	for i := range vol {
		vol[i] = rng.NormFloat64()
	}
	for axis := 0; axis < 3; axis++ {
		out := sh
		out[axis] -= 2 * radius
		res := make([]float64, out[0]*out[1]*out[2])
		in := [3]int{1, sh[0], sh[0] * sh[1]}
		for z := 0; z < out[2]; z++ {
			for y := 0; y < out[1]; y++ {
				for x := 0; x < out[0]; x++ {
					start := x*in[0] + y*in[1] + z*in[2]
					var s float64
					for k, v := range w {
						s += v * vol[start+k*in[axis]]
					}
					res[x+out[0]*(y+out[1]*z)] = s
				}
			}
		}
		vol, sh = res, out
	}
	return vol
}
