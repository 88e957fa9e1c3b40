package signature

import (
	"fmt"
	"math"

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

// describe is the recipe applied to the outcome named column: "−z(heat_pain_threshold)" for the
// CSps target, the column itself when it is used as given.
func (r TargetRecipe) describe(column string) string {
	if r.ZScore {
		column = "z(" + column + ")"
	}
	if r.Flip {
		column = "−" + column
	}
	return column
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
	// Persons are the rows' persons when a person has several rows (runs kept as repeated
	// measures; Cohort.Persons): the folds built from CVName, the grid search and nested
	// cross-validation then hold out whole persons (learn.PersonCV), refit permutations permute
	// the persons' targets (learn.GroupedPermutationTest), bootstraps draw persons
	// (BootstrapOptions.Groups), and learning curves and permutations of the predictions, which
	// treat rows as independent, are refused. Nil: a row per person.
	Persons []string
	// Sites, when set, are the rows' acquisition sites for ComBat site harmonisation inside
	// training (learn.SearchHarmonised, PAINTeR's multi-centre recipe): every fold's training rows
	// are harmonised by ComBat fitted on them alone and its test rows by the same estimates; the
	// model is refitted on all rows harmonised by ComBat fitted on all rows, which the signature
	// keeps to harmonise later cohorts of the same sites (subjects of other sites are refused).
	// Sites only (no preserved covariates); nested CV, refit permutations, bootstraps and learning
	// curves are refused with it, and permutations (predictions mode) shuffle the harmonised
	// out-of-fold predictions over Splits. Nil: no harmonisation.
	Sites []string `json:"-"`
	// ComBat sets the harmonisation (parametric or non-parametric empirical Bayes) when Sites are
	// given.
	ComBat learn.ComBatOptions
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
	// PermutationMode: refit (the whole cross-validation per permutation, painmark's default) or
	// predictions (the out-of-fold predictions shuffled against the target, one-sided for r: the
	// CSps paper's test of model significance, Lin et al. 2025).
	PermutationMode learn.PermutationMode
	// BootstrapConvention reads each weight's p-value from its bootstrap draws; the default is
	// CanlabCore's (the CSps paper's): 2·(min(#draws > 0, #draws < 0) + 1)/(n + 1), capped at 1.
	BootstrapConvention stats.BootstrapConvention
	Seed                uint64
	// CurveSizes are training-set sizes for a learning curve at the chosen hyperparameters, each
	// with CurveRepeats random splits (none when empty).
	CurveSizes   []int
	CurveRepeats int
	// Progress, if set, gives the progress callback of a named resampling stage ("permutations",
	// "bootstraps"): done of total as the stage advances; nil (or a nil callback) is silent.
	Progress func(stage string) func(done, total int) `json:"-"`
	// DiscardNull counts the permutation null as it is drawn and keeps none of it
	// (learn.PermutationOptions.DiscardNull): the same p-values, memory independent of
	// Permutations, and no null histogram in the report (painmark signature train --report none).
	DiscardNull bool `json:"-"`
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
	// A constant outcome, or features all constant, leave nothing to learn (r would be an artefact).
	if err := learn.CheckTraining(x, y); err != nil {
		return nil, nil, err
	}
	// Refuse resampling counts beyond the memory budget before the search runs.
	if err := (learn.PermutationOptions{N: o.Permutations, DiscardNull: o.DiscardNull}).CheckBudget(x.Rows); err != nil {
		return nil, nil, err
	}
	if err := (learn.BootstrapOptions{N: o.Bootstraps}).CheckBudget(x.Rows, x.Cols); err != nil {
		return nil, nil, err
	}
	if len(o.CurveSizes) > 0 {
		if err := learn.CheckCurveBudget(o.CurveRepeats); err != nil {
			return nil, nil, err
		}
	}
	if o.Sites != nil && (o.Nested || o.Bootstraps > 0 || len(o.CurveSizes) > 0 || (o.Permutations > 0 && o.permutationMode() != learn.PermutePredictions)) {
		return nil, nil, fmt.Errorf("with ComBat (sites), nested cross-validation, refit permutations, bootstraps and learning curves would each need ComBat refitted inside every one of their fits, which painmark does not do: permute the predictions (--permute predictions) or leave them out")
	}
	if o.Sites != nil && len(o.Sites) != x.Rows {
		return nil, nil, fmt.Errorf("%d rows of features but %d site labels", x.Rows, len(o.Sites))
	}
	if o.Persons != nil && (len(o.CurveSizes) > 0 || (o.Permutations > 0 && o.permutationMode() != learn.PermuteRefit)) {
		return nil, nil, fmt.Errorf("learning curves and permutations of the predictions treat rows as independent, and the rows repeat persons (runs kept as repeated measures): combine each person's runs into one row (combine mean or concat), or use refit permutations, which move a person's rows together")
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
			if o.Persons != nil {
				o.Persons = pickStrings(o.Persons, keep)
			}
			if o.Sites != nil {
				o.Sites = pickStrings(o.Sites, keep)
			}
			if len(o.Splits) > 0 {
				return nil, nil, fmt.Errorf("the outlier rule left out %d subjects: give the cross-validation scheme by name (CVName) so its folds are built on the subjects kept", len(excluded))
			}
		}
	}
	splits := o.Splits
	if len(splits) == 0 {
		var err error
		if splits, err = learn.PersonCV(o.CVName, y, nil, o.Persons); err != nil {
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
	var h *learn.Harmonisation
	if o.Sites != nil {
		h = &learn.Harmonisation{Site: o.Sites, Options: o.ComBat}
	}
	res, cb, err := learn.SearchHarmonised(o.Solver, o.Base, o.Grid, o.Scoring, x, target, o.Splits, h)
	if err != nil {
		return nil, nil, err
	}
	rep.Search = res
	best := res.Candidates[res.Best]
	pl, err := o.Base.WithCandidate(best)
	if err != nil {
		return nil, nil, err
	}
	xfit := x // the refit's rows: harmonised by the ComBat fitted on all of them
	if cb != nil {
		if xfit, err = cb.Apply(x, o.Sites, learn.Matrix{}); err != nil {
			return nil, nil, err
		}
	}
	fit, err := pl.Fit(xfit, target)
	if err != nil {
		return nil, nil, err
	}
	if rep.CVPredictions, err = learn.CrossValPredictHarmonised(pl, x, target, o.Splits, h); err != nil {
		return nil, nil, err
	}
	rep.CV = learn.PooledMetrics(rep.CVPredictions, target)
	cv := map[string]float64{"r": rep.CV.R, "mae": rep.CV.MAE, "r2": rep.CV.R2}
	if o.Nested {
		if rep.Nested, err = learn.NestedLeaveOneGroupOut(o.Solver, o.Base, o.Grid, o.Scoring, x, target, o.Persons); err != nil {
			return nil, nil, err
		}
		rep.NestedCV = learn.PooledMetrics(rep.Nested.Predictions, target)
		cv["nested_r"], cv["nested_mae"] = rep.NestedCV.R, rep.NestedCV.MAE
	}
	if o.Permutations > 0 && h != nil {
		if rep.Permutation, err = learn.PermutationTestOfPredictions(rep.CVPredictions, target, learn.PermutationOptions{N: o.Permutations, Seed: o.Seed, DiscardNull: o.DiscardNull}); err != nil {
			return nil, nil, err
		}
		cv["loo_r"], cv["p_r"], cv["p_mae"] = rep.Permutation.Observed.R, rep.Permutation.P.R, rep.Permutation.P.MAE
	} else if o.Permutations > 0 && o.Persons != nil { // persons' targets permuted, whole persons held out
		po := learn.PermutationOptions{N: o.Permutations, Seed: o.Seed, Progress: o.stage("permutations"), DiscardNull: o.DiscardNull}
		if rep.Permutation, err = learn.GroupedPermutationTest(pl, x, target, o.Persons, splits, po); err != nil {
			return nil, nil, err
		}
		cv["loo_r"], cv["p_r"], cv["p_mae"] = rep.Permutation.Observed.R, rep.Permutation.P.R, rep.Permutation.P.MAE
	} else if o.Permutations > 0 {
		if rep.Permutation, err = learn.PermutationTest(pl, x, target, learn.PermutationOptions{N: o.Permutations, Seed: o.Seed, Mode: o.permutationMode(), Progress: o.stage("permutations"), DiscardNull: o.DiscardNull}); err != nil {
			return nil, nil, err
		}
		cv["loo_r"], cv["p_r"], cv["p_mae"] = rep.Permutation.Observed.R, rep.Permutation.P.R, rep.Permutation.P.MAE
	}
	if o.Bootstraps > 0 {
		bo := learn.BootstrapOptions{N: o.Bootstraps, Seed: o.Seed, Convention: o.BootstrapConvention, Progress: o.stage("bootstraps")}
		if o.Persons != nil { // a cluster bootstrap: persons drawn with all their rows
			bo.Groups, _ = learn.PersonIndex(o.Persons)
		}
		if rep.Bootstrap, err = learn.Bootstrap(pl, x, target, bo); err != nil {
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
	s.Regions, s.Target, s.ComBat = o.Regions, td, cb
	scheme := o.CVName
	if o.Persons != nil && (scheme == "loo" || scheme == "") {
		scheme = "leave-one-person-out"
	}
	s.Training = Training{Cohort: o.Cohort, N: x.Rows, CVScheme: scheme, CV: cv, Hyperparameters: hyper, Subjects: o.Subjects}
	if rep.Permutation != nil {
		s.Training.PermutationMode = string(o.permutationMode())
	}
	if rep.Bootstrap != nil {
		s.Training.BootstrapPConvention = string(rep.Bootstrap.Options.Convention)
	}
	return s, rep, s.Validate()
}

// stage is the progress callback of a named stage (nil when none is asked for).
func (o TrainOptions) stage(name string) func(done, total int) {
	if o.Progress == nil {
		return nil
	}
	return o.Progress(name)
}

// permutationMode is the permutation mode, refit when unset.
func (o TrainOptions) permutationMode() learn.PermutationMode {
	if o.PermutationMode == "" {
		return learn.PermuteRefit
	}
	return o.PermutationMode
}

func pickStrings(v []string, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}
