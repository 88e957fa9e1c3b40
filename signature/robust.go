package signature

import (
	"fmt"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// addRobustSections adds, for each cohort of a several-cohort validation, the robust residual
// plot of its outcome regressed on the predictions by Tukey's biweight (stats.RobustFit, as
// statsmodels' RLM; the CSps study shows one per clinical cohort, Lin et al. 2025): the points a
// least-squares scatter lets dominate show as downweighted. The fits are in the report's numbers
// (robust_fits), not in the validation's JSON.
func addRobustSections(d *report.Document, names []string, cohorts []CohortValidation) {
	fits := map[string]*stats.RobustLine{}
	for i, c := range cohorts {
		sec := d.Section("Robust fit: " + names[i])
		fit, err := stats.RobustFit(c.Predictions, c.Outcome)
		if err != nil {
			sec.Text("No robust fit: %v.", err)
			continue
		}
		fits[names[i]] = fit
		zero := 0
		for _, w := range fit.Weights {
			if w == 0 {
				zero++
			}
		}
		sec.Facts([2]string{"biweight line", fmt.Sprintf("outcome = %.3f + %.3f × prediction (scale %.3f, %d iterations)", fit.Intercept, fit.Slope, fit.Scale, fit.Iterations)},
			[2]string{"downweighted", fmt.Sprintf("%d of %d subjects at weight 0 (beyond %.3f scales)", zero, len(fit.Weights), stats.BisquareC)})
		sec.Figure(report.Residuals("Robust residuals in "+names[i], "signature response", "outcome − biweight line", c.Predictions, fit.Residuals, fit.Weights,
			fmt.Sprintf("biweight slope %.3f, %d of %d at weight 0", fit.Slope, zero, len(fit.Weights))),
			"Each subject's residual from the outcome's Tukey biweight regression on the prediction; opacity: the subject's robust weight; open circles: weight 0.")
	}
	d.Numbers["robust_fits"] = fits
}
