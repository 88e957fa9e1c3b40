package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
)

// Variogram-matching surrogate maps (Burt et al. 2020, BrainSMASH's Base generator): for maps
// given with a distance matrix but no sphere (subcortex, volumes, any parcellation), each
// surrogate is a random permutation of the map smoothed over its k nearest neighbours (k = δ·N for
// the δ whose smoothed variogram, linearly rescaled, best fits the map's), scaled and given
// Gaussian noise so that its variogram matches the map's.

// VariogramOptions are BrainSMASH's parameters (zero values take its defaults).
type VariogramOptions struct {
	// Deltas are the proportions of neighbours tried for smoothing (default 0.1, 0.2, ..., 0.9).
	Deltas []float64
	// Kernel weights the neighbours by distance: "exp" (default, exp(−d/d_max) per row),
	// "gaussian" (exp(−1.25 (d/d_max)²)), "invdist" (1/d) or "uniform".
	Kernel string
	// Percentile of the pairwise distances below which the variogram is fitted (default 25).
	Percentile float64
	// Bins is the number of distances at which the variogram is smoothed (default 25).
	Bins int
	// Bandwidth of the Gaussian smoothing of variograms (default 3 x the spacing of the bins).
	Bandwidth float64
	// Resample gives each surrogate the map's own values (rank-matched) instead of de-meaning it.
	Resample bool
}

// VariogramGeometry is the part of BrainSMASH Base's generator that depends on the distances only
// (the variogram's pairs and smoothing weights, each region's neighbours): prepared once, it
// serves every map over the same regions.
type VariogramGeometry struct {
	n       int
	opt     VariogramOptions
	pairs   [][2]int      // the pairs (i < j) with distance below the percentile
	group   []int         // each pair's distance group: pairs at exactly equal distances share one
	weights [][]float64   // smoothing weights of the variogram: bins x distance groups, rows normalised
	nbr     [][]int32     // each region's nearest neighbours (itself excluded), as many as the largest delta takes
	shells  [][]int32     // each region's shells: the end (in nbr) of each run of neighbours at one distance
	ks      []int         // neighbours per delta
	sw      [][][]float64 // per delta and region: the kernel weight of each shell within its k nearest
	kws     [][]float64   // per delta: each region's sum of smoothing weights
}

// VariogramSurrogates generates surrogates of one map (BrainSMASH Base).
type VariogramSurrogates struct {
	*VariogramGeometry
	x      []float64
	target []float64 // the map's smoothed variogram
}

// NewVariogramSurrogates prepares the generator for map x with pairwise distances dist (n x n,
// row-major, symmetric, zero diagonal).
func NewVariogramSurrogates(x, dist []float64, opt VariogramOptions) (*VariogramSurrogates, error) {
	if n := len(x); len(dist) != n*n {
		return nil, fmt.Errorf("variogram surrogates: a %d-value distance matrix for %d regions (need %d x %d)", len(dist), n, n, n)
	}
	geo, err := NewVariogramGeometry(dist, opt)
	if err != nil {
		return nil, err
	}
	return geo.Surrogates(x)
}

// Surrogates prepares the generator for map x over the geometry's regions.
func (geo *VariogramGeometry) Surrogates(x []float64) (*VariogramSurrogates, error) {
	if len(x) != geo.n {
		return nil, fmt.Errorf("variogram surrogates: %d values over %d regions", len(x), geo.n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("variogram surrogates: value %d is %v", i, v)
		}
	}
	g := &VariogramSurrogates{VariogramGeometry: geo, x: append([]float64(nil), x...)}
	g.target = g.smoothVariogram(g.x)
	return g, nil
}

