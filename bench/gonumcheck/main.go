// Command gonumcheck measures painmark's internal/kdtree and internal/optimize against the gonum
// packages they resemble (gonum.org/v1/gonum/spatial/kdtree and optimize.NelderMead), to show why
// painmark keeps its own: it prints, for the same inputs, the answers and times of both.
//
//	go run ./bench/gonumcheck
//
// k-d tree: nearest vertex of a rotated sphere mesh (what the spin tests and target's electrode
// search ask), on points of a unit sphere with exact duplicates (meshes share vertices at the
// hemisphere seam) and on a grid (many equidistant neighbours). Reported: build and query time,
// and how many answers differ from a linear scan (ties are resolved to the smallest index by
// painmark, unspecified by gonum).
//
// Nelder-Mead: a GARCH(1,1) negative log-likelihood (the DCC first stage) and the 2-D Rosenbrock
// function, from the same start. Reported: minimum, minimiser and function evaluations of
// painmark's MinimizeRestarts, of gonum's NelderMead with its defaults and of gonum's NelderMead
// with painmark's coefficients and simplex step.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	gopt "gonum.org/v1/gonum/optimize"
	gkd "gonum.org/v1/gonum/spatial/kdtree"

	"github.com/painmark/painmark/internal/kdtree"
	"github.com/painmark/painmark/internal/optimize"
)

func main() {
	n := flag.Int("points", 10242, "mesh vertices (fsaverage5 hemisphere: 10242)")
	queries := flag.Int("queries", 200000, "nearest-neighbour queries")
	flag.Parse()
	if err := kd(*n, *queries); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nm()
}

func kd(n, nq int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	clouds := map[string][][3]float64{}
	sphere := make([][3]float64, n)
	for i := range sphere {
		if i > 0 && i%50 == 0 {
			sphere[i] = sphere[i-7] // duplicated seam vertices
			continue
		}
		x, y, z := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		r := math.Sqrt(x*x + y*y + z*z)
		sphere[i] = [3]float64{x / r, y / r, z / r}
	}
	clouds["sphere"] = sphere
	var grid [][3]float64
	for a := 0; len(grid) < n; a++ {
		grid = append(grid, [3]float64{float64(a % 22), float64(a / 22 % 22), float64(a / 484)})
	}
	clouds["grid"] = grid
	fmt.Println("k-d tree: nearest point, painmark internal/kdtree vs gonum spatial/kdtree")
	fmt.Printf("%-7s %7s %9s | %-8s %9s %9s %12s\n", "cloud", "points", "queries", "tree", "build ms", "query ms", "≠ scan")
	for _, name := range []string{"sphere", "grid"} {
		pts := clouds[name]
		qs := make([][3]float64, nq)
		for i := range qs {
			if name == "grid" {
				// midpoints between grid nodes: several nodes at the same distance
				qs[i] = [3]float64{float64(rng.IntN(22)) + 0.5*float64(rng.IntN(2)), float64(rng.IntN(22)) + 0.5*float64(rng.IntN(2)), float64(rng.IntN(len(pts)/484+1)) + 0.5*float64(rng.IntN(2))}
				continue
			}
			p := pts[rng.IntN(len(pts))]
			qs[i] = [3]float64{p[0] + 0.01*rng.NormFloat64(), p[1] + 0.01*rng.NormFloat64(), p[2] + 0.01*rng.NormFloat64()}
		}
		// linear scan, ties to the smallest index: the reference answer (scipy's cKDTree leaves
		// ties unspecified; painmark needs reproducible spins).
		want := make([]int, nq)
		for q, x := range qs {
			best, bestD := -1, math.Inf(1)
			for i, p := range pts {
				d := (p[0]-x[0])*(p[0]-x[0]) + (p[1]-x[1])*(p[1]-x[1]) + (p[2]-x[2])*(p[2]-x[2])
				if d < bestD {
					best, bestD = i, d
				}
			}
			want[q] = best
		}

		t0 := time.Now()
		ours := kdtree.New(pts)
		build := time.Since(t0)
		t0 = time.Now()
		diff, distDiff := 0, 0
		for q, x := range qs {
			i, _ := ours.Nearest(x)
			if i != want[q] {
				diff++
			}
		}
		fmt.Printf("%-7s %7d %9d | %-8s %9.2f %9.1f %6d (%.2f%%)\n", name, len(pts), nq, "painmark", ms(build), ms(time.Since(t0)), diff, 100*float64(diff)/float64(nq))

		set := make(gkd.Points, len(pts))
		where := map[[3]float64]int{} // first index of each position: gonum returns positions only
		for i, p := range pts {
			set[i] = gkd.Point{p[0], p[1], p[2]}
			if _, ok := where[p]; !ok {
				where[p] = i
			}
		}
		t0 = time.Now()
		theirs := gkd.New(set, false)
		build = time.Since(t0)
		t0 = time.Now()
		diff, distDiff = 0, 0
		for q, x := range qs {
			c, _ := theirs.Nearest(gkd.Point{x[0], x[1], x[2]})
			p := c.(gkd.Point)
			i := where[[3]float64{p[0], p[1], p[2]}]
			if i != want[q] {
				diff++
				w := pts[want[q]]
				if sq(w, x) != sq([3]float64{p[0], p[1], p[2]}, x) {
					distDiff++
				}
			}
		}
		fmt.Printf("%-7s %7d %9d | %-8s %9.2f %9.1f %6d (%.2f%%), of which %d not at the nearest distance\n", name, len(pts), nq, "gonum", ms(build), ms(time.Since(t0)), diff, 100*float64(diff)/float64(nq), distDiff)
	}
	fmt.Println("  (gonum's rows map a returned position back to its first index, which already favours gonum on duplicates;")
	fmt.Println("   on equidistant distinct points gonum's choice depends on its random-median pivots)")
	return nil
}

