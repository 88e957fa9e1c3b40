package atlas

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/nifti"
)

// Part is one component of a region set: a label image in a named space (the space of the image it
// is extracted from, e.g. "MNI152NLin2009cAsym" for the brain or "PAM50" for the cord) and its
// regions. Parts may overlap each other (PAG lies inside a brainstem parcel; the global grey
// matter covers every cortical parcel); within a part each voxel has one label.
type Part struct {
	Space  string
	Labels *LabelImage
	Table  *Table
}

// RegionSet is an ordered set of regions drawn from several parts, possibly in several spaces: the
// corticospinal signature's 139 regions span the brain and the spinal cord.
type RegionSet struct {
	Name  string
	Parts []Part
}

// Table returns the regions of all parts in order, the column order of extracted time series.
func (s *RegionSet) Table() *Table {
	t := &Table{Name: s.Name}
	for _, p := range s.Parts {
		t.Regions = append(t.Regions, p.Table.Regions...)
	}
	return t
}

// Union is the mask of every voxel the image labels (label 1), named after it.
func (l *LabelImage) Union() *LabelImage {
	u := &LabelImage{Path: l.Path + " (every labelled voxel)", Shape: l.Shape, Affine: l.Affine, Labels: make([]int32, len(l.Labels))}
	for i, v := range l.Labels {
		if v != 0 {
			u.Labels[i] = 1
		}
	}
	return u
}

// GlobalSignalName is the column of the global signal (WithGlobalSignal), PAINTeR's name for the
// RPN's 123rd region.
const GlobalSignalName = "GlobSig"

// WithGlobalSignal returns the set with one more region after all others: GlobSig, the mean of
// every voxel the first part labels (its Union), in that part's space. PAINTeR's RPN (Spisak et
// al. 2020) has the global signal as its 123rd region after MIST-122's; painmark takes it over the
// atlas's own voxels, a grey-matter-like mask, rather than a brain mask of each run. The region
// overlaps the others, as the corticospinal set's GM does.
func (s *RegionSet) WithGlobalSignal() *RegionSet {
	first := s.Parts[0]
	gs := Part{Space: first.Space, Labels: first.Labels.Union(), Table: &Table{Name: GlobalSignalName,
		Regions: []Region{{Index: 1, Name: GlobalSignalName, FullName: "global signal (every voxel of " + s.Name + ")", System: Brain}}}}
	return &RegionSet{Name: s.Name + "+" + GlobalSignalName, Parts: append(append([]Part(nil), s.Parts...), gs)}
}

// Spaces lists the spaces the set needs images of, in order of first use.
func (s *RegionSet) Spaces() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.Parts {
		if !seen[p.Space] {
			seen[p.Space] = true
			out = append(out, p.Space)
		}
	}
	return out
}

// Validate checks each part's table and that every region has voxels in its label image. Region
// names may repeat (MIST-122 itself names three pairs of parcels alike); a region is identified by
// its part and label value, and its position in the set.
func (s *RegionSet) Validate() error {
	for _, p := range s.Parts {
		if err := p.Table.Validate(); err != nil {
			return err
		}
		counts := p.Labels.Counts()
		for _, r := range p.Table.Regions {
			if counts[int32(r.Index)] == 0 {
				return fmt.Errorf("region set %s: region %q (label %d) has no voxel in %s", s.Name, r.Name, r.Index, p.Labels.Path)
			}
		}
	}
	return nil
}

