package genes

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
)

// Step are a study's [[genes]] step options: painmark genes' flags and defaults (DefaultOptions).
type Step struct {
	Options
	// Y is the map's column; RegionColumn its region column (default: region, Structure or label).
	Y            string
	RegionColumn string
}

func init() {
	study.RegisterStep(study.StepKind{
		Section: "genes",
		Command: "genes",
		Doc: "Imaging transcriptomics, as painmark genes does: PLS of a regional map on Allen brain gene expression, " +
			"bootstrapped gene Z-scores, the variance explained against a null model, enrichment of gene sets. Writes genes.tsv, regions.tsv, genes.json and report.html.",
		Inputs: append([]study.StepInput{
			{Key: "expression", Type: study.InputFile, Doc: "regional gene expression (abagen's table: regions x genes)"},
			{Key: "map", Type: study.InputFile, Doc: "table of the regional map (its column: y)"},
			{Key: "sets", Type: study.InputFile, Optional: true, Doc: "gene sets: a GMT file, or a table with gene and class columns"},
		}, nulls.GeometryInputs...),
		Options: func() any { return &Step{Options: DefaultOptions()} },
		Rename:  map[string]string{"ZThreshold": "z"},
		Build: func(opts any, ctx study.StepContext) error {
			o := opts.(*Step)
			if o.Y == "" {
				return fmt.Errorf("y (the map's column) is required")
			}
			expr, err := ReadExpression(ctx.Inputs["expression"])
			if err != nil {
				return err
			}
			regions, values, err := nulls.ReadRegionalMaps(ctx.Inputs["map"], o.RegionColumn, o.Y)
			if err != nil {
				return err
			}
			var sets []string
			if ctx.Inputs["sets"] != "" {
				sets = []string{ctx.Inputs["sets"]}
			}
			geneSets, err := ReadGeneSets(sets...)
			if err != nil {
				return err
			}
			geo, _, err := nulls.StepGeometry(ctx)
			if err != nil {
				return err
			}
			res, err := Analyze(expr, regions, values[0], geneSets, geo, o.Options)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", ctx.Labels["expression"], ctx.Labels["map"], err)
			}
			res.MapName = o.Y
			if err := res.WriteFiles(ctx.Dir); err != nil {
				return err
			}
			return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Imaging transcriptomics", ctx.Command(), res, ctx.Inputs["expression"], ctx.Inputs["map"])
		},
	})
}