func sq(a, b [3]float64) float64 {
	return (a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func nm() {
	// A GARCH(1,1) series and its negative log-likelihood in the unconstrained parameters DCC uses
	// (omega = exp(a), alpha and beta from a logistic split).
	rng := rand.New(rand.NewPCG(3, 4))
	T := 600
	r := make([]float64, T)
	h := 1.0
	for t := range r {
		r[t] = math.Sqrt(h) * rng.NormFloat64()
		h = 0.05 + 0.1*r[t]*r[t] + 0.85*h
	}
	garch := func(x []float64) float64 {
		omega := math.Exp(x[0])
		a, b := math.Exp(x[1]), math.Exp(x[2])
		s := 1 + a + b
		alpha, beta := a/s, b/s
		var v float64
		for _, y := range r {
			v += y * y
		}
		h := v / float64(T)
		var nll float64
		for _, y := range r {
			nll += 0.5 * (math.Log(2*math.Pi) + math.Log(h) + y*y/h)
			h = omega + alpha*y*y + beta*h
		}
		return nll
	}
	rosen := func(x []float64) float64 {
		return 100*(x[1]-x[0]*x[0])*(x[1]-x[0]*x[0]) + (1-x[0])*(1-x[0])
	}
	fmt.Println("\nNelder-Mead: painmark internal/optimize vs gonum optimize.NelderMead")
	fmt.Printf("%-10s %-30s %24s %6s %9s  %s\n", "problem", "method", "minimum", "evals", "Δx vs pm", "minimiser")
	for _, p := range []struct {
		name string
		f    func([]float64) float64
		x0   []float64
	}{{"garch", garch, []float64{math.Log(0.1), 0, 1}}, {"rosenbrock", rosen, []float64{-1.2, 1}}} {
		evals := 0
		count := func(x []float64) float64 { evals++; return p.f(x) }
		x, fx := optimize.MinimizeRestarts(count, p.x0)
		fmt.Printf("%-10s %-30s %24.17g %6d %9.1e  %.10g\n", p.name, "painmark MinimizeRestarts", fx, evals, 0.0, x)
		for _, g := range []struct {
			label string
			m     *gopt.NelderMead
		}{
			{"gonum defaults", &gopt.NelderMead{}},
			{"gonum, painmark coefficients", &gopt.NelderMead{Reflection: 1, Expansion: 2, Contraction: 0.5, Shrink: 0.5, SimplexSize: 0.5}},
		} {
			res, err := gopt.Minimize(gopt.Problem{Func: p.f}, p.x0, &gopt.Settings{MajorIterations: 0, FuncEvaluations: 40000}, g.m)
			if err != nil && res == nil {
				fmt.Printf("%-10s %-30s error %v\n", p.name, g.label, err)
				continue
			}
			var dx float64
			for i := range x {
				dx = math.Max(dx, math.Abs(res.X[i]-x[i]))
			}
			fmt.Printf("%-10s %-30s %24.17g %6d %9.1e  %.10g (%v)\n", p.name, g.label, res.F, res.Stats.FuncEvaluations, dx, res.X, res.Status)
		}
	}
}
