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
	// Standardised series (zero mean, unit norm); constant series are left out (zero).
	z := make([][]float64, N)
	valid := make([]bool, N)
	parallel.For(N, func(i int) {
		v := make([]float64, T)
		var m float64
		for t, x := range d.Series[i] {
			v[t] = float64(x)
			m += v[t]
		}
		m /= float64(T)
		var ss float64
		for t := range v {
			v[t] -= m
			ss += v[t] * v[t]
		}
		if ss > 0 {
			s := 1 / math.Sqrt(ss)
			for t := range v {
				v[t] *= s
			}
			valid[i] = true
		}
		z[i] = v
	})
	// G = Σ z_n z_nᵀ (upper triangle accumulated per worker block, then summed in block order),
	// A_k = Σ z_n T_k[n], S = Σ z_n.
	const block = 512
	nb := (N + block - 1) / block
	parts := make([][]float64, nb)
	parallel.For(nb, func(b int) {
		g := make([]float64, T*T)
		for i := b * block; i < min((b+1)*block, N); i++ {
			if !valid[i] {
				continue
			}
			zi := z[i]
			for s := 0; s < T; s++ {
				a := zi[s]
				row := g[s*T : (s+1)*T]
				for u := s; u < T; u++ {
					row[u] += a * zi[u]
				}
			}
		}
		parts[b] = g
	})
	G := make([]float64, T*T)
	for _, g := range parts {
		for i, v := range g {
			G[i] += v
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
	for i := 0; i < N; i++ {
		if !valid[i] {
			continue
		}
		nValid++
		for t, v := range z[i] {
			S[t] += v
		}
		for k := range templates {
			if w := templates[k][i]; w != 0 {
				for t, v := range z[i] {
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
	parallel.For(N, func(i int) {
		nm.Assign[i] = -1
		if !valid[i] {
			for k := range templates {
				nm.Similarity[k][i] = math.NaN()
			}
			nm.Confidence[i] = math.NaN()
			return
		}
		zi := z[i]
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
	})
	return nm, nil
}
