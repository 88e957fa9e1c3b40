package signature

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// DefaultTrainOptions are painmark's training defaults: the pipeline and grid of
// learn.DefaultModelOptions (the RPN's RobustScaler → SelectKBest(25) → ElasticNet(0.005, 0.999)),
// the name "signature", leave-one-out, the warm-started path solver, negative MAE as the search
// objective (PAINTeR's), seed 1, 100 random splits per learning-curve size and neuroCombat's
// defaults for ComBat when sites are given.
func DefaultTrainOptions() TrainOptions {
	o := TrainOptions{Name: "signature", CVName: "loo", Solver: learn.SolverPath, Scoring: learn.NegMAE, Seed: 1, CurveRepeats: 100,
		PermutationMode: learn.PermuteRefit, BootstrapConvention: stats.BootCanlab, ComBat: learn.DefaultComBatOptions()}
	o.SetModel(learn.DefaultModelOptions()) // the defaults are a valid model
	return o
}

// SetModel sets the pipeline and the grid searched from learn's model options (the first values
// fix the pipeline, all of them span the grid).
func (o *TrainOptions) SetModel(m learn.ModelOptions) error {
	base, err := m.Pipeline()
	if err != nil {
		return err
	}
	o.Base, o.Grid = base, m.Grid()
	return nil
}

// TrainResult is a trained signature with what training measured, for one cohort.
type TrainResult struct {
	Signature *Signature
	Report    *TrainReport
	Subjects  []string
	// Columns name the features (the bootstrap table's rows).
	Columns []string
	Options TrainOptions
	// BootstrapFile, when set, is where WriteFiles writes the bootstrap's per-feature table
	// (learn.BootstrapResult.WriteTable), when there was a bootstrap.
	BootstrapFile string
}

// TrainCohort trains a signature on a cohort (Train, recording the cohort's subject IDs and its
// feature names, by which the signature is then applied; with the cohort's Sites, ComBat
// harmonises them inside training, TrainOptions.Sites). Without o.Cohort the signature names
// its training cohort report.InputName(c.Name), without a target description the cohort's Target.
func TrainCohort(c Cohort, o TrainOptions) (*TrainResult, error) {
	o.Subjects, o.Persons = c.Subjects, c.Persons
	// Unnamed cohort and target: what the inputs call them (the table's name, the column).
	if o.Cohort == "" && c.Name != "" {
		o.Cohort = report.InputName(c.Name)
	}
	if o.Target.Description == "" && c.Target != "" {
		o.Target.Description = o.Target.describe(c.Target)
	}
	if c.Sites != nil {
		o.Sites = c.Sites
	}
	if err := learn.CheckTraining(c.X, c.Y); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	s, rep, err := Train(c.X, c.Y, o)
	if err != nil {
		return nil, err
	}
	if len(c.Columns) == s.Features.NumFeatures {
		s.FeatureNames = append([]string(nil), c.Columns...)
		if err := s.Validate(); err != nil {
			return nil, err
		}
	}
	return &TrainResult{Signature: s, Report: rep, Subjects: c.Subjects, Columns: c.Columns, Options: o}, nil
}

// WriteFiles writes the signature file, and the bootstrap table to BootstrapFile.
func (t *TrainResult) WriteFiles(path string) error {
	if err := Write(path, t.Signature); err != nil {
		return err
	}
	if t.Report.Bootstrap == nil || t.BootstrapFile == "" {
		return nil
	}
	_, err := t.Report.Bootstrap.WriteTable(t.BootstrapFile, t.Columns)
	return err
}

