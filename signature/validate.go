package signature

import (
	"fmt"
	"io"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// ValidateOptions set an external validation: how each cohort's outcome is standardized and
// tested (EvalOptions), and the covariates (columns of CovariateTable: age, sex, motion...) whose
// association with the predictions is checked (ReadCharacteristic, CheckCharacteristics).
type ValidateOptions struct {
	EvalOptions
	Covariates     []string
	CovariateTable *table.Participants
}

// DefaultValidateOptions are painmark's defaults: the outcome as given, the sign flip as the
// signature's target recipe, 10,000 permutations and bootstraps, seed 1, scikit-learn's p-value
// convention ((k+1)/(n+1)).
func DefaultValidateOptions() ValidateOptions {
	return ValidateOptions{EvalOptions: EvalOptions{Standardize: StandardizeNone, Flip: "auto", Permutations: 10000, Bootstraps: 10000, Seed: 1,
		Convention: stats.PermSklearn}}
}

// CohortValidation is a signature's performance on one cohort (Evaluation's numbers, and the
// covariate checks when asked for).
type CohortValidation struct {
	Cohort            string           `json:"cohort"`
	Covariates        []CovariateCheck `json:"covariates,omitempty"`
	ExplainedVariance float64          `json:"explained_variance"`
	MAE               float64          `json:"mae"`
	MAECI             [2]float64       `json:"mae_ci95"`
	Outcome           []float64        `json:"outcome"`
	PMAE              float64          `json:"p_mae"`
	PR                float64          `json:"p_r"`
	Predictions       []float64        `json:"predictions"`
	R                 float64          `json:"r"`
	R2                float64          `json:"r2"`
	RCI               [2]float64       `json:"r_ci95"`
	Subjects          []string         `json:"subjects,omitempty"`
	// InSample are the cohort's subjects the signature was trained on: their predictions are
	// fitted values, so the cohort's statistics are not (wholly) a validation.
	InSample []string `json:"in_sample,omitempty"`
}

// Validation is a signature validated on one or more cohorts: each cohort's performance and, with
// several cohorts, the explained variance weighted by cohort size and the pooled cohort of
// within-cohort z-scored outcomes (EvaluateCohorts).
type Validation struct {
	Cohorts                   []CohortValidation `json:"cohorts"`
	Options                   EvalOptions        `json:"options"`
	PooledWithinZ             *CohortValidation  `json:"pooled_within_z,omitempty"`
	Signature                 string             `json:"signature"`
	SignatureChecksum         string             `json:"signature_checksum"`
	SoftwareVersion           string             `json:"software_version"`
	WeightedExplainedVariance *float64           `json:"weighted_explained_variance,omitempty"`
	// InSample lists, per cohort, the subjects the signature was trained on (not a validation).
	InSample [][]string `json:"-"`

	evals *MultiEvaluation
}

func cohortValidation(name string, e *Evaluation) CohortValidation {
	return CohortValidation{Cohort: name, Outcome: e.Outcome, Predictions: e.Predictions, R: e.R, MAE: e.MAE, R2: e.R2,
		ExplainedVariance: e.ExplainedVariance, PR: e.PR, PMAE: e.PMAE, RCI: e.RCI, MAECI: e.MAECI}
}

// Validate evaluates the signature on each cohort (c.Subjects, c.X and the outcomes c.Y) as
// EvaluateCohorts does, and checks the covariates against each cohort's predictions
// (CheckCovariates, the covariates looked up by subject).
func Validate(s *Signature, cohorts []Cohort, o ValidateOptions) (*Validation, error) {
	me, err := EvaluateCohorts(s, cohorts, o.EvalOptions)
	if err != nil {
		return nil, err
	}
	v := &Validation{Options: o.EvalOptions, Signature: s.Name, SignatureChecksum: s.Checksum, SoftwareVersion: version.String(), evals: me}
	for i, e := range me.Cohorts {
		cv := cohortValidation(me.Names[i], e)
		cv.Subjects = cohorts[i].Subjects
		if len(o.Covariates) > 0 {
			if o.CovariateTable == nil {
				return nil, fmt.Errorf("covariates %v without a participants table to take them from", o.Covariates)
			}
			if cv.Covariates, err = covariateChecks(o.CovariateTable, cohorts[i].Subjects, e.Predictions, o.Covariates, o.Permutations, o.Seed); err != nil {
				return nil, fmt.Errorf("%s: %w", me.Names[i], err)
			}
		}
		cv.InSample = s.InSample(cohorts[i].Subjects)
		v.Cohorts = append(v.Cohorts, cv)
		v.InSample = append(v.InSample, cv.InSample)
	}
	if len(cohorts) > 1 {
		w := me.WeightedExplainedVariance
		p := cohortValidation("the pooled cohorts", me.Pooled)
		v.WeightedExplainedVariance, v.PooledWithinZ = &w, &p
	}
	return v, nil
}

// covariateChecks correlates a cohort's predictions with covariates of a participants table
// (at least 10,000 permutations when none are asked for the predictions).
func covariateChecks(pt *table.Participants, ids []string, pred []float64, names []string, perms int, seed uint64) ([]CovariateCheck, error) {
	cs := make([]Characteristic, len(names))
	for c, name := range names {
		var err error
		if cs[c], err = ReadCharacteristic(pt, ids, name); err != nil {
			return nil, err
		}
	}
	if perms < 1 {
		perms = 10000
	}
	return CheckCharacteristics(pred, cs, perms, seed)
}

// Print writes one line per cohort (and its covariate checks), and with several cohorts the
// weighted explained variance and the pooled cohort.
func (v *Validation) Print(w io.Writer) {
	line := func(c *CohortValidation, std string) {
		fmt.Fprintf(w, "%s on %s, %d subjects (outcome: %s): r = %.3f (p = %.3g, 95%% CI %.3f to %.3f), MAE = %.3f (p = %.3g), R² = %.3f, explained variance = %.3f\n",
			v.Signature, c.Cohort, len(c.Outcome), std, c.R, c.PR, c.RCI[0], c.RCI[1], c.MAE, c.PMAE, c.R2, c.ExplainedVariance)
	}
	for i := range v.Cohorts {
		line(&v.Cohorts[i], v.Options.Standardize)
		inSampleNote(w, "  ", v.Cohorts[i].InSample, len(v.Cohorts[i].Outcome))
		for _, c := range v.Cohorts[i].Covariates {
			if c.Test == TestLogistic {
				fmt.Fprintf(w, "  predictions vs %s (logistic regression, log-odds of %s %.3f per unit): r = %.3f (p = %.3g, FDR q = %.3g, n = %d)\n", c.Name, c.Levels[1], c.LogOdds, c.R, c.P, c.Q, c.N)
				continue
			}
			fmt.Fprintf(w, "  predictions vs %s: r = %.3f (p = %.3g, FDR q = %.3g, n = %d)\n", c.Name, c.R, c.P, c.Q, c.N)
		}
	}
	if v.PooledWithinZ != nil {
		fmt.Fprintf(w, "explained variance weighted by cohort size: %.3f\n", *v.WeightedExplainedVariance)
		line(v.PooledWithinZ, "z-scored within each cohort")
	}
}

// WriteFiles writes the validation as indented JSON.
func (v *Validation) WriteFiles(path string) error { return atomicfile.WriteJSON(path, v) }

// AddReport adds every cohort's scatter and statistics (and the pooled cohort's) to a report, with
// the whole result as its numbers; with several cohorts (e.g. the CSps study's clinical cohorts),
// each cohort's robust residual plot (addRobustSections).
func (v *Validation) AddReport(d *report.Document) {
	d.Seed = &v.Options.Seed
	d.Numbers["results"] = v
	for i, e := range v.evals.Cohorts {
		AddEvaluationSection(d, v.evals.Names[i], e)
		inSampleSection(d, v.evals.Names[i], v.Cohorts[i].InSample, len(v.Cohorts[i].Outcome))
		addCovariateSection(d, v.evals.Names[i], v.Cohorts[i].Covariates)
	}
	if v.PooledWithinZ != nil {
		AddEvaluationSection(d, "the pooled cohorts (outcome z-scored within each)", v.evals.Pooled)
		addRobustSections(d, v.evals.Names, v.Cohorts)
	}
}

// inSampleNote prints the in-sample warning (indented by indent) when in lists any subject of n.
func inSampleNote(w io.Writer, indent string, in []string, n int) {
	if len(in) > 0 {
		fmt.Fprintf(w, "%sIN-SAMPLE: %s\n", indent, inSampleText(len(in), n))
	}
}

// inSampleSection adds a section saying which of n subjects were in the training set (none when
// in is empty).
func inSampleSection(d *report.Document, what string, in []string, n int) {
	if len(in) > 0 {
		d.Section("In-sample: "+what).Text("%s.", inSampleText(len(in), n))
	}
}

// inSampleText says that in of n subjects were in the training set.
func inSampleText(in, n int) string {
	return fmt.Sprintf("%d of the %d subjects were in the signature's training set: their predictions are fitted values, and these statistics are not an out-of-sample validation", in, n)
}
