package nulls

import (
	"fmt"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/stats"
)

// rotation is the spin test of parcellated maps (Alexander-Bloch et al. 2018): random rotations
// of the parcels' sphere centroids (rotate_parcellation's, the right hemisphere mirrored), each
// rotated parcel matched back to a parcel by the method (stats.SpinPermutations).
type rotation struct {
	name, description string
	method            stats.SpinMethod
}

func (m rotation) Name() string        { return m.name }
func (m rotation) Description() string { return m.description }
func (m rotation) Needs() Need         { return NeedsCentroids }
func (m rotation) Draw(s *Space, n int, seed uint64) (Null, error) {
	if err := m.check(s); err != nil {
		return nil, err
	}
	perms, err := stats.SpinPermutations(s.Left, s.Right, n, seed, m.method)
	if err != nil {
		return nil, err
	}
	return reordering{m, byRegion(perms, s.Order)}, nil
}

// check refuses a space the rotation does not take (a dense surface's vertices, a volume).
func (m rotation) check(s *Space) error { return sphereParcels(s, m.name) }

// sphereParcels refuses a space of a dense surface's vertices or of a volume for a spin of parcels.
func sphereParcels(s *Space, name string) error {
	if err := notDense(s, name); err != nil {
		return err
	}
	if s.Neighbour > 0 {
		return fmt.Errorf("the %s null rotates a sphere: a volume's map needs variogram, moran or shuffle", name)
	}
	return nil
}

// byRegion turns spins of the parcels in the sphere's order into permutations of the regions' own
// order: position order[k] takes the value of region order[perm[k]].
func byRegion(perms [][]int, order []int) [][]int {
	out := make([][]int, len(perms))
	for p, perm := range perms {
		q := make([]int, len(order))
		for k, j := range perm {
			q[order[k]] = order[j]
		}
		out[p] = q
	}
	return out
}

// reordering is a null of reorderings of the regions, the same for every map: perm[i] is the
// region whose value region i takes.
type reordering struct {
	model Model
	perms [][]int
}

func (r reordering) Model() Model { return r.model }
func (r reordering) Draws() int   { return len(r.perms) }
func (r reordering) Maps(x []float64, _ uint64) ([][]float64, error) {
	return reorderMaps(r.perms, x, "regions")
}

// reorderMaps is x reordered by each permutation (out[k][i] = x[perm_k[i]]).
func reorderMaps[T int | int32](perms [][]T, x []float64, what string) ([][]float64, error) {
	out := make([][]float64, len(perms))
	for k, perm := range perms {
		if len(perm) != len(x) {
			return nil, fmt.Errorf("null draw %d reorders %d %s, the map has %d", k, len(perm), what, len(x))
		}
		out[k] = reorder(x, perm)
	}
	return out, nil
}

// reorder is x reordered by one permutation (out[i] = x[perm[i]]).
func reorder[T int | int32](x []float64, perm []T) []float64 {
	out := make([]float64, len(x))
	for i, j := range perm {
		out[i] = x[j]
	}
	return out
}

// Permutations returns the reorderings of a reordering null (rotations, shuffle) in the regions'
// order, and false for the other models.
func Permutations(n Null) ([][]int, bool) {
	r, ok := n.(reordering)
	return r.perms, ok
}

// surface is a vertex-level spin null (neuromaps' baum and cornblath, stats.SurfaceSpins): the
// sphere meshes' vertices are rotated and the parcels rebuilt from the rotated vertices.
type surface struct {
	name, description string
	rebuild           func(stats.SurfaceSpin, []float64) []float64 // the parcels from the rotated vertices
}

func (m surface) Name() string        { return m.name }
func (m surface) Description() string { return m.description }
func (m surface) Needs() Need         { return NeedsSurface }
func (m surface) Draw(s *Space, n int, seed uint64) (Null, error) {
	if err := m.check(s); err != nil {
		return nil, err
	}
	spins, err := stats.SurfaceSpins(*s.Surface, n, seed)
	if err != nil {
		return nil, err
	}
	return surfaceNull{m, spins}, nil
}

