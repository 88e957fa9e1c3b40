// Package synth generates realistic synthetic data for benchmarks and tests: a BOLD run on the
// 2 mm MNI grid and a parcellation of its brain.
package synth

import (
	"math"
	"math/rand"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// MNI2mmShape is the grid of a 2 mm MNI fMRIPrep output (MNI152NLin2009cAsym, res-2).
var MNI2mmShape = [3]int{97, 115, 97}

// MNI2mmAffine is that grid's voxel-to-world affine.
var MNI2mmAffine = space.Affine{{2, 0, 0, -96}, {0, 2, 0, -132}, {0, 0, 2, -78}, {0, 0, 0, 1}}

// inBrain reports whether voxel (i, j, k) of the MNI 2 mm grid lies in the ellipsoidal "brain"
// (about a third of the field of view, as in MNI space).
func inBrain(i, j, k int) bool {
	x := (float64(i) - 48) / 40
	y := (float64(j) - 57) / 52
	z := (float64(k) - 45) / 38
	return x*x+y*y+z*z < 1
}

// WriteBOLD writes a synthetic BOLD run of nvol volumes: inside the brain a smooth spatial
// baseline, a slow drift and Gaussian noise, zeros outside; float32, gzip-compressed when the name
// ends in .gz, as fMRIPrep writes it.
func WriteBOLD(path string, nvol int, seed int64) error {
	sh := MNI2mmShape
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], nvol}, nifti.Float32)
	h.Pixdim[4] = 2
	h.SetAffine(MNI2mmAffine, nifti.XformMNI152)
	w, err := nifti.Create(path, h)
	if err != nil {
		return err
	}
	defer w.Abort()
	rng := rand.New(rand.NewSource(seed))
	n := sh[0] * sh[1] * sh[2]
	base := make([]float64, n)
	inside := make([]bool, n)
	for k := 0; k < sh[2]; k++ {
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				idx := i + sh[0]*(j+sh[1]*k)
				if inBrain(i, j, k) {
					inside[idx] = true
					base[idx] = 600 + 150*math.Sin(float64(i)/7)*math.Cos(float64(j)/9) + 80*math.Sin(float64(k)/5)
				}
			}
		}
	}
	vol := make([]float64, n)
	for t := 0; t < nvol; t++ {
		drift := 5 * math.Sin(float64(t)/40)
		for i := range vol {
			if inside[i] {
				vol[i] = base[i] + drift + 12*rng.NormFloat64()
			} else {
				vol[i] = 0
			}
		}
		if err := w.WriteVolume(vol); err != nil {
			return err
		}
	}
	return w.Close()
}

// WriteParcellation writes a label image of k regions on the MNI 2 mm grid: the brain split into
// the Voronoi cells of k random seed voxels (labels 1..k, 0 outside), as int16.
func WriteParcellation(path string, k int, seed int64) error {
	sh := MNI2mmShape
	rng := rand.New(rand.NewSource(seed))
	var seeds [][3]int
	for len(seeds) < k {
		s := [3]int{rng.Intn(sh[0]), rng.Intn(sh[1]), rng.Intn(sh[2])}
		if inBrain(s[0], s[1], s[2]) {
			seeds = append(seeds, s)
		}
	}
	vol := make([]float64, sh[0]*sh[1]*sh[2])
	for kk := 0; kk < sh[2]; kk++ {
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				if !inBrain(i, j, kk) {
					continue
				}
				best, bd := 0, math.MaxInt
				for r, s := range seeds {
					d := (i-s[0])*(i-s[0]) + (j-s[1])*(j-s[1]) + (kk-s[2])*(kk-s[2])
					if d < bd {
						best, bd = r, d
					}
				}
				vol[i+sh[0]*(j+sh[1]*kk)] = float64(best + 1)
			}
		}
	}
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2]}, nifti.Int16)
	h.SetAffine(MNI2mmAffine, nifti.XformMNI152)
	return nifti.Write(path, h, vol)
}
