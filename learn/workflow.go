package learn

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/internal/legacyjson"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// CVMetrics are the pooled out-of-fold metrics of learn cv: Pearson r, mean absolute and mean
// squared error.
type CVMetrics struct {
	MAE float64 `json:"mae"`
	MSE float64 `json:"mse"`
	R   float64 `json:"r"`
}

// PooledCVMetrics computes CVMetrics of predictions against the truth.
func PooledCVMetrics(pred, y []float64) CVMetrics {
	var mae, mse float64
	for i := range y {
		e := pred[i] - y[i]
		mae += math.Abs(e)
		mse += e * e
	}
	n := float64(len(y))
	return CVMetrics{R: stats.Pearson(pred, y), MAE: mae / n, MSE: mse / n}
}

// CVResult is a cross-validation's outcome (painmark learn cv): the out-of-fold prediction of
// every subject and their pooled metrics.
type CVResult struct {
	CV              string    `json:"cv"`
	Folds           int       `json:"-"` // the number of splits
	Features        int       `json:"-"` // the number of feature columns
	Metrics         CVMetrics `json:"metrics"`
	Pipeline        Pipeline  `json:"pipeline"`
	Predictions     []float64 `json:"predictions"`
	SoftwareVersion string    `json:"software_version"`
	Subjects        []string  `json:"subjects"`
	Target          []float64 `json:"target"`
}

// CrossValidate predicts every subject of d out of fold (CrossValPredict) with the fixed pipeline;
// cv names the splits (ParseCV's spec) for the record.
func CrossValidate(d *Dataset, pl Pipeline, cv string, splits []Split) (*CVResult, error) {
	pred, err := CrossValPredict(pl, d.X, d.Y, splits)
	if err != nil {
		return nil, err
	}
	return &CVResult{CV: cv, Folds: len(splits), Features: d.X.Cols, Metrics: PooledCVMetrics(pred, d.Y), Pipeline: pl, Predictions: pred,
		SoftwareVersion: version.String(), Subjects: d.Subjects, Target: d.Y}, nil
}

// WriteFile writes the result JSON.
func (r *CVResult) WriteFile(path string) error { return atomicfile.WriteJSON(path, r) }

// SearchOptions set a grid search workflow (painmark learn search).
type SearchOptions struct {
	Solver  Solver
	Scoring Scoring
	// Nested also runs nested leave-one-out (the search inside every outer fold).
	Nested bool
}

// DefaultSearchOptions returns the defaults: the path solver, scikit-learn's
// neg_mean_squared_error, no nested cross-validation.
func DefaultSearchOptions() SearchOptions { return SearchOptions{Solver: SolverPath, Scoring: NegMSE} }

// SearchReport is a grid search's outcome as painmark learn search writes it.
type SearchReport struct {
	Best            Candidate     `json:"best"`
	Candidates      []Candidate   `json:"candidates"`
	MeanScore       []float64     `json:"mean_score"`
	Nested          *NestedReport `json:"nested,omitempty"`
	NotConverged    int           `json:"not_converged"`
	Scoring         Scoring       `json:"scoring"`
	SoftwareVersion string        `json:"software_version"`
	Solver          Solver        `json:"solver"`
	Subjects        []string      `json:"subjects"`
	// Result is the search itself (fold scores, the refitted best pipeline).
	Result *SearchResult `json:"-"`
}

// NestedReport is nested leave-one-out's outcome: each outer fold's choice, the predictions and
// their pooled metrics.
type NestedReport struct {
	Chosen      []Candidate `json:"chosen"`
	Metrics     CVMetrics   `json:"metrics"`
	Predictions []float64   `json:"predictions"`
}

