package target

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/nifti"
)

// ProbabilityMaps are population network maps: for each network (Names) and each brainordinate of
// Grid (a dataset without time series), the probability that the network lies there (e.g. the
// share of a cohort's individual maps that assign it, as in the action-networks paper's
// population atlas of the SCAN and AMN nodes). A label image (one network per brainordinate) is
// the special case of probabilities 0 and 1.
type ProbabilityMaps struct {
	Grid  *Dataset
	Names []string
	Maps  [][]float64
	// People are the individual maps behind the probabilities, when known (ReadPeople): each
	// person's network per brainordinate (index into Names, −1 for none). With them PlanAtlas's hit
	// probability is exact; without them it is a lower bound.
	People [][]int
}

// ReadPeople reads people's network label images (labels 1..K in Names' order, 0 for none: NIfTI
// on the maps' grid or CIFTI dlabel with their brain models, such as painmark synthetic's
// person-NN_networks.nii.gz) into People.
func (pm *ProbabilityMaps) ReadPeople(paths []string) error {
	for _, path := range paths {
		maps, _, err := ReadMaps(pm.Grid, path, pm.Names)
		if err != nil {
			return err
		}
		labels := make([]int, pm.Grid.Len())
		for i := range labels {
			labels[i] = -1
			for k, m := range maps {
				if m[i] != 0 && m[i] != 1 {
					return fmt.Errorf("%s: the value %g at brainordinate %d is no label (1..%d, 0 for none)", path, m[i], i, len(pm.Names))
				}
				if m[i] == 1 {
					labels[i] = k
				}
			}
		}
		pm.People = append(pm.People, labels)
	}
	return nil
}

// hitShare is the exact hit probability: the share of the people whose network k has a
// brainordinate within radius mm of at.
func (pm *ProbabilityMaps) hitShare(k int, at [3]float64, radius float64) float64 {
	hits := 0
	for _, labels := range pm.People {
		for i, c := range pm.Grid.Coords {
			if labels[i] == k && Distance(c, at) <= radius {
				hits++
				break
			}
		}
	}
	return float64(hits) / float64(len(pm.People))
}

// DefaultHitRadius is the radius (mm) within which PlanAtlas gives the chance of hitting the
// intended network: about the half-width of a figure-8 TMS coil's focal spot.
const DefaultHitRadius = 10

// ReadProbabilityMaps reads probabilistic network maps: a 4D NIfTI (one volume per network; the
// brainordinates are the voxels where any network's probability is above 0), a 3D label image with
// names (labels 1..K), or a CIFTI dscalar (one row per network) or dlabel, with the left and right
// cortical surfaces giving its vertices' positions (optional; without them surface vertices cannot
// be targeted). names override the file's map names. Probabilities must lie in [0, 1].
func ReadProbabilityMaps(path string, names []string, surfaces []string) (*ProbabilityMaps, error) {
	var d *Dataset
	if strings.HasSuffix(path, ".dscalar.nii") || strings.HasSuffix(path, ".dlabel.nii") {
		f, err := cifti.Open(path)
		if err != nil {
			return nil, err
		}
		if f.Axes[1].Type != cifti.BrainModels {
			return nil, fmt.Errorf("%s: its columns are %s, not brain models", path, f.Axes[1].Type)
		}
		surf, err := readSurfaces(surfaces)
		if err != nil {
			return nil, err
		}
		if d, err = modelsDataset(path, f.Axes[1], surf); err != nil {
			return nil, err
		}
	} else {
		im, err := nifti.Load(path, nil)
		if err != nil {
			return nil, err
		}
		aff, _, err := im.Header.Affine()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		shape := im.Header.VolumeShape()
		d = &Dataset{Source: path, Shape: shape, Affine: aff}
		nvox := shape[0] * shape[1] * shape[2]
		for i := 0; i < nvox; i++ {
			for v := 0; v < im.Header.NumVolumes(); v++ {
				if x := im.Data[v*nvox+i]; x > 0 && !math.IsInf(x, 0) {
					vox := [3]int{i % shape[0], (i / shape[0]) % shape[1], i / (shape[0] * shape[1])}
					x, y, z := aff.Apply(float64(vox[0]), float64(vox[1]), float64(vox[2]))
					d.Voxels, d.Coords = append(d.Voxels, vox), append(d.Coords, [3]float64{x, y, z})
					d.Series = append(d.Series, nil)
					break
				}
			}
		}
		if d.Len() == 0 {
			return nil, fmt.Errorf("%s: no voxel has a probability above 0", path)
		}
	}
	maps, got, err := ReadMaps(d, path, names)
	if err != nil {
		return nil, err
	}
	for k, m := range maps {
		for i, p := range m {
			if p < 0 || p > 1+1e-6 {
				return nil, fmt.Errorf("%s: network %s has the value %g at brainordinate %d; probabilities lie in [0, 1] (divide percentages by 100)", path, got[k], p, i)
			}
		}
	}
	return &ProbabilityMaps{Grid: d, Names: got, Maps: maps}, nil
}

