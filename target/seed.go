package target

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/nifti"
)

// Seed is a set of brainordinates whose mean time series seeds a connectivity map.
type Seed struct {
	Name    string
	Members []int
}

// SphereSeed is the brainordinates within radius mm of centre (a coordinate seed, as nilearn's
// NiftiSpheresMasker with that radius; radius 0 takes the nearest brainordinate).
func SphereSeed(d *Dataset, name string, centre [3]float64, radius float64) (Seed, error) {
	s := Seed{Name: name}
	best, bestD := -1, math.Inf(1)
	for i, c := range d.Coords {
		dist := Distance(c, centre)
		if math.IsNaN(dist) {
			continue
		}
		if dist <= radius {
			s.Members = append(s.Members, i)
		}
		if dist < bestD {
			best, bestD = i, dist
		}
	}
	if len(s.Members) == 0 {
		if radius > 0 || best < 0 {
			return s, fmt.Errorf("seed %s: no brainordinate of %s within %g mm of %v (nearest %.1f mm away)", name, d.Source, radius, centre, bestD)
		}
		s.Members = []int{best}
	}
	return s, nil
}

// MaskSeed is the brainordinates inside a mask image on the data's voxel grid (a lesion, a
// region): the in-mask voxels of a volume dataset, or of a CIFTI file's voxel models.
func MaskSeed(d *Dataset, name string, mask *atlas.LabelImage) (Seed, error) {
	s := Seed{Name: name}
	if d.Voxels == nil && (d.Models == nil || d.Models.Volume == nil) {
		return s, fmt.Errorf("seed %s: %s has no voxels to match a mask to", name, d.Source)
	}
	if mask.Shape != d.Shape || mask.Affine.MaxAbsDiff(d.Affine) > 1e-3 {
		return s, fmt.Errorf("seed %s: the mask %s (grid %v) is not on the data's grid %v (%s): resample it first", name, mask.Path, mask.Shape, d.Shape, d.Source)
	}
	at := func(v [3]int) bool { return mask.Labels[v[0]+d.Shape[0]*(v[1]+d.Shape[1]*v[2])] > 0 }
	if d.Voxels != nil {
		for i, v := range d.Voxels {
			if at(v) {
				s.Members = append(s.Members, i)
			}
		}
	} else {
		for _, m := range d.Models.Models {
			for k, v := range m.Voxels {
				if at(v) {
					s.Members = append(s.Members, m.Offset+k)
				}
			}
		}
	}
	if len(s.Members) == 0 {
		return s, fmt.Errorf("seed %s: no brainordinate of %s inside the mask %s", name, d.Source, mask.Path)
	}
	return s, nil
}

// SeedSeries is the mean time series of the seed's brainordinates.
func SeedSeries(d *Dataset, s Seed) []float64 {
	out := make([]float64, d.Timepoints)
	for _, i := range s.Members {
		for t, v := range d.Series[i] {
			out[t] += float64(v)
		}
	}
	for t := range out {
		out[t] /= float64(len(s.Members))
	}
	return out
}

// SeedCorrelation is the Pearson correlation of a seed time series with every brainordinate's time series
// and its Fisher z = atanh(r) (±Inf where r = ±1, NaN for a constant series, as numpy).
func SeedCorrelation(d *Dataset, seed []float64) (r, z []float64, err error) {
	if len(seed) != d.Timepoints {
		return nil, nil, fmt.Errorf("a seed of %d time points for data of %d", len(seed), d.Timepoints)
	}
	n := float64(len(seed))
	var ms float64
	for _, v := range seed {
		ms += v
	}
	ms /= n
	sc := make([]float64, len(seed))
	var sss float64
	for t, v := range seed {
		sc[t] = v - ms
		sss += sc[t] * sc[t]
	}
	if sss == 0 {
		return nil, nil, fmt.Errorf("the seed's time series is constant")
	}
	r, z = make([]float64, d.Len()), make([]float64, d.Len())
	parallel.For((d.Len()+1023)/1024, func(b int) {
		for i := b * 1024; i < min((b+1)*1024, d.Len()); i++ {
			x := d.Series[i]
			var mx float64
			for _, v := range x {
				mx += float64(v)
			}
			mx /= n
			var sxy, sxx float64
			for t, v := range x {
				dx := float64(v) - mx
				sxy += dx * sc[t]
				sxx += dx * dx
			}
			r[i] = sxy / math.Sqrt(sxx*sss)
			z[i] = math.Atanh(r[i])
		}
	})
	return r, z, nil
}