// LoadMask reads a mask image as a one-region label image: voxels whose value is at least threshold
// (use a small positive threshold for binary masks, e.g. 0.5; a probability for probabilistic maps).
func LoadMask(path string, threshold float64) (*LabelImage, error) {
	im, err := nifti.Load(path, nil)
	if err != nil {
		return nil, err
	}
	if im.Header.NumVolumes() != 1 {
		return nil, fmt.Errorf("%s: a mask has one volume, this image has %d", path, im.Header.NumVolumes())
	}
	aff, _, err := im.Header.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	li := &LabelImage{Path: path, Shape: im.Header.VolumeShape(), Affine: aff, Labels: make([]int32, len(im.Data))}
	n := 0
	for i, v := range im.Data {
		if v >= threshold {
			li.Labels[i] = 1
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: no voxel reaches the threshold %g: the mask is empty", path, threshold)
	}
	return li, nil
}

// MaskPart makes a one-region part from a mask.
func MaskPart(space string, mask *LabelImage, r Region) Part {
	r.Index = 1
	return Part{Space: space, Labels: mask, Table: &Table{Name: r.Name, Regions: []Region{r}}}
}

// SpinalLevelName names PAM50's discrete spinal levels (PAM50_spinal_levels: 1-8 = C1-C8,
// 9-20 = T1-T12, 21-25 = L1-L5, 26-30 = S1-S5).
func SpinalLevelName(v int) (string, bool) {
	switch {
	case v >= 1 && v <= 8:
		return fmt.Sprintf("C%d", v), true
	case v >= 9 && v <= 20:
		return fmt.Sprintf("T%d", v-8), true
	case v >= 21 && v <= 25:
		return fmt.Sprintf("L%d", v-20), true
	case v >= 26 && v <= 30:
		return fmt.Sprintf("S%d", v-25), true
	}
	return "", false
}

// SpinalHorns divides the spinal grey matter of the requested segments into dorsal and ventral
// horns: grey-matter voxels (gm ≥ gmThreshold, gm a probabilistic or binary image) labelled with a
// segment in levels, split in each axial slice at the centroid of the cord mask: posterior of it
// (smaller world y, RAS) is dorsal, anterior is ventral. levels, gm and cord are on one grid (PAM50
// or a subject's cord image).
// Regions are named "C5_dorsal" and "C5_ventral", system spinal, segment "C5", in segment order
// with the dorsal horn first.
func SpinalHorns(levels, cord *LabelImage, gm *nifti.Image, gmThreshold float64, segments []string) (*LabelImage, *Table, error) {
	gmAff, _, err := gm.Header.Affine()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", gm.Path, err)
	}
	if levels.Shape != cord.Shape || levels.Affine.MaxAbsDiff(cord.Affine) > 1e-6 ||
		gm.Header.VolumeShape() != levels.Shape || gmAff.MaxAbsDiff(levels.Affine) > 1e-6 || gm.Header.NumVolumes() != 1 {
		return nil, nil, fmt.Errorf("spinal levels %s, grey matter %s and cord mask %s must be single volumes on one grid", levels.Path, gm.Path, cord.Path)
	}
	sh := levels.Shape
	want := map[string]int{} // segment name -> position in segments
	for i, s := range segments {
		want[s] = i
	}
	levelSeg := map[int32]int{}
	for v := int32(1); v <= 30; v++ {
		if name, ok := SpinalLevelName(int(v)); ok {
			if i, ok := want[name]; ok {
				levelSeg[v] = i
			}
		}
	}
	if len(levelSeg) != len(segments) {
		return nil, nil, fmt.Errorf("unknown spinal segment in %v (PAM50 levels C1-C8, T1-T12, L1-L5, S1-S5)", segments)
	}
	// Cord centroid (world y) of each axial slice.
	centre := make([]float64, sh[2])
	count := make([]int, sh[2])
	for k := 0; k < sh[2]; k++ {
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				if cord.Labels[i+sh[0]*(j+sh[1]*k)] != 0 {
					_, y, _ := cord.Affine.Apply(float64(i), float64(j), float64(k))
					centre[k] += y
					count[k]++
				}
			}
		}
	}
	out := &LabelImage{Path: levels.Path + " (spinal horns)", Shape: sh, Affine: levels.Affine, Labels: make([]int32, len(levels.Labels))}
	for k := 0; k < sh[2]; k++ {
		if count[k] == 0 {
			continue
		}
		cy := centre[k] / float64(count[k])
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				idx := i + sh[0]*(j+sh[1]*k)
				seg, ok := levelSeg[levels.Labels[idx]]
				if !ok {
					continue
				}
				if gm.Data[idx] < gmThreshold {
					continue
				}
				_, y, _ := levels.Affine.Apply(float64(i), float64(j), float64(k))
				label := int32(2*seg + 1) // dorsal
				if y >= cy {
					label++ // ventral
				}
				out.Labels[idx] = label
			}
		}
	}
	tbl := &Table{Name: "spinal horns"}
	for _, s := range segments {
		for _, h := range []string{"dorsal", "ventral"} {
			tbl.Regions = append(tbl.Regions, Region{Index: len(tbl.Regions) + 1, Name: s + "_" + h, Hemisphere: "bilateral",
				System: Spinal, Segment: s, Network: h + " horn", Centroid: [3]float64{math.NaN(), math.NaN(), math.NaN()}, SphereCentroid: [3]float64{math.NaN(), math.NaN(), math.NaN()}})
		}
	}
	setCentroids(out, tbl)
	return out, tbl, nil
}

// setCentroids fills each region's world centroid from the label image.
func setCentroids(li *LabelImage, t *Table) {
	sum := map[int32][4]float64{}
	sh := li.Shape
	for idx, v := range li.Labels {
		if v == 0 {
			continue
		}
		i, j, k := idx%sh[0], (idx/sh[0])%sh[1], idx/(sh[0]*sh[1])
		x, y, z := li.Affine.Apply(float64(i), float64(j), float64(k))
		s := sum[v]
		sum[v] = [4]float64{s[0] + x, s[1] + y, s[2] + z, s[3] + 1}
	}
	for n := range t.Regions {
		if s, ok := sum[int32(t.Regions[n].Index)]; ok {
			t.Regions[n].Centroid = [3]float64{s[0] / s[3], s[1] / s[3], s[2] / s[3]}
		}
	}
}

