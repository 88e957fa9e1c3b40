package main

import (
	"fmt"
	"os"
	"time"

	"github.com/painmark/painmark/demo"
	"github.com/painmark/painmark/internal/progress"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var out string
	var permutations, bootstraps int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the built-in example on the embedded Bochum cohort (real data, no network)",
		Long: `demo runs the RPN study (Spisak et al. 2020) end to end on its Bochum cohort (35 subjects, real
data embedded in the binary, no network): it checks the ROI time series against the MIST-122 atlas,
recomputes each subject's motion summary from the raw framewise displacement and compares it with
the published table, scrubs frames with FD > 0.15 mm as the study did, computes the Ledoit-Wolf
partial-correlation features, searches PAINTeR's grid under leave-one-out, runs nested
leave-one-out, a refit permutation test, a bootstrap of the weights and a learning curve, and
writes the scrubbed series (.npy), a cohort table (motion.tsv), the trained signature
(rpn_signature.json) and a report (report.html, with every number in report.json). It checks the
published numbers: the grid search picks K = 25, alpha = 0.005 and the leave-one-out predictions
equal the published ones (r = 0.627).`,
		Example: "  painmark demo --out /tmp/painmark-demo",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			start := time.Now()
			bar := progress.New(35, "demo: Bochum subjects")
			o := demo.DefaultStudy
			o.Permutations, o.Bootstraps, o.Seed = permutations, bootstraps, seed
			res, err := demo.Run(out, o, func(done, total int) {
				bar.Set(done)
				if done == total {
					bar.Finish()
					fmt.Fprintln(cmd.ErrOrStderr(), "demo: features, grid search, nested leave-one-out, permutations, bootstrap, learning curve ...")
				}
			})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			kept, minKept := 0, 1<<30
			for _, s := range res.Subjects {
				kept += s.Kept
				minKept = min(minKept, s.Kept)
			}
			fmt.Fprintf(w, "painmark demo: Bochum cohort of the RPN study (Spisak et al. 2020, Nat Commun 11:187)\n\n")
			fmt.Fprintf(w, "  subjects                      %d\n", len(res.Subjects))
			fmt.Fprintf(w, "  regions                       %d (global signal + MIST-122, in the RPN order)\n", res.Regions)
			fmt.Fprintf(w, "  frames per subject            %d\n", res.Subjects[0].Frames)
			fmt.Fprintf(w, "  frames kept (FD <= %.2f mm)   %.1f on average, %d at least\n", demo.FDThreshold, float64(kept)/float64(len(res.Subjects)), minKept)
			fmt.Fprintf(w, "  motion summaries vs published max |difference| = %.2g (mean, median, max FD, %% scrubbed)\n", res.MaxAbsDiff)
			fmt.Fprintf(w, "  mean FD vs pain sensitivity   r = %.3f (n = %d): a motion confound check\n", res.FDPainR, len(res.Subjects))
			st := res.Study
			rep := st.Report
			best := rep.Search.Candidates[rep.Search.Best]
			fmt.Fprintf(w, "\n  features                      %d Ledoit-Wolf partial correlations per subject\n", len(st.Signature.Center))
			fmt.Fprintf(w, "  grid search (%d candidates)   K = %d, alpha = %g   (published K = 25, alpha = 0.005)\n", len(rep.Search.Candidates), best.K, best.Alpha)
			fmt.Fprintf(w, "  leave-one-out                 r = %.3f, MAE = %.3f   (published r = %.3f; predictions within %.1e of the published ones)\n", rep.CV.R, rep.CV.MAE, demo.PublishedLOOR, st.LOOvsStored)
			if rep.Nested != nil {
				fmt.Fprintf(w, "  nested leave-one-out          r = %.3f   (published %.3f, from an earlier scikit-learn and grid)\n", rep.NestedCV.R, demo.PublishedNestedR)
			}
			if rep.Permutation != nil {
				fmt.Fprintf(w, "  permutation test (%d)       p(r) = %.4f, p(MAE) = %.4f\n", o.Permutations, rep.Permutation.P.R, rep.Permutation.P.MAE)
			}
			if rep.Bootstrap != nil {
				fmt.Fprintf(w, "  bootstrap (%d)              %d edges with FDR q < 0.05; %d selected in at least half of the samples\n", o.Bootstraps, len(st.StableEdges), len(st.FrequentEdges))
			}
			fmt.Fprintf(w, "\n  wrote %d files to %s in %s:\n", len(res.Outputs), out, time.Since(start).Round(time.Millisecond))
			fmt.Fprintf(w, "    report.html                 the study on one page (open it in a browser; numbers in report.json)\n")
			fmt.Fprintf(w, "    rpn_signature.json          the trained signature (painmark signature show/apply/validate)\n")
			fmt.Fprintf(w, "    motion.tsv, *.npy           cohort motion table and scrubbed series\n")
			if res.MaxAbsDiff > 1e-9 {
				return fmt.Errorf("recomputed motion summaries differ from the published table by %g", res.MaxAbsDiff)
			}
			if best.K != 25 || best.Alpha != 0.005 || st.LOOvsStored > 1e-6 {
				return fmt.Errorf("the reproduction differs from the published study (K %d, alpha %g, leave-one-out predictions within %g)", best.K, best.Alpha, st.LOOvsStored)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "painmark-demo", "folder for the outputs")
	cmd.Flags().IntVar(&permutations, "permutations", demo.DefaultStudy.Permutations, "refit permutations of leave-one-out")
	cmd.Flags().IntVar(&bootstraps, "bootstraps", demo.DefaultStudy.Bootstraps, "bootstrap refits of the weights")
	cmd.Flags().Uint64Var(&seed, "seed", demo.DefaultStudy.Seed, "random seed (results do not depend on the number of cores)")
	return cmd
}
