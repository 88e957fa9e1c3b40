// Command csps times the whole corticospinal signature protocol of Lin et al. 2025 on a synthetic
// study of the CSps shape (package synthetic: 139 regions, 54 training subjects, 9591 features):
// features of every cohort, the 816-candidate leave-one-out search with the MAE objective, 10,000
// refit permutations, 10,000 bootstrap refits, a learning curve, the validations (retest,
// independent, two clinical cohorts pooled), the forced choice of the task cohort, virtual lesions,
// the pre/post change and the five ablation models (each with the full search). The target is
// under 15 minutes on two cores. Run from the repository root:
//
//	go run ./bench/csps [-permutations 10000] [-bootstraps 10000] [-skip-ablations]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/synthetic"
)

func main() {
	perms := flag.Int("permutations", 10000, "refit permutations of leave-one-out")
	boots := flag.Int("bootstraps", 10000, "bootstrap refits of the weights")
	skipAblations := flag.Bool("skip-ablations", false, "skip the five ablation models")
	seed := flag.Uint64("seed", 2025, "seed of the synthetic study and of the resampling")
	flag.Parse()

	total := time.Now()
	var rows [][2]string
	step := func(name string, f func() string) {
		start := time.Now()
		info := f()
		secs := time.Since(start).Seconds()
		fmt.Printf("%-52s %8.1f s  %s\n", name, secs, info)
		rows = append(rows, [2]string{name, fmt.Sprintf("%.1f", secs)})
	}
	fmt.Printf("CSps protocol on a synthetic corticospinal study; %d cores\n\n", runtime.GOMAXPROCS(0))

	var st *synthetic.Study
	step("generate the study (9 cohorts, 139 regions, 200 frames)", func() string {
		var err error
		st, err = synthetic.Generate(synthetic.Options{Seed: *seed})
		must(err)
		return fmt.Sprintf("%d planted edges", len(st.Planted))
	})
	regions := make([]signature.Region, len(st.Regions))
	for i, r := range st.Regions {
		regions[i] = signature.Region{Name: r.Name, System: r.System}
	}
	features := map[string]learn.Matrix{}
	cohorts := st.Cohorts()
	nSubjects := 0
	step("features: Ledoit-Wolf partial correlation, all cohorts", func() string {
		for _, c := range cohorts {
			features[c.Name] = cohortFeatures(c)
			nSubjects += len(c.Subjects)
		}
		return fmt.Sprintf("%d runs -> %d features each", nSubjects, features["train"].Cols)
	})
	threshold := st.Train.Values["heat_pain_threshold"]
	o := signature.TrainOptions{Name: "CSps-synthetic", Regions: regions,
		Features: signature.FeatureDefinition{Kind: "partial correlation", Estimator: "ledoit_wolf", Scaling: "zscore", Vectorization: "nilearn sym_matrix_to_vec, discard_diagonal"},
		Target:   signature.TargetRecipe{Description: "-z(heat pain threshold)", ZScore: true, Flip: true},
		Base:     learn.Pipeline{Scaler: "robust", Model: learn.ElasticNet{MaxIter: 100000, Tol: 1e-4}},
		Grid:     learn.CSpsGrid, Scoring: learn.NegMAE, Solver: learn.SolverPath, CVName: "loo", Seed: *seed}
	var sig *signature.Signature
	var rep *signature.TrainReport
	step(fmt.Sprintf("search: %d candidates, leave-one-out, MAE", len(learn.CSpsGrid.Candidates())), func() string {
		var err error
		sig, rep, err = signature.Train(features["train"], threshold, o)
		must(err)
		return fmt.Sprintf("chosen %v, LOO r = %.3f, MAE = %.3f", sig.Training.Hyperparameters, rep.CV.R, rep.CV.MAE)
	})
	best := rep.Search.Candidates[rep.Search.Best]
	pl := o.Base
	pl.K, pl.Model.Alpha, pl.Model.L1Ratio = best.K, best.Alpha, best.L1Ratio
	if *perms > 0 {
		step(fmt.Sprintf("%d refit permutations of leave-one-out", *perms), func() string {
			res, err := learn.PermutationTest(pl, features["train"], rep.Target, learn.PermutationOptions{N: *perms, Seed: *seed, Mode: learn.PermuteRefit})
			must(err)
			return fmt.Sprintf("p(r) = %.4g, p(MAE) = %.4g", res.P.R, res.P.MAE)
		})
	}
	if *boots > 0 {
		step(fmt.Sprintf("%d bootstrap refits of the weights", *boots), func() string {
			res, err := learn.Bootstrap(pl, features["train"], rep.Target, learn.BootstrapOptions{N: *boots, Seed: *seed})
			must(err)
			q, err := stats.FDR(res.P)
			must(err)
			n := 0
			for _, v := range q {
				if v < 0.05 {
					n++
				}
			}
			return fmt.Sprintf("%d edges with FDR q < 0.05", n)
		})
	}
	step("learning curve (sizes 20, 30, 40, 50; 100 splits each)", func() string {
		c, err := learn.LearningCurve(pl, features["train"], rep.Target, []int{20, 30, 40, 50}, 100, *seed)
		must(err)
		return fmt.Sprintf("r = %.2f at 20, %.2f at 50", c[0].MeanR, c[3].MeanR)
	})
	eo := signature.EvalOptions{Standardize: signature.StandardizeTraining, Permutations: 10000, Bootstraps: 10000, Seed: *seed}
	step("validation: retest and independent (10,000 perms/boots)", func() string {
		var out string
		for _, c := range []*synthetic.Cohort{st.Retest, st.Independent} {
			e, err := signature.Evaluate(sig, features[c.Name], c.Values["heat_pain_threshold"], eo)
			must(err)
			out += fmt.Sprintf("%s r = %.3f (p = %.2g)  ", c.Name, e.R, e.PR)
		}
		return out
	})
	step("validation: two clinical cohorts, within z, pooled", func() string {
		co := eo
		co.Standardize, co.Flip = signature.StandardizeWithin, "no"
		me, err := signature.EvaluateCohorts(sig, []signature.Cohort{
			{Name: st.Clinical1.Name, X: features[st.Clinical1.Name], Y: st.Clinical1.Values["clinical_pain"]},
			{Name: st.Clinical2.Name, X: features[st.Clinical2.Name], Y: st.Clinical2.Values["clinical_pain"]}}, co)
		must(err)
		return fmt.Sprintf("pooled r = %.3f (p = %.2g)", me.Pooled.R, me.Pooled.PR)
	})
	step("forced choice, heat vs cold", func() string {
		heat, err := sig.Apply(features[st.TaskHeat.Name])
		must(err)
		cold, err := sig.Apply(features[st.TaskCold.Name])
		must(err)
		fc, err := stats.ForcedChoice(heat, cold)
		must(err)
		return fmt.Sprintf("accuracy %.1f%% (binomial p = %.2g)", 100*fc.Accuracy, fc.P)
	})
	step("forced choice on DCC of the weighted edges (task runs)", func() string {
		heat, cold := make([]float64, len(st.TaskHeat.Subjects)), make([]float64, len(st.TaskCold.Subjects))
		for i := range heat {
			var err error
			heat[i], err = sig.DynamicResponse(st.TaskHeat.Subjects[i].Series, nil)
			must(err)
			cold[i], err = sig.DynamicResponse(st.TaskCold.Subjects[i].Series, nil)
			must(err)
		}
		fc, err := stats.ForcedChoice(heat, cold)
		must(err)
		return fmt.Sprintf("accuracy %.1f%% (binomial p = %.2g), %d edges x %d runs", 100*fc.Accuracy, fc.P, len(sig.Weights), 2*len(heat))
	})
	step("virtual lesions (1,000 random orders)", func() string {
		l, err := signature.VirtualLesions(sig, features["train"], threshold, signature.StandardizeTraining, 1000, *seed)
		must(err)
		return fmt.Sprintf("%d weighted edges, explained variance %.3f", len(l.Edges), l.Full)
	})
	step("pre/post change by group", func() string {
		pre, err := sig.Apply(features[st.Pre.Name])
		must(err)
		post, err := sig.Apply(features[st.Post.Name])
		must(err)
		sc, pc := make([]float64, len(pre)), make([]float64, len(pre))
		for i := range pre {
			sc[i] = post[i] - pre[i]
			pc[i] = st.Post.Values["heat_pain_threshold"][i] - st.Pre.Values["heat_pain_threshold"][i]
		}
		g, err := signature.ChangeByGroup(sc, pc, st.Pre.Labels["group"], 10000, *seed)
		must(err)
		return fmt.Sprintf("%s r = %.2f, %s r = %.2f", g[0].Group, g[0].R, g[1].Group, g[1].R)
	})
	if !*skipAblations {
		step("ablations M1-M5 (each with the 816-candidate search)", func() string {
			series := make([]signal.Matrix, len(st.Train.Subjects))
			for i, s := range st.Train.Subjects {
				series[i] = s.Series
			}
			blocks, err := signature.BlockFeatures(series, regions, connectome.RPNMeasure)
			must(err)
			res, err := signature.Ablations(features["train"], threshold, regions, &blocks, o)
			must(err)
			var out string
			for _, r := range res {
				out += fmt.Sprintf("%s r = %.2f  ", r.Model, r.R)
			}
			return out
		})
	}
	secs := time.Since(total).Seconds()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("\n%-52s %8.1f s  (target < 900 s)  peak %.0f MiB\n", "whole protocol", secs, float64(ru.Maxrss)/1024)
}

// cohortFeatures computes the RPN/CSps features (z-scored series, Ledoit-Wolf partial correlation)
// of a cohort's runs.
func cohortFeatures(c *synthetic.Cohort) learn.Matrix {
	series := make([]signal.Matrix, len(c.Subjects))
	for i, s := range c.Subjects {
		series[i] = s.Series
	}
	res, err := connectome.Cohort(series, connectome.CohortOptions{Measure: connectome.RPNMeasure, DiscardDiagonal: true, FeaturesOnly: true})
	must(err)
	p := len(res.Features[0])
	x := learn.Matrix{Rows: len(series), Cols: p, Data: make([]float64, 0, len(series)*p)}
	for _, f := range res.Features {
		x.Data = append(x.Data, f...)
	}
	return x
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "csps:", err)
		os.Exit(1)
	}
}
