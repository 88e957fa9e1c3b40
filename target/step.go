package target

import (
	"path/filepath"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
)

func init() {
	study.RegisterStep(study.StepKind{
		Section: "target_plan",
		Command: "target",
		Doc: "Plans stimulation targets from one person's resting-state run, as painmark target does: the individual network map by template " +
			"matching (or a seed), the ranked clusters of the target network in the search space. (The [target] section plans every fMRIPrep run " +
			"of [inputs] instead.) Writes targets.tsv, targets.json, the maps and report.html.",
		Inputs: []study.StepInput{
			{Key: "bold", Type: study.InputFile, Doc: "resting-state 4D NIfTI"},
			{Key: "mask", Type: study.InputFile, Optional: true, Doc: "brain mask of bold (default: every voxel that varies)"},
			{Key: "templates", Type: study.InputFile, Optional: true, Doc: "group network templates (4D NIfTI or label image on the run's grid)"},
			{Key: "search_space", Type: study.InputFile, Doc: "where targets may lie (NIfTI mask on the run's grid)"},
			{Key: "seed_mask", Type: study.InputFile, Optional: true, Doc: "seed mask (e.g. a lesion) instead of templates"},
		},
		Options: func() any { o := DefaultPlanOptions(); return &o },
		Skip:    []string{"Templates", "SearchSpace", "Seed.Mask", "Seed.Region", "Seed.Name", "HitRadius"},
		Rename:  map[string]string{"Seed.MM": "seed_mm", "Seed.Radius": "radius"},
		Build: func(opts any, ctx study.StepContext) error {
			o := *opts.(*PlanOptions)
			in := ctx.Inputs
			o.Templates, o.SearchSpace, o.Seed.Mask = in["templates"], in["search_space"], in["seed_mask"]
			d, err := Load(Source{Bold: in["bold"], Mask: in["mask"]})
			if err != nil {
				return err
			}
			res, err := Plan(d, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(ctx.Dir); err != nil {
				return err
			}
			return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Stimulation targets", ctx.Command(), res,
				in["bold"], in["mask"], in["templates"], in["search_space"], in["seed_mask"])
		},
	})
}
