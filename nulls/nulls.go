// Package nulls holds the spatial null models of regional cortical maps behind one interface and
// one vocabulary of names: sphere rotations of the parcels with each matching (Váša's greedy
// matching as rotate_parcellation, Hungarian, nearest parcel in both directions), rotations of the
// sphere meshes' vertices (Baum, Cornblath, as neuromaps), Moran spectral randomization
// (singleton and pair procedures, as BrainSpace/neuromaps), variogram matching (BrainSMASH's Base
// and, for dense maps, Sampled generators), the
// non-spatial shuffle, and the parametric test as the no-null baseline.
//
// Volumetric and dense-surface maps. A volume's voxels (VolumeMaps, VolumeSpace: NIfTI maps or
// voxel dscalars) take moran, variogram, variogram-sampled, shuffle and parametric: on smooth
// random volumes (bench/spin) moran, whose weights are each map's own smoothness kernel, and
// variogram keep the false-positive rate within 0.03-0.07 (moran on BrainSpace's 1/d neighbour
// graph, MoranNeighbourGraph, was liberal on very smooth maps: 0.072 at FWHM 12 mm); moran-pair
// is refused on volumes. A dense surface's vertices (DscalarMaps with the sphere
// meshes, DenseSurfaceSpace) take alexander-bloch (neuromaps' vertex spin), shuffle and
// parametric.
//
// painmark spin, genes,
// morph and the calibration benchmark (bench/spin) all choose a model by name from the registry
// here, so they run the very same null code; the kernels (rotations, matchings, surrogates) live
// in package stats, where they are compared with their peers.
package nulls

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/stats"
)

// Need is what a null model needs to know of the cortex besides the map's values.
type Need int

const (
	// NeedsNothing: the model reorders the map's values at random (shuffle) or uses none (parametric).
	NeedsNothing Need = iota
	// NeedsCentroids: the parcels' centroids on the sphere (a table with region, hemi, x, y, z,
	// such as ENIGMA's fsaverage5 centroids), for parcel rotations, Moran and variogram nulls.
	NeedsCentroids
	// NeedsSurface: both hemispheres' sphere meshes and parcellations (FreeSurfer ?h.sphere or
	// GIFTI, with .annot files), for the vertex-level Baum and Cornblath nulls.
	NeedsSurface
)

// Model is a spatial null model of regional maps: Draw prepares n null draws over a space from a
// seed; the draws then give the null maps of any map over that space.
type Model interface {
	// Name is the model's name in the registry (the --null and --method value).
	Name() string
	// Description names the model in reports, e.g. "Váša (greedy max-min)".
	Description() string
	// Needs says what the model needs of the space.
	Needs() Need
	// Draw prepares n draws over the space. Draw k depends only on (seed, k) (and, for surrogate
	// models, on the map and its stream), never on the number of workers.
	Draw(space *Space, n int, seed uint64) (Null, error)
}

// Null is a model's draws over one space.
type Null interface {
	// Model is the model drawn from.
	Model() Model
	// Draws is the number of null maps each map gets (0 for the parametric baseline).
	Draws() int
	// Maps returns the null maps of x (values in the space's region order). Reordering models
	// (rotations, shuffle) apply the same reorderings to every map and ignore stream; surrogate
	// models (Moran, variogram) draw surrogates of x from the stream's seeds (StreamSeed): the
	// first map of a test uses stream 0, the second stream 1.
	Maps(x []float64, stream uint64) ([][]float64, error)
}

// StreamSeed is the seed of the surrogates of one map (stream) on one hemisphere (0 left, 1
// right) under a null's seed: 2·(seed + stream) + hemi. It is the one place surrogate seeds are
// derived: painmark spin's second map (stream 1) and the calibration's pair k (seed k, stream 0)
// use it alike.
func StreamSeed(seed, stream uint64, hemi int) uint64 { return 2*(seed+stream) + uint64(hemi) }

var (
	registry = map[string]Model{}
	order    []string
	aliases  = map[string]string{}
)

// Register adds a model to the registry under its name; registering a name twice panics.
func Register(m Model) {
	if _, ok := registry[m.Name()]; ok {
		panic("nulls: model " + m.Name() + " registered twice")
	}
	registry[m.Name()] = m
	order = append(order, m.Name())
}

// Lookup returns the model of a name (or of an alias, such as "spin" for "vasa").
func Lookup(name string) (Model, error) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	if m, ok := registry[name]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("null model %q: want one of %s", name, strings.Join(Names(), ", "))
}

// Names lists the registered models in the order reports list them.
func Names() []string { return append([]string{}, order...) }

// Spatial lists the registered models that use the cortex's geometry (all but shuffle and
// parametric), sorted as Names.
func Spatial() []string {
	var out []string
	for _, n := range order {
		if registry[n].Needs() != NeedsNothing {
			out = append(out, n)
		}
	}
	return out
}

func init() {
	for _, m := range []Model{
		rotation{"vasa", "Váša (greedy max-min)", stats.SpinVasa},
		rotation{"hungarian", "Hungarian (least total distance)", stats.SpinHungarian},
		rotation{"nearest", "nearest-parcel", stats.SpinNearest},
		rotation{"nearest-rotated", "nearest-parcel (BrainSpace's direction)", stats.SpinNearestRotated},
		surface{"baum", "Baum (vertex-level, parcel mode)", stats.SurfaceSpin.Baum},
		surface{"cornblath", "Cornblath (vertex-level, parcel mean)", stats.SurfaceSpin.Cornblath},
		moran{"moran", "Moran spectral randomization (surrogates)", "singleton"},
		moran{"moran-pair", "Moran spectral randomization, pair procedure (surrogates)", "pair"},
		variogram{},
		variogramSampled{},
		alexanderBloch{},
		shuffle{},
		parametric{},
	} {
		Register(m)
	}
	aliases["spin"] = "vasa" // painmark genes' earlier --null spin
}
