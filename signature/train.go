package signature

import (
	"fmt"
	"math"
	"slices"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
)

// TargetRecipe turns the raw outcome into the training target: the CSps target is −z(thermal pain
// threshold), z computed with the training cohort's mean and sample SD, which later cohorts reuse.
type TargetRecipe struct {
	Description string
	ZScore      bool // standardize with the training cohort's mean and SD (ddof 1)
	Flip        bool // multiply by −1 (after standardizing)
	// OutlierZ, when positive, leaves out subjects whose outcome lies more than OutlierZ sample
	// SDs from the cohort mean, before anything is fitted (the rule is recorded in the signature).
	OutlierZ float64
}

// TrainOptions set a signature's training.
type TrainOptions struct {
	Name     string
	Regions  []Region
	Features FeatureDefinition
	Target   TargetRecipe
	Cohort   string
	// Subjects are the rows' subject IDs (optional); the signature records those it was fitted on.
	Subjects []string
	// Base gives the scaler and the ElasticNet's MaxIter and Tol; Grid the hyperparameters searched
	// with Scoring by Solver over Splits (scikit-learn's GridSearchCV).
	Base    learn.Pipeline
	Grid    learn.Grid
	Scoring learn.Scoring
	Solver  learn.Solver
	// Splits are the folds; nil builds them from CVName (learn.ParseCV) on the subjects the outlier
	// rule keeps, which is required when the rule is on.
	Splits []learn.Split
	CVName string // the splitting scheme (e.g. "loo", "kfold:10"), recorded in the signature
	// Nested adds nested leave-one-out (the search inside every outer fold): the unbiased estimate.
	Nested bool
	// Permutations (refit leave-one-out at the chosen hyperparameters) and Bootstraps of the weights;
	// 0 skips them.
	Permutations, Bootstraps int
	Seed                     uint64
	// CurveSizes are training-set sizes for a learning curve at the chosen hyperparameters, each
	// with CurveRepeats random splits (none when empty).
	CurveSizes   []int
	CurveRepeats int
	// Progress, if set, gives the progress callback of a named resampling stage ("permutations",
	// "bootstraps"): done of total as the stage advances; nil (or a nil callback) is silent.
	Progress func(stage string) func(done, total int) `json:"-"`
}

// TrainReport is what training measured besides the signature itself.
type TrainReport struct {
	Search *learn.SearchResult
	// CVPredictions are the out-of-fold predictions at the chosen hyperparameters (over Splits).
	CVPredictions []float64
	CV            learn.Metrics
	Nested        *learn.NestedResult
	NestedCV      learn.Metrics
	Permutation   *learn.PermutationResult
	Bootstrap     *learn.BootstrapResult
	Curve         []learn.CurvePoint
	Target        []float64 // the training target after the recipe
	// Excluded are the rows left out by the outlier rule; the other results refer to the rest.
	Excluded []int
}

