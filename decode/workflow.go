package decode

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// Participant is one person's runs as painmark decode reads them from a folder (ReadParticipant):
// the runs in session and run order and their regions, the same in every run.
type Participant struct {
	Folder  string // where the runs were read from (named in errors)
	Runs    []Run
	Regions []string
}

// ReadParticipant reads a participant's folder (see ReadRuns). tr > 0 overrides the sidecars'
// RepetitionTime; without needRatings, runs without ratings (rest runs) are read too.
func ReadParticipant(folder string, tr float64, needRatings bool) (*Participant, error) {
	runs, regions, err := ReadRuns(folder, tr, needRatings)
	if err != nil {
		return nil, err
	}
	return &Participant{Folder: folder, Runs: runs, Regions: regions}, nil
}

// Prepare prepares the participant's bins (see the package function Prepare).
func (p *Participant) Prepare(o PrepareOptions) (*Data, error) { return Prepare(p.Runs, o) }

// ReadModel reads a decoder written by Train (model.json), refusing other files.
func ReadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Format != ModelFormat {
		return nil, fmt.Errorf("%s: not a painmark decoder (format %q)", path, m.Format)
	}
	return &m, nil
}

// Write writes the decoder as JSON (model.json).
func (m *Model) Write(path string) error { return atomicfile.WriteJSON(path, m) }

// CheckRegions refuses a participant whose regions are not the decoder's (names and order): the
// edge weights only mean something on the regions they were trained on.
func (m *Model) CheckRegions(p *Participant) error {
	if len(p.Regions) != len(m.Regions) {
		return fmt.Errorf("%s: %d regions, the decoder has %d", p.Folder, len(p.Regions), len(m.Regions))
	}
	for i := range p.Regions {
		if p.Regions[i] != m.Regions[i] {
			return fmt.Errorf("%s: region %d is %q, the decoder's is %q", p.Folder, i+1, p.Regions[i], m.Regions[i])
		}
	}
	return nil
}

// finite is v, or nil (JSON null) when v is NaN or infinite.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// ScaleRow is one time scale of an evaluation as the result files hold it: r and AUC, and their
// hierarchical bootstrap (ScaleBootstraps) 95% percentile intervals and DEIPP's two-sided p-values
// against 0 and 0.5 (null when undefined).
type ScaleRow struct {
	AUC   *float64    `json:"auc"`
	AUCCI [2]*float64 `json:"auc_ci95"`
	N     int         `json:"n"`
	PAUC  *float64    `json:"p_auc"`
	PR    *float64    `json:"p_r"`
	R     *float64    `json:"r"`
	RCI   [2]*float64 `json:"r_ci95"`
	Scale string      `json:"scale"`
}

func scaleRows(scales []Scale) []ScaleRow {
	var rows []ScaleRow
	for _, s := range scales {
		row := ScaleRow{Scale: s.Name, N: s.N, R: finite(s.R), AUC: finite(s.AUC)}
		if b := s.Bootstrap; b != nil {
			row.RCI, row.AUCCI = [2]*float64{finite(b.RCI[0]), finite(b.RCI[1])}, [2]*float64{finite(b.AUCCI[0]), finite(b.AUCCI[1])}
			row.PR, row.PAUC = finite(b.PR), finite(b.PAUC)
		}
		rows = append(rows, row)
	}
	return rows
}

// BootstrapSummary is a hierarchical bootstrap as the result files hold it.
type BootstrapSummary struct {
	AUCCI [2]float64 `json:"auc_ci95"`
	N     int        `json:"n"`
	PAUC  float64    `json:"p_auc"`
	PR    float64    `json:"p_r"`
	RCI   [2]float64 `json:"r_ci95"`
}

func bootstrapSummary(b *BootstrapResult, n int) BootstrapSummary {
	return BootstrapSummary{AUCCI: b.AUCCI, N: n, PAUC: b.PAUC, PR: b.PR, RCI: b.RCI}
}

// runNames are the run labels of the bins.
func (d *Data) runNames() []string {
	name := make([]string, len(d.Y))
	for i, r := range d.Run {
		name[i] = d.Runs[r].Run
	}
	return name
}

