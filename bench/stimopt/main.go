// Command stimopt compares painmark's Bayesian stimulation search (target.State: Matérn 5/2
// Gaussian process, expected improvement) with random search on two problems, averaged over
// seeds: the Branin function (minimum 0.397887) and a simulated pain-relief surface over 2
// contacts x frequency (2-150 Hz, integer, log scale) x amplitude (0.5-5 mA) with noisy outcomes.
// It prints, for each method, the trials needed to come within the tolerance of the optimum (by
// the true, noise-free value of the settings tried) and the simple regret after 10, 20 and 40
// trials. Run from the repository root:
//
//	go run ./bench/stimopt [-seeds 20] [-trials 40]
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/target"
)

type problem struct {
	name      string
	space     []target.Parameter
	minimize  bool
	truth     func(p map[string]any) float64 // noise-free outcome
	noise     float64
	optimum   float64
	tolerance float64
}

func branin(p map[string]any) float64 {
	x1, x2 := p["x1"].(float64), p["x2"].(float64)
	b, c, t := 5.1/(4*math.Pi*math.Pi), 5/math.Pi, 1/(8*math.Pi)
	return (x2-b*x1*x1+c*x1-6)*(x2-b*x1*x1+c*x1-6) + 10*(1-t)*math.Cos(x1) + 10
}

// relief is a simulated pain-relief surface (0-10 scale): each contact has its best frequency
// (a Gaussian bump in log frequency), relief grows with amplitude and side effects cost above
// 4 mA.
func relief(p map[string]any) float64 {
	f, a := p["frequency"].(float64), p["amplitude"].(float64)
	peak, best := 40.0, 4.0
	if p["contact"] == "C1" {
		peak, best = 90, 6
	}
	l := math.Log(f / peak)
	return best*math.Exp(-l*l/(2*0.35*0.35))*(1-math.Exp(-a/1.5)) - 0.4*math.Pow(math.Max(0, a-4), 2)
}

func main() {
	seeds := flag.Int("seeds", 20, "seeds per method and problem")
	trials := flag.Int("trials", 40, "trials per run")
	flag.Parse()
	reliefOpt := math.Inf(-1) // the surface's optimum, by a dense grid
	for _, c := range []string{"C0", "C1"} {
		for f := 2.0; f <= 150; f++ {
			for a := 0.5; a <= 5.0001; a += 0.005 {
				reliefOpt = math.Max(reliefOpt, relief(map[string]any{"contact": c, "frequency": f, "amplitude": a}))
			}
		}
	}
	problems := []problem{
		{name: "Branin (minimise)", space: []target.Parameter{{Name: "x1", Type: "continuous", Min: -5, Max: 10}, {Name: "x2", Type: "continuous", Min: 0, Max: 15}},
			minimize: true, truth: branin, optimum: 0.397887, tolerance: 0.1},
		{name: "pain relief, 2 contacts x frequency x amplitude, noise SD 0.3", space: []target.Parameter{
			{Name: "contact", Type: "categorical", Choices: []string{"C0", "C1"}},
			{Name: "frequency", Type: "integer", Min: 2, Max: 150, Log: true},
			{Name: "amplitude", Type: "continuous", Min: 0.5, Max: 5}},
			truth: relief, noise: 0.3, optimum: reliefOpt, tolerance: 0.05 * reliefOpt},
	}
	fmt.Printf("%d seeds, %d trials per run; a run reaches the optimum when a tried setting's true value is within the tolerance\n\n", *seeds, *trials)
	for _, pr := range problems {
		fmt.Printf("%s: optimum %.4f, tolerance %.3f\n", pr.name, pr.optimum, pr.tolerance)
		fmt.Printf("  %-16s %9s %9s %8s %10s %10s %10s %12s\n", "method", "mean hit", "median", "reached", "regret@10", "regret@20", "regret@40", "s/suggestion")
		for _, method := range []string{"Bayesian (EI)", "random search"} {
			var hits []float64
			var reached int
			regret := map[int][]float64{}
			var suggestTime time.Duration
			var suggestions int
			for seed := 1; seed <= *seeds; seed++ {
				st, err := target.NewState(pr.space, "ei", uint64(seed))
				must(err)
				st.Minimize = pr.minimize
				noise := rand.New(rand.NewPCG(uint64(seed), 99))
				bestTrue := math.Inf(1)
				hit := *trials + 1
				for k := 1; k <= *trials; k++ {
					var params map[string]any
					if method == "random search" {
						rs, _ := target.NewState(pr.space, "ei", uint64(seed)*1000+uint64(k))
						s, err := rs.Suggest() // an initial-design draw: uniform over the space
						must(err)
						params = s.Params
					} else {
						start := time.Now()
						s, err := st.Suggest()
						must(err)
						suggestTime += time.Since(start)
						suggestions++
						params = s.Params
					}
					v := pr.truth(params)
					must(st.Record(params, v+pr.noise*noise.NormFloat64(), ""))
					gap := v - pr.optimum // regret: distance from the optimum, in the direction of worse
					if !pr.minimize {
						gap = pr.optimum - v
					}
					bestTrue = math.Min(bestTrue, gap)
					if bestTrue <= pr.tolerance && hit > *trials {
						hit = k
					}
					if k == 10 || k == 20 || k == 40 {
						regret[k] = append(regret[k], bestTrue)
					}
				}
				hits = append(hits, float64(hit))
				if hit <= *trials {
					reached++
				}
			}
			per := "-"
			if suggestions > 0 {
				per = fmt.Sprintf("%.3f", suggestTime.Seconds()/float64(suggestions))
			}
			fmt.Printf("  %-16s %9.1f %9.1f %5d/%-2d %10.4f %10.4f %10.4f %12s\n", method, stats.Mean(hits), stats.Median(hits), reached, *seeds,
				stats.Mean(regret[10]), stats.Mean(regret[20]), stats.Mean(regret[40]), per)
		}
		fmt.Println("  (mean and median trials to reach the tolerance; a run that never does counts as trials + 1)")
		fmt.Println()
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "stimopt:", err)
		os.Exit(1)
	}
}