// CorticospinalSpec describes the corticospinal region set of the CSps study (Lin et al. 2025):
// brain parcels, brainstem nuclei, the global grey-matter signal, and dorsal and ventral horns of
// cervical segments.
type CorticospinalSpec struct {
	BrainSpace string
	Brain      *LabelImage // e.g. MIST-122
	BrainTable *Table
	// Brainstem masks (PAG, RVM), in BrainSpace, in order.
	Brainstem []NamedMask
	// GreyMatter is a grey-matter mask in BrainSpace; its mean is the global grey-matter signal.
	GreyMatter *LabelImage
	// Spinal cord (one grid): discrete spinal levels, grey-matter probability and cord mask.
	SpinalSpace string
	Levels      *LabelImage
	GM          *nifti.Image // grey-matter probability (or binary) on the levels' grid
	Cord        *LabelImage
	GMThreshold float64
	Segments    []string // e.g. C1..C7
}

// NamedMask is a one-region mask with its name.
type NamedMask struct {
	Name string
	Mask *LabelImage
}

// Corticospinal assembles the region set: brain parcels (system brain), brainstem masks (system
// brainstem), the grey-matter mask "GM" (system brain, network "global"), then the spinal horns
// (system spinal). With MIST-122, PAG, RVM and C1-C7 this gives the 139 regions of the CSps study.
func Corticospinal(spec CorticospinalSpec) (*RegionSet, error) {
	set := &RegionSet{Name: "corticospinal"}
	brain := *spec.BrainTable
	brain.Regions = append([]Region(nil), spec.BrainTable.Regions...)
	for i := range brain.Regions {
		brain.Regions[i].System = Brain
	}
	set.Parts = append(set.Parts, Part{Space: spec.BrainSpace, Labels: spec.Brain, Table: &brain})
	for _, m := range spec.Brainstem {
		set.Parts = append(set.Parts, MaskPart(spec.BrainSpace, m.Mask, Region{Name: m.Name, Hemisphere: "bilateral", System: Brainstem}))
	}
	if spec.GreyMatter != nil {
		set.Parts = append(set.Parts, MaskPart(spec.BrainSpace, spec.GreyMatter, Region{Name: "GM", Hemisphere: "bilateral", System: Brain, Network: "global"}))
	}
	if spec.Levels != nil {
		th := spec.GMThreshold
		if th == 0 {
			th = 0.5
		}
		horns, tbl, err := SpinalHorns(spec.Levels, spec.Cord, spec.GM, th, spec.Segments)
		if err != nil {
			return nil, err
		}
		set.Parts = append(set.Parts, Part{Space: spec.SpinalSpace, Labels: horns, Table: tbl})
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	return set, nil
}

// LoadSet loads a one-part region set for extraction: a built-in atlas by name (e.g. mist122),
// or a label image with an optional region table (regions label_001... without one). It returns
// the set, the atlas's short name (for file names) and its source.
func LoadSet(arg, tablePath string) (*RegionSet, string, string, error) {
	if t, err := Builtin(arg); err == nil {
		dir, err := os.MkdirTemp("", "painmark-atlas-")
		if err != nil {
			return nil, "", "", err
		}
		defer os.RemoveAll(dir)
		img, err := BuiltinImage(arg, dir)
		if err != nil {
			return nil, "", "", err
		}
		img.Path = "builtin:" + arg
		var src string
		for _, b := range Builtins() {
			if b.Name == arg {
				src = b.Source
			}
		}
		return &RegionSet{Name: arg, Parts: []Part{{Space: "data", Labels: img, Table: t}}}, arg, src, nil
	}
	img, err := LoadLabelImage(arg)
	if err != nil {
		return nil, "", "", notFound(arg, err)
	}
	var t *Table
	if tablePath != "" {
		if t, err = ReadTable(tablePath); err != nil {
			return nil, "", "", err
		}
	} else {
		t = &Table{Name: arg}
		for _, v := range img.LabelValues() {
			t.Regions = append(t.Regions, Region{Index: int(v), Name: fmt.Sprintf("label_%03d", v), System: Brain})
		}
	}
	name := filepath.Base(arg)
	for _, e := range []string{".nii.gz", ".nii"} {
		name = strings.TrimSuffix(name, e)
	}
	name = strings.NewReplacer("_", "", "-", "").Replace(name)
	return &RegionSet{Name: name, Parts: []Part{{Space: "data", Labels: img, Table: t}}}, name, arg, nil
}
