package target

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/parallel"
)

// NetworkMap is a person's network map by template matching: each brainordinate's network (index
// into Names, −1 where its series is constant), the spatial correlation of its connectivity
// profile with every template (Similarity[k][i]) and the confidence of the assignment (best minus
// second-best similarity).
type NetworkMap struct {
	Names      []string
	Assign     []int
	Similarity [][]float64
	Confidence []float64
}

// TemplateMatch assigns every brainordinate to the network whose template its connectivity
// profile matches best (Gordon et al. 2017's template matching, winner-take-all): the profile of
// brainordinate v is its correlation with every brainordinate, c_v[n] = r(v, n); the match with
// template k is the spatial Pearson correlation between c_v and T_k over all brainordinates.
// Templates are maps on the dataset's brainordinates (a group network's average connectivity map,
// or its binary mask).
//
// The N x N profiles are never formed: with z_n the standardised series (unit norm), c_v = Zᵀz_v,
// so Σ_n c_v[n]T_k[n] = z_v·(Z T_k), Σ_n c_v[n] = z_v·(Z 1) and Σ_n c_v[n]² = z_vᵀ(Z Zᵀ)z_v, with
// Z Zᵀ a T x T matrix: memory O(T² + K·T), time O(N·T²).
func TemplateMatch(d *Dataset, names []string, templates [][]float64) (*NetworkMap, error) {
	K, N, T := len(templates), d.Len(), d.Timepoints
	if K < 2 || len(names) != K {
		return nil, fmt.Errorf("template matching: %d templates and %d names (need at least 2)", K, len(names))
	}
	for k, tpl := range templates {
		if len(tpl) != N {
			return nil, fmt.Errorf("template %s has %d values for %d brainordinates", names[k], len(tpl), N)
		}
	}
	// Standardised series z_n (zero mean, unit norm) are recomputed from the float32 series when
	// needed (an N x T float64 copy would double the data's memory); constant series are left out.
	mean, scale := make([]float64, N), make([]float64, N)
	valid := make([]bool, N)
	parallel.For(N, func(i int) {
		var m float64
		for _, x := range d.Series[i] {
			m += float64(x)
		}
		m /= float64(T)
		var ss float64
		for _, x := range d.Series[i] {
			ss += (float64(x) - m) * (float64(x) - m)
		}
		if ss > 0 {
			mean[i], scale[i], valid[i] = m, 1/math.Sqrt(ss), true
		}
	})
	standardise := func(i int, z []float64) {
		for t, x := range d.Series[i] {
			z[t] = (float64(x) - mean[i]) * scale[i]
		}
	}
	// G = Σ z_n z_nᵀ: the upper triangle of each block of brainordinates is accumulated in
	// parallel, a fixed number of blocks at a time (memory O(T²) per block), and the blocks are
	// added in block order, so G does not depend on the number of workers.
	const block, inFlight = 512, 8
	nb := (N + block - 1) / block
	G := make([]float64, T*T)
	parts := make([][]float64, inFlight)
	for b0 := 0; b0 < nb; b0 += inFlight {
		nbatch := min(inFlight, nb-b0)
		parallel.For(nbatch, func(j int) {
			if parts[j] == nil {
				parts[j] = make([]float64, T*T)
			}
			g := parts[j]
			clear(g)
			zi := make([]float64, T)
			for i := (b0 + j) * block; i < min((b0+j+1)*block, N); i++ {
				if !valid[i] {
					continue
				}
				standardise(i, zi)
				for s := 0; s < T; s++ {
					a := zi[s]
					row := g[s*T : (s+1)*T]
					for u := s; u < T; u++ {
						row[u] += a * zi[u]
					}
				}
			}
		})
		for j := 0; j < nbatch; j++ {
			for i, v := range parts[j] {
				G[i] += v
			}
		}
	}
	for s := 0; s < T; s++ {
		for u := 0; u < s; u++ {
			G[s*T+u] = G[u*T+s]
		}
	}
	A := make([][]float64, K)
	S := make([]float64, T)
	tMean, tSS := make([]float64, K), make([]float64, K)
	for k := range A {
		A[k] = make([]float64, T)
	}
	nValid := 0
	zi := make([]float64, T)
	for i := 0; i < N; i++ {
		if !valid[i] {
			continue
		}
		nValid++
		standardise(i, zi)
		for t, v := range zi {
			S[t] += v
		}
		for k := range templates {
			if w := templates[k][i]; w != 0 {
				for t, v := range zi {
					A[k][t] += w * v
				}
			}
		}
	}
	for k, tpl := range templates {
		for i := 0; i < N; i++ {
			if valid[i] {
				tMean[k] += tpl[i]
			}
		}
		tMean[k] /= float64(nValid)
		for i := 0; i < N; i++ {
			if valid[i] {
				tSS[k] += (tpl[i] - tMean[k]) * (tpl[i] - tMean[k])
			}
		}
		if tSS[k] == 0 {
			return nil, fmt.Errorf("template %s is constant over the brainordinates", names[k])
		}
	}
	nm := &NetworkMap{Names: names, Assign: make([]int, N), Similarity: make([][]float64, K), Confidence: make([]float64, N)}
	for k := range nm.Similarity {
		nm.Similarity[k] = make([]float64, N)
	}
	fn := float64(nValid)
	// matchOne compares brainordinate i's profile with every template (zi: a buffer of T values).
	matchOne := func(i int, zi []float64) {
		nm.Assign[i] = -1
		if !valid[i] {
			for k := range templates {
				nm.Similarity[k][i] = math.NaN()
			}
			nm.Confidence[i] = math.NaN()
			return
		}
		standardise(i, zi)
		var sc, scc float64
		for s := 0; s < T; s++ {
			sc += zi[s] * S[s]
			row := G[s*T : (s+1)*T]
			var q float64
			for u, v := range row {
				q += v * zi[u]
			}
			scc += zi[s] * q
		}
		mc := sc / fn
		varc := scc - fn*mc*mc
		best, second := math.Inf(-1), math.Inf(-1)
		for k := range templates {
			var sct float64
			for t, v := range zi {
				sct += v * A[k][t]
			}
			r := (sct - fn*mc*tMean[k]) / math.Sqrt(varc*tSS[k])
			nm.Similarity[k][i] = r
			if r > best {
				second, best = best, r
				nm.Assign[i] = k
			} else if r > second {
				second = r
			}
		}
		nm.Confidence[i] = best - second
	}
	parallel.For(nb, func(b int) {
		zi := make([]float64, T)
		for i := b * block; i < min((b+1)*block, N); i++ {
			matchOne(i, zi)
		}
	})
	return nm, nil
}