// Print writes the search's choice and the cross-validated, nested, permutation, bootstrap and
// learning-curve results.
func (t *TrainResult) Print(w io.Writer) {
	s, rep, o := t.Signature, t.Report, t.Options
	fmt.Fprintf(w, "%s: %d subjects, best of %d candidates (%s); %s r = %.4f, MAE = %.4f\n", s.Name, len(t.Subjects), len(rep.Search.Candidates), learn.FormatParams(s.Training.Hyperparameters), s.Training.CVScheme, rep.CV.R, rep.CV.MAE)
	if len(rep.Excluded) > 0 {
		left := make([]string, len(rep.Excluded))
		for k, i := range rep.Excluded {
			left[k] = t.Subjects[i]
		}
		fmt.Fprintf(w, "outlier rule left out %d subjects: %s\n", len(left), strings.Join(left, ", "))
	}
	if rep.Nested != nil {
		fmt.Fprintf(w, "nested leave-one-out: r = %.4f, MAE = %.4f\n", rep.NestedCV.R, rep.NestedCV.MAE)
	}
	if rep.Permutation != nil {
		fmt.Fprintf(w, "%d refit permutations: p(r) = %.4g, p(MAE) = %.4g\n", o.Permutations, rep.Permutation.P.R, rep.Permutation.P.MAE)
	}
	if rep.Bootstrap != nil && t.BootstrapFile != "" {
		fmt.Fprintf(w, "%d bootstrap refits: weights in %s\n", o.Bootstraps, t.BootstrapFile)
	}
	if rep.Bootstrap != nil {
		if stable, _, err := stableEdges(rep.Bootstrap); err == nil {
			if warning := sparseStableWarning(rep.Bootstrap, stable); warning != "" {
				fmt.Fprintf(w, "warning: %s\n", warning)
			}
		}
	}
	for _, p := range rep.Curve {
		fmt.Fprintf(w, "learning curve: %d training subjects, r = %.3f ± %.3f, MAE = %.3f ± %.3f (%d splits)\n", p.TrainSize, p.MeanR, p.SDR, p.MeanMAE, p.SDMAE, p.Repeats)
	}
}

// AddReport adds the training sections (AddTrainSections).
func (t *TrainResult) AddReport(d *report.Document) {
	d.Seed = &t.Options.Seed
	AddTrainSections(d, t.Signature, t.Report)
}

// DefaultAblateOptions are the ablation models' defaults: DefaultTrainOptions named "ablation".
func DefaultAblateOptions() TrainOptions {
	o := DefaultTrainOptions()
	o.Name = "ablation"
	return o
}

// AblationAnalysis is the ablation models M1-M5 of one cohort, retrained with one recipe.
type AblationAnalysis struct {
	CV              string           `json:"cv"`
	Grid            learn.Grid       `json:"grid"`
	Models          []AblationResult `json:"models"`
	SoftwareVersion string           `json:"software_version"`
	Subjects        []string         `json:"subjects"`

	opts TrainOptions
}

// Ablate retrains the recipe o on the ablation subsets of the cohort's corticospinal features
// over regions (Ablations; every region needs its system tag) and, when series is not nil, on M3's
// blocks computed from them (SeriesBlocks).
func Ablate(c Cohort, regions []Region, series *features.Series, o TrainOptions) (*AblationAnalysis, error) {
	var blocks *learn.Matrix
	if series != nil {
		b, err := SeriesBlocks(c.Subjects, series, regions, o.Features)
		if err != nil {
			return nil, err
		}
		blocks = &b
	}
	o.Subjects = c.Subjects
	res, err := Ablations(c.X, c.Y, regions, blocks, o)
	if err != nil {
		return nil, err
	}
	for i := range res {
		nameAblationFeatures(&res[i], c.Columns, c.X.Cols)
		if err := res[i].Signature.Validate(); err != nil {
			return nil, err
		}
	}
	return &AblationAnalysis{Models: res, Subjects: c.Subjects, CV: o.CVName, Grid: o.Grid, SoftwareVersion: version.String(), opts: o}, nil
}

// nameAblationFeatures names a model's features, by which its signature is applied: the full
// table's column names of its edges (M4, M5), the edge columns of its own matrix (M1, M2 from
// blocks: a table over those regions alone, e.g. painmark connectome --drop), or "brain_e…" and
// "spinal_e…" for M3, whose separately computed blocks no single connectivity table holds.
func nameAblationFeatures(r *AblationResult, columns []string, full int) {
	s := r.Signature
	switch {
	case r.columns != nil && len(columns) == full:
		s.FeatureNames = make([]string, len(r.columns))
		for k, j := range r.columns {
			s.FeatureNames[k] = columns[j]
		}
	case r.columns == nil && r.Model != AblationBlocks:
		s.FeatureNames = make([]string, s.Features.NumFeatures)
		for k := range s.FeatureNames {
			s.FeatureNames[k] = features.EdgeColumn(k)
		}
	case r.Model == AblationBlocks:
		s.FeatureNames = blockColumns(s.Regions)
	}
}

