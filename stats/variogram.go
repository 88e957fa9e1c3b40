package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/parallel"
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

// VariogramSurrogates generates surrogates of one map (BrainSMASH Base).
type VariogramSurrogates struct {
	x       []float64
	n       int
	opt     VariogramOptions
	pairs   [][2]int    // the pairs (i < j) with distance below the percentile
	weights [][]float64 // smoothing weights of the variogram: bins x pairs, rows normalised
	target  []float64   // the map's smoothed variogram
	knn     [][][]int   // per delta: each parcel's k nearest neighbours (itself excluded)
	kw      [][][]float64
}

// NewVariogramSurrogates prepares the generator for map x with pairwise distances dist (n x n,
// row-major, symmetric, zero diagonal).
func NewVariogramSurrogates(x, dist []float64, opt VariogramOptions) (*VariogramSurrogates, error) {
	n := len(x)
	if n < 4 {
		return nil, fmt.Errorf("variogram surrogates: %d values, need at least 4", n)
	}
	if len(dist) != n*n {
		return nil, fmt.Errorf("variogram surrogates: a %d-value distance matrix for %d regions (need %d x %d)", len(dist), n, n, n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("variogram surrogates: value %d is %v", i, v)
		}
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
	g := &VariogramSurrogates{x: append([]float64(nil), x...), n: n, opt: opt}
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
	g.weights = make([][]float64, opt.Bins)
	for k := range h {
		w := make([]float64, len(du))
		var s float64
		for p, d := range du {
			z := 2.68 * math.Abs(d-h[k]) / b
			w[p] = math.Exp(-z * z / 2)
			s += w[p]
		}
		for p := range w {
			w[p] /= s
		}
		g.weights[k] = w
	}
	g.target = g.smoothVariogram(g.x)
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
	for _, delta := range opt.Deltas {
		k := int(delta * float64(n))
		if !(delta > 0 && delta <= 1) || k < 1 || k > n-1 {
			return nil, fmt.Errorf("variogram surrogates: delta %v gives %d neighbours of %d regions", delta, k, n)
		}
		knn := make([][]int, n)
		kw := make([][]float64, n)
		for i := range knn {
			knn[i] = order[i][1 : k+1] // BrainSMASH skips the first, itself
			d := make([]float64, k)
			dmax := 0.0
			for m, j := range knn[i] {
				d[m] = dist[i*n+j]
				dmax = math.Max(dmax, d[m])
			}
			w := make([]float64, k)
			for m := range w {
				switch opt.Kernel {
				case "exp":
					w[m] = math.Exp(-d[m] / dmax)
				case "gaussian":
					w[m] = math.Exp(-1.25 * (d[m] / dmax) * (d[m] / dmax))
				case "invdist":
					w[m] = 1 / d[m]
				case "uniform":
					w[m] = 1 / float64(k)
				default:
					return nil, fmt.Errorf("variogram surrogates: kernel %q: exp, gaussian, invdist or uniform", opt.Kernel)
				}
			}
			kw[i] = w
		}
		g.knn = append(g.knn, knn)
		g.kw = append(g.kw, kw)
	}
	return g, nil
}

// smoothVariogram is the map's variogram ½(x_i − x_j)² over the retained pairs, smoothed at the
// bins by the Gaussian kernel.
func (g *VariogramSurrogates) smoothVariogram(x []float64) []float64 {
	v := make([]float64, len(g.pairs))
	for p, ij := range g.pairs {
		d := x[ij[0]] - x[ij[1]]
		v[p] = 0.5 * d * d
	}
	out := make([]float64, len(g.weights))
	for k, w := range g.weights {
		var s float64
		for p := range w {
			s += w[p] * v[p]
		}
		out[k] = s
	}
	return out
}

// smooth is x smoothed over the neighbours of delta index d (kernel-weighted mean).
func (g *VariogramSurrogates) smooth(x []float64, d int) []float64 {
	out := make([]float64, g.n)
	for i := range out {
		var s, ws float64
		for m, j := range g.knn[d][i] {
			s += g.kw[d][i][m] * x[j]
			ws += g.kw[d][i][m]
		}
		out[i] = s / ws
	}
	return out
}

// surrogate builds one surrogate from a permutation of the map and n standard normal draws.
func (g *VariogramSurrogates) surrogate(perm []int, noise []float64) []float64 {
	xp := make([]float64, g.n)
	for i, j := range perm {
		xp[i] = g.x[j]
	}
	bestRes, bestD, bestA, bestB := math.Inf(1), 0, 0.0, 0.0
	for d := range g.opt.Deltas {
		sv := g.smoothVariogram(g.smooth(xp, d))
		// Least squares of the map's smoothed variogram on this one (slope b, intercept a).
		mx, my := Mean(sv), Mean(g.target)
		var sxy, sxx float64
		for k := range sv {
			sxy += (sv[k] - mx) * (g.target[k] - my)
			sxx += (sv[k] - mx) * (sv[k] - mx)
		}
		slope := sxy / sxx
		icept := my - slope*mx
		var res float64
		for k := range sv {
			e := g.target[k] - (icept + slope*sv[k])
			res += e * e
		}
		if res < bestRes { // numpy's argmin: the first minimum
			bestRes, bestD, bestA, bestB = res, d, icept, slope
		}
	}
	sm := g.smooth(xp, bestD)
	out := make([]float64, g.n)
	for i := range out {
		out[i] = math.Sqrt(math.Abs(bestB))*sm[i] + math.Sqrt(math.Abs(bestA))*noise[i]
	}
	if g.opt.Resample {
		sorted := append([]float64(nil), g.x...)
		sort.Float64s(sorted)
		idx := make([]int, g.n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return out[idx[a]] < out[idx[b]] })
		res := make([]float64, g.n)
		for r, i := range idx {
			res[i] = sorted[r]
		}
		return res
	}
	m := Mean(out)
	for i := range out {
		out[i] -= m
	}
	return out
}

// Generate draws n surrogates; surrogate k uses PCG(seed, k) for its permutation and noise, so
// the set does not depend on the number of workers.
func (g *VariogramSurrogates) Generate(n int, seed uint64) [][]float64 {
	out := make([][]float64, n)
	parallel.For(n, func(k int) {
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		perm := rng.Perm(g.n)
		noise := make([]float64, g.n)
		for i := range noise {
			noise[i] = rng.NormFloat64()
		}
		out[k] = g.surrogate(perm, noise)
	})
	return out
}

// EuclideanDistances is the n x n matrix of distances between positions (row-major).
func EuclideanDistances(coords [][3]float64) []float64 { return distances(coords, coords) }