// check refuses a space the vertex spin of parcels does not take.
func (m surface) check(s *Space) error { return sphereParcels(s, m.name) }

type surfaceNull struct {
	model surface
	spins []stats.SurfaceSpin
}

func (s surfaceNull) Model() Model { return s.model }
func (s surfaceNull) Draws() int   { return len(s.spins) }
func (s surfaceNull) Maps(x []float64, _ uint64) ([][]float64, error) {
	out := make([][]float64, len(s.spins))
	for k, spin := range s.spins {
		if len(spin.Sources) != len(x) {
			return nil, fmt.Errorf("spin %d covers %d parcels, the map %d", k, len(spin.Sources), len(x))
		}
		out[k] = s.model.rebuild(spin, x)
	}
	return out, nil
}

// hemispheres is a surrogate null drawn per hemisphere from the sphere's parcels (left then right)
// and joined, the map's values taken to the sphere's order and back. gen prepares the surrogates
// of one hemisphere's part of a map (h = 0 left, 1 right; a volume is one part); surrogate k of
// a seed is then made from k alone.
type hemispheres struct {
	model Model
	space *Space
	n     int
	seed  uint64
	gen   func(h int, part []float64) (func(k int, seed uint64) []float64, error)
}

func (h hemispheres) Model() Model { return h.model }
func (h hemispheres) Draws() int   { return h.n }
func (h hemispheres) Maps(x []float64, stream uint64) ([][]float64, error) {
	f, err := h.onDemand(x, stream)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, h.n)
	parallel.ForProgress(h.n, progress.Loop(h.model.Name()+" surrogates"), func(k int) { out[k] = f(k) })
	return out, nil
}

// onDemand gives surrogate k of x (stream 0 for a test's first map, 1 for its second) when asked
// for, from the seeds StreamSeed(seed, stream, hemisphere): Maps' surrogate k, safe for
// concurrent use.
func (h hemispheres) onDemand(x []float64, stream uint64) (func(k int) []float64, error) {
	if len(x) != len(h.space.Regions) {
		return nil, fmt.Errorf("a map of %d values over %d regions", len(x), len(h.space.Regions))
	}
	xs := make([]float64, len(x))
	for k, j := range h.space.Order {
		xs[k] = x[j]
	}
	nLeft := len(h.space.Left)
	left, err := h.gen(0, xs[:nLeft])
	if err != nil {
		return nil, err
	}
	var right func(k int, seed uint64) []float64
	if nLeft < len(xs) { // not a volume (one part)
		if right, err = h.gen(1, xs[nLeft:]); err != nil {
			return nil, err
		}
	}
	sl, sr := StreamSeed(h.seed, stream, 0), StreamSeed(h.seed, stream, 1)
	return func(k int) []float64 {
		m := left(k, sl)
		if right != nil {
			m = append(m, right(k, sr)...)
		}
		out := make([]float64, len(m))
		for i, j := range h.space.Order {
			out[j] = m[i]
		}
		return out
	}, nil
}

// moran is Moran spectral randomization (Wagner & Dray 2015's singleton and pair procedures, as
// BrainSpace's MoranRandomization (Vos de Wael et al. 2020) and neuromaps' moran null: compute_mem
// with spectrum "nonzero", spectral_randomization of one map, not joint) on inverse-distance
// weights between each hemisphere's parcel centroids. The sign flips (or pair rotations) of a
// map's coefficients on the Moran eigenvectors are an exact null only when the map's covariance
// is diagonal in that basis. On a volume (VolumeSpace) the weights are therefore each map's own
// smoothness kernel (gaussianMEMs: stats.GaussianWeights at the map's FWHM, estimated from its
// first differences as AFNI's 3dFWHMx -classic, rounded to 0.5 mm): the correlation of a
// Gaussian-smoothed field, whose Moran eigenvectors diagonalize such a map's covariance. BrainSpace's
// own choice for a mesh, 1/d on the neighbour graph, left 7% of the covariance off the diagonal at
// FWHM 12 mm (bench/spin: false-positive rate 0.072 on 40 mm volumes; the calibrated weights keep
// it in 0.03-0.07); it stays available as MoranNeighbourGraph. The pair procedure is refused on
// volumes: it rotates coefficients between eigenvectors of unequal variance, and was badly liberal
// with either weights (bench/README.md).
type moran struct{ name, description, procedure string }

