package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
)

// SampledVariogramOptions are the parameters of BrainSMASH's Sampled generator, its variogram
// matching for dense maps (zero values take its defaults).
type SampledVariogramOptions struct {
	Samples    int       // ns: brainordinates drawn per surrogate whose variograms are fitted (500)
	Neighbours int       // knn: nearest brainordinates kept for each (1,000; at most N − 1)
	Deltas     []float64 // proportions of the knn neighbours tried for smoothing (0.3, 0.5, 0.7, 0.9)
	Kernel     string    // as VariogramOptions.Kernel ("exp")
	Percentile float64   // of the kept neighbour distances, below which variograms are fitted (70)
	Bins       int       // distances at which variograms are smoothed (25)
	Bandwidth  float64   // of the Gaussian smoothing of variograms (3 x the bins' spacing)
	Resample   bool      // give each surrogate the map's own values by rank instead of de-meaning
}

// SampledVariogramGeometry is the part of BrainSMASH's Sampled generator (Burt et al. 2020) that
// depends on the positions only: each brainordinate keeps its knn nearest neighbours, and each
// surrogate fits the variograms of a fresh random sample of ns brainordinates (with their
// neighbours) instead of all pairs, so memory and time grow with N·knn, not N². Prepared once, it
// serves every map over the same brainordinates.
type SampledVariogramGeometry struct {
	n, knn   int
	opt      SampledVariogramOptions
	index    []int     // n x knn: each brainordinate's neighbours, nearest first (itself excluded)
	dist     []float64 // n x knn: their distances
	dmax     float64   // the Percentile of dist: pairs at or beyond it are left out of variograms
	ks       []int     // neighbours per delta
	kw, kws  [][]float64
	group    []int32     // n x knn: the index of each distance below dmax among the distinct ones, −1 beyond
	gweights [][]float64 // bins x distinct distances: the variogram smoothing weights
	h        []float64   // the bins' distances
	b        float64     // the bandwidth
}

// SampledVariogramSurrogates generates surrogates of one dense map (BrainSMASH Sampled).
type SampledVariogramSurrogates struct {
	*SampledVariogramGeometry
	x []float64
}

// maxDistinctDistances is the most distinct neighbour distances whose smoothing weights are
// tabulated (bins x 2^18 floats, 52 MB with 25 bins); scattered positions with more compute them
// pair by pair.
const maxDistinctDistances = 1 << 18

// NewSampledVariogramSurrogates prepares the generator for map x over brainordinates at coords.
func NewSampledVariogramSurrogates(x []float64, coords [][3]float64, opt SampledVariogramOptions) (*SampledVariogramSurrogates, error) {
	if len(coords) != len(x) {
		return nil, fmt.Errorf("sampled variogram surrogates: %d values at %d positions", len(x), len(coords))
	}
	geo, err := NewSampledVariogramGeometry(coords, opt)
	if err != nil {
		return nil, err
	}
	return geo.Surrogates(x)
}

// Surrogates prepares the generator for map x over the geometry's brainordinates.
func (geo *SampledVariogramGeometry) Surrogates(x []float64) (*SampledVariogramSurrogates, error) {
	if len(x) != geo.n {
		return nil, fmt.Errorf("sampled variogram surrogates: %d values over %d brainordinates", len(x), geo.n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sampled variogram surrogates: value %d is %v", i, v)
		}
	}
	return &SampledVariogramSurrogates{geo, append([]float64(nil), x...)}, nil
}

