package target

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
)

// The stimulation search as a clinic runs it, one call per step on a State kept in a file between
// sessions: InitSearch (init), State.Next (suggest), State.RecordSetting (record), State.Status
// (status).

// ReadParameterSpace reads a search space: a JSON list of parameters (or {"parameters": [...]}).
func ReadParameterSpace(path string) ([]Parameter, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var params []Parameter
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&params); err != nil {
		var wrapped struct {
			Parameters []Parameter `json:"parameters"`
		}
		if err2 := json.Unmarshal(b, &wrapped); err2 != nil || wrapped.Parameters == nil {
			return nil, fmt.Errorf("%s: a JSON list of parameters (or {\"parameters\": [...]}): %w", path, err)
		}
		params = wrapped.Parameters
	}
	return params, nil
}

// SearchOptions are the settings of a new stimulation search.
type SearchOptions struct {
	Acquisition string // "ei" (expected improvement) or "ucb" (upper confidence bound)
	Seed        uint64
	Minimize    bool // lower outcomes are better (e.g. pain ratings instead of relief)
	// OutcomeName says what the outcome is and its scale (e.g. "pain relief (0-10 NRS)").
	OutcomeName string
	Initial     int // random settings before the model is used (0: 2·parameters + 1)
}

// DefaultSearchOptions are expected improvement, seed 1, higher outcomes better.
func DefaultSearchOptions() SearchOptions { return SearchOptions{Acquisition: "ei", Seed: 1} }

// InitSearch starts a search of a parameter space (see NewState).
func InitSearch(params []Parameter, o SearchOptions) (*State, error) {
	st, err := NewState(params, o.Acquisition, o.Seed)
	if err != nil {
		return nil, err
	}
	st.Minimize, st.OutcomeName = o.Minimize, o.OutcomeName
	if o.Initial > 0 {
		st.InitialTrials = o.Initial
	}
	return st, nil
}

// SaveNew writes a new state, refusing to replace an existing file unless force: a state holds a
// patient's trials.
func (s *State) SaveNew(path string, force bool) error {
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%s exists: a state holds a patient's trials; give --force to replace it", path)
	}
	return s.Save(path)
}

// Next proposes the next setting and keeps it as the pending suggestion (and in the history).
func (s *State) Next() (*Suggestion, error) {
	sug, err := s.Suggest()
	if err != nil {
		return nil, err
	}
	s.Pending = sug
	s.History = append(s.History, *sug)
	return sug, nil
}

// ErrNoPending is returned by RecordSetting without a setting when no suggestion is pending.
var ErrNoPending = errors.New("no pending suggestion")

// RecordSetting records an outcome for a setting given as "name=value,..." or, when setting is
// empty, for the pending suggestion.
func (s *State) RecordSetting(setting string, outcome float64, note string) error {
	var params map[string]any
	switch {
	case setting != "":
		var err error
		if params, err = ParseSetting(setting); err != nil {
			return err
		}
	case s.Pending != nil:
		params = s.Pending.Params
	default:
		return ErrNoPending
	}
	return s.Record(params, outcome, note)
}

// SearchStatus is the search so far: the number of trials, the best one and the model's view of
// the tried settings (with noisy outcomes the best observed trial may be luck; the best predicted
// one is the safer choice).
type SearchStatus struct {
	Best           *Trial   `json:"best,omitempty"`
	ModelBestMean  *float64 `json:"model_best_mean,omitempty"`
	ModelBestSD    *float64 `json:"model_best_sd,omitempty"`
	ModelBestTrial int      `json:"model_best_trial,omitempty"` // 1-based
	Trials         int      `json:"trials"`
	state          *State
}

// Status summarises the search.
func (s *State) Status() (*SearchStatus, error) {
	st := &SearchStatus{Trials: len(s.Trials), Best: s.Best(), state: s}
	if st.Best == nil {
		return st, nil
	}
	gp, err := s.Model()
	if err != nil {
		return st, nil // too few trials for a model
	}
	bestTrial, bestMean, bestSD := -1, 0.0, 0.0
	for i, t := range s.Trials {
		m, sd, err := s.Predict(gp, t.Params)
		if err != nil {
			return nil, err
		}
		if bestTrial < 0 || (!s.Minimize && m > bestMean) || (s.Minimize && m < bestMean) {
			bestTrial, bestMean, bestSD = i, m, sd
		}
	}
	st.ModelBestTrial, st.ModelBestMean, st.ModelBestSD = bestTrial+1, &bestMean, &bestSD
	return st, nil
}

