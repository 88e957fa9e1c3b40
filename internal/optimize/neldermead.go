// Package optimize holds derivative-free minimisers shared by the workflows (DCC's GARCH
// likelihoods, Gaussian-process hyperparameters).
//
// Why not gonum's optimize.NelderMead (measured by go run ./bench/gonumcheck): on a GARCH(1,1)
// likelihood it reaches the same minimum (to 5e-16 relative) in fewer evaluations (450 vs 572),
// but stops by a different rule (no improvement over iterations, not the simplex's spread and
// size as here and in scipy's fmin), so its minimiser differs by up to 9e-7 along the likelihood's
// flat ridge, with its own or with these coefficients: DCC and GP outputs, which the peer tests
// and result files pin, would change. Importing it also brings golang.org/x/tools into the build
// (optimize imports stat/distmv).
package optimize

import (
	"math"
	"sort"
)

// NelderMead minimises f from x0 with the standard Nelder-Mead simplex (reflection 1, expansion 2,
// contraction 0.5, shrink 0.5), stopping when the simplex's function values span less than ftol
// (absolute) and its vertices less than xtol, or after maxEval evaluations.
func NelderMead(f func([]float64) float64, x0 []float64, step, ftol, xtol float64, maxEval int) ([]float64, float64) {
	n := len(x0)
	type vertex struct {
		x []float64
		f float64
	}
	simplex := make([]vertex, n+1)
	simplex[0] = vertex{append([]float64(nil), x0...), f(x0)}
	evals := 1
	for i := 0; i < n; i++ {
		x := append([]float64(nil), x0...)
		x[i] += step
		simplex[i+1] = vertex{x, f(x)}
		evals++
	}
	centroid := make([]float64, n)
	point := func(c float64, worst []float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = centroid[i] + c*(worst[i]-centroid[i])
		}
		return out
	}
	for evals < maxEval {
		sort.SliceStable(simplex, func(a, b int) bool { return simplex[a].f < simplex[b].f })
		spread := simplex[n].f - simplex[0].f
		var size float64
		for i := 1; i <= n; i++ {
			for j := 0; j < n; j++ {
				size = math.Max(size, math.Abs(simplex[i].x[j]-simplex[0].x[j]))
			}
		}
		if spread <= ftol && size <= xtol {
			break
		}
		for i := range centroid {
			centroid[i] = 0
			for v := 0; v < n; v++ {
				centroid[i] += simplex[v].x[i]
			}
			centroid[i] /= float64(n)
		}
		worst := simplex[n]
		xr := point(-1, worst.x)
		fr := f(xr)
		evals++
		switch {
		case fr < simplex[0].f:
			xe := point(-2, worst.x)
			fe := f(xe)
			evals++
			if fe < fr {
				simplex[n] = vertex{xe, fe}
			} else {
				simplex[n] = vertex{xr, fr}
			}
		case fr < simplex[n-1].f:
			simplex[n] = vertex{xr, fr}
		default:
			c := 0.5
			if fr < worst.f {
				c = -0.5 // outside contraction
			}
			xc := point(c, worst.x)
			fc := f(xc)
			evals++
			if fc < math.Min(fr, worst.f) {
				simplex[n] = vertex{xc, fc}
			} else {
				for v := 1; v <= n; v++ {
					for i := range simplex[v].x {
						simplex[v].x[i] = simplex[0].x[i] + 0.5*(simplex[v].x[i]-simplex[0].x[i])
					}
					simplex[v].f = f(simplex[v].x)
					evals++
				}
			}
		}
	}
	sort.SliceStable(simplex, func(a, b int) bool { return simplex[a].f < simplex[b].f })
	return simplex[0].x, simplex[0].f
}

// MinimizeRestarts runs Nelder-Mead, restarting from the best point with a fresh simplex until a
// restart improves the objective by less than 1e-12 (simplex methods can stall on flat ridges,
// which GARCH likelihoods have).
func MinimizeRestarts(f func([]float64) float64, x0 []float64) ([]float64, float64) {
	x, fx := NelderMead(f, x0, 0.5, 1e-12, 1e-9, 4000)
	for r := 0; r < 8; r++ {
		x2, f2 := NelderMead(f, x, 0.1, 1e-13, 1e-10, 4000)
		improved := fx - f2
		if f2 < fx {
			x, fx = x2, f2
		}
		if improved < 1e-12 {
			break
		}
	}
	return x, fx
}