// NewSampledVariogramGeometry prepares the Sampled generator for brainordinates at coords (mm;
// Euclidean distances, each one's neighbours sorted by distance, ties by index).
func NewSampledVariogramGeometry(coords [][3]float64, opt SampledVariogramOptions) (*SampledVariogramGeometry, error) {
	n := len(coords)
	if opt.Samples == 0 {
		opt.Samples = 500
	}
	if opt.Neighbours == 0 {
		opt.Neighbours = 1000
	}
	if opt.Deltas == nil {
		opt.Deltas = []float64{0.3, 0.3 + 0.2, 0.3 + 2*0.2, 0.3 + 3*0.2} // np.arange(0.3, 1., 0.2)
	}
	if opt.Kernel == "" {
		opt.Kernel = "exp"
	}
	if opt.Percentile == 0 {
		opt.Percentile = 70
	}
	if opt.Bins == 0 {
		opt.Bins = 25
	}
	if opt.Samples < 2 || opt.Samples > n || opt.Neighbours < 2 || opt.Neighbours > n-1 || opt.Bins < 2 || !(opt.Percentile > 0 && opt.Percentile <= 100) {
		return nil, fmt.Errorf("sampled variogram surrogates: %d samples and %d neighbours of %d brainordinates, %d bins, percentile %v: need 2 ≤ samples ≤ N, 2 ≤ neighbours < N, bins ≥ 2, percentile in (0, 100]", opt.Samples, opt.Neighbours, n, opt.Bins, opt.Percentile)
	}
	knn := opt.Neighbours
	if err := budget.Check("sampled variogram neighbours", int64(n), int64(16*knn)); err != nil {
		return nil, err
	}
	g := &SampledVariogramGeometry{n: n, knn: knn, opt: opt,
		index: make([]int, n*knn), dist: make([]float64, n*knn)}
	parallel.For(n, func(i int) {
		d := make([]float64, n)
		for j := range coords {
			d[j] = euclidean(coords[i], coords[j])
		}
		sorted := slices.Clone(d)
		sorted[i] = math.Inf(1) // not its own neighbour
		slices.Sort(sorted)
		var near []int
		for j := range coords {
			if j != i && d[j] <= sorted[knn-1] {
				near = append(near, j)
			}
		}
		sort.SliceStable(near, func(a, b int) bool { return d[near[a]] < d[near[b]] })
		for m, j := range near[:knn] {
			g.index[i*knn+m], g.dist[i*knn+m] = j, d[j]
		}
	})
	sorted := slices.Clone(g.dist)
	slices.Sort(sorted)
	g.dmax = Percentile(sorted, opt.Percentile)
	h := make([]float64, opt.Bins)
	for k := range h {
		h[k] = sorted[0] + (g.dmax-sorted[0])*float64(k)/float64(opt.Bins-1)
	}
	b := opt.Bandwidth
	if b == 0 {
		b = 3 * (h[1] - h[0])
	}
	if !(b > 0) {
		return nil, fmt.Errorf("sampled variogram surrogates: bandwidth %v (the kept distances are all equal)", b)
	}
	// Pairs at one distance share their smoothing weights: the variogram is summed per distinct
	// distance (a grid has few; scattered positions many, and take more memory).
	g.group = make([]int32, n*knn)
	ids := map[float64]int32{}
	var ud []float64
	for p, d := range g.dist {
		g.group[p] = -1
		if d < g.dmax && len(ud) <= maxDistinctDistances {
			id, ok := ids[d]
			if !ok {
				id = int32(len(ud))
				ids[d] = id
				ud = append(ud, d)
			}
			g.group[p] = id
		}
	}
	g.h, g.b = h, b
	if len(ud) > maxDistinctDistances {
		g.group = nil
		ud = nil
	}
	g.gweights = make([][]float64, opt.Bins)
	for k := range h {
		g.gweights[k] = make([]float64, len(ud))
		for q, d := range ud {
			z := 2.68 * math.Abs(d-h[k]) / b
			g.gweights[k][q] = math.Exp(-z * z / 2)
		}
	}
	for _, delta := range opt.Deltas {
		k := int(delta * float64(knn))
		if !(delta > 0 && delta <= 1) || k < 1 {
			return nil, fmt.Errorf("sampled variogram surrogates: delta %v gives %d of %d neighbours", delta, k, knn)
		}
		kw, kws := make([]float64, n*k), make([]float64, n)
		for i := 0; i < n; i++ {
			w, err := smoothingWeights(opt.Kernel, g.dist[i*knn:i*knn+k])
			if err != nil {
				return nil, fmt.Errorf("sampled variogram surrogates: %w", err)
			}
			copy(kw[i*k:], w)
			for _, v := range w {
				kws[i] += v
			}
		}
		g.ks, g.kw, g.kws = append(g.ks, k), append(g.kw, kw), append(g.kws, kws)
	}
	return g, nil
}