func (m moran) Name() string                                    { return m.name }
func (m moran) Description() string                             { return m.description }
func (m moran) Needs() Need                                     { return NeedsCentroids }
func (m moran) Draw(s *Space, n int, seed uint64) (Null, error) { return m.draw(m, s, n, seed, false) }

// draw is the null of model (m or the MoranNeighbourGraph wrapping it); graph takes a volume's
// 1/d neighbour graph as the weights instead of each map's smoothness kernel.
func (m moran) draw(model Model, s *Space, n int, seed uint64, graph bool) (Null, error) {
	if err := denseLimit(s, m.name); err != nil {
		return nil, err
	}
	if s.Neighbour > 0 && m.procedure == "pair" {
		return nil, fmt.Errorf("the %s null is refused on volumes: pairing eigenvectors of unequal variance makes its surrogates rougher than the map (false-positive rate %s at alpha 0.05 on smooth random volumes, bench/spin); use moran or variogram", m.name, volumePairFPR)
	}
	if s.Neighbour > 0 && !graph { // a volume: each map's own smoothness kernel
		g, err := newGaussianMEMs(s.Left, s.Neighbour)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		return hemispheres{model, s, n, seed, func(_ int, part []float64) (func(k int, seed uint64) []float64, error) {
			mem, _, err := g.forMap(part)
			if err != nil {
				return nil, err
			}
			sur, err := mem.Generator(part, m.procedure)
			if err != nil {
				return nil, err
			}
			return sur.Surrogate, nil
		}}, nil
	}
	var mems [2]*stats.MoranEigenvectors
	for h, c := range [][][3]float64{s.Left, s.Right} {
		w := stats.InverseDistanceWeights(c)
		if s.Neighbour > 0 { // a volume
			if h == 1 {
				break
			}
			w = neighbourWeights(c, s.Neighbour)
		}
		e, err := stats.NewMoranEigenvectors(w, len(c), 1e-6)
		if err != nil {
			return nil, err
		}
		mems[h] = e
	}
	return hemispheres{model, s, n, seed, func(h int, part []float64) (func(k int, seed uint64) []float64, error) {
		g, err := mems[h].Generator(part, m.procedure)
		if err != nil {
			return nil, err
		}
		return g.Surrogate, nil
	}}, nil
}

// MoranNeighbourGraph is the moran null with BrainSpace's kind of weights on a volume too: 1/d on
// the 26-neighbour graph (neighbourWeights), one basis for every map. It is not registered:
// somewhat liberal on very smooth volumes (0.072 at FWHM 12 mm, bench/spin), it is kept for
// comparison (bench/spin -volume-nulls moran-graph). On parcels it is moran.
var MoranNeighbourGraph Model = moranGraph{moran{"moran-graph", "Moran spectral randomization on the neighbour graph (surrogates)", "singleton"}}

type moranGraph struct{ moran }

func (m moranGraph) Draw(s *Space, n int, seed uint64) (Null, error) {
	return m.draw(m, s, n, seed, true)
}

// stream is the graph's surrogates, on demand (moran's stream would draw moran's).
func (m moranGraph) stream(s *Space, n int, seed uint64) (drawStream, error) {
	return surrogates(m, s, n, seed)
}

