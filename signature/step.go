package signature

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/study"
)

// LoadCohort reads a feature table (features.Load) with its target (TABLE:COLUMN or a COLUMN of
// the table; none when empty) as a cohort named by its path, its target named by the column, checked against s and aligned to its
// features unless s is nil: features computed over other regions or with another measure are
// refused.
func LoadCohort(path, target, idColumn string, s *Signature) (Cohort, *features.Table, error) {
	t, y, err := features.Load(path, features.LoadOptions{IDColumn: idColumn, Target: target, TargetFlag: "--target"})
	if err == nil && s != nil {
		if err = s.CheckFeatures(t); err != nil {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}
	if err != nil {
		return Cohort{}, nil, err
	}
	c := CohortFromTable(path, t, y)
	c.Target = features.TargetName(target)
	if s != nil {
		c, err = s.Align(c)
	}
	return c, t, err
}

// ReadSites reads each row's acquisition site for ComBat from spec (TABLE:COLUMN of a
// participants table, by the cohort's persons when rows repeat them); nil when spec is empty.
func ReadSites(spec string, c Cohort) ([]string, error) {
	ids := c.Subjects
	if c.Persons != nil {
		ids = c.Persons
	}
	return learn.ReadLabels(spec, "--combat", ids)
}

// TrainStep are the options of a study's [[signature_train]] step: painmark signature train's
// options and model flags, with their defaults (DefaultTrainOptions, learn.DefaultModelOptions).
type TrainStep struct {
	TrainOptions
	Model learn.ModelOptions
}

// PrepareTrain completes training options for a cohort read from table t, as painmark signature
// train does: the regions and feature definition of the table's connectome.json, the pipeline and
// grid of the model options, and (without the outlier rule, which builds them on the subjects it
// keeps) the folds of o.CVName grouped by groups (TABLE:COLUMN; none when empty).
func PrepareTrain(c Cohort, t *features.Table, m learn.ModelOptions, groups string, o *TrainOptions) error {
	o.Regions, o.Features = DefinitionFromTable(t)
	if err := o.SetModel(m); err != nil {
		return err
	}
	if o.Target.OutlierZ > 0 {
		return nil
	}
	ids := c.Subjects
	if c.Persons != nil { // rows repeat persons: groups are read by participant_id
		ids = c.Persons
	}
	g, err := learn.ReadGroups(groups, ids)
	if err != nil {
		return err
	}
	o.Splits, err = learn.PersonCV(o.CVName, c.Y, g, c.Persons)
	if err != nil {
		return fmt.Errorf("cv: %w", err)
	}
	return nil
}

func init() {
	study.RegisterStep(study.StepKind{
		Section: "signature_train",
		Command: "signature train",
		Doc: "Trains a signature on a cohort feature table, as painmark signature train does: target recipe, grid search, " +
			"refit, cross-validated performance, optional nested CV, permutations, bootstraps and learning curve. " +
			"Writes signature.json (the signature with its weights), bootstrap.tsv (with bootstraps) and report.html.",
		Inputs: []study.StepInput{
			{Key: "features", Type: study.InputFeatures, Doc: "the training cohort's feature table (@cohort: the study's)"},
			{Key: "target", Type: study.InputColumn, Doc: "the outcome, a participants table's column"},
			{Key: "groups", Type: study.InputColumn, Optional: true, Doc: "group labels for groupkfold and logo folds"},
			{Key: "combat", Type: study.InputColumn, Optional: true, Doc: "each subject's acquisition site: ComBat harmonises the sites inside every fold, and the signature keeps the ComBat fitted on all subjects"},
		},
		Options: func() any { return &TrainStep{TrainOptions: DefaultTrainOptions(), Model: learn.DefaultModelOptions()} },
		Skip:    []string{"Regions", "Features", "Subjects", "Persons", "Base", "Grid", "Splits", "Model.Forest.Tree.Seed"}, // the tree seed is unused in a forest
		Docs:    map[string]string{"signature_name": "the signature's name (the command's --name)"},
		Rename: map[string]string{"Name": "signature_name", "CVName": "cv", "CurveSizes": "learning_curve", "Target.ZScore": "zscore", "Target.Description": "target_description",
			"Model.Forest.Seed": "forest_seed", "ComBat.Parametric": "combat_parametric", "ComBat.Conv": "combat_conv"},
		Produces: map[study.InputType]string{study.InputSignature: "signature.json"},
		Build: func(opts any, ctx study.StepContext) error {
			ts := opts.(*TrainStep)
			c, t, err := LoadCohort(ctx.Inputs["features"], ctx.Inputs["target"], "", nil)
			if err != nil {
				return err
			}
			if l := ctx.Labels["features"]; l != "" {
				c.Name = l // the cohort as the study names it (the signature's default cohort name)
			}
			o := ts.TrainOptions
			if err := PrepareTrain(c, t, ts.Model, ctx.Inputs["groups"], &o); err != nil {
				return err
			}
			if c.Sites, err = ReadSites(ctx.Inputs["combat"], c); err != nil {
				return err
			}
			res, err := TrainCohort(c, o)
			if err != nil {
				return err
			}
			res.BootstrapFile = filepath.Join(ctx.Dir, "bootstrap.tsv")
			if err := res.WriteFiles(filepath.Join(ctx.Dir, "signature.json")); err != nil {
				return err
			}
			return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Signature training: "+res.Signature.Name, ctx.Command(), res,
				ctx.Inputs["features"], ctx.Inputs["target"])
		},
	})
	study.RegisterStep(study.StepKind{
		Section: "signature_ablate",
		Command: "signature ablate",
		Doc: "Retrains the signature recipe on region-tag subsets (the CSps study's ablation models M1-M5), as painmark signature ablate does; " +
			"the feature table's connectome.json gives the regions and their tags. Writes ablation.json and report.html.",
		Inputs: []study.StepInput{
			{Key: "features", Type: study.InputFeatures, Doc: "the cohort's corticospinal feature table"},
			{Key: "target", Type: study.InputColumn, Doc: "the outcome, a participants table's column"},
			{Key: "series", Type: study.InputFolder, Optional: true, Doc: "the subjects' ROI time series, for M3's separately computed blocks"},
		},
		Options: func() any {
			return &TrainStep{TrainOptions: DefaultAblateOptions(), Model: learn.DefaultModelOptions()}
		},
		Skip: []string{"Regions", "Features", "Subjects", "Base", "Grid", "Splits", "Model.Forest.Tree.Seed", "Persons", "Name", "Cohort", "Bootstraps", "CurveSizes", "CurveRepeats",
			"Target.OutlierZ", "ComBat"},
		Rename: map[string]string{"CVName": "cv", "Target.ZScore": "zscore", "Target.Description": "target_description", "Model.Forest.Seed": "forest_seed"},
		Build: func(opts any, ctx study.StepContext) error {
			ts := opts.(*TrainStep)
			c, t, err := LoadCohort(ctx.Inputs["features"], ctx.Inputs["target"], "", nil)
			if err != nil {
				return err
			}
			o := ts.TrainOptions
			if o.Regions, o.Features = DefinitionFromTable(t); o.Regions == nil {
				return fmt.Errorf("%s: ablations need the feature table's connectome.json (regions and their tags)", ctx.Labels["features"])
			}
			if err := o.SetModel(ts.Model); err != nil {
				return err
			}
			var ss *features.Series
			if ctx.Inputs["series"] != "" {
				if ss, err = features.ReadSubjectSeries(ctx.Inputs["series"]); err != nil {
					return err
				}
			}
			res, err := Ablate(c, o.Regions, ss, o)
			if err != nil {
				return fmt.Errorf("%s: %w", ctx.Labels["features"], err)
			}
			return finishStep(ctx, res, "ablation.json", "Ablation models M1-M5", ctx.Inputs["features"], ctx.Inputs["target"], ctx.Inputs["series"])
		},
	})
}