// smoothVariogram is the variogram ½(x_i − x_j)² of the sampled brainordinates idx with their
// neighbours closer than dmax, smoothed at the bins by the Gaussian kernel.
func (g *SampledVariogramGeometry) smoothVariogram(x []float64, idx []int) []float64 {
	if g.group == nil {
		return g.smoothVariogramPairs(x, idx)
	}
	nd := len(g.gweights[0])
	v, c := make([]float64, nd), make([]float64, nd)
	for _, i := range idx {
		for m := i * g.knn; m < (i+1)*g.knn; m++ {
			if q := g.group[m]; q >= 0 {
				e := x[i] - x[g.index[m]]
				v[q] += 0.5 * e * e
				c[q]++
			}
		}
	}
	out := make([]float64, len(g.gweights))
	for k, w := range g.gweights {
		var num, den float64
		for q := range w {
			num += w[q] * v[q]
			den += w[q] * c[q]
		}
		out[k] = num / den
	}
	return out
}

// smoothVariogramPairs is smoothVariogram with the weights computed pair by pair.
func (g *SampledVariogramGeometry) smoothVariogramPairs(x []float64, idx []int) []float64 {
	num, den := make([]float64, len(g.h)), make([]float64, len(g.h))
	for _, i := range idx {
		for m := i * g.knn; m < (i+1)*g.knn; m++ {
			if d := g.dist[m]; d < g.dmax {
				e := x[i] - x[g.index[m]]
				for k, hk := range g.h {
					z := 2.68 * math.Abs(d-hk) / g.b
					w := math.Exp(-z * z / 2)
					num[k] += w * 0.5 * e * e
					den[k] += w
				}
			}
		}
	}
	for k := range num {
		num[k] /= den[k]
	}
	return num
}

// smooth is x smoothed over the nearest neighbours of delta index d (kernel-weighted mean).
func (g *SampledVariogramGeometry) smooth(x []float64, d int) []float64 {
	k, out := g.ks[d], make([]float64, g.n)
	for i := range out {
		var s float64
		w := g.kw[d][i*k : (i+1)*k]
		for m, j := range g.index[i*g.knn : i*g.knn+k] {
			s += w[m] * x[j]
		}
		out[i] = s / g.kws[d][i]
	}
	return out
}

// surrogate builds one surrogate from a permutation of the map, the sampled brainordinates and n
// standard normal draws.
func (g *SampledVariogramSurrogates) surrogate(perm, idx []int, noise []float64) []float64 {
	xp := make([]float64, g.n)
	for i, j := range perm {
		xp[i] = g.x[j]
	}
	target := g.smoothVariogram(g.x, idx)
	bestRes, bestA, bestB := math.Inf(1), 0.0, 0.0
	var sm []float64
	for d := range g.opt.Deltas {
		smd := g.smooth(xp, d)
		icept, slope, res := fitVariogram(g.smoothVariogram(smd, idx), target)
		if res < bestRes { // numpy's argmin: the first minimum
			bestRes, sm, bestA, bestB = res, smd, icept, slope
		}
	}
	return surrogateMap(sm, bestA, bestB, noise, g.x, g.opt.Resample)
}

// Generate draws n surrogates; surrogate k uses PCG(seed, k) for its permutation, its sample (the
// first ns of a second permutation) and its noise, so the set does not depend on the number of
// workers.
func (g *SampledVariogramSurrogates) Generate(n int, seed uint64) [][]float64 {
	out := make([][]float64, n)
	parallel.ForProgress(n, progress.Loop("sampled variogram surrogates"), func(k int) { out[k] = g.Surrogate(k, seed) })
	return out
}

// Surrogate is Generate's surrogate k of a seed alone (from PCG(seed, k)), for a null made
// draw by draw; safe for concurrent use.
func (g *SampledVariogramSurrogates) Surrogate(k int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	perm := rng.Perm(g.n)
	idx := rng.Perm(g.n)[:g.opt.Samples]
	noise := make([]float64, g.n)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	return g.surrogate(perm, idx, noise)
}
