package genes

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/stats"
)

// WeightBootstrap is the bootstrap of PLS gene weights of Morgan et al. (2019, after Whitaker et
// al. 2016): regions resampled with replacement, SIMPLS refitted, each component's bootstrap
// weights sign-aligned to the original ones (flipped when their correlation is negative), and
// every gene's weight divided by its bootstrap SD (Z).
type WeightBootstrap struct {
	Weights [][]float64 // original SIMPLS weights, per component
	SD, Z   [][]float64 // per component, per gene
	N       int
}

// BootstrapWeights runs n bootstrap refits of ncomp components; draw b resamples the regions with
// PCG(seed, b), so the result does not depend on the number of workers.
func BootstrapWeights(x []float64, rows, p int, y []float64, ncomp, n int, seed uint64) (*WeightBootstrap, error) {
	if n < 2 {
		return nil, fmt.Errorf("need at least 2 bootstrap draws, got %d", n)
	}
	orig, err := FitSIMPLS(x, rows, p, y, ncomp)
	if err != nil {
		return nil, err
	}
	// Every draw's aligned weights in one slab (draw b, component k at (b·ncomp + k)·p): the SDs are
	// computed in two passes over the draws (mean, then squared deviations), as MATLAB's std.
	if err := budget.Check("bootstrap draws of the gene weights", int64(n), budget.Bytes(int64(ncomp), int64(8*p))); err != nil {
		return nil, err
	}
	slab := make([]float64, n*ncomp*p)
	errs := make([]error, n)
	parallel.For(n, func(b int) {
		rng := rand.New(rand.NewPCG(seed, uint64(b)))
		// Distinct resampled rows and their multiplicities.
		count := make([]float64, rows)
		for i := 0; i < rows; i++ {
			count[rng.IntN(rows)]++
		}
		var idx []int
		var mult []float64
		for j, c := range count {
			if c > 0 {
				idx, mult = append(idx, j), append(mult, c)
			}
		}
		w := slab[b*ncomp*p : (b+1)*ncomp*p]
		if err := simplsWeights(w, x, p, idx, mult, y, ncomp); err != nil {
			errs[b] = err
			return
		}
		for k := 0; k < ncomp; k++ {
			wk := w[k*p : (k+1)*p]
			if stats.Pearson(wk, orig.Weights[k]) < 0 {
				for g := range wk {
					wk[g] = -wk[g]
				}
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("bootstrap: %w", err)
		}
	}
	res := &WeightBootstrap{Weights: orig.Weights, N: n}
	// Mean and SD over draws, gene blocks in parallel, each block reading the draws in order.
	res.SD, res.Z = make([][]float64, ncomp), make([][]float64, ncomp)
	for k := 0; k < ncomp; k++ {
		res.SD[k], res.Z[k] = make([]float64, p), make([]float64, p)
	}
	const block = 256
	nb := (p + block - 1) / block
	parallel.For(ncomp*nb, func(item int) {
		k, g0 := item/nb, (item%nb)*block
		g1 := min(p, g0+block)
		m, ss := make([]float64, g1-g0), make([]float64, g1-g0)
		for b := 0; b < n; b++ {
			for i, w := range slab[(b*ncomp+k)*p+g0 : (b*ncomp+k)*p+g1] {
				m[i] += w
			}
		}
		for i := range m {
			m[i] /= float64(n)
		}
		for b := 0; b < n; b++ {
			for i, w := range slab[(b*ncomp+k)*p+g0 : (b*ncomp+k)*p+g1] {
				d := w - m[i]
				ss[i] += d * d
			}
		}
		for i := range m {
			sd := math.Sqrt(ss[i] / float64(n-1)) // MATLAB std
			res.SD[k][g0+i], res.Z[k][g0+i] = sd, orig.Weights[k][g0+i]/sd
		}
	})
	return res, nil
}

// VariancePermutation tests the variance of the map explained by each PLS component against nulls
// in which the map is reordered (random shuffles, or the spins of a spatial null): p_k is the share
// of permutations explaining at least as much (Morgan et al.'s count, no +1; NUMERICS.md).
func VariancePermutation(x []float64, rows, p int, y []float64, ncomp int, perms [][]int) ([]float64, []float64, error) {
	nullMaps := make([][]float64, len(perms))
	for k, perm := range perms {
		nullMaps[k] = make([]float64, rows)
		for i, j := range perm {
			nullMaps[k][i] = y[j]
		}
	}
	return VarianceNull(x, rows, p, y, ncomp, nullMaps)
}

// VarianceNull is VariancePermutation with any null maps of y (reordered maps or surrogates, as
// a nulls.Null gives them): p_k is the share of null maps explaining at least as much.
func VarianceNull(x []float64, rows, p int, y []float64, ncomp int, nullMaps [][]float64) ([]float64, []float64, error) {
	orig, err := FitSIMPLS(x, rows, p, y, ncomp)
	if err != nil {
		return nil, nil, err
	}
	counts := make([][]bool, len(nullMaps))
	errs := make([]error, len(nullMaps))
	parallel.For(len(nullMaps), func(k int) {
		if len(nullMaps[k]) != rows {
			errs[k] = fmt.Errorf("null map %d has %d values for %d regions", k, len(nullMaps[k]), rows)
			return
		}
		fit, err := FitSIMPLS(x, rows, p, nullMaps[k], ncomp)
		if err != nil {
			errs[k] = err
			return
		}
		counts[k] = make([]bool, ncomp)
		for c := 0; c < ncomp; c++ {
			counts[k][c] = fit.PctVarY[c] >= orig.PctVarY[c]
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	pv := make([]float64, ncomp)
	for _, c := range counts {
		for k, ge := range c {
			if ge {
				pv[k]++
			}
		}
	}
	for k := range pv {
		pv[k] /= float64(len(nullMaps))
	}
	return orig.PctVarY, pv, nil
}
