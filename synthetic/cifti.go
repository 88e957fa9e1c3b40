package synthetic

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/painmark/painmark/cifti"
)

// WriteDlabel writes a CIFTI-2 dense label file (*.dlabel.nii) on the given brain models: every
// grayordinate of each structure gets one of parcels keys 1..parcels drawn from the seed in
// contiguous runs (about 1 in 20 left unlabelled, key 0 "???"), and the label table also names a
// key that no grayordinate carries ("empty"), as real atlases sometimes do. It is the synthetic
// parcellation painmark extract's CIFTI tests parcellate a real dtseries with.
func WriteDlabel(path string, models *cifti.Axis, parcels int, seed uint64) error {
	if parcels < 1 {
		return fmt.Errorf("need at least one parcel")
	}
	rng := rand.New(rand.NewPCG(seed, 0xd1abe1))
	keys := make([]float64, models.Len)
	for i := 0; i < len(keys); {
		k, n := float64(1+rng.IntN(parcels)), 1+rng.IntN(min(200, max(1, len(keys)/parcels)))
		if rng.IntN(20) == 0 {
			k = 0
		}
		for j := i; j < min(i+n, len(keys)); j++ {
			keys[j] = k
		}
		i += n
	}
	labels := []cifti.Label{{Key: 0, Name: "???", Alpha: 0}}
	for k := 1; k <= parcels; k++ {
		labels = append(labels, cifti.Label{Key: k, Name: fmt.Sprintf("parcel_%02d", k), Red: rng.Float64(), Green: rng.Float64(), Blue: rng.Float64(), Alpha: 1})
	}
	labels = append(labels, cifti.Label{Key: parcels + 7, Name: "empty", Alpha: 1})
	ax := &cifti.Axis{Type: cifti.Labels, Len: 1, Maps: []cifti.NamedMap{{Name: "synthetic", Labels: labels}}}
	return cifti.Write(path, [2]*cifti.Axis{ax, models}, keys)
}

// CIFTIModels are small grayordinates for tests: a left and a right cortical surface of 500
// vertices each (some vertices left out, as the medial wall) and two subcortical structures on a
// 2 mm grid.
func CIFTIModels() *cifti.Axis {
	ax := &cifti.Axis{Type: cifti.BrainModels, Volume: &cifti.Volume{Dims: [3]int{10, 12, 10},
		Affine: [4][4]float64{{-2, 0, 0, 10}, {0, 2, 0, -12}, {0, 0, 2, -10}, {0, 0, 0, 1}}}}
	add := func(m cifti.BrainModel) {
		m.Offset = ax.Len
		m.Count = max(len(m.Vertices), len(m.Voxels))
		ax.Len += m.Count
		ax.Models = append(ax.Models, m)
	}
	for _, s := range []string{"CIFTI_STRUCTURE_CORTEX_LEFT", "CIFTI_STRUCTURE_CORTEX_RIGHT"} {
		m := cifti.BrainModel{Structure: s, Type: cifti.SurfaceModel, SurfaceVertices: 500}
		for v := 0; v < 500; v++ {
			if v%7 != 3 {
				m.Vertices = append(m.Vertices, v)
			}
		}
		add(m)
	}
	for s, box := range map[string][2][3]int{"CIFTI_STRUCTURE_THALAMUS_LEFT": {{5, 4, 4}, {8, 7, 6}}} {
		m := cifti.BrainModel{Structure: s, Type: cifti.VoxelModel}
		for i := box[0][0]; i < box[1][0]; i++ {
			for j := box[0][1]; j < box[1][1]; j++ {
				for k := box[0][2]; k < box[1][2]; k++ {
					m.Voxels = append(m.Voxels, [3]int{i, j, k})
				}
			}
		}
		add(m)
	}
	m := cifti.BrainModel{Structure: "CIFTI_STRUCTURE_CAUDATE_RIGHT", Type: cifti.VoxelModel}
	for i := 1; i < 4; i++ {
		for k := 3; k < 6; k++ {
			m.Voxels = append(m.Voxels, [3]int{i, 6, k})
		}
	}
	add(m)
	return ax
}

// WriteCIFTIRun writes a small CIFTI run for tests: bold.dtseries.nii (frames x CIFTIModels'
// grayordinates, Gaussian noise around region means, TR 0.8 s) and parcels.dlabel.nii (WriteDlabel
// on the cortical surfaces and the left thalamus, the right caudate left unlabelled).
func WriteCIFTIRun(dir string, frames, parcels int, seed uint64) error {
	models := CIFTIModels()
	rng := rand.New(rand.NewPCG(seed, 0xc1f71))
	data := make([]float64, frames*models.Len)
	for i := range data {
		data[i] = 100 + float64(i%models.Len%13) + rng.NormFloat64()
	}
	if err := cifti.Write(filepath.Join(dir, "bold.dtseries.nii"), [2]*cifti.Axis{{Type: cifti.Series, Len: frames, SeriesStep: 0.8, SeriesUnit: "SECOND"}, models}, data); err != nil {
		return err
	}
	labelled := *models
	labelled.Models = models.Models[:3]
	labelled.Len = models.Models[2].Offset + models.Models[2].Count
	return WriteDlabel(filepath.Join(dir, "parcels.dlabel.nii"), &labelled, parcels, seed)
}