// WriteFiles writes the prepared bins for inspection or other tools: bins.tsv (session, run,
// rating per bin), features.npy (bins x edges, float64) and edges.tsv (the regions of each edge,
// in the upper-triangle order of connectome.Edges).
func (d *Data) WriteFiles(dir string, regions []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := table.Write(filepath.Join(dir, "bins.tsv"), &table.Table{Columns: []*table.Column{
		table.TextColumn("session", d.Session), table.TextColumn("run", d.runNames()), table.NumericColumn("rating", d.Y)}}); err != nil {
		return err
	}
	if err := npy.Write(filepath.Join(dir, "features.npy"), []int{d.X.Rows, d.X.Cols}, d.X.Data, "<f8"); err != nil {
		return err
	}
	edges := connectome.Edges(len(regions), true)
	ri, rj := make([]string, len(edges)), make([]string, len(edges))
	for k, e := range edges {
		ri[k], rj[k] = regions[e.I], regions[e.J]
	}
	return table.Write(filepath.Join(dir, "edges.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("region_i", ri), table.TextColumn("region_j", rj)}})
}

// TrainOptions are the settings of Train: preparation, model selection, bootstrap draws,
// importance permutations and the seed.
type TrainOptions struct {
	Prepare      PrepareOptions
	Model        Options
	Bootstraps   int    // hierarchical bootstrap draws
	Permutations int    // permutations per region for importance
	Seed         uint64 // results do not depend on the number of workers
	// Motion are the settings of the head-motion check (run when the runs have FD).
	Motion MotionOptions
}

// DefaultTrainOptions are DEIPP's preparation, the lasso-selected number of components, 10,000
// bootstrap draws, 1,000 importance permutations and seed 1.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Prepare: DefaultPrepare, Model: Options{Selection: SelectComponents}, Bootstraps: 10000, Permutations: 1000, Seed: 1, Motion: DefaultMotionOptions()}
}

// TrainResult is a personalized decoder trained as Lee et al. 2026 (DEIPP): nested
// leave-one-session-out predictions, their evaluation at every time scale, the hierarchical
// bootstrap, region importance and the final model on all sessions.
type TrainResult struct {
	Participant *Participant
	Data        *Data
	Nested      *NestedResult
	Scales      []Scale
	Bootstrap   *BootstrapResult
	Importance  *ImportanceScores
	Model       *Model
	// Motion is the head-motion check of the nested predictions (nil when the runs have no FD).
	Motion *MotionResult
	// Networks are the final model's positive- and negative-edge networks.
	Networks *ModelNetworks
	Options  TrainOptions
}

// Train runs the decoding workflow on a participant: prepare the bins, nested
// leave-one-session-out, multi-scale evaluation, hierarchical bootstrap, region importance and the
// final model on all sessions.
func Train(p *Participant, o TrainOptions) (*TrainResult, error) {
	imp, err := Importance(p, ImportanceOptions{Prepare: o.Prepare, Model: o.Model, Permutations: o.Permutations, Seed: o.Seed})
	if err != nil {
		return nil, err
	}
	d := imp.Data
	res := &TrainResult{Participant: p, Data: d, Nested: imp.Nested, Importance: imp.Scores, Options: o}
	if res.Scales, err = MultiScale(d, res.Nested); err != nil {
		return nil, err
	}
	if err = ScaleBootstraps(res.Scales, o.Bootstraps, o.Seed); err != nil {
		return nil, err
	}
	res.Bootstrap = res.Scales[0].Bootstrap // the bins: HierarchicalBootstrap's draws
	if d.FD != nil {
		if res.Motion, err = MotionCheck(d, res.Nested.Predictions, o.Motion); err != nil {
			return nil, err
		}
	}
	if res.Model, err = FitModel(d, p.Regions, o.Prepare, o.Model, version.String()); err != nil {
		return nil, err
	}
	if res.Networks, err = res.Model.Networks(); err != nil {
		return nil, err
	}
	return res, nil
}

// TrainSummary is decode.json: the nested result, the scales, the bootstrap, the settings.
type TrainSummary struct {
	Bootstrap            BootstrapSummary `json:"bootstrap"`
	Components           []int            `json:"components"`
	FinalModelComponents int              `json:"final_model_components"`
	Lambdas              []float64        `json:"lambdas"`
	ModelNetworks        *ModelNetworks   `json:"model_networks,omitempty"`
	Motion               *MotionResult    `json:"motion,omitempty"`
	NestedR              float64          `json:"nested_r"`
	Prepare              PrepareOptions   `json:"prepare"`
	Scales               []ScaleRow       `json:"scales"`
	Seed                 uint64           `json:"seed"`
	Selection            Options          `json:"selection"`
	Sessions             []string         `json:"sessions"`
	Software             string           `json:"software_version,omitempty"`
}

// Summary is the result's decode.json.
func (r *TrainResult) Summary() TrainSummary {
	n := r.Nested
	return TrainSummary{Bootstrap: bootstrapSummary(r.Bootstrap, r.Options.Bootstraps), Components: n.Components, FinalModelComponents: r.Model.Components,
		Lambdas: n.Lambdas, ModelNetworks: r.Networks, Motion: r.Motion, NestedR: n.R, Prepare: r.Options.Prepare, Scales: scaleRows(r.Scales), Seed: r.Options.Seed, Selection: r.Options.Model,
		Sessions: n.Sessions, Software: version.String()}
}

// WriteFiles writes model.json (the final decoder), predictions.tsv (each bin's nested
// prediction), importance.tsv and decode.json into dir.
//
// The files appear together or not at all (atomicfile.WriteDir): a failure leaves no model.json
// that decode apply could pick up.
func (r *TrainResult) WriteFiles(dir string) error { return atomicfile.WriteDir(dir, r.writeFiles) }

func (r *TrainResult) writeFiles(dir string) error {
	d := r.Data
	if err := table.Write(filepath.Join(dir, "predictions.tsv"), &table.Table{Columns: []*table.Column{
		table.TextColumn("session", d.Session), table.TextColumn("run", d.runNames()),
		table.NumericColumn("rating", d.Y), table.NumericColumn("prediction", r.Nested.Predictions)}}); err != nil {
		return err
	}
	if err := r.Importance.Write(filepath.Join(dir, "importance.tsv"), r.Participant.Regions); err != nil {
		return err
	}
	if err := r.Model.Write(filepath.Join(dir, "model.json")); err != nil {
		return err
	}
	return atomicfile.WriteJSON(filepath.Join(dir, "decode.json"), r.Summary())
}

// Write writes the importance table: each region's mean drop in r, its SD over the permutations
// and DEIPP's two-tailed p.
func (imp *ImportanceScores) Write(path string, regions []string) error {
	return table.Write(path, &table.Table{Columns: []*table.Column{table.TextColumn("region", regions),
		table.NumericColumn("r_drop", imp.Mean), table.NumericColumn("r_drop_sd", imp.SD), table.NumericColumn("p", imp.P)}})
}

// EvaluateOptions are the settings of Evaluate.
type EvaluateOptions struct {
	Bootstraps int // hierarchical bootstrap draws
	Seed       uint64
}

// DefaultEvaluateOptions are 10,000 bootstrap draws and seed 1.
func DefaultEvaluateOptions() EvaluateOptions { return EvaluateOptions{Bootstraps: 10000, Seed: 1} }

// EvaluateResult is a trained decoder evaluated on new sessions (or another person).
type EvaluateResult struct {
	Data        *Data
	Scales      []Scale
	Predictions []float64 // per bin
	Bootstrap   *BootstrapResult
	Options     EvaluateOptions
}

// Evaluate applies a decoder to a participant's runs with ratings, prepared with the model's own
// preparation: r and median-split AUC at the bin, 1-minute, 2-minute, run and session scales, and
// DEIPP's hierarchical bootstrap of the bin-level r and AUC.
func Evaluate(m *Model, p *Participant, o EvaluateOptions) (*EvaluateResult, error) {
	if err := m.CheckRegions(p); err != nil {
		return nil, err
	}
	d, err := p.Prepare(m.Prepare)
	if err != nil {
		return nil, err
	}
	res := &EvaluateResult{Data: d, Options: o}
	if res.Scales, res.Predictions, err = EvaluateModel(d, m); err != nil {
		return nil, err
	}
	if err = ScaleBootstraps(res.Scales, o.Bootstraps, o.Seed); err != nil {
		return nil, err
	}
	res.Bootstrap = res.Scales[0].Bootstrap // the bins: HierarchicalBootstrap's draws
	return res, nil
}

// EvaluateSummary is evaluation.json.
type EvaluateSummary struct {
	BinPredictions []float64        `json:"bin_predictions"`
	BinRatings     []float64        `json:"bin_ratings"`
	Bootstrap      BootstrapSummary `json:"bootstrap"`
	Scales         []ScaleRow       `json:"scales"`
	Seed           uint64           `json:"seed"`
	Software       string           `json:"software_version,omitempty"`
}

// Summary is the result's JSON.
func (r *EvaluateResult) Summary() EvaluateSummary {
	return EvaluateSummary{BinPredictions: r.Predictions, BinRatings: r.Data.Y, Bootstrap: bootstrapSummary(r.Bootstrap, r.Options.Bootstraps),
		Scales: scaleRows(r.Scales), Seed: r.Options.Seed, Software: version.String()}
}

// WriteFiles writes the evaluation JSON to path.
func (r *EvaluateResult) WriteFiles(path string) error {
	return atomicfile.WriteJSON(path, r.Summary())
}

// ImportanceOptions are the settings of Importance.
type ImportanceOptions struct {
	Prepare      PrepareOptions
	Model        Options
	Permutations int // per region
	Seed         uint64
}

// DefaultImportanceOptions are Train's defaults.
func DefaultImportanceOptions() ImportanceOptions {
	t := DefaultTrainOptions()
	return ImportanceOptions{Prepare: t.Prepare, Model: t.Model, Permutations: t.Permutations, Seed: t.Seed}
}

// ImportanceResult is region importance on its own: the prepared bins, the nested result and the
// scores.
type ImportanceResult struct {
	Regions []string
	Data    *Data
	Nested  *NestedResult
	Scores  *ImportanceScores
	Options ImportanceOptions
}

// Importance runs nested leave-one-session-out and DEIPP's region importance on a participant.
func Importance(p *Participant, o ImportanceOptions) (*ImportanceResult, error) {
	d, err := p.Prepare(o.Prepare)
	if err != nil {
		return nil, err
	}
	res := &ImportanceResult{Regions: p.Regions, Data: d, Options: o}
	if res.Nested, err = NestedLOSO(d, o.Model); err != nil {
		return nil, err
	}
	if res.Scores, err = RegionImportance(d, res.Nested, o.Permutations, o.Seed); err != nil {
		return nil, err
	}
	return res, nil
}

// WriteFiles writes the importance table to path.
func (r *ImportanceResult) WriteFiles(path string) error { return r.Scores.Write(path, r.Regions) }

// CurveOptions are the settings of Curve.
type CurveOptions struct {
	Prepare PrepareOptions
	Model   Options
	Sizes   []int // numbers of training sessions
	Repeats int   // random draws per size
	Seed    uint64
}

// DefaultCurveOptions are 3, 6 and 9 training sessions, 100 draws each, seed 1.
func DefaultCurveOptions() CurveOptions {
	t := DefaultTrainOptions()
	return CurveOptions{Prepare: t.Prepare, Model: t.Model, Sizes: []int{3, 6, 9}, Repeats: 100, Seed: 1}
}

// CurveResult is a learning curve over the number of training sessions.
type CurveResult struct {
	Points  []CurvePoint
	Options CurveOptions
}

// Curve prepares a participant's bins and computes the learning curve (LearningCurve).
func Curve(p *Participant, o CurveOptions) (*CurveResult, error) {
	d, err := p.Prepare(o.Prepare)
	if err != nil {
		return nil, err
	}
	pts, err := LearningCurve(d, o.Sizes, o.Repeats, o.Seed, o.Model)
	if err != nil {
		return nil, err
	}
	return &CurveResult{Points: pts, Options: o}, nil
}

// CurveSummary is curve.json.
type CurveSummary struct {
	Curve    []CurvePoint   `json:"curve"`
	Prepare  PrepareOptions `json:"prepare"`
	Repeats  int            `json:"repeats"`
	Seed     uint64         `json:"seed"`
	Software string         `json:"software_version,omitempty"`
}

// WriteFiles writes the curve JSON to path.
func (r *CurveResult) WriteFiles(path string) error {
	return atomicfile.WriteJSON(path, CurveSummary{Curve: r.Points, Prepare: r.Options.Prepare, Repeats: r.Options.Repeats, Seed: r.Options.Seed, Software: version.String()})
}

// ApplyResult is a decoder applied frame by frame: per frame its session and run, frame index,
// time (s), prediction, the lagged rating (NaN for rest runs) and whether the run's session was
// one the decoder was trained on ("yes", "no", or "unknown" for decoders that do not record it).
type ApplyResult struct {
	Session, Run, TrainingSession []string
	Frame, Time, Prediction       []float64
	RatingLagged                  []float64
	Runs                          int
}

// Apply applies a decoder frame by frame to a participant's runs (rest runs included) after the
// model's drop rule, censored frames left out, each run's regions z-scored over its usable frames
// (DEIPP's normalization). A run is labelled a training session when its subject and session are
// the decoder's (a person's model applied to its own training sessions is not a test of it).
func Apply(m *Model, p *Participant) (*ApplyResult, error) {
	return ApplyWith(m, p, DefaultApplyOptions())
}

// ApplyWith is Apply with a choice of normalization: NormalizeExpanding gives, offline, what
// decode stream gives in real time (frames before the warm-up have no prediction, NaN).
func ApplyWith(m *Model, p *Participant, o ApplyOptions) (*ApplyResult, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if err := m.CheckRegions(p); err != nil {
		return nil, err
	}
	if n := len(m.Regions); len(m.Weights) != n*(n-1)/2 {
		return nil, fmt.Errorf("decoder: %d weights for %d regions (%d edges)", len(m.Weights), n, n*(n-1)/2)
	}
	res := &ApplyResult{Runs: len(p.Runs)}
	for _, r := range p.Runs {
		lagged := true
		if len(r.Rating) < 2 { // a rest run: frames after the drop, uncensored
			r.RatingTime, r.Rating = []float64{-1e9, 1e9}, []float64{0, 0}
			lagged = false
		}
		f, err := UsableFrames(r, m.Prepare)
		if err != nil {
			return nil, err
		}
		var pred []float64
		if o.Normalize == NormalizeExpanding {
			all := expandingPredictions(r, m, m.Prepare, o.Warmup)
			for _, t := range f.Index {
				pred = append(pred, all[t])
			}
		} else if pred, err = FramePredictions(r.Series.SelectRows(f.Index), m.Weights, m.Intercept); err != nil {
			return nil, err
		}
		training := m.trainedOn(r)
		for i, t := range f.Index {
			res.Session, res.Run, res.TrainingSession = append(res.Session, r.Session), append(res.Run, r.Run), append(res.TrainingSession, training)
			res.Frame, res.Time, res.Prediction = append(res.Frame, float64(t)), append(res.Time, f.Time[i]), append(res.Prediction, pred[i])
			rating := math.NaN()
			if lagged {
				rating = f.Rating[i]
			}
			res.RatingLagged = append(res.RatingLagged, rating)
		}
	}
	return res, nil
}

// trainedOn says whether a run belongs to the decoder's training sessions.
func (m *Model) trainedOn(r Run) string {
	if m.TrainingSessionIDs == nil {
		return "unknown"
	}
	for _, s := range m.TrainingSessionIDs {
		if s == r.Session && r.Subject == m.Subject {
			return "yes"
		}
	}
	return "no"
}

// WriteFiles writes the frame-wise predictions TSV to path.
func (r *ApplyResult) WriteFiles(path string) error {
	return table.Write(path, &table.Table{Columns: []*table.Column{table.TextColumn("session", r.Session), table.TextColumn("run", r.Run),
		table.NumericColumn("frame", r.Frame), table.NumericColumn("time", r.Time), table.NumericColumn("prediction", r.Prediction),
		table.NumericColumn("rating_lagged", r.RatingLagged), table.TextColumn("training_session", r.TrainingSession)}})
}