// blockColumns names M3's block features: "brain_e…" for the brain (and brainstem) regions' own
// matrix, then "spinal_e…" for the spinal regions' own (BlockFeatures' order).
func blockColumns(regions []Region) []string {
	brain, spinal := splitSystems(regions)
	nb, ns := connectome.NumEdges(len(brain), true), connectome.NumEdges(len(spinal), true)
	names := make([]string, 0, nb+ns)
	for k := 0; k < nb; k++ {
		names = append(names, "brain_"+features.EdgeColumn(k))
	}
	for k := 0; k < ns; k++ {
		names = append(names, "spinal_"+features.EdgeColumn(k))
	}
	return names
}

// BlockTable is a cohort's M3 feature table (Lin et al. 2025's ablation model M3: the brain and
// the spinal regions' matrices computed separately, BlockFeatures with measure m), one row per
// subject of the series, columns named as an M3 signature's features ("brain_e…", "spinal_e…"),
// so that signature validate applies an ablation's M3 signature to other cohorts like the other
// models. Every region needs its system tag (features.Series.TagRegions). The table is a plain
// one (no connectome.json): no single connectivity definition describes two blocks.
func BlockTable(ss *features.Series, m connectome.Measure) (*features.Table, error) {
	regions := make([]Region, len(ss.Regions))
	for i, r := range ss.Regions {
		if r.System == "" {
			return nil, fmt.Errorf("region %q has no system tag (--region-tags gives them)", r.Name)
		}
		regions[i] = Region{Name: r.Name, System: r.System}
	}
	brain, spinal := splitSystems(regions)
	if len(brain) < 2 || len(spinal) < 2 {
		return nil, fmt.Errorf("M3's blocks need at least two brain and two spinal regions; the series have %d and %d", len(brain), len(spinal))
	}
	x, err := BlockFeatures(ss.Data, regions, m)
	if err != nil {
		return nil, err
	}
	return &features.Table{Subjects: ss.Subjects, Columns: blockColumns(regions), Data: x.Data}, nil
}

// SeriesBlocks computes M3's features (BlockFeatures with the features' measure) from the series of
// the given subjects, in their order; every subject needs its series over the regions.
func SeriesBlocks(subjects []string, ss *features.Series, regions []Region, fd FeatureDefinition) (learn.Matrix, error) {
	if len(ss.Regions) != len(regions) {
		return learn.Matrix{}, fmt.Errorf("%d regions, the features have %d", len(ss.Regions), len(regions))
	}
	byName := map[string]int{}
	for i, n := range ss.Subjects {
		byName[n] = i
	}
	ordered := make([]signal.Matrix, len(subjects))
	var missing []string
	for i, id := range subjects {
		k, ok := byName[id]
		if !ok {
			missing = append(missing, id)
			continue
		}
		ordered[i] = ss.Data[k]
	}
	if len(missing) > 0 {
		return learn.Matrix{}, fmt.Errorf("no series for %s", table.ListNames(missing, "subject"))
	}
	m := connectome.Measure{Kind: connectome.Kind(fd.Kind), Estimator: connectome.Estimator(fd.Estimator), Scaling: connectome.SeriesScaling(fd.Scaling)}
	return BlockFeatures(ordered, regions, m)
}

// Print writes the models as a table.
func (a *AblationAnalysis) Print(w io.Writer) {
	fmt.Fprintf(w, "%-4s %-48s %9s  %7s %7s %7s\n", "", "model", "features", "CV r", "MAE", "R²")
	for _, r := range a.Models {
		fmt.Fprintf(w, "%-4s %-48s %9d  %7.3f %7.3f %7.3f", r.Model, r.Description, r.Features, r.R, r.MAE, r.R2)
		if a.opts.Permutations > 0 {
			fmt.Fprintf(w, "  p(r) = %.4g", r.PR)
		}
		if a.opts.Nested {
			fmt.Fprintf(w, "  nested r = %.3f", r.NestedR)
		}
		fmt.Fprintln(w)
	}
}