// SearchGrid runs the grid search of g over base on d (and nested leave-one-out if asked).
func SearchGrid(d *Dataset, base Pipeline, g Grid, splits []Split, o SearchOptions) (*SearchReport, error) {
	res, err := Search(o.Solver, base, g, o.Scoring, d.X, d.Y, splits)
	if err != nil {
		return nil, err
	}
	r := &SearchReport{Best: res.Candidates[res.Best], Candidates: res.Candidates, MeanScore: res.MeanScore, NotConverged: res.NotConverged,
		Scoring: o.Scoring, SoftwareVersion: version.String(), Solver: o.Solver, Subjects: d.Subjects, Result: res}
	if o.Nested {
		nr, err := NestedLeaveOneGroupOut(o.Solver, base, g, o.Scoring, d.X, d.Y, d.Persons)
		if err != nil {
			return nil, err
		}
		r.Nested = &NestedReport{Chosen: nr.Chosen, Metrics: PooledCVMetrics(nr.Predictions, d.Y), Predictions: nr.Predictions}
	}
	return r, nil
}

// WriteFile writes the result JSON.
func (r *SearchReport) WriteFile(path string) error { return atomicfile.WriteJSON(path, r) }

// PermutationReport is a permutation test as painmark learn permute writes it.
type PermutationReport struct {
	Mode            PermutationMode `json:"mode"`
	NPermutations   int             `json:"n_permutations"`
	NotConverged    int             `json:"not_converged"`
	Null            []Metrics       `json:"null,omitempty"` // absent when discarded (PermutationOptions.DiscardNull)
	Observed        Metrics         `json:"observed"`
	P               Metrics         `json:"p"`
	PConvention     string          `json:"p_convention"`
	Pipeline        Pipeline        `json:"pipeline"`
	Seed            uint64          `json:"seed"`
	SoftwareVersion string          `json:"software_version"`
	Subjects        []string        `json:"subjects"`
}

// DefaultPermutationOptions returns the defaults: 10,000 refit permutations, seed 1, scikit-learn's
// p-value convention.
func DefaultPermutationOptions() PermutationOptions {
	return PermutationOptions{N: 10000, Seed: 1, Mode: PermuteRefit, Convention: stats.PermSklearn}
}

// Permute runs PermutationTest on d and returns its report.
func Permute(d *Dataset, pl Pipeline, o PermutationOptions) (*PermutationReport, error) {
	if err := d.CheckUngrouped("a permutation test of leave-one-out predictions"); err != nil {
		return nil, err
	}
	res, err := PermutationTest(pl, d.X, d.Y, o)
	if err != nil {
		return nil, err
	}
	return &PermutationReport{Mode: o.Mode, NPermutations: o.N, NotConverged: res.NotConverged, Null: res.Null, Observed: res.Observed,
		P: res.P, PConvention: string(o.Convention), Pipeline: pl, Seed: o.Seed, SoftwareVersion: version.String(), Subjects: d.Subjects}, nil
}

// WriteFile writes the result JSON.
func (r *PermutationReport) WriteFile(path string) error { return atomicfile.WriteJSON(path, r) }

// DefaultBootstrapOptions returns the defaults: 10,000 samples, seed 1, the Wald p-value.
func DefaultBootstrapOptions() BootstrapOptions {
	return BootstrapOptions{N: 10000, Seed: 1, Convention: stats.BootWald}
}

// WriteTable writes the per-feature bootstrap summary (feature, mean, se, z, p, q_fdr —
// Benjamini-Hochberg over all features — and selection_frequency) and returns how many features
// have q < 0.05.
func (r *BootstrapResult) WriteTable(path string, names []string) (int, error) {
	q, err := stats.FDR(r.P)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	b.WriteString("feature\tmean\tse\tz\tp\tq_fdr\tselection_frequency\n")
	stable := 0
	for j, name := range names {
		fmt.Fprintf(&b, "%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", name, r.Mean[j], r.SE[j], r.Z[j], r.P[j], q[j], r.Frequency[j])
		if q[j] < 0.05 {
			stable++
		}
	}
	return stable, atomicfile.WriteFile(path, []byte(b.String()))
}

