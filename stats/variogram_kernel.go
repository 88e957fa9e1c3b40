package stats

import (
	"fmt"
	"math"
	"sort"
)

// smoothingWeights is BrainSMASH's kernel (brainsmash/mapgen/kernels.py) over one brainordinate's
// neighbour distances d: "exp" exp(−d/d_max), "gaussian" exp(−1.25 (d/d_max)²), "invdist" 1/d,
// "uniform" 1/k, d_max the largest of d.
func smoothingWeights(kernel string, d []float64) ([]float64, error) {
	dmax := 0.0
	for _, v := range d {
		dmax = math.Max(dmax, v)
	}
	w := make([]float64, len(d))
	for m, v := range d {
		switch kernel {
		case "exp":
			w[m] = math.Exp(-v / dmax)
		case "gaussian":
			w[m] = math.Exp(-1.25 * (v / dmax) * (v / dmax))
		case "invdist":
			w[m] = 1 / v
		case "uniform":
			w[m] = 1 / float64(len(d))
		default:
			return nil, fmt.Errorf("kernel %q: exp, gaussian, invdist or uniform", kernel)
		}
	}
	return w, nil
}

// fitVariogram is the least-squares line of the map's smoothed variogram (target) on a smoothed
// permuted map's (sv), as BrainSMASH's LinearRegression: intercept, slope and the residual sum of
// squares.
func fitVariogram(sv, target []float64) (icept, slope, res float64) {
	mx, my := Mean(sv), Mean(target)
	var sxy, sxx float64
	for k := range sv {
		sxy += (sv[k] - mx) * (target[k] - my)
		sxx += (sv[k] - mx) * (sv[k] - mx)
	}
	slope = sxy / sxx
	icept = my - slope*mx
	for k := range sv {
		e := target[k] - (icept + slope*sv[k])
		res += e * e
	}
	return icept, slope, res
}

// surrogateMap is BrainSMASH's last step: the smoothed permuted map scaled by √|slope| plus
// √|intercept| times the normal draws, then given the map's own values by rank (resample) or
// de-meaned.
func surrogateMap(sm []float64, icept, slope float64, noise, x []float64, resample bool) []float64 {
	n := len(sm)
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Sqrt(math.Abs(slope))*sm[i] + math.Sqrt(math.Abs(icept))*noise[i]
	}
	if resample {
		sorted := append([]float64(nil), x...)
		sort.Float64s(sorted)
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return out[idx[a]] < out[idx[b]] })
		res := make([]float64, n)
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

// smoothVariogram is the map's variogram ½(x_i − x_j)² over the retained pairs, smoothed at the
// bins by the Gaussian kernel.
func (g *VariogramGeometry) smoothVariogram(x []float64) []float64 {
	v := make([]float64, len(g.weights[0]))
	for p, ij := range g.pairs {
		d := x[ij[0]] - x[ij[1]]
		v[g.group[p]] += 0.5 * d * d
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

// smoothAll is x smoothed over the neighbours of each delta (kernel-weighted means).
func (g *VariogramGeometry) smoothAll(x []float64) [][]float64 {
	out := make([][]float64, len(g.ks))
	for d := range out {
		out[d] = make([]float64, g.n)
	}
	var sums []float64
	for i := 0; i < g.n; i++ {
		nb, shells := g.nbr[i], g.shells[i]
		sums = sums[:0]
		start := int32(0)
		for _, end := range shells {
			var s float64
			for _, j := range nb[start:end] {
				s += x[j]
			}
			sums, start = append(sums, s), end
		}
		for d, k := range g.ks {
			var acc float64
			start := int32(0)
			for sh, w := range g.sw[d][i] {
				end := shells[sh]
				if int(end) <= k {
					acc += w * sums[sh]
				} else { // the shell the k nearest end in
					var s float64
					for _, j := range nb[start:k] {
						s += x[j]
					}
					acc += w * s
				}
				start = end
			}
			out[d][i] = acc / g.kws[d][i]
		}
	}
	return out
}
