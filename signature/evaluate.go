package signature

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
)

// Outcome standardizations for validation cohorts: the CSps study standardizes later cohorts with
// the training cohort's mean and SD ("training"), and clinical cohorts within each cohort before
// pooling them ("within").
const (
	StandardizeNone     = "none"
	StandardizeTraining = "training"
	StandardizeWithin   = "within"
)

// EvalOptions set how a signature is evaluated on a cohort.
type EvalOptions struct {
	// Standardize the outcome: none (as given), training (the signature's target mean and SD) or
	// within (the cohort's own mean and sample SD); a standardized outcome also takes the sign
	// flip of the signature's target recipe.
	Standardize string `json:"standardize"`
	// Flip says whether a standardized outcome takes the sign flip: "" or "auto" as the
	// signature's target recipe (the same measure as in training, e.g. a pain threshold), "no"
	// for an outcome that already rises with the prediction (e.g. clinical pain ratings when the
	// signature predicts −z(threshold)), "yes" to flip regardless.
	Flip         string                      `json:"flip"`
	Permutations int                         `json:"permutations"` // of the predictions against the outcome, for p-values (0: none)
	Bootstraps   int                         `json:"bootstraps"`   // resamples of subjects, for percentile confidence intervals (0: none)
	Seed         uint64                      `json:"seed"`         // permutation k and bootstrap b are drawn from PCG(Seed, k) and PCG(Seed, 1e9+b)
	Convention   stats.PermutationConvention `json:"convention"`
}

// Evaluation is a signature's performance on a cohort: its predictions, the (standardized) outcome,
// Pearson r, MAE, R² (1 − SSE/SST) and explained variance (scikit-learn's explained_variance_score,
// 1 − Var(y − ŷ)/Var(y)), the permutation p-values of r and MAE, and 95% percentile bootstrap
// intervals of r and MAE.
type Evaluation struct {
	Predictions, Outcome []float64
	R, MAE, R2           float64
	ExplainedVariance    float64
	PR, PMAE             float64
	RCI, MAECI           [2]float64
	Options              EvalOptions
	// OutcomeName names the outcome on the report's axes (the cohort's Target; "" is "outcome").
	OutcomeName string `json:"-"`
}

// Evaluate applies the signature to x and compares its predictions with the outcome y.
func Evaluate(s *Signature, x learn.Matrix, y []float64, o EvalOptions) (*Evaluation, error) {
	if s.ComBat != nil {
		return nil, fmt.Errorf("signature %q harmonises sites with ComBat: evaluate it on cohorts with their sites (EvaluateCohorts)", s.Name)
	}
	return evaluate(s, x, y, o)
}

// evaluate is Evaluate on rows x already in the signature's feature space (harmonised).
func evaluate(s *Signature, x learn.Matrix, y []float64, o EvalOptions) (*Evaluation, error) {
	if len(y) != x.Rows {
		return nil, fmt.Errorf("%d subjects but %d outcomes", x.Rows, len(y))
	}
	if x.Rows < 3 {
		return nil, fmt.Errorf("evaluating a signature needs at least 3 subjects, got %d", x.Rows)
	}
	pred, err := s.predict(x)
	if err != nil {
		return nil, err
	}
	out, err := s.OutcomeFlip(y, o.Standardize, o.Flip)
	if err != nil {
		return nil, err
	}
	return evaluatePredictions(pred, out, o)
}

// Outcome prepares a cohort's outcome for comparison with the signature's predictions:
// standardized as named (none, training: the signature's training mean and SD, within: this
// cohort's mean and sample SD), then, when standardized, sign-flipped as the signature's target.
func (s *Signature) Outcome(y []float64, standardize string) ([]float64, error) {
	return s.OutcomeFlip(y, standardize, "")
}

// OutcomeFlip is Outcome with the sign flip chosen as EvalOptions.Flip describes.
func (s *Signature) OutcomeFlip(y []float64, standardize, flip string) ([]float64, error) {
	out := append([]float64(nil), y...)
	switch standardize {
	case StandardizeNone, "":
	case StandardizeTraining:
		if !(s.Target.SD > 0) {
			return nil, fmt.Errorf("signature %q records no training mean and SD of its target", s.Name)
		}
		for i := range out {
			out[i] = (out[i] - s.Target.Mean) / s.Target.SD
		}
	case StandardizeWithin:
		m, sd := stats.MeanSD(out)
		if !(sd > 0) {
			return nil, fmt.Errorf("the outcome is constant in this cohort")
		}
		for i := range out {
			out[i] = (out[i] - m) / sd
		}
	default:
		return nil, fmt.Errorf("unknown standardization %q (%s, %s, %s)", standardize, StandardizeNone, StandardizeTraining, StandardizeWithin)
	}
	doFlip := s.Target.SignFlipped && standardize != StandardizeNone && standardize != ""
	switch flip {
	case "", "auto":
	case "no":
		doFlip = false
	case "yes":
		doFlip = true
	default:
		return nil, fmt.Errorf("unknown flip %q (auto, no, yes)", flip)
	}
	if doFlip {
		for i := range out { // the signature predicts −z(outcome)
			out[i] = -out[i]
		}
	}
	for i, v := range out {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("subject %d has no outcome", i)
		}
	}
	return out, nil
}

