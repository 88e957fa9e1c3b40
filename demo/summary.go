package demo

import (
	"fmt"
	"io"
	"time"
)

// WriteSummary writes what painmark demo prints after a run: the cohort, the motion check, the
// reproduction's numbers next to the published ones, and the files written to outDir.
func (r *Result) WriteSummary(w io.Writer, o StudyOptions, outDir string, elapsed time.Duration) {
	kept, minKept := 0, 1<<30
	for _, s := range r.Subjects {
		kept += s.Kept
		minKept = min(minKept, s.Kept)
	}
	fmt.Fprintf(w, "painmark demo: Bochum cohort of the RPN study (Spisak et al. 2020, Nat Commun 11:187)\n\n")
	fmt.Fprintf(w, "  subjects                      %d\n", len(r.Subjects))
	fmt.Fprintf(w, "  regions                       %d (global signal + MIST-122, in the RPN order)\n", r.Regions)
	fmt.Fprintf(w, "  frames per subject            %d\n", r.Subjects[0].Frames)
	fmt.Fprintf(w, "  frames kept (FD <= %.2f mm)   %.1f on average, %d at least\n", FDThreshold, float64(kept)/float64(len(r.Subjects)), minKept)
	fmt.Fprintf(w, "  motion summaries vs published max |difference| = %.2g (mean, median, max FD, %% scrubbed)\n", r.MaxAbsDiff)
	fmt.Fprintf(w, "  mean FD vs pain sensitivity   r = %.3f (n = %d): a motion confound check\n", r.FDPainR, len(r.Subjects))
	st := r.Study
	rep := st.Report
	best := rep.Search.Candidates[rep.Search.Best]
	fmt.Fprintf(w, "\n  features                      %d Ledoit-Wolf partial correlations per subject\n", len(st.Signature.Center))
	fmt.Fprintf(w, "  grid search (%d candidates)   K = %d, alpha = %g   (published K = 25, alpha = 0.005)\n", len(rep.Search.Candidates), best.K, best.Alpha)
	fmt.Fprintf(w, "  leave-one-out                 r = %.3f, MAE = %.3f   (published r = %.3f; predictions within %.1e of the published ones)\n", rep.CV.R, rep.CV.MAE, PublishedLOOR, st.LOOvsStored)
	if rep.Nested != nil {
		fmt.Fprintf(w, "  nested leave-one-out          r = %.3f   (published %.3f, from an earlier scikit-learn and grid)\n", rep.NestedCV.R, PublishedNestedR)
	}
	if rep.Permutation != nil {
		fmt.Fprintf(w, "  permutation test (%d)       p(r) = %.4f, p(MAE) = %.4f\n", o.Permutations, rep.Permutation.P.R, rep.Permutation.P.MAE)
	}
	if rep.Bootstrap != nil {
		fmt.Fprintf(w, "  bootstrap (%d)              %d edges with FDR q < 0.05; %d selected in at least half of the samples\n", o.Bootstraps, len(st.StableEdges), len(st.FrequentEdges))
	}
	fmt.Fprintf(w, "\n  wrote %d files to %s in %s:\n", len(r.Outputs), outDir, elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "    report.html                 the study on one page (open it in a browser; numbers in report.json)\n")
	fmt.Fprintf(w, "    rpn_signature.json          the trained signature (painmark signature show/apply/validate)\n")
	fmt.Fprintf(w, "    motion.tsv, *.npy           cohort motion table and scrubbed series\n")
}

// Check reports whether the run reproduced the published study: the motion summaries equal the
// published table and the search picks K = 25, alpha = 0.005 with the published leave-one-out
// predictions.
func (r *Result) Check() error {
	if r.MaxAbsDiff > 1e-9 {
		return fmt.Errorf("recomputed motion summaries differ from the published table by %g", r.MaxAbsDiff)
	}
	rep := r.Study.Report
	best := rep.Search.Candidates[rep.Search.Best]
	if best.K != 25 || best.Alpha != 0.005 || r.Study.LOOvsStored > 1e-6 {
		return fmt.Errorf("the reproduction differs from the published study (K %d, alpha %g, leave-one-out predictions within %g)", best.K, best.Alpha, r.Study.LOOvsStored)
	}
	return nil
}