// WriteFiles writes the result as indented JSON at path and each model's signature beside it
// (AblationSignaturePath), to validate on other cohorts like the full signature.
func (a *AblationAnalysis) WriteFiles(path string) error {
	if err := atomicfile.WriteJSON(path, a); err != nil {
		return err
	}
	for _, m := range a.Models {
		if m.Signature == nil {
			continue
		}
		if err := Write(AblationSignaturePath(path, m.Model), m.Signature); err != nil {
			return err
		}
	}
	return nil
}

// AblationSignaturePath is where WriteFiles writes a model's signature: ablation.json's M1 is
// ablation-M1.signature.json.
func AblationSignaturePath(path, model string) string {
	return strings.TrimSuffix(path, ".json") + "-" + model + ".signature.json"
}

// AddReport adds the models' cross-validated r as bars and their table.
func (a *AblationAnalysis) AddReport(d *report.Document) {
	d.Seed = &a.opts.Seed
	d.Numbers["models"] = a.Models
	labels, rs := make([]string, len(a.Models)), make([]float64, len(a.Models))
	var rows [][]string
	for i, r := range a.Models {
		labels[i], rs[i] = r.Model+" "+r.Description, r.R
		rows = append(rows, []string{r.Model, r.Description, fmt.Sprint(r.Features), r.Chosen, fmt.Sprintf("%.3f", r.R), fmt.Sprintf("%.3f", r.MAE), fmt.Sprintf("%.3f", r.R2)})
	}
	sec := d.Section("Ablation models")
	sec.Text("Each model is retrained with the same pipeline, grid (%d candidates) and cross-validation (%s) on a subset of the corticospinal connectome.", len(a.Grid.Candidates()), a.CV)
	sec.Figure(report.Bars("Cross-validated r per model", "cross-validated r", labels, rs, 0), "Pooled out-of-fold r of each ablation model.")
	sec.Table("Models", []string{"model", "description", "features", "chosen", "CV r", "MAE", "R²"}, rows)
}

// EdgeWeightsFromTable reads the rows of a plain weight table: the edge's two regions as columns
// i and j (positions) or region_i and region_j (names, RegionIndex), and its weight in column
// weight.
func EdgeWeightsFromTable(tb *table.Table, regions []Region) ([]EdgeWeight, error) {
	w, err := tb.Floats("weight")
	if err != nil {
		return nil, err
	}
	endpoint := func(posCol, nameCol string, row int) (int, error) {
		if c, err := tb.Column(posCol); err == nil {
			v, err := strconv.Atoi(c.Raw[row])
			if err != nil {
				return 0, fmt.Errorf("row %d: %s = %q is not a region position", row+1, posCol, c.Raw[row])
			}
			return v, nil
		}
		c, err := tb.Column(nameCol)
		if err != nil {
			return 0, fmt.Errorf("needs columns i and j (positions) or region_i and region_j (names)")
		}
		v, err := RegionIndex(regions, c.Raw[row])
		if err != nil {
			return 0, fmt.Errorf("row %d: %w", row+1, err)
		}
		return v, nil
	}
	rows := make([]EdgeWeight, len(w))
	for r := range w {
		if rows[r].I, err = endpoint("i", "region_i", r); err != nil {
			return nil, err
		}
		if rows[r].J, err = endpoint("j", "region_j", r); err != nil {
			return nil, err
		}
		rows[r].Weight = w[r]
	}
	return rows, nil
}

// ImportWeightTable reads a plain weight table (EdgeWeightsFromTable) and the connectome.json
// that describes the feature vector its weights apply to (features.ReadSidecar), and makes the
// signature (ImportWeights).
func ImportWeightTable(path, sidecar, name string, intercept float64) (*Signature, error) {
	def, _, err := features.ReadSidecar(sidecar)
	if err != nil {
		return nil, err
	}
	if def == nil {
		return nil, fmt.Errorf("%s: not found", sidecar)
	}
	regions, fd := DefinitionFromTable(&features.Table{Definition: def})
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	rows, err := EdgeWeightsFromTable(tb, regions)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s, err := ImportWeights(name, regions, fd, rows, intercept, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