// Assign is each brainordinate's most probable network (index into Names; −1 where every
// network's probability is 0 or NaN).
func (pm *ProbabilityMaps) Assign() []int {
	a := make([]int, pm.Grid.Len())
	for i := range a {
		a[i] = -1
		best := 0.0
		for k, m := range pm.Maps {
			if m[i] > best {
				best, a[i] = m[i], k
			}
		}
	}
	return a
}

// PlanAtlas plans targets from population network maps, for a patient without usable fMRI: the
// targetable brainordinates are those of the search space whose most probable network is
// o.Network (away from the o.Avoid networks), the clusters are ranked by their mean probability of
// o.Network (o.MinScore: the lowest probability a targetable brainordinate may have), and each
// target gets its probability, the chance of hitting the network within o.HitRadius mm and the
// share of that sphere expected on the network (Target.Probability, HitProbability,
// ExpectedShare). The hit probability is the share of people whose network lies within the radius
// when their maps are given (pm.People): exact; otherwise the marginal maps bound it only from
// below, by the largest probability in the sphere (they hold no joint probabilities: the same
// maps fit people who all overlap and people who never do). The result has the outputs and report
// of Plan.
func PlanAtlas(pm *ProbabilityMaps, o PlanOptions) (*PlanResult, error) {
	d := pm.Grid
	sel, err := o.selection(d)
	if err != nil {
		return nil, err
	}
	k, avoid, err := o.networks(pm.Names)
	if err != nil {
		return nil, err
	}
	if !(o.HitRadius >= 0) {
		return nil, fmt.Errorf("hit radius %g mm: give a distance ≥ 0", o.HitRadius)
	}
	for p, labels := range pm.People {
		if len(labels) != d.Len() {
			return nil, fmt.Errorf("person %d's map has %d brainordinates, the probability maps %d", p+1, len(labels), d.Len())
		}
	}
	nm := &NetworkMap{Names: pm.Names, Assign: pm.Assign()}
	assign := restrictToNetwork(&sel, nm.Assign, k, avoid)
	sel.Score = pm.Maps[k]
	res := &PlanResult{Dataset: d, Options: o, Networks: nm, NetworkNames: pm.Names, Atlas: pm, ScoreName: "probability of " + o.Network,
		MapNames: []string{"network (1 = " + pm.Names[0] + ")", "probability of " + o.Network}, Maps: [][]float64{assign, pm.Maps[k]}}
	if err := res.selectTargets(sel); err != nil {
		return nil, err
	}
	p := pm.Maps[k]
	for t := range res.Targets {
		tg := &res.Targets[t]
		at, hit, share, n := p[tg.Index], 0.0, 0.0, 0
		for i, c := range d.Coords {
			if Distance(c, tg.MM) <= o.HitRadius && !math.IsNaN(p[i]) {
				hit = math.Max(hit, p[i])
				share += p[i]
				n++
			}
		}
		share /= float64(n)
		if pm.People != nil {
			hit = pm.hitShare(k, tg.MM, o.HitRadius)
		}
		tg.Probability, tg.HitProbability, tg.ExpectedShare = &at, &hit, &share
	}
	return res, nil
}

// atlasRows are the population targeting's columns of the targets table (none for other plans).
func (r *PlanResult) atlasRows(k int) []string {
	t := r.Targets[k]
	if t.Probability == nil {
		return nil
	}
	return []string{fmt.Sprintf("%.2f", *t.Probability), fmt.Sprintf("%.2f", *t.HitProbability), fmt.Sprintf("%.2f", *t.ExpectedShare)}
}

// hitText says, in words, the first target's chance of hitting the network (population plans).
func (r *PlanResult) hitText() string {
	if len(r.Targets) == 0 || r.Targets[0].Probability == nil {
		return ""
	}
	t, how := r.Targets[0], "at least the largest probability there"
	if r.Atlas != nil && r.Atlas.People != nil {
		how = fmt.Sprintf("the share of the %d people whose %s lies there", len(r.Atlas.People), r.Options.Network)
	}
	return fmt.Sprintf("Target 1 lies on %s with probability %.2f; the hit probability (chance that %s lies within %g mm of it, %s) is %.2f; %.0f%% of that sphere is expected on %s.",
		r.Options.Network, *t.Probability, r.Options.Network, r.Options.HitRadius, how, *t.HitProbability, 100**t.ExpectedShare, r.Options.Network)
}