// variogram is Burt et al. (2020)'s variogram matching with BrainSMASH's defaults, on the
// Euclidean distances between each hemisphere's parcel centroids.
type variogram struct{}

func (variogram) Name() string        { return "variogram" }
func (variogram) Description() string { return "variogram-matching (surrogates)" }
func (variogram) Needs() Need         { return NeedsCentroids }
func (m variogram) Draw(s *Space, n int, seed uint64) (Null, error) {
	if err := denseLimit(s, "variogram"); err != nil {
		return nil, err
	}
	return perHemisphere(m, s, n, seed, func(c [][3]float64) (*stats.VariogramGeometry, error) {
		return stats.NewVariogramGeometry(stats.EuclideanDistances(c), stats.VariogramOptions{})
	}, func(g *stats.VariogramGeometry, part []float64) (generator, error) { return g.Surrogates(part) })
}

// generator draws surrogate k of one map from a seed (its own PCG(seed, k) stream).
type generator interface {
	Surrogate(k int, seed uint64) []float64
}

// perHemisphere prepares each hemisphere's generator geometry from its positions (one block for a
// volume) and returns the null whose maps are gen's surrogates of each part.
func perHemisphere[G any](m Model, s *Space, n int, seed uint64, prep func([][3]float64) (G, error), gen func(G, []float64) (generator, error)) (Null, error) {
	var geo [2]G
	for h, c := range [][][3]float64{s.Left, s.Right} {
		if h == 1 && s.Neighbour > 0 { // a volume: one block
			break
		}
		var err error
		if geo[h], err = prep(c); err != nil {
			return nil, err
		}
	}
	return hemispheres{m, s, n, seed, func(h int, part []float64) (func(k int, seed uint64) []float64, error) {
		g, err := gen(geo[h], part)
		if err != nil {
			return nil, err
		}
		return g.Surrogate, nil
	}}, nil
}

// shuffle reorders the regions uniformly at random, blind to space: draw k is
// stats.Permutation(seed, k+1, regions).
type shuffle struct{}

func (shuffle) Name() string        { return "shuffle" }
func (shuffle) Description() string { return "random shuffle of the regions (not spatial)" }
func (shuffle) Needs() Need         { return NeedsNothing }
func (m shuffle) Draw(s *Space, n int, seed uint64) (Null, error) {
	perms := make([][]int, n)
	for k := range perms {
		perms[k] = stats.Permutation(seed, uint64(k+1), len(s.Regions))
	}
	return reordering{m, perms}, nil
}

// parametric is no null at all: the test of a correlation assuming independent regions (the
// t test of r, as scipy.stats.pearsonr), the baseline the spatial nulls are compared with.
type parametric struct{}

func (parametric) Name() string { return "parametric" }
func (parametric) Description() string {
	return "parametric (t test of r; regions taken as independent)"
}
func (parametric) Needs() Need { return NeedsNothing }
func (m parametric) Draw(*Space, int, uint64) (Null, error) {
	return noNull{m}, nil
}

type noNull struct{ model Model }

func (n noNull) Model() Model                                  { return n.model }
func (noNull) Draws() int                                      { return 0 }
func (noNull) Maps(x []float64, _ uint64) ([][]float64, error) { return nil, nil }

// FromPermutations is a null of given reorderings of the regions (perm[i] = the region whose
// value region i takes), e.g. shuffles drawn elsewhere: every map gets the same reorderings.
func FromPermutations(perms [][]int) Null { return reordering{permutations{}, perms} }

type permutations struct{}

func (permutations) Name() string        { return "permutations" }
func (permutations) Description() string { return "given reorderings of the regions" }
func (permutations) Needs() Need         { return NeedsNothing }
func (m permutations) Draw(*Space, int, uint64) (Null, error) {
	return nil, fmt.Errorf("the given permutations are a null already: use FromPermutations")
}
