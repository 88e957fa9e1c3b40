package learn

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// CohortInputs name a population cohort's files: the outcome, the optional family or site groups
// and CPM covariates (TABLE:COLUMN each, joined on subject IDs), and for a .npy feature matrix the
// column-block width its Gram matrix is streamed with.
type CohortInputs struct {
	Target     string
	Groups     string
	Covariates []string
	// BlockColumns is how many columns of a .npy table are read at a time (ridge's Gram matrix).
	BlockColumns int
	// RidgeSolver is how ridge reads a .npy table: "kernel" (its Gram matrix, GramOfNpy, then
	// KernelRidgeCV), "streamed" (by rows, one pass per step, StreamedRidgeCV) or "" / "auto":
	// kernel when the n x n Gram matrix and its eigenvectors fit the memory budget, else streamed.
	RidgeSolver string
}

// ridgeTable opens a .npy table for ridge by the solver in.RidgeSolver names: its Gram matrix
// (kernel, GramOfNpy) or the file itself, read by rows (streamed); auto takes the kernel form
// when it fits the memory budget.
func ridgeTable(path string, in CohortInputs) (*Gram, RowReader, error) {
	f, err := npy.OpenMatrix(path)
	if err != nil {
		return nil, nil, err
	}
	switch in.RidgeSolver {
	case "", "auto":
		if !KernelRidgeFits(f.Rows) {
			return nil, NpyRows{f}, nil
		}
	case "streamed":
		return nil, NpyRows{f}, nil
	case "kernel":
	default:
		f.Close()
		return nil, nil, fmt.Errorf("ridge solver %q: need auto, kernel or streamed", in.RidgeSolver)
	}
	f.Close()
	g, err := GramOfNpy(path, max(in.BlockColumns, 1), nil)
	return g, nil, err
}

// KernelRidgeFits says whether the kernel form's n x n matrices (the Gram matrix, its eigenvectors and
// the eigensolver's workspace: three of them) fit the memory budget.
func KernelRidgeFits(n int) bool {
	return budget.Check("kernel ridge's samples x samples matrices", 3*int64(n)*int64(n), 8) == nil
}

// ReadCohort reads a population cohort for an estimator. FEATURES is a painmark feature table
// (features.Load; Target may be a COLUMN of it) or a .npy matrix whose rows are the subjects of
// Target's table, in that table's order (tables of ten thousand people by 36k edges are written
// as .npy, not text). For ridge a .npy table never has to fit in memory: it is streamed by column
// blocks into its Gram matrix (GramOfNpy), or read by rows once per step of StreamedRidgeCV when
// the Gram matrix does not fit either (in.RidgeSolver); other estimators read it whole. Close the
// cohort when done.
func ReadCohort(path, estimator string, in CohortInputs) (Cohort, error) {
	var c Cohort
	if strings.HasSuffix(path, ".npy") {
		ref, err := table.ParseColumnRef(in.Target, "--target")
		if err != nil {
			return c, fmt.Errorf("%s: a .npy feature matrix needs --target TABLE:COLUMN (its rows are the table's subjects): %w", path, err)
		}
		pt, err := table.ReadParticipants(ref.Path, "", nil)
		if err != nil {
			return c, err
		}
		c.Subjects = pt.Subjects()
		if c.Y, err = pt.Values(c.Subjects, ref.Column); err != nil {
			return c, err
		}
		if estimator == "ridge" {
			c.Gram, c.Rows, err = ridgeTable(path, in)
		} else {
			var a *npy.Array
			if a, err = npy.Read(path); err == nil && len(a.Shape) != 2 {
				err = fmt.Errorf("%s: shape %v: need subjects x features", path, a.Shape)
			}
			if err == nil {
				c.X = Matrix{Rows: a.Shape[0], Cols: a.Shape[1], Data: a.Data}
			}
		}
		if err != nil {
			return c, err
		}
		n := c.X.Rows
		if c.Gram != nil {
			n = c.Gram.N
		}
		if c.Rows != nil {
			n, _ = c.Rows.Shape()
		}
		if n != len(c.Subjects) {
			c.Close()
			return c, fmt.Errorf("%s: %d rows, but %s lists %d subjects", path, n, ref.Path, len(c.Subjects))
		}
	} else {
		t, y, err := features.Load(path, features.LoadOptions{Target: in.Target, TargetFlag: "--target"})
		if err != nil {
			return c, err
		}
		if y == nil {
			return c, fmt.Errorf("%s: population prediction needs --target", path)
		}
		c.Subjects, c.Y, c.X = t.Subjects, y, Matrix{Rows: len(t.Subjects), Cols: len(t.Columns), Data: t.Data}
	}
	var err error
	if c.Groups, err = ReadGroups(in.Groups, c.Subjects); err != nil {
		return c, err
	}
	for k, spec := range in.Covariates {
		ref, err := table.ParseColumnRef(spec, "--covariate")
		if err != nil {
			return c, err
		}
		pt, err := table.ReadParticipants(ref.Path, "", nil)
		if err != nil {
			return c, err
		}
		v, err := pt.Covariate(c.Subjects, ref.Column)
		if err != nil {
			return c, err
		}
		if k == 0 {
			c.Covariates = Matrix{Rows: len(v), Cols: len(in.Covariates), Data: make([]float64, len(v)*len(in.Covariates))}
		}
		for i, x := range v {
			c.Covariates.Data[i*len(in.Covariates)+k] = x
		}
	}
	return c, nil
}