// evaluatePredictions computes an Evaluation of predictions against a ready outcome.
func evaluatePredictions(pred, out []float64, o EvalOptions) (*Evaluation, error) {
	var err error
	e := &Evaluation{Predictions: pred, Outcome: out, Options: o}
	m := learn.PooledMetrics(pred, out)
	e.R, e.MAE, e.R2 = m.R, m.MAE, m.R2
	resid := make([]float64, len(out))
	for i := range out {
		resid[i] = out[i] - pred[i]
	}
	e.ExplainedVariance = 1 - variance(resid)/variance(out)
	n := len(out)
	// The permutation nulls of r and MAE are counted as they are drawn (stats.TallyBlocks), so
	// memory does not grow with the permutations; the bootstrap keeps its draws (two values per
	// sample), which the percentile intervals need.
	if err := budget.Check("bootstrap samples", int64(o.Bootstraps), 16); err != nil {
		return nil, err
	}
	if o.Permutations > 0 {
		tr, tm := stats.NewPermutationTally(e.R, true), stats.NewPermutationTally(e.MAE, false)
		stats.TallyBlocks(o.Permutations, []*stats.PermutationTally{tr, tm}, func(k int, null []float64) {
			shuffled := make([]float64, n)
			for i, j := range stats.Permutation(o.Seed, uint64(k+1), n) {
				shuffled[i] = pred[j]
			}
			pm := learn.PooledMetrics(shuffled, out)
			null[0], null[1] = pm.R, pm.MAE
		})
		if e.PR, err = tr.P(o.Convention); err != nil {
			return nil, err
		}
		if e.PMAE, err = tm.P(o.Convention); err != nil {
			return nil, err
		}
	}
	if o.Bootstraps > 0 {
		bootR, bootMAE := make([]float64, o.Bootstraps), make([]float64, o.Bootstraps)
		parallel.For(o.Bootstraps, func(b int) {
			rng := rand.New(rand.NewPCG(o.Seed, uint64(1e9+b)))
			bp, by := make([]float64, n), make([]float64, n)
			for i := range bp {
				j := rng.IntN(n)
				bp[i], by[i] = pred[j], out[j]
			}
			bm := learn.PooledMetrics(bp, by)
			bootR[b], bootMAE[b] = bm.R, bm.MAE
		})
		e.RCI, e.MAECI = stats.PercentileInterval(bootR), stats.PercentileInterval(bootMAE)
	}
	return e, nil
}

// variance is the population variance (numpy's var, as explained_variance_score uses).
func variance(v []float64) float64 {
	m := stats.Mean(v)
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return ss / float64(len(v))
}

// Cohort is one cohort a signature is applied to: its name (e.g. the feature table's path), its
// subjects' IDs (row order), the features (subjects x features, in the signature's order), their
// column names, and the outcomes (nil where a workflow needs none).
type Cohort struct {
	Name     string
	Subjects []string
	Columns  []string
	X        learn.Matrix
	Y        []float64
	// Persons are the rows' persons when some person has several rows (features.Table.Groups):
	// training then cross-validates by person (learn.PersonCV). Nil: a row per person.
	Persons []string
	// Sites are the rows' acquisition sites, for a signature trained with ComBat (Harmonise);
	// nil: none given.
	Sites []string
	// Target names the outcome Y (its participants-table column, e.g. "heat_pain_threshold"):
	// training records it as the target's description unless one is given, and reports label
	// their outcome axes with it ("outcome" when empty).
	Target string
}

// MultiEvaluation is a signature evaluated on several cohorts: each cohort's evaluation, their
// explained variance weighted by cohort size (Σ n_c·EV_c / Σ n_c), and the pooled cohort built from
// within-cohort z-scores of the outcome (as the CSps study pooled its clinical cohorts).
type MultiEvaluation struct {
	Names                     []string
	Cohorts                   []*Evaluation
	WeightedExplainedVariance float64
	Pooled                    *Evaluation
}

// EvaluateCohorts evaluates the signature on each cohort with the options o, and on the pool of the
// cohorts with each outcome z-scored within its cohort.
func EvaluateCohorts(s *Signature, cohorts []Cohort, o EvalOptions) (*MultiEvaluation, error) {
	if len(cohorts) == 0 {
		return nil, fmt.Errorf("no cohort to evaluate")
	}
	me := &MultiEvaluation{}
	var pooledPred, pooledOut []float64
	var wsum, nsum float64
	within := o
	within.Standardize = StandardizeWithin
	for _, c := range cohorts {
		c, err := s.Align(c)
		if err != nil {
			return nil, err
		}
		x, err := s.Harmonise(c)
		if err != nil {
			return nil, err
		}
		e, err := evaluate(s, x, c.Y, o)
		if err != nil {
			return nil, fmt.Errorf("cohort %s: %w", c.Name, err)
		}
		e.OutcomeName = c.Target
		me.Names, me.Cohorts = append(me.Names, c.Name), append(me.Cohorts, e)
		n := float64(len(c.Y))
		wsum += n * e.ExplainedVariance
		nsum += n
		z, err := s.OutcomeFlip(c.Y, StandardizeWithin, o.Flip)
		if err != nil {
			return nil, fmt.Errorf("cohort %s: %w", c.Name, err)
		}
		pooledPred = append(pooledPred, e.Predictions...)
		pooledOut = append(pooledOut, z...)
	}
	me.WeightedExplainedVariance = wsum / nsum
	var err error
	if me.Pooled, err = evaluatePredictions(pooledPred, pooledOut, within); err != nil {
		return nil, err
	}
	me.Pooled.OutcomeName = cohorts[0].Target
	for _, c := range cohorts {
		if c.Target != cohorts[0].Target {
			me.Pooled.OutcomeName = ""
		}
	}
	return me, nil
}