// WriteMaps writes maps on the dataset's brainordinates: a CIFTI-2 dscalar (one named map per row)
// for CIFTI data, a 3D or 4D NIfTI on the data's grid (zero outside the brainordinates) for volume
// data. The file appears under its name only once complete.
func WriteMaps(d *Dataset, path string, names []string, maps [][]float64) error {
	if len(names) != len(maps) {
		return fmt.Errorf("%s: %d names for %d maps", path, len(names), len(maps))
	}
	for k, m := range maps {
		if len(m) != d.Len() {
			return fmt.Errorf("%s: map %s has %d values for %d brainordinates", path, names[k], len(m), d.Len())
		}
	}
	if d.Models != nil {
		if !strings.HasSuffix(path, ".dscalar.nii") {
			return fmt.Errorf("%s: maps of CIFTI data are written as .dscalar.nii", path)
		}
		rows := &cifti.Axis{Type: cifti.Scalars, Len: len(maps)}
		data := make([]float64, 0, len(maps)*d.Len())
		for k, m := range maps {
			rows.Maps = append(rows.Maps, cifti.NamedMap{Name: names[k]})
			data = append(data, m...)
		}
		return cifti.Write(path, [2]*cifti.Axis{rows, d.Models}, data)
	}
	shape := []int{d.Shape[0], d.Shape[1], d.Shape[2]}
	if len(maps) > 1 {
		shape = append(shape, len(maps))
	}
	hdr := nifti.NewHeader(shape, nifti.Float32)
	hdr.SetAffine(d.Affine, nifti.XformScannerAnat)
	hdr.Descrip = strings.Join(names, ",")
	if len(hdr.Descrip) > 79 {
		hdr.Descrip = hdr.Descrip[:79]
	}
	var data []float64
	for _, m := range maps {
		data = append(data, d.Volume(m)...)
	}
	return nifti.Write(path, hdr, data)
}

// Volume places values of a volume dataset's brainordinates on its full grid (x fastest), zero
// elsewhere.
func (d *Dataset) Volume(values []float64) []float64 {
	vol := make([]float64, d.Shape[0]*d.Shape[1]*d.Shape[2])
	for i, v := range d.Voxels {
		vol[v[0]+d.Shape[0]*(v[1]+d.Shape[1]*v[2])] = values[i]
	}
	return vol
}

// labelColours are the label table's colours (Okabe-Ito), by network.
var labelColours = [][3]float64{{0, 0.447, 0.698}, {0.902, 0.624, 0}, {0, 0.620, 0.451}, {0.800, 0.475, 0.655}, {0.337, 0.706, 0.914}, {0.835, 0.369, 0}, {0.6, 0.6, 0.2}, {0, 0, 0}}

// WriteLabels writes a network assignment (index into names, −1 for none) as a label map: a
// CIFTI-2 dlabel with a label table (key k+1 = names[k], 0 = unassigned) for CIFTI data, an
// integer NIfTI (the same keys) for volume data.
func WriteLabels(d *Dataset, path string, names []string, assign []int) error {
	if len(assign) != d.Len() {
		return fmt.Errorf("%s: %d labels for %d brainordinates", path, len(assign), d.Len())
	}
	keys := make([]float64, len(assign))
	for i, a := range assign {
		keys[i] = float64(a + 1)
	}
	if d.Models != nil {
		if !strings.HasSuffix(path, ".dlabel.nii") {
			return fmt.Errorf("%s: labels of CIFTI data are written as .dlabel.nii", path)
		}
		m := cifti.NamedMap{Name: "networks", Labels: []cifti.Label{{Key: 0, Name: "???", Alpha: 0}}}
		for k, n := range names {
			c := labelColours[k%len(labelColours)]
			m.Labels = append(m.Labels, cifti.Label{Key: k + 1, Name: n, Red: c[0], Green: c[1], Blue: c[2], Alpha: 1})
		}
		return cifti.Write(path, [2]*cifti.Axis{{Type: cifti.Labels, Len: 1, Maps: []cifti.NamedMap{m}}, d.Models}, keys)
	}
	hdr := nifti.NewHeader([]int{d.Shape[0], d.Shape[1], d.Shape[2]}, nifti.Int16)
	hdr.SetAffine(d.Affine, nifti.XformScannerAnat)
	hdr.Descrip = strings.Join(names, ",")
	if len(hdr.Descrip) > 79 {
		hdr.Descrip = hdr.Descrip[:79]
	}
	return nifti.Write(path, hdr, d.Volume(keys))
}
