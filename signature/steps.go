package signature

import (
	"path/filepath"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
)

// The study steps of the signature workflows besides training (study.RegisterStep): each reads
// its inputs as the painmark signature command of the same name does and writes the same result
// file, with report.html beside it.

// stepResult is a signature workflow's result.
type stepResult interface {
	WriteFiles(string) error
	report.Reporter
}

// finishStep writes a step's result file and its report into the step's folder.
func finishStep(ctx study.StepContext, res stepResult, file, title string, inputs ...string) error {
	if err := res.WriteFiles(filepath.Join(ctx.Dir, file)); err != nil {
		return err
	}
	return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), title, ctx.Command(), res, inputs...)
}

// stepCohort reads a step's signature and one feature-table input with an optional target, the
// cohort named by the input's label (as the command names it by its path).
func stepCohort(ctx study.StepContext, features, target string) (*Signature, Cohort, error) {
	s, err := Read(ctx.Inputs["signature"])
	if err != nil {
		return nil, Cohort{}, err
	}
	c, _, err := LoadCohort(ctx.Inputs[features], ctx.Inputs[target], "", s)
	if err == nil {
		c.Sites, err = ReadSites(ctx.Inputs["combat"], c)
	}
	c.Name = ctx.Labels[features]
	return s, c, err
}

var (
	sigInput    = study.StepInput{Key: "signature", Type: study.InputSignature, Doc: "the signature file (@NAME: a signature_train step's)"}
	targetInput = study.StepInput{Key: "target", Type: study.InputColumn, Doc: "the outcome, a participants table's column"}
	combatInput = study.StepInput{Key: "combat", Type: study.InputColumn, Optional: true, Doc: "each subject's acquisition site, for a signature trained with ComBat (its sites only)"}
)

