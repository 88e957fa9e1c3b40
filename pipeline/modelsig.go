package pipeline

import (
	"path/filepath"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signature"
)

// modelFiles are the files a [model] unit writes: model.json (published as OUTPUT/model.json, as
// before) and the signature trained with the same pipeline, its weight table and its report
// (published under OUTPUT/model/).
var modelFiles = []string{"model.json", "signature.json", "weights.tsv", "report.html"}

// ModelSignatureName is the name of the signature a study's [model] trains.
const ModelSignatureName = "model"

// buildModelSignature trains the [model]'s signature as painmark signature train does on the
// cohort table with the same target, pipeline, grid and scoring (--name model --scoring S
// --scaler --k --alpha --l1-ratio --max-iter --tol; leave-one-out, the path solver, no target
// recipe, no permutations: model.json holds the sharded permutation test) and writes
// signature.json, weights.tsv (Signature.WriteWeights) and report.html into dir; label names the
// published cohort table (OUTPUT/features.tsv relative to the study file's folder).
func buildModelSignature(m Model, featuresDir, label, dir string) error {
	c, t, err := signature.LoadCohort(featuresDir, m.Target, "", nil)
	if err != nil {
		return err
	}
	c.Name = label // the cohort table as the study publishes it (the signature's cohort name)
	mo := learn.DefaultModelOptions()
	mo.Scaler, mo.K, mo.Alpha, mo.L1Ratio, mo.MaxIter, mo.Tol = m.Scaler, m.K, m.Alpha, m.L1Ratio, m.MaxIter, m.Tol
	o := signature.DefaultTrainOptions()
	o.Name, o.Scoring = ModelSignatureName, learn.Scoring(m.Scoring)
	if err := signature.PrepareTrain(c, t, mo, "", &o); err != nil {
		return err
	}
	res, err := signature.TrainCohort(c, o)
	if err != nil {
		return err
	}
	if err := res.WriteFiles(filepath.Join(dir, "signature.json")); err != nil {
		return err
	}
	if err := res.Signature.WriteWeights(filepath.Join(dir, "weights.tsv")); err != nil {
		return err
	}
	return report.WriteResult(filepath.Join(dir, "report.html"), "Signature training: "+res.Signature.Name, "painmark run (study [model])", res,
		filepath.Join(featuresDir, "features.tsv"), m.Target)
}
