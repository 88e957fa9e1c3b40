package libuse

import (
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/synthetic"
)

// TestSignatureLibraryMatchesCLI: a synthetic corticospinal study -> signature train -> validate
// -> ablate -> change, by the painmark command and by the library alone, with the same files.
func TestSignatureLibraryMatchesCLI(t *testing.T) {
	e := setup(t)
	o := synthetic.DefaultOptions()
	o.Train, o.Independent, o.Task, o.Clinical1, o.Clinical2, o.PrePost, o.Seed = 30, 4, 4, 4, 4, 16, 5
	st, studyDir := writeCSpsStudy(t, e, o)
	feat := func(c string) string { return filepath.Join(e.in, "conn-"+c, "features.tsv") }
	column := func(c, col string) string { return filepath.Join(studyDir, c, "participants.tsv") + ":" + col }
	for _, c := range []string{"train", "pre", "post"} {
		e.cmd(t, "connectome", filepath.Join(studyDir, c, "roi"), "--kind", "partial correlation", "--scaling", "zscore",
			"--region-tags", filepath.Join(studyDir, "regions.tsv"), "--no-matrices", "-o", filepath.Dir(feat(c)), "--report", "none")
	}
	target := column("train", "heat_pain_threshold")
	edge := []string{st.Regions[st.Planted[0].A].Name, st.Regions[st.Planted[0].B].Name}
	grid := []string{"--k", "50,100", "--alpha", "0.05,0.1", "--l1-ratio", "0.9"}
	e.cmd(t, append([]string{"signature", "train", feat("train"), "--target", target, "--zscore", "--flip", "--name", "CSps", "--permutations", "10",
		"-o", "csps.signature.json", "--report", "none"}, grid...)...)
	e.cmd(t, "signature", "validate", "csps.signature.json", feat("pre"), "--target", column("pre", "heat_pain_threshold"), "--standardize", "training",
		"--permutations", "50", "--bootstraps", "50", "-o", "validation.json", "--report", "none")
	e.cmd(t, append([]string{"signature", "ablate", feat("train"), "--target", target, "--zscore", "--flip", "-o", "ablation.json", "--report", "none"}, grid...)...)
	e.cmd(t, "signature", "change", "csps.signature.json", feat("pre"), feat("post"), "--pain-pre", column("pre", "heat_pain_threshold"),
		"--pain-post", column("post", "heat_pain_threshold"), "--group", column("pre", "group"), "--edge", edge[0]+","+edge[1], "--compare", "active,sham",
		"--permutations", "50", "-o", "change.json", "--report", "none")

	e.inLib(t, func() error {
		tb, y, err := features.Load(feat("train"), features.LoadOptions{Target: target})
		if err != nil {
			return err
		}
		train := signature.CohortFromTable(feat("train"), tb, y)
		train.Target = features.TargetName(target) // the outcome's column names the target, as the CLI's
		to := signature.DefaultTrainOptions()
		to.Name, to.Target, to.Permutations = "CSps", signature.TargetRecipe{ZScore: true, Flip: true}, 10
		to.Regions, to.Features = signature.DefinitionFromTable(tb)
		m := learn.DefaultModelOptions()
		m.K, m.Alpha, m.L1Ratio = []int{50, 100}, []float64{0.05, 0.1}, []float64{0.9}
		if err := to.SetModel(m); err != nil {
			return err
		}
		trained, err := signature.TrainCohort(train, to)
		if err != nil {
			return err
		}
		if err := trained.WriteFiles("csps.signature.json"); err != nil {
			return err
		}
		s := trained.Signature

		cohort := func(c, col string) (signature.Cohort, error) {
			tb, y, err := features.Load(feat(c), features.LoadOptions{Target: col})
			if err != nil {
				return signature.Cohort{}, err
			}
			if err := s.CheckFeatures(tb); err != nil {
				return signature.Cohort{}, err
			}
			return signature.CohortFromTable(feat(c), tb, y), nil
		}
		pre, err := cohort("pre", column("pre", "heat_pain_threshold"))
		if err != nil {
			return err
		}
		vo := signature.DefaultValidateOptions()
		vo.Standardize, vo.Permutations, vo.Bootstraps = signature.StandardizeTraining, 50, 50
		v, err := signature.Validate(s, []signature.Cohort{pre}, vo)
		if err != nil {
			return err
		}
		if err := v.WriteFiles("validation.json"); err != nil {
			return err
		}

		ao := signature.DefaultAblateOptions()
		ao.Target, ao.Features, ao.Base, ao.Grid = to.Target, to.Features, to.Base, to.Grid
		abl, err := signature.Ablate(train, to.Regions, nil, ao)
		if err != nil {
			return err
		}
		if err := abl.WriteFiles("ablation.json"); err != nil {
			return err
		}

		post, err := cohort("post", "")
		if err != nil {
			return err
		}
		pre.Y = nil
		var in signature.ChangeOutcomes
		for k, spec := range []string{column("pre", "heat_pain_threshold"), column("post", "heat_pain_threshold"), column("pre", "group")} {
			col := []*signature.ParticipantsColumn{&in.PainPre, &in.PainPost, &in.Group}[k]
			if *col, err = signature.ReadParticipantsColumn(spec, "column"); err != nil {
				return err
			}
		}
		co := signature.DefaultChangeOptions()
		co.Permutations, co.Edge, co.Compare = 50, edge, []string{"active", "sham"}
		ch, err := signature.Change(s, pre, post, in, co)
		if err != nil {
			return err
		}
		return ch.WriteFiles("change.json")
	})
	e.same(t, "csps.signature.json", "validation.json", "ablation.json", "change.json")
}