func init() {
	study.RegisterStep(study.StepKind{
		Section: "signature_validate",
		Command: "signature validate",
		Doc:     "Evaluates a signature on cohorts with outcomes, as painmark signature validate does: r, MAE, R², explained variance, permutation p-values, bootstrap CIs, covariates; on several cohorts, each cohort's and the explained variance weighted by cohort size. Writes validation.json and report.html.",
		Inputs: []study.StepInput{sigInput, {Key: "features", Type: study.InputFeatures, Many: true,
			Doc: "the cohort's feature table, or a list of cohorts' tables (as the command's several FEATURES; e.g. [\"@retest\", \"@independent\"])"}, targetInput, combatInput},
		Options: func() any { o := DefaultValidateOptions(); return &o },
		Rename:  map[string]string{"Convention": "p_convention"},
		Build: func(opts any, ctx study.StepContext) error {
			o := *opts.(*ValidateOptions)
			var s *Signature
			var cohorts []Cohort
			var tables []string
			for i, f := range study.InputValues(ctx.Inputs, "features") {
				sig, c, err := stepCohort(ctx, study.InputKey("features", i), "target")
				if err != nil {
					return err
				}
				s, cohorts, tables = sig, append(cohorts, c), append(tables, f)
			}
			if len(o.Covariates) > 0 { // the covariates are columns of the target's table
				pc, err := ReadParticipantsColumn(ctx.Inputs["target"], "covariates need target")
				if err != nil {
					return err
				}
				o.CovariateTable = pc.Table
			}
			v, err := Validate(s, cohorts, o)
			if err != nil {
				return err
			}
			return finishStep(ctx, v, "validation.json", "Signature validation: "+s.Name, append([]string{ctx.Inputs["signature"], ctx.Inputs["target"]}, tables...)...)
		},
	})
	study.RegisterStep(study.StepKind{
		Section: "signature_lesion",
		Command: "signature lesion",
		Doc:     "Virtual lesions of a signature on a cohort, as painmark signature lesion does: explained variance lost per edge, and as edges are removed by weight and at random. Writes lesions.json and report.html.",
		Inputs:  []study.StepInput{sigInput, {Key: "features", Type: study.InputFeatures, Doc: "the cohort's feature table"}, targetInput},
		Options: func() any { o := DefaultLesionOptions(); return &o },
		Build: func(opts any, ctx study.StepContext) error {
			s, c, err := stepCohort(ctx, "features", "target")
			if err != nil {
				return err
			}
			l, err := Lesion(s, c, *opts.(*LesionOptions))
			if err != nil {
				return err
			}
			return finishStep(ctx, l, "lesions.json", "Virtual lesions: "+s.Name, ctx.Inputs["signature"], ctx.Inputs["features"], ctx.Inputs["target"])
		},
	})
	study.RegisterStep(study.StepKind{
		Section: "signature_compare",
		Command: "signature compare",
		Doc:     "Compares two signatures on the same subjects, as painmark signature compare does: r with CIs, Williams' test and a paired bootstrap of the difference. Writes comparison.json and report.html.",
		Inputs: []study.StepInput{{Key: "signature_a", Type: study.InputSignature, Doc: "the first signature"}, {Key: "features_a", Type: study.InputFeatures, Doc: "the first signature's features of the subjects"},
			{Key: "signature_b", Type: study.InputSignature, Doc: "the second signature"}, {Key: "features_b", Type: study.InputFeatures, Doc: "the second signature's features of the subjects"}, targetInput},
		Options: func() any { o := DefaultCompareOptions(); return &o },
		Rename:  map[string]string{"Convention": "p_convention"},
		Docs:    map[string]string{"p_convention": "p-value convention: sklearn, abs, no-plus-one or strict (as signature validate's --p-convention; the command keeps the default)"},
		Build: func(opts any, ctx study.StepContext) error {
			var sigs []*Signature
			var cohorts []Cohort
			for _, k := range []string{"a", "b"} {
				s, err := Read(ctx.Inputs["signature_"+k])
				if err != nil {
					return err
				}
				c, _, err := LoadCohort(ctx.Inputs["features_"+k], ctx.Inputs["target"], "", s)
				if err != nil {
					return err
				}
				c.Name = ctx.Labels["features_"+k]
				sigs, cohorts = append(sigs, s), append(cohorts, c)
			}
			res, err := CompareCohorts(sigs, cohorts, *opts.(*EvalOptions))
			if err != nil {
				return err
			}
			return finishStep(ctx, res, "comparison.json", "Signature comparison", ctx.Inputs["signature_a"], ctx.Inputs["features_a"], ctx.Inputs["signature_b"], ctx.Inputs["features_b"], ctx.Inputs["target"])
		},
	})
	study.RegisterStep(study.StepKind{
		Section: "signature_change",
		Command: "signature change",
		Doc:     "Intervention change, as painmark signature change does: the signature's change against pain change per group, and optionally one edge's Fisher-z change between two groups. Writes change.json and report.html.",
		Inputs: []study.StepInput{sigInput, {Key: "pre", Type: study.InputFeatures, Doc: "feature table before the intervention"}, {Key: "post", Type: study.InputFeatures, Doc: "feature table after"},
			{Key: "pain_pre", Type: study.InputColumn, Doc: "pain before"}, {Key: "pain_post", Type: study.InputColumn, Doc: "pain after"}, {Key: "group", Type: study.InputColumn, Doc: "group (arm) labels"}},
		Options: func() any { o := DefaultChangeOptions(); return &o },
		Build: func(opts any, ctx study.StepContext) error {
			s, pre, err := stepCohort(ctx, "pre", "")
			if err != nil {
				return err
			}
			_, post, err := stepCohort(ctx, "post", "")
			if err != nil {
				return err
			}
			var in ChangeOutcomes
			for k, col := range []*ParticipantsColumn{&in.PainPre, &in.PainPost, &in.Group} {
				key := []string{"pain_pre", "pain_post", "group"}[k]
				if *col, err = ReadParticipantsColumn(ctx.Inputs[key], key); err != nil {
					return err
				}
			}
			res, err := Change(s, pre, post, in, *opts.(*ChangeOptions))
			if err != nil {
				return err
			}
			return finishStep(ctx, res, "change.json", "Signature change through an intervention: "+s.Name, ctx.Inputs["signature"], ctx.Inputs["pre"], ctx.Inputs["post"],
				ctx.Inputs["pain_pre"], ctx.Inputs["pain_post"], ctx.Inputs["group"])
		},
	})
	study.RegisterStep(study.StepKind{
		Section: "signature_forced_choice",
		Command: "signature forced-choice",
		Doc:     "Two-alternative forced choice between paired conditions (CanlabCore's definition), as painmark signature forced-choice does; the conditions are labelled by their inputs' folders. Writes forced_choice.json and report.html.",
		Inputs: []study.StepInput{sigInput, {Key: "a", Type: study.InputFeatures, Doc: "condition A: a feature table (with dcc, a folder of ROI time series)"},
			{Key: "b", Type: study.InputFeatures, Doc: "condition B, paired with A by subject"}},
		Options: func() any { o := DefaultForcedChoiceOptions(); return &o },
		Skip:    []string{"LabelA", "LabelB"},
		Build: func(opts any, ctx study.StepContext) error {
			o := *opts.(*ForcedChoiceOptions)
			s, err := Read(ctx.Inputs["signature"])
			if err != nil {
				return err
			}
			var scores [2]*Application
			for c, k := range []string{"a", "b"} {
				if scores[c], err = ConditionScores(s, ctx.Inputs[k], o.DCC); err != nil {
					return err
				}
			}
			o.LabelA, o.LabelB = filepath.Base(filepath.Dir(ctx.Labels["a"])), filepath.Base(filepath.Dir(ctx.Labels["b"]))
			res, err := ForcedChoice(scores[0], scores[1], o)
			if err != nil {
				return err
			}
			return finishStep(ctx, res, "forced_choice.json", "Forced choice: "+s.Name, ctx.Inputs["signature"], ctx.Inputs["a"], ctx.Inputs["b"])
		},
	})
}