// NewVariogramGeometry prepares BrainSMASH Base's generator for the regions with pairwise
// distances dist (n x n, row-major, symmetric, zero diagonal).
func NewVariogramGeometry(dist []float64, opt VariogramOptions) (*VariogramGeometry, error) {
	n := int(math.Sqrt(float64(len(dist))))
	if n*n != len(dist) || n < 4 {
		return nil, fmt.Errorf("variogram surrogates: a %d-value distance matrix: need n x n for at least 4 regions", len(dist))
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d := dist[i*n+j]
			if math.IsNaN(d) || d < 0 || (i == j && d != 0) || (i < j && d != dist[j*n+i]) {
				return nil, fmt.Errorf("variogram surrogates: distance (%d, %d) = %v: need a symmetric, non-negative matrix with zero diagonal", i, j, d)
			}
		}
	}
	if opt.Deltas == nil {
		opt.Deltas = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	}
	if opt.Kernel == "" {
		opt.Kernel = "exp"
	}
	if opt.Percentile == 0 {
		opt.Percentile = 25
	}
	if opt.Bins == 0 {
		opt.Bins = 25
	}
	if opt.Percentile <= 0 || opt.Percentile > 100 || opt.Bins < 2 {
		return nil, fmt.Errorf("variogram surrogates: percentile %v must be in (0, 100] and bins %d at least 2", opt.Percentile, opt.Bins)
	}
	g := &VariogramGeometry{n: n, opt: opt}
	// The pairs below the percentile of all pairwise distances (numpy's linear interpolation).
	var u []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			u = append(u, dist[i*n+j])
		}
	}
	sorted := append([]float64(nil), u...)
	sort.Float64s(sorted)
	pos := opt.Percentile / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	cut := sorted[lo]
	if lo+1 < len(sorted) {
		cut += (pos - float64(lo)) * (sorted[lo+1] - sorted[lo])
	}
	var du []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if d := dist[i*n+j]; d < cut {
				g.pairs = append(g.pairs, [2]int{i, j})
				du = append(du, d)
			}
		}
	}
	if len(du) < 2 {
		return nil, fmt.Errorf("variogram surrogates: %d pairs below the %vth percentile of distances", len(du), opt.Percentile)
	}
	umin, umax := du[0], du[0]
	for _, d := range du {
		umin, umax = math.Min(umin, d), math.Max(umax, d)
	}
	h := make([]float64, opt.Bins)
	for k := range h {
		h[k] = umin + (umax-umin)*float64(k)/float64(opt.Bins-1)
	}
	b := opt.Bandwidth
	if b == 0 {
		b = 3 * (h[1] - h[0])
	}
	if !(b > 0) {
		return nil, fmt.Errorf("variogram surrogates: bandwidth %v (the distances below the percentile are all equal)", b)
	}
	// Pairs at exactly equal distances (a regular grid's) get equal weights: the variogram is summed
	// per distance first (the same sum, grouped; with no ties, the same order).
	var ud []float64
	index := map[float64]int{}
	g.group = make([]int, len(du))
	for p, d := range du {
		k, ok := index[d]
		if !ok {
			k = len(ud)
			index[d] = k
			ud = append(ud, d)
		}
		g.group[p] = k
	}
	g.weights = make([][]float64, opt.Bins)
	for k := range h {
		w := make([]float64, len(ud))
		var s float64
		for p, d := range du {
			z := 2.68 * math.Abs(d-h[k]) / b
			e := math.Exp(-z * z / 2)
			w[g.group[p]] = e
			s += e
		}
		for p := range w {
			w[p] /= s
		}
		g.weights[k] = w
	}
	// Each parcel's neighbours by distance (stable order: ties by index, as numpy's argsort of a
	// row puts equal distances in index order with its default quicksort only approximately; a
	// distance matrix of real positions has no ties).
	order := make([][]int, n)
	for i := range order {
		o := make([]int, n)
		for j := range o {
			o[j] = j
		}
		row := dist[i*n : (i+1)*n]
		sort.SliceStable(o, func(a, b int) bool { return row[o[a]] < row[o[b]] })
		order[i] = o
	}
	kmax := 0
	for _, delta := range opt.Deltas {
		k := int(delta * float64(n))
		if !(delta > 0 && delta <= 1) || k < 1 || k > n-1 {
			return nil, fmt.Errorf("variogram surrogates: delta %v gives %d neighbours of %d regions", delta, k, n)
		}
		kmax = max(kmax, k)
		g.ks = append(g.ks, k)
	}
	// Neighbours at one distance (a shell) share their kernel weight: each map is summed per shell
	// first (the same sum, grouped; with no ties, the same order).
	g.nbr, g.shells = make([][]int32, n), make([][]int32, n)
	for i := range g.nbr {
		nb := make([]int32, kmax)
		for m, j := range order[i][1 : kmax+1] { // BrainSMASH skips the first, itself
			nb[m] = int32(j)
		}
		for m := range nb {
			if m == kmax-1 || dist[i*n+int(nb[m+1])] != dist[i*n+int(nb[m])] {
				g.shells[i] = append(g.shells[i], int32(m+1))
			}
		}
		g.nbr[i] = nb
	}
	for _, k := range g.ks {
		sw, kws := make([][]float64, n), make([]float64, n)
		for i := range sw {
			d := make([]float64, k)
			for m, j := range g.nbr[i][:k] {
				d[m] = dist[i*n+int(j)]
			}
			w, err := smoothingWeights(opt.Kernel, d)
			if err != nil {
				return nil, fmt.Errorf("variogram surrogates: %w", err)
			}
			for _, v := range w {
				kws[i] += v
			}
			start := int32(0)
			for _, end := range g.shells[i] {
				if int(start) >= k {
					break
				}
				sw[i] = append(sw[i], w[start])
				start = end
			}
		}
		g.sw, g.kws = append(g.sw, sw), append(g.kws, kws)
	}
	return g, nil
}

// surrogate builds one surrogate from a permutation of the map and n standard normal draws.
func (g *VariogramSurrogates) surrogate(perm []int, noise []float64) []float64 {
	xp := make([]float64, g.n)
	for i, j := range perm {
		xp[i] = g.x[j]
	}
	bestRes, bestA, bestB := math.Inf(1), 0.0, 0.0
	var sm []float64
	for _, smd := range g.smoothAll(xp) {
		icept, slope, res := fitVariogram(g.smoothVariogram(smd), g.target)
		if res < bestRes { // numpy's argmin: the first minimum
			bestRes, sm, bestA, bestB = res, smd, icept, slope
		}
	}
	return surrogateMap(sm, bestA, bestB, noise, g.x, g.opt.Resample)
}

// Generate draws n surrogates; surrogate k uses PCG(seed, k) for its permutation and noise, so
// the set does not depend on the number of workers.
func (g *VariogramSurrogates) Generate(n int, seed uint64) [][]float64 {
	out := make([][]float64, n)
	parallel.ForProgress(n, progress.Loop("variogram surrogates"), func(k int) { out[k] = g.Surrogate(k, seed) })
	return out
}

// Surrogate is Generate's surrogate k of a seed alone (from PCG(seed, k)), for a null made
// draw by draw; safe for concurrent use.
func (g *VariogramSurrogates) Surrogate(k int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	perm := rng.Perm(g.n)
	noise := make([]float64, g.n)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	return g.surrogate(perm, noise)
}

// EuclideanDistances is the n x n matrix of distances between positions (row-major).
func EuclideanDistances(coords [][3]float64) []float64 { return distances(coords, coords) }