// ConditionScores scores one condition of a forced choice: the signature applied to a feature
// table or, with dcc, the dynamic responses of a folder (or file) of ROI time series.
func ConditionScores(s *Signature, path string, dcc bool) (*Application, error) {
	if !dcc {
		c, _, err := LoadCohort(path, "", "", s)
		if err != nil {
			return nil, err
		}
		return Apply(s, c)
	}
	ss, err := features.ReadSubjectSeries(path)
	if err != nil {
		return nil, err
	}
	a, err := DynamicScores(s, ss)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// CheckChoices refuses, before any data is read, a value of a named choice the training does not
// know (cross-validation scheme, scoring, solver, permutation mode, bootstrap p-value
// convention), naming the choices: misspelt options are usage errors, not failed runs.
func (o TrainOptions) CheckChoices() error {
	if err := learn.CheckCV(o.CVName); err != nil {
		return fmt.Errorf("cv: %w", err)
	}
	if err := learn.CheckScoring(o.Scoring); err != nil {
		return fmt.Errorf("scoring: %w", err)
	}
	if err := learn.CheckSolver(o.Solver); err != nil {
		return fmt.Errorf("solver: %w", err)
	}
	if err := learn.CheckPermutationMode(o.PermutationMode); err != nil {
		return fmt.Errorf("permute: %w", err)
	}
	switch o.BootstrapConvention {
	case stats.BootCanlab, stats.BootWald, stats.BootDEIPP, "":
		return nil
	}
	return fmt.Errorf("bootstrap-p: unknown bootstrap p-value convention %q (%s, %s, %s)", o.BootstrapConvention, stats.BootCanlab, stats.BootWald, stats.BootDEIPP)
}