// WriteFiles writes the status as JSON to path.
func (st *SearchStatus) WriteFiles(path string) error { return atomicfile.WriteJSON(path, st) }

// PrintSetting writes a setting, one parameter a line.
func (s *State) PrintSetting(w io.Writer, setting map[string]any) {
	for _, p := range s.Parameters {
		v := setting[p.Name]
		if f, ok := v.(float64); ok {
			fmt.Fprintf(w, "  %-16s %s\n", p.Name, strconv.FormatFloat(f, 'g', 6, 64))
		} else {
			fmt.Fprintf(w, "  %-16s %v\n", p.Name, v)
		}
	}
}

// names are the parameters' names.
func (s *State) names() []string {
	names := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		names[i] = p.Name
	}
	return names
}

// settingValues are a setting's values in the parameters' order, numbers to 4 significant digits.
func settingValues(names []string, setting map[string]any) []string {
	vals := make([]string, len(names))
	for k, n := range names {
		vals[k] = fmt.Sprint(setting[n])
		if f, ok := setting[n].(float64); ok {
			vals[k] = strconv.FormatFloat(f, 'g', 4, 64)
		}
	}
	return vals
}

// Print writes the search's settings, every trial, the best one and the model's best.
func (st *SearchStatus) Print(w io.Writer) {
	s := st.state
	dir := "maximised"
	if s.Minimize {
		dir = "minimised"
	}
	fmt.Fprintf(w, "%d parameters, %d trials, outcome %s, acquisition %s\n", len(s.Parameters), len(s.Trials), dir, s.Acquisition)
	names := s.names()
	fmt.Fprintf(w, "  %-5s %-40s %s\n", "trial", strings.Join(names, ", "), "outcome")
	for i, t := range s.Trials {
		fmt.Fprintf(w, "  %-5d %-40s %g\n", i+1, strings.Join(settingValues(names, t.Params), ", "), t.Outcome)
	}
	if st.Best == nil {
		return
	}
	fmt.Fprintf(w, "best outcome %g at:\n", st.Best.Outcome)
	s.PrintSetting(w, st.Best.Params)
	if st.ModelBestMean != nil {
		fmt.Fprintf(w, "the model's best tried setting: trial %d, predicted %.3f ± %.3f\n", st.ModelBestTrial, *st.ModelBestMean, *st.ModelBestSD)
	}
}

// AddReport adds the search's numbers, the outcome by trial and the table of trials.
func (st *SearchStatus) AddReport(doc *report.Document) {
	s := st.state
	seed := s.Seed
	doc.Seed = &seed
	doc.Numbers["results"] = st
	names := s.names()
	trialNo, outcome, best := make([]float64, len(s.Trials)), make([]float64, len(s.Trials)), make([]float64, len(s.Trials))
	var rows [][]string
	for i, t := range s.Trials {
		trialNo[i], outcome[i] = float64(i+1), t.Outcome
		best[i] = t.Outcome
		if i > 0 && ((!s.Minimize && best[i-1] > best[i]) || (s.Minimize && best[i-1] < best[i])) {
			best[i] = best[i-1]
		}
		rows = append(rows, append(append([]string{strconv.Itoa(i + 1)}, settingValues(names, t.Params)...), strconv.FormatFloat(t.Outcome, 'g', 4, 64)))
	}
	sec := doc.Section("Trials")
	better := map[bool]string{false: " (higher is better)", true: " (lower is better)"}[s.Minimize]
	sec.Figure(report.Lines("Outcome by trial", "trial", cmp.Or(s.OutcomeName, "outcome")+better, trialNo, []string{"outcome", "best so far"}, [][]float64{outcome, best}),
		fmt.Sprintf("The first %d trials are random (initial design); then each setting maximises the %s of a Matérn 5/2 Gaussian process fitted to the trials before it.", s.InitialTrials, map[string]string{"ei": "expected improvement", "ucb": "upper confidence bound"}[s.Acquisition]))
	sec.Table("Every trial, in order.", append(append([]string{"trial"}, names...), "outcome"), rows)
}

// Describe is the suggestion as the clinic reads it: the trial number, why this setting, the
// setting and the model's prediction.
func (s *State) Describe(w io.Writer, sug *Suggestion) {
	fmt.Fprintf(w, "trial %d: %s\n", len(s.Trials)+1, sug.Reason)
	s.PrintSetting(w, sug.Params)
	if !math.IsNaN(float64(sug.Mean)) {
		fmt.Fprintf(w, "predicted outcome %.3f ± %.3f (model SD)\n", float64(sug.Mean), float64(sug.SD))
	}
}
