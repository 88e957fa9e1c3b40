package decode

import (
	"path/filepath"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
)

// TrainStep are a study's [[decode]] step options: painmark decode train's flags and defaults
// (DefaultTrainOptions).
type TrainStep struct {
	TrainOptions
	// TR is the repetition time in seconds (0: each run's JSON sidecar).
	TR float64
}

func init() {
	study.RegisterStep(study.StepKind{
		Section: "decode",
		Command: "decode train",
		Doc: "Personalized decoding of ongoing pain from one person's many sessions (Lee et al. 2026), as painmark decode train does: " +
			"nested leave-one-session-out predictions, multi-scale evaluation, hierarchical bootstrap, region importance and the final model. " +
			"One step per person. Writes model.json, predictions.tsv, importance.tsv, decode.json and report.html.",
		Inputs:  []study.StepInput{{Key: "participant", Type: study.InputFolder, Doc: "the person's folder of sessions (*_timeseries.tsv with ratings)"}},
		Options: func() any { return &TrainStep{TrainOptions: DefaultTrainOptions()} },
		Rename:  map[string]string{"Prepare.DropSeconds": "drop", "Prepare.LagSeconds": "lag"},
		Build: func(opts any, ctx study.StepContext) error {
			o := opts.(*TrainStep)
			p, err := ReadParticipant(ctx.Inputs["participant"], o.TR, true)
			if err != nil {
				return err
			}
			res, err := Train(p, o.TrainOptions)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(ctx.Dir); err != nil {
				return err
			}
			return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Personalized decoding", ctx.Command(), res, ctx.Inputs["participant"])
		},
	})
}