// WriteFiles writes into dir population.json (the whole result), scores.tsv (one row per
// candidate: its parameters, mean score and every fold's score) and predictions.tsv (per subject:
// the target and the best candidate's out-of-fold prediction of each repeat).
func (r *PopulationResult) WriteFiles(dir string) error {
	return atomicfile.WriteDir(dir, func(stage string) error {
		if err := atomicfile.WriteJSON(filepath.Join(stage, "population.json"), r); err != nil {
			return err
		}
		nc := len(r.Candidates)
		col := func(f func(PopulationCandidate) float64) []float64 {
			v := make([]float64, nc)
			for c, cand := range r.Candidates {
				v[c] = f(cand)
			}
			return v
		}
		nets := make([]string, nc)
		for c, cand := range r.Candidates {
			nets[c] = cand.Network
		}
		num := make([]float64, nc)
		for c := range num {
			num[c] = float64(c + 1)
		}
		cols := []*table.Column{table.NumericColumn("candidate", num)}
		switch r.Options.Estimator {
		case "cpm":
			cols = append(cols, table.NumericColumn("p_threshold", col(func(c PopulationCandidate) float64 { return c.PThreshold })), table.TextColumn("network", nets))
		default:
			cols = append(cols, table.NumericColumn("alpha", col(func(c PopulationCandidate) float64 { return c.Alpha })))
			if r.Options.Estimator == "enet" {
				cols = append(cols, table.NumericColumn("l1_ratio", col(func(c PopulationCandidate) float64 { return c.L1Ratio })))
			}
		}
		cols = append(cols, table.NumericColumn("mean_"+r.Options.Scoring, r.MeanScores))
		for f, s := range r.FoldScores {
			cols = append(cols, table.NumericColumn("fold_"+strconv.Itoa(f+1), s))
		}
		if err := table.Write(filepath.Join(stage, "scores.tsv"), &table.Table{Columns: cols}); err != nil {
			return err
		}
		subjects := r.Subjects
		if subjects == nil { // a cohort built in code: rows by number
			for i := range r.Target {
				subjects = append(subjects, strconv.Itoa(i+1))
			}
		}
		pcols := []*table.Column{table.TextColumn("subject", subjects), table.NumericColumn("target", r.Target)}
		for k, p := range r.Predictions {
			pcols = append(pcols, table.NumericColumn("prediction_"+strconv.Itoa(k+1), p))
		}
		return table.Write(filepath.Join(stage, "predictions.tsv"), &table.Table{Columns: pcols})
	})
}

// AddReport adds the cross-validation's summary, every candidate's mean score and the
// permutation test to a report.
func (r *PopulationResult) AddReport(d *report.Document) {
	d.Numbers["results"] = r
	sec := d.Section("Population prediction")
	o := r.Options
	best := r.Candidates[r.Best]
	facts := [][2]string{{"estimator", o.Estimator}, {"subjects", strconv.Itoa(len(r.Target))},
		{"folds", fmt.Sprintf("%d x %d repeats", o.Folds, o.Repeats)}, {"best candidate", CandidateText(best)},
		{"best mean " + o.Scoring, fmt.Sprintf("%.4f", r.MeanScores[r.Best])}}
	for k, m := range r.Metrics {
		facts = append(facts, [2]string{fmt.Sprintf("repeat %d pooled r / R²", k+1), fmt.Sprintf("%.4f / %.4f", m.R, m.R2)})
	}
	if r.P != nil {
		facts = append(facts, [2]string{fmt.Sprintf("permutation p (%d)", len(r.Null)), fmt.Sprintf("%.4g", *r.P)})
	}
	sec.Facts(facts...)
	if w := r.ConvergenceWarning(); w != "" {
		sec.Text("Warning: %s.", w)
	}
	var rows [][]string
	for c, cand := range r.Candidates {
		rows = append(rows, []string{CandidateText(cand), fmt.Sprintf("%.4f", r.MeanScores[c])})
	}
	sec.Table("Every candidate's mean fold score; the best is chosen by it (the permutation test redoes the choice for every permutation).",
		[]string{"candidate", "mean " + o.Scoring}, rows)
}

