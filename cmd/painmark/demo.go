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
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the built-in example on the embedded Bochum cohort (real data, no network)",
		Long: `demo runs painmark on the Bochum cohort of the RPN study (Spisak et al. 2020, 35 subjects,
embedded in the binary): it checks the ROI time series against the MIST-122 atlas, recomputes each
subject's motion summary from the raw framewise displacement and compares it with the published
table, scrubs frames with FD > 0.15 mm as the study did, and writes the scrubbed series (.npy) and a
cohort table (motion.tsv).`,
		Example: "  painmark demo --out /tmp/painmark-demo",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			start := time.Now()
			bar := progress.New(35, "demo: Bochum subjects")
			res, err := demo.Run(out, func(done, total int) { bar.Set(done) })
			bar.Finish()
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
			fmt.Fprintf(w, "\n  wrote %d files to %s (scrubbed series as .npy, cohort table motion.tsv) in %s\n", len(res.Outputs), out, time.Since(start).Round(time.Millisecond))
			if res.MaxAbsDiff > 1e-9 {
				return fmt.Errorf("recomputed motion summaries differ from the published table by %g", res.MaxAbsDiff)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "painmark-demo", "folder for the outputs")
	return cmd
}
