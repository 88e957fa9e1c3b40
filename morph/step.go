package morph

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// Step are a study's [[morph]] step options: painmark morph's flags and defaults (DefaultOptions).
type Step struct {
	Options
	// Subjects are the SUBJECTS_DIR's subjects; Parc the parcellation of their stats files
	// (?h.<parc>.stats); Features the aparc.stats columns used as features.
	Subjects []string
	Parc     string
	Features []string
}

func init() {
	study.RegisterStep(study.StepKind{
		Section: "morph",
		Command: "morph",
		Doc: "Morphometric similarity networks and their case-control differences (Martins et al. 2022), as painmark morph does, " +
			"from a FreeSurfer SUBJECTS_DIR or an ENIGMA-style table. Without coords or spheres the null is none (no spin p), as the command's default. " +
			"Writes regional_ms.tsv, global_ms.tsv, morph.json (and the case-control tables with participants) and report.html.",
		Inputs: append([]study.StepInput{
			{Key: "subjects_dir", Type: study.InputFolder, Optional: true, Doc: "FreeSurfer SUBJECTS_DIR (with subjects)"},
			{Key: "enigma", Type: study.InputFile, Optional: true, Doc: "ENIGMA-style CSV table of one feature (subject column SubjID), instead of subjects_dir"},
			{Key: "participants", Type: study.InputFile, Optional: true, Doc: "participants table with the group and covariates"},
			{Key: "classes", Type: study.InputColumn, Optional: true, Doc: "a summary of the case-control effects by class: TABLE:COLUMN with a region column"},
		}, nulls.GeometryInputs...),
		Options: func() any { return &Step{Options: DefaultOptions(), Parc: "aparc", Features: FreeSurferFeatures} },
		Build: func(opts any, ctx study.StepContext) error {
			o := opts.(*Step)
			in := ctx.Inputs
			var tb *Table
			var err error
			switch {
			case in["enigma"] != "" && in["subjects_dir"] == "":
				tb, err = FromENIGMA("SubjID", in["enigma"])
			case in["subjects_dir"] != "" && in["enigma"] == "" && len(o.Subjects) > 0:
				tb, err = FromSubjectsDir(in["subjects_dir"], o.Subjects, o.Parc, o.Features)
			default:
				return fmt.Errorf("give either subjects_dir with subjects, or enigma")
			}
			if err != nil {
				return err
			}
			mo := o.Options
			if in["coords"] == "" && in["sphere_left"] == "" && mo.Null == DefaultOptions().Null {
				mo.Null = "none" // no geometry given: no spin p
			}
			var pt *table.Participants
			var cls []*Classes
			if in["participants"] != "" {
				if pt, err = table.ReadParticipants(in["participants"], "", nil); err != nil {
					return err
				}
				if in["classes"] != "" {
					c, err := ReadClasses(in["classes"], "classes")
					if err != nil {
						return err
					}
					cls = append(cls, c)
				}
			}
			geo, _, err := nulls.StepGeometry(ctx)
			if err != nil {
				return err
			}
			res, err := Analyze(tb, pt, cls, geo, mo)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(ctx.Dir); err != nil {
				return err
			}
			return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Morphometric similarity", ctx.Command(), res, in["subjects_dir"], in["enigma"], in["participants"])
		},
	})
}