// Train trains a signature: the target recipe, the grid search, the chosen pipeline refitted on all
// subjects as scikit-learn's GridSearchCV refits it (so the published RPN is reproduced exactly from
// the Bochum sample), its cross-validated predictions, and optionally nested cross-validation,
// a permutation test, a bootstrap of the weights and a learning curve.
func Train(x learn.Matrix, y []float64, o TrainOptions) (*Signature, *TrainReport, error) {
	if len(y) != x.Rows || (o.Subjects != nil && len(o.Subjects) != x.Rows) {
		return nil, nil, fmt.Errorf("%d rows of features, %d outcomes and %d subject IDs", x.Rows, len(y), len(o.Subjects))
	}
	// A constant outcome has no correlation to predict (r would be an artefact of rounding).
	if i := slices.IndexFunc(y, func(v float64) bool { return v != y[0] }); len(y) > 0 && i < 0 {
		return nil, nil, fmt.Errorf("the outcome is constant (%g for all %d subjects): there is nothing to predict", y[0], len(y))
	}
	// Refuse resampling counts beyond the memory budget before the search runs.
	if err := (learn.PermutationOptions{N: o.Permutations}).CheckBudget(x.Rows); err != nil {
		return nil, nil, err
	}
	if err := (learn.BootstrapOptions{N: o.Bootstraps}).CheckBudget(); err != nil {
		return nil, nil, err
	}
	var excluded []int
	if o.Target.OutlierZ > 0 {
		m, sd := stats.MeanSD(y)
		var keep []int
		for i, v := range y {
			if math.Abs(v-m) > o.Target.OutlierZ*sd {
				excluded = append(excluded, i)
			} else {
				keep = append(keep, i)
			}
		}
		if len(excluded) > 0 {
			x = x.SelectRows(keep)
			if o.Subjects != nil {
				kept := make([]string, len(keep))
				for k, i := range keep {
					kept[k] = o.Subjects[i]
				}
				o.Subjects = kept
			}
			kept := make([]float64, len(keep))
			for k, i := range keep {
				kept[k] = y[i]
			}
			y = kept
			if len(o.Splits) > 0 {
				return nil, nil, fmt.Errorf("the outlier rule left out %d subjects: give the cross-validation scheme by name (CVName) so its folds are built on the subjects kept", len(excluded))
			}
		}
	}
	splits := o.Splits
	if len(splits) == 0 {
		var err error
		if splits, err = learn.ParseCV(o.CVName, y, nil); err != nil {
			return nil, nil, err
		}
	}
	o.Splits = splits
	target := append([]float64(nil), y...)
	td := TargetDefinition{Description: o.Target.Description, Standardization: StandardizeNone, SignFlipped: o.Target.Flip}
	if o.Target.ZScore {
		m, sd := stats.MeanSD(target)
		if !(sd > 0) {
			return nil, nil, fmt.Errorf("the outcome is constant: it cannot be z-scored")
		}
		for i := range target {
			target[i] = (target[i] - m) / sd
		}
		td.Standardization, td.Mean, td.SD = StandardizeTraining, m, sd
	}
	if o.Target.Flip {
		for i := range target {
			target[i] = -target[i]
		}
	}
	rep := &TrainReport{Target: target, Excluded: excluded}
	if o.Target.OutlierZ > 0 {
		td.OutlierRule = fmt.Sprintf("outcome beyond %g sample SDs of the cohort mean left out (%d subjects)", o.Target.OutlierZ, len(excluded))
	}
	res, err := learn.Search(o.Solver, o.Base, o.Grid, o.Scoring, x, target, o.Splits)
	if err != nil {
		return nil, nil, err
	}
	rep.Search = res
	best := res.Candidates[res.Best]
	pl, err := o.Base.WithCandidate(best)
	if err != nil {
		return nil, nil, err
	}
	fit, err := pl.Fit(x, target)
	if err != nil {
		return nil, nil, err
	}
	if rep.CVPredictions, err = learn.CrossValPredict(pl, x, target, o.Splits); err != nil {
		return nil, nil, err
	}
	rep.CV = learn.PooledMetrics(rep.CVPredictions, target)
	cv := map[string]float64{"r": rep.CV.R, "mae": rep.CV.MAE, "r2": rep.CV.R2}
	if o.Nested {
		if rep.Nested, err = learn.NestedLeaveOneOut(o.Solver, o.Base, o.Grid, o.Scoring, x, target); err != nil {
			return nil, nil, err
		}
		rep.NestedCV = learn.PooledMetrics(rep.Nested.Predictions, target)
		cv["nested_r"], cv["nested_mae"] = rep.NestedCV.R, rep.NestedCV.MAE
	}
	if o.Permutations > 0 {
		if rep.Permutation, err = learn.PermutationTest(pl, x, target, learn.PermutationOptions{N: o.Permutations, Seed: o.Seed, Mode: learn.PermuteRefit, Progress: o.stage("permutations")}); err != nil {
			return nil, nil, err
		}
		cv["loo_r"], cv["p_r"], cv["p_mae"] = rep.Permutation.Observed.R, rep.Permutation.P.R, rep.Permutation.P.MAE
	}
	if o.Bootstraps > 0 {
		if rep.Bootstrap, err = learn.Bootstrap(pl, x, target, learn.BootstrapOptions{N: o.Bootstraps, Seed: o.Seed, Progress: o.stage("bootstraps")}); err != nil {
			return nil, nil, err
		}
	}
	if len(o.CurveSizes) > 0 {
		if rep.Curve, err = learn.LearningCurve(pl, x, target, o.CurveSizes, o.CurveRepeats, o.Seed); err != nil {
			return nil, nil, err
		}
	}
	features := o.Features
	features.NumFeatures = x.Cols
	s, err := FromFitted(o.Name, fit, features)
	if err != nil {
		return nil, nil, err
	}
	hyper := map[string]float64{"k": float64(best.K), "alpha": best.Alpha, "l1_ratio": best.L1Ratio}
	if o.Base.Regressor != nil { // the estimator's named parameters (Ridge's alpha among them)
		hyper = best.Params.Map()
		hyper["k"] = float64(best.K)
	}
	s.Regions, s.Target = o.Regions, td
	s.Training = Training{Cohort: o.Cohort, N: x.Rows, CVScheme: o.CVName, CV: cv, Hyperparameters: hyper, Subjects: o.Subjects}
	return s, rep, s.Validate()
}

// stage is the progress callback of a named stage (nil when none is asked for).
func (o TrainOptions) stage(name string) func(done, total int) {
	if o.Progress == nil {
		return nil
	}
	return o.Progress(name)
}
