package atlas

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// The spaces of the corticospinal region set: the brain image is in MNI space (as fMRIPrep writes
// it), the cord image in PAM50 template space (as the Spinal Cord Toolbox's sct_apply_transfo
// writes it). They key the images of an extraction (extract.Set).
const (
	BrainSpace = "MNI"
	CordSpace  = "PAM50"
)

// Sphere is a spherical region at a world coordinate (mm) with its provenance.
type Sphere struct {
	Name   string
	Centre [3]float64
	Radius float64 // mm
	Source string
}

// The default brainstem regions of the corticospinal set, used when no mask is given. No open mask
// of the CSps study's ventrolateral PAG and RVM was available, so painmark ships spheres (3 mm
// radius, a size the 2-3 mm brain grids resolve) and says where each centre comes from.
var (
	DefaultPAG = Sphere{Name: "PAG", Centre: [3]float64{0, -32, -10}, Radius: 3,
		Source: "painmark's placement of the ventrolateral PAG at the level of the inferior colliculus (MNI 0, -32, -10); not a coordinate published by the CSps paper: pass the study's own mask when you have it"}
	DefaultRVM = Sphere{Name: "RVM", Centre: [3]float64{0, -36, -50}, Radius: 3,
		Source: "medullary raphe, MNI (0, -36, -50): Nash et al. 2009 Hum Brain Mapp 30:3772, as listed in CanlabCore's coordinate brainstem ROIs (Bär et al. 2016 place the raphe magnus, part of the RVM, at 0, -34, -40)"}
)

// Mask returns the sphere as a one-region label image on a 0.5 mm grid just covering it (voxel
// centres within Radius): resampled by nearest neighbour onto any data grid, it keeps the voxels
// whose centres lie within about Radius of the centre.
func (s Sphere) Mask() *LabelImage {
	const step = 0.5
	n := int(math.Ceil(s.Radius/step))*2 + 1
	var aff space.Affine
	for a := 0; a < 3; a++ {
		aff[a][a] = step
		aff[a][3] = s.Centre[a] - step*float64(n/2)
	}
	aff[3][3] = 1
	li := &LabelImage{Path: fmt.Sprintf("sphere %s (%g mm at %g, %g, %g)", s.Name, s.Radius, s.Centre[0], s.Centre[1], s.Centre[2]),
		Shape: [3]int{n, n, n}, Affine: aff, Labels: make([]int32, n*n*n)}
	for idx := range li.Labels {
		x, y, z := aff.Apply(float64(idx%n), float64((idx/n)%n), float64(idx/(n*n)))
		dx, dy, dz := x-s.Centre[0], y-s.Centre[1], z-s.Centre[2]
		if dx*dx+dy*dy+dz*dz <= s.Radius*s.Radius+1e-9 {
			li.Labels[idx] = 1
		}
	}
	return li
}

// CorticospinalOptions name the images of the corticospinal region set (Lin et al. 2025): the
// brain atlas, the brainstem masks, the grey-matter mask of the global signal, and the PAM50
// template folder with the spinal segments.
type CorticospinalOptions struct {
	// Brain is a built-in atlas name or a label image in MNI space; BrainTable its region table.
	Brain, BrainTable string
	// PAG and RVM are mask images in MNI space ("": DefaultPAG, DefaultRVM spheres).
	PAG, RVM string
	// GreyMatter is a grey-matter mask (binary or probabilistic) in MNI space whose mean is the
	// global grey-matter signal "GM" ("": every voxel the brain atlas labels, MIST's grey-matter
	// coverage).
	GreyMatter string
	// MaskThreshold: mask voxels at or above it are in (probabilistic masks; 0.5 for binary ones).
	MaskThreshold float64
	// PAM50 is the PAM50 template folder (PAM50_spinal_levels, PAM50_cord and PAM50_gm; SCT's
	// data/PAM50/template, or data/PAM50).
	PAM50 string
	// Segments are the spinal segments whose dorsal and ventral horns are regions.
	Segments []string
	// GMThreshold is the PAM50 grey-matter probability at or above which a voxel is grey matter.
	GMThreshold float64
}

// DefaultCorticospinalOptions are the CSps study's regions: MIST-122, the default PAG and RVM
// spheres, MIST's grey matter for the global signal, and the horns of C1-C7 (PAM50 grey matter
// at probability 0.5). PAM50 has no default: it is the user's SCT installation.
func DefaultCorticospinalOptions() CorticospinalOptions {
	return CorticospinalOptions{Brain: "mist122", MaskThreshold: 0.5, GMThreshold: 0.5,
		Segments: []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7"}}
}

// LoadCorticospinal loads the images the options name and assembles the region set
// (Corticospinal): with the defaults, the 139 regions of the CSps study.
func LoadCorticospinal(o CorticospinalOptions) (*RegionSet, error) {
	if o.PAM50 == "" {
		return nil, fmt.Errorf("the corticospinal region set needs the PAM50 template folder (the Spinal Cord Toolbox's data/PAM50/template)")
	}
	set, _, _, err := LoadSet(o.Brain, o.BrainTable)
	if err != nil {
		return nil, err
	}
	brain := set.Parts[0]
	spec := CorticospinalSpec{BrainSpace: BrainSpace, Brain: brain.Labels, BrainTable: brain.Table, SpinalSpace: CordSpace,
		GMThreshold: o.GMThreshold, Segments: o.Segments}
	for _, m := range []struct {
		path string
		def  Sphere
	}{{o.PAG, DefaultPAG}, {o.RVM, DefaultRVM}} {
		mask := m.def.Mask()
		if m.path != "" {
			if mask, err = LoadMask(m.path, o.MaskThreshold); err != nil {
				return nil, err
			}
		}
		spec.Brainstem = append(spec.Brainstem, NamedMask{Name: m.def.Name, Mask: mask})
	}
	if o.GreyMatter != "" {
		if spec.GreyMatter, err = LoadMask(o.GreyMatter, o.MaskThreshold); err != nil {
			return nil, err
		}
	} else {
		spec.GreyMatter = brain.Labels.Union()
	}
	dir := o.PAM50
	if _, err := os.Stat(filepath.Join(dir, "PAM50_spinal_levels.nii.gz")); err != nil {
		dir = filepath.Join(dir, "template")
	}
	if spec.Levels, err = LoadLabelImage(filepath.Join(dir, "PAM50_spinal_levels.nii.gz")); err != nil {
		return nil, fmt.Errorf("PAM50 folder %s: %w", o.PAM50, err)
	}
	if spec.Cord, err = LoadMask(filepath.Join(dir, "PAM50_cord.nii.gz"), 0.5); err != nil {
		return nil, fmt.Errorf("PAM50 folder %s: %w", o.PAM50, err)
	}
	if spec.GM, err = nifti.Load(filepath.Join(dir, "PAM50_gm.nii.gz"), nil); err != nil {
		return nil, fmt.Errorf("PAM50 folder %s: %w", o.PAM50, err)
	}
	return Corticospinal(spec)
}
