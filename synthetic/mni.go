package synthetic

// Image simulators for benchmarks, tests and the README's examples: a BOLD run on the 2 mm MNI
// grid and a parcellation of its brain (WriteBOLD, WriteParcellation), and a tiny fMRIPrep-style
// run with its confounds (WriteExampleRun, WriteConfounds).

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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

// WriteExampleRun writes a tiny fMRIPrep-style derivatives run for the README's examples: a
// 60-volume BOLD run on an 8 mm MNI grid (int16, TR 2 s) whose signal follows the MIST-122 parcels
// given by labelAt (world mm → label), its BOLD sidecar, and a confounds TSV with the 24 motion
// parameters, white matter, CSF, framewise displacement and standardized DVARS.
func WriteExampleRun(dir string, labelAt func(x, y, z float64) int) error {
	sh := [3]int{23, 27, 23}
	aff := space.Affine{{8, 0, 0, -90}, {0, 8, 0, -126}, {0, 0, 8, -72}, {0, 0, 0, 1}}
	const T = 60
	rng := rand.New(rand.NewSource(2026))
	n := sh[0] * sh[1] * sh[2]
	data := make([]float64, n*T)
	for k := 0; k < sh[2]; k++ {
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				x, y, z := aff.Apply(float64(i), float64(j), float64(k))
				l := labelAt(x, y, z)
				if l == 0 {
					continue
				}
				v := i + sh[0]*(j+sh[1]*k)
				for t := 0; t < T; t++ {
					// A slow oscillation whose phase depends on the parcel, plus noise.
					data[t*n+v] = math.Round(1000 + 20*math.Sin(float64(t)/3+float64(l)/10) + 5*rng.NormFloat64())
				}
			}
		}
	}
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], T}, nifti.Int16)
	h.Pixdim[4] = 2
	h.SetAffine(aff, nifti.XformMNI152)
	prefix := filepath.Join(dir, "sub-01", "func", "sub-01_task-rest")
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return err
	}
	if err := nifti.Write(prefix+"_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz", h, data); err != nil {
		return err
	}
	if err := os.WriteFile(prefix+"_space-MNI152NLin2009cAsym_desc-preproc_bold.json", []byte("{\"RepetitionTime\": 2.0}\n"), 0o644); err != nil {
		return err
	}
	return WriteConfounds(prefix+"_desc-confounds_timeseries.tsv", T, rng)
}

// WriteConfounds writes an fMRIPrep-style confounds TSV of T volumes: the 6 motion parameters and
// white matter and CSF signals, each with its derivative (n/a at volume 0), square and squared
// derivative, then framewise displacement (n/a at 0, 0.05-0.15 mm) and standardized DVARS (0.8-1.2).
func WriteConfounds(path string, T int, rng *rand.Rand) error {
	var cols []string
	for _, base := range []string{"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z", "csf", "white_matter"} {
		cols = append(cols, base, base+"_derivative1", base+"_power2", base+"_derivative1_power2")
	}
	cols = append(cols, "framewise_displacement", "std_dvars")
	var b strings.Builder
	b.WriteString(strings.Join(cols, "\t") + "\n")
	for t := 0; t < T; t++ {
		row := make([]string, len(cols))
		for c, name := range cols {
			switch {
			case t == 0 && (strings.Contains(name, "derivative1") || name == "framewise_displacement" || name == "std_dvars"):
				row[c] = "n/a"
			case name == "framewise_displacement":
				row[c] = strconv.FormatFloat(0.05+0.1*rng.Float64(), 'f', 4, 64)
			case name == "std_dvars":
				row[c] = strconv.FormatFloat(0.8+0.4*rng.Float64(), 'f', 4, 64)
			default:
				row[c] = strconv.FormatFloat(rng.NormFloat64(), 'f', 6, 64)
			}
		}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