// ConvergenceWarning says how many fits stopped before converging (elastic-net sweeps, or the
// streamed ridge's steps), and what to raise; "" when all converged.
func (r *PopulationResult) ConvergenceWarning() string {
	if r.NotConverged == 0 {
		return ""
	}
	limit := fmt.Sprintf("--max-iter %d", r.Options.MaxIter)
	if r.Options.Estimator == "ridge" {
		limit = fmt.Sprintf("--streamed-max-iter %d", r.Options.StreamedMaxIter)
	}
	return fmt.Sprintf("%d fits (fold x candidate) stopped at the iteration limit before converging; their scores are of unconverged fits: raise %s", r.NotConverged, limit)
}

// CandidateText names a candidate as a person reads it ("alpha 10", "p < 0.01, both network").
func CandidateText(c PopulationCandidate) string {
	if c.Network != "" {
		return fmt.Sprintf("p < %.4g, %s network", c.PThreshold, c.Network)
	}
	if c.L1Ratio != 0 {
		return fmt.Sprintf("alpha %.4g, l1_ratio %.4g", c.Alpha, c.L1Ratio)
	}
	return fmt.Sprintf("alpha %.4g", c.Alpha)
}

// PopulationStep are the options of a study's [[population]] step: the workflow's options and
// the cohort's column-block width.
type PopulationStep struct {
	PopulationOptions
	// BlockColumns is how many columns of a .npy table are read at a time.
	BlockColumns int `json:"block_columns"`
	// RidgeSolver is how ridge reads a .npy table: auto, kernel or streamed (CohortInputs).
	RidgeSolver string `json:"ridge_solver,omitempty"`
	// PermutationBlock splits the permutations into units of this many (0: one unit), which
	// run in parallel or as Slurm array tasks; the merged null is the one of a single run.
	PermutationBlock int `json:"permutation_block"`
}

// shards is the number of permutation blocks of a population step.
func (s *PopulationStep) shards() int {
	if s.PermutationBlock <= 0 || s.Permutations <= s.PermutationBlock {
		return 0
	}
	return (s.Permutations + s.PermutationBlock - 1) / s.PermutationBlock
}

// buildPopulation computes a population step's unit: a permutation block (ctx.Shard > 0,
// null.json), or the result files, merging the blocks when there are some.
func buildPopulation(s *PopulationStep, ctx study.StepContext) error {
	c, err := ReadCohort(ctx.Inputs["features"], s.Estimator, CohortInputs{Target: ctx.Inputs["target"], Groups: ctx.Inputs["groups"],
		BlockColumns: s.BlockColumns, RidgeSolver: s.RidgeSolver})
	if err != nil {
		return err
	}
	defer c.Close()
	o := s.PopulationOptions
	if ctx.Shard > 0 {
		first := (ctx.Shard - 1) * s.PermutationBlock
		null, err := PopulationNull(c, o, first, min(s.PermutationBlock, o.Permutations-first))
		if err != nil {
			return err
		}
		return atomicfile.WriteJSON(filepath.Join(ctx.Dir, "null.json"), null)
	}
	if len(ctx.ShardDirs) > 0 {
		o.Permutations = 0
	}
	res, err := Population(c, o)
	if err != nil {
		return err
	}
	if len(ctx.ShardDirs) > 0 {
		var null []float64
		for _, d := range ctx.ShardDirs {
			b, err := os.ReadFile(filepath.Join(d, "null.json"))
			if err != nil {
				return err
			}
			var part []float64
			if err := json.Unmarshal(b, &part); err != nil {
				return fmt.Errorf("%s: %w", filepath.Join(d, "null.json"), err)
			}
			null = append(null, part...)
		}
		res.Options.Permutations = s.Permutations
		if err := res.SetNull(null); err != nil {
			return err
		}
	}
	if err := res.WriteFiles(ctx.Dir); err != nil {
		return err
	}
	return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Population prediction", ctx.Command(), res, ctx.Inputs["features"], ctx.Inputs["target"])
}

func init() {
	study.RegisterStep(study.StepKind{
		Section: "population",
		Command: "learn population",
		Doc: "Population-scale prediction, as painmark population does: repeated (grouped) k-fold cross-validation of a ridge, elastic-net or CPM grid, " +
			"the best candidate by mean fold score and a permutation test of that choice. Writes population.json, scores.tsv, predictions.tsv and report.html.",
		Inputs: []study.StepInput{
			{Key: "features", Type: study.InputFeatures, Doc: "the cohort's feature table, or a .npy matrix whose rows are the target table's subjects"},
			{Key: "target", Type: study.InputColumn, Doc: "the outcome, a participants table's column"},
			{Key: "groups", Type: study.InputColumn, Optional: true, Doc: "family or site labels: folds keep a group whole"},
		},
		Options: func() any { return &PopulationStep{PopulationOptions: DefaultPopulationOptions(), BlockColumns: 1024} },
		Build:   func(opts any, ctx study.StepContext) error { return buildPopulation(opts.(*PopulationStep), ctx) },
		Shards:  func(opts any) int { return opts.(*PopulationStep).shards() },
	})
}