// SavedModel is a fitted pipeline as painmark learn fit saves it: the feature names it was fitted
// on, the scaler's centre and scale, the selected features, the linear weights where the model has
// them (Coef, Intercept), the pipeline's settings, and for any estimator but the ElasticNet the
// fitted model with its type tag (Fitted), which predict uses.
type SavedModel struct {
	Features        []string         `json:"features"`
	Scaler          string           `json:"scaler"`
	Center          []float64        `json:"center"`
	Scale           []float64        `json:"scale"`
	Selected        []int            `json:"selected"`
	SelectedNames   []string         `json:"selected_names"`
	Coef            []float64        `json:"coef"`
	Intercept       float64          `json:"intercept"`
	Pipeline        Pipeline         `json:"pipeline"`
	SoftwareVersion string           `json:"software_version"`
	Fitted          *StoredPredictor `json:"fitted,omitempty"`
	// Summary is a one-line description of the fit for the terminal.
	Summary string `json:"-"`
}

// FitModel fits the pipeline on all of d and returns the model to save.
func FitModel(d *Dataset, pl Pipeline) (*SavedModel, error) {
	f, err := pl.Fit(d.X, d.Y)
	if err != nil {
		return nil, err
	}
	m := &SavedModel{Features: d.Features, Scaler: pl.Scaler, Selected: f.Selected, Pipeline: pl, SoftwareVersion: version.String()}
	for _, j := range f.Selected {
		m.SelectedNames = append(m.SelectedNames, d.Features[j])
	}
	if m.SelectedNames == nil {
		m.SelectedNames = []string{}
	}
	if f.Scaling != nil {
		m.Center, m.Scale = f.Scaling.Center, f.Scaling.Scale
	}
	coef, intercept, werr := f.Weights()
	if werr == nil {
		m.Coef, m.Intercept = coef, intercept
	}
	nonZero := 0
	for _, w := range coef {
		if w != 0 {
			nonZero++
		}
	}
	if f.Predictor == nil {
		m.Summary = fmt.Sprintf("fitted on %d subjects: %d of %d features selected, %d non-zero weights (converged: %v)",
			d.X.Rows, len(f.Selected), d.X.Cols, nonZero, f.Model.Converged)
		return m, nil
	}
	if m.Fitted, err = MarshalPredictor(f.Predictor); err != nil {
		return nil, err
	}
	m.Summary = fmt.Sprintf("fitted %s on %d subjects: %d of %d features selected", m.Fitted.Type, d.X.Rows, len(f.Selected), d.X.Cols)
	if werr == nil {
		m.Summary += fmt.Sprintf(", %d non-zero weights", nonZero)
	}
	return m, nil
}

// WriteFile writes the model JSON.
func (m *SavedModel) WriteFile(path string) error { return atomicfile.WriteJSON(path, m) }

// ReadSavedModel reads a model written by SavedModel.WriteFile.
func ReadSavedModel(path string) (*SavedModel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// The settings of a Regressor are stored without a type tag (as every result file records
	// them), so they are not read back: the fitted model (Fitted) is what predicts.
	var m struct {
		SavedModel
		Pipeline struct {
			Scaler string
			K      int
			Model  ElasticNet
		} `json:"pipeline"`
	}
	// Files written before the keys were snake_case name two fields otherwise.
	b, err = legacyjson.Rename(b, map[string]string{"SelectedNames": "selected_names", "SoftwareVersion": "software_version"})
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.SavedModel.Pipeline = Pipeline{Scaler: m.Pipeline.Scaler, K: m.Pipeline.K, Model: m.Pipeline.Model}
	if err := m.SavedModel.check(); err != nil {
		return nil, fmt.Errorf("%s: not a consistent saved model: %w", path, err)
	}
	return &m.SavedModel, nil
}

// FittedPipeline returns the saved model as a fitted pipeline.
func (m *SavedModel) FittedPipeline() (*FittedPipeline, error) {
	f := &FittedPipeline{Selected: m.Selected}
	if m.Center != nil {
		f.Scaling = &Scaling{Center: m.Center, Scale: m.Scale}
	}
	if m.Fitted == nil {
		f.Model = &LinearModel{Coef: m.Coef, Intercept: m.Intercept}
		return f, nil
	}
	p, err := m.Fitted.Predictor()
	if err != nil {
		return nil, err
	}
	f.Predictor = p
	return f, nil
}

// Predict applies the saved model to a dataset whose feature columns are the model's (names and
// order), refusing any other.
func (m *SavedModel) Predict(d *Dataset) (*Predictions, error) {
	if strings.Join(d.Features, "\t") != strings.Join(m.Features, "\t") {
		return nil, fmt.Errorf("the feature table's %d feature columns differ from the model's %d (names or order)", len(d.Features), len(m.Features))
	}
	f, err := m.FittedPipeline()
	if err != nil {
		return nil, err
	}
	return &Predictions{Subjects: d.Subjects, Predictions: f.Predict(d.X)}, nil
}

// Summary is the one-line outcome for the terminal.
func (r *CVResult) Summary() string {
	return fmt.Sprintf("%s (%d folds), %d subjects x %d features: r = %.4f, MAE = %.4f", r.CV, r.Folds, len(r.Subjects), r.Features, r.Metrics.R, r.Metrics.MAE)
}

// Summary is the outcome for the terminal: the best candidate (and its named parameters), and the
// nested leave-one-out metrics when run.
func (r *SearchReport) Summary() string {
	b := r.Best
	s := fmt.Sprintf("best of %d candidates: K=%d alpha=%g l1_ratio=%g (%s %.6f)", len(r.Candidates), b.K, b.Alpha, b.L1Ratio, r.Scoring, r.MeanScore[r.Result.Best])
	if b.Params.Len() > 0 {
		s += fmt.Sprintf("\nbest estimator parameters: %v", b.Params)
	}
	if r.Nested != nil {
		s += fmt.Sprintf("\nnested leave-one-out: r = %.4f, MAE = %.4f", r.Nested.Metrics.R, r.Nested.Metrics.MAE)
	}
	return s
}

// Summary is the one-line outcome for the terminal.
func (r *PermutationReport) Summary() string {
	return fmt.Sprintf("leave-one-out, %d subjects, %d permutations (%s): r = %.4f (p = %.4g), MAE = %.4f (p = %.4g), R² = %.4f (p = %.4g)",
		len(r.Subjects), r.NPermutations, r.Mode, r.Observed.R, r.P.R, r.Observed.MAE, r.P.MAE, r.Observed.R2, r.P.R2)
}

// PredictSaved applies the model saved at modelPath (ReadSavedModel) to d.
func PredictSaved(modelPath string, d *Dataset) (*Predictions, error) {
	m, err := ReadSavedModel(modelPath)
	if err != nil {
		return nil, err
	}
	p, err := m.Predict(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelPath, err)
	}
	return p, nil
}

// Predictions are a saved model's predictions of the subjects of a dataset (painmark learn
// predict).
type Predictions struct {
	Subjects    []string
	Predictions []float64
}

// WriteFile writes the predictions TSV (subject, prediction).
func (p *Predictions) WriteFile(path string) error {
	return table.Write(path, &table.Table{Columns: []*table.Column{table.TextColumn("subject", p.Subjects), table.NumericColumn("prediction", p.Predictions)}})
}

// BootstrapReport is a weight bootstrap of a pipeline on a dataset (painmark learn bootstrap):
// the per-feature summary and the features' names.
type BootstrapReport struct {
	*BootstrapResult
	Features []string `json:"features"`
	stable   int
}

// BootstrapWeights runs Bootstrap on d.
func BootstrapWeights(d *Dataset, pl Pipeline, o BootstrapOptions) (*BootstrapReport, error) {
	if err := d.CheckUngrouped("a bootstrap of rows"); err != nil {
		return nil, err
	}
	res, err := Bootstrap(pl, d.X, d.Y, o)
	if err != nil {
		return nil, err
	}
	return &BootstrapReport{BootstrapResult: res, Features: d.Features}, nil
}

// WriteFile writes the per-feature table (WriteTable).
func (r *BootstrapReport) WriteFile(path string) (err error) {
	r.stable, err = r.WriteTable(path, r.Features)
	return err
}

// Summary is the one-line outcome for the terminal, once the table is written to path.
func (r *BootstrapReport) Summary(path string) string {
	return fmt.Sprintf("%d bootstrap samples: %d of %d features with FDR q < 0.05 (p: %s); table in %s", r.Options.N, r.stable, len(r.Features), r.Options.Convention, path)
}
