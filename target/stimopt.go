package target

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/learn"
	"gonum.org/v1/gonum/stat/distuv"
)

// Stimulation-parameter search by Bayesian optimization: the outcomes of the trials so far (pain
// relief, possibly noisy and repeated) are modelled by a Gaussian process with a Matérn 5/2 kernel
// (learn.GaussianProcess), and the next setting is the one that maximises the expected improvement
// or the upper confidence bound over the declared space. The state lives in a JSON file so that a
// clinic runs it session by session.

// Parameter is one dimension of the search space.
type Parameter struct {
	Name string `json:"name"`
	// Type is "continuous", "integer" or "categorical".
	Type    string   `json:"type"`
	Min     float64  `json:"min,omitempty"`
	Max     float64  `json:"max,omitempty"`
	Log     bool     `json:"log,omitempty"` // continuous or integer searched on a log scale
	Choices []string `json:"choices,omitempty"`
}

// Trial is one tested setting and its outcome.
type Trial struct {
	Params  map[string]any `json:"params"`
	Outcome float64        `json:"outcome"`
	Note    string         `json:"note,omitempty"`
	Time    string         `json:"time,omitempty"`
}

// Suggestion is a proposed setting with the model's prediction there.
type Suggestion struct {
	Params map[string]any `json:"params"`
	// Mean and SD are the model's predicted outcome and its uncertainty (latent); NaN during the
	// initial design, before a model is fitted.
	Mean        Number `json:"mean"`
	SD          Number `json:"sd"`
	Acquisition Number `json:"acquisition"`
	Reason      string `json:"reason"`
}

// Number is a float64 that JSON writes as null when it is NaN or infinite.
type Number float64

// MarshalJSON writes the number, or null.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads a number, or null as NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number(math.NaN())
		return nil
	}
	var f float64
	err := json.Unmarshal(b, &f)
	*n = Number(f)
	return err
}

// State is a stimulation search: the space, the settings of the method and the trials.
type State struct {
	Version    int         `json:"version"`
	Parameters []Parameter `json:"parameters"`
	// Acquisition is "ei" (expected improvement, with Xi) or "ucb" (upper confidence bound, with
	// Kappa); Minimize when lower outcomes are better (e.g. pain ratings rather than relief).
	Acquisition string  `json:"acquisition"`
	Xi          float64 `json:"xi"`
	Kappa       float64 `json:"kappa"`
	Minimize    bool    `json:"minimize"`
	// OutcomeName says what the outcome is and its scale (e.g. "pain relief (0-10 NRS)"), for the
	// report's axes; empty: "outcome".
	OutcomeName string `json:"outcome_name,omitempty"`
	// InitialTrials are drawn at random before the model is used.
	InitialTrials int          `json:"initial_trials"`
	Candidates    int          `json:"candidates"`
	Seed          uint64       `json:"seed"`
	Trials        []Trial      `json:"trials"`
	Pending       *Suggestion  `json:"pending,omitempty"`
	History       []Suggestion `json:"suggestions,omitempty"`
}

// NewState checks a space and returns an empty search with the defaults (expected improvement
// with xi = 0.01, 2·dimensions + 1 random initial trials, 2,000 random candidates per suggestion).
func NewState(params []Parameter, acquisition string, seed uint64) (*State, error) {
	s := &State{Version: 1, Parameters: params, Acquisition: acquisition, Xi: 0.01, Kappa: 2, Seed: seed, Candidates: 2000}
	if s.Acquisition == "" {
		s.Acquisition = "ei"
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	s.InitialTrials = 2*len(params) + 1
	return s, nil
}

func (s *State) check() error {
	if len(s.Parameters) == 0 {
		return fmt.Errorf("the search space has no parameter")
	}
	seen := map[string]bool{}
	for _, p := range s.Parameters {
		if p.Name == "" || seen[p.Name] {
			return fmt.Errorf("parameter names must be unique and non-empty (%q)", p.Name)
		}
		seen[p.Name] = true
		switch p.Type {
		case "continuous", "integer":
			if !(p.Max > p.Min) || math.IsInf(p.Min, 0) || math.IsInf(p.Max, 0) {
				return fmt.Errorf("parameter %s: min %v must be below max %v", p.Name, p.Min, p.Max)
			}
			if p.Log && p.Min <= 0 {
				return fmt.Errorf("parameter %s: a log scale needs min > 0, got %v", p.Name, p.Min)
			}
		case "categorical":
			if len(p.Choices) < 2 {
				return fmt.Errorf("parameter %s: a categorical parameter needs at least 2 choices", p.Name)
			}
		default:
			return fmt.Errorf("parameter %s: type %q (continuous, integer or categorical)", p.Name, p.Type)
		}
	}
	switch s.Acquisition {
	case "ei", "ucb":
	default:
		return fmt.Errorf("acquisition %q: ei or ucb", s.Acquisition)
	}
	// Suggest holds every candidate's encoding at once: refuse a count beyond the memory budget.
	if err := budget.Check(`candidates ("candidates")`, int64(s.Candidates), int64(8*s.dims()+64)); err != nil {
		return err
	}
	return nil
}

// dims is the length of the encoding: one per numeric parameter, one per choice.
func (s *State) dims() int {
	d := 0
	for _, p := range s.Parameters {
		if p.Type == "categorical" {
			d += len(p.Choices)
		} else {
			d++
		}
	}
	return d
}

// unit maps a numeric value to [0, 1] (on the log scale when asked).
func (p Parameter) unit(v float64) float64 {
	if p.Log {
		return (math.Log(v) - math.Log(p.Min)) / (math.Log(p.Max) - math.Log(p.Min))
	}
	return (v - p.Min) / (p.Max - p.Min)
}

func (p Parameter) fromUnit(u float64) float64 {
	u = math.Min(math.Max(u, 0), 1)
	var v float64
	if p.Log {
		v = math.Exp(math.Log(p.Min) + u*(math.Log(p.Max)-math.Log(p.Min)))
	} else {
		v = p.Min + u*(p.Max-p.Min)
	}
	if p.Type == "integer" {
		v = math.Round(v)
	}
	return math.Min(math.Max(v, p.Min), p.Max)
}

// encode turns a setting into the model's inputs, checking every value.
func (s *State) encode(params map[string]any) ([]float64, error) {
	var x []float64
	if len(params) != len(s.Parameters) {
		return nil, fmt.Errorf("a setting of %d parameters; the space has %d", len(params), len(s.Parameters))
	}
	for _, p := range s.Parameters {
		v, ok := params[p.Name]
		if !ok {
			return nil, fmt.Errorf("the setting has no value for %s", p.Name)
		}
		if p.Type == "categorical" {
			c := fmt.Sprint(v)
			found := false
			for _, ch := range p.Choices {
				one := 0.0
				if ch == c {
					one, found = 1, true
				}
				x = append(x, one)
			}
			if !found {
				return nil, fmt.Errorf("%s = %q is not one of %v", p.Name, c, p.Choices)
			}
			continue
		}
		f, err := toFloat(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		if f < p.Min || f > p.Max || (p.Type == "integer" && f != math.Round(f)) {
			return nil, fmt.Errorf("%s = %v is outside the space (%s from %v to %v)", p.Name, f, p.Type, p.Min, p.Max)
		}
		x = append(x, p.unit(f))
	}
	return x, nil
}

func toFloat(v any) (float64, error) {
	switch t := v.(type) {
	case float64:
		return t, nil
	case int:
		return float64(t), nil
	case json.Number:
		return t.Float64()
	case string:
		return strconv.ParseFloat(t, 64)
	}
	return 0, fmt.Errorf("%v is not a number", v)
}

// decode turns a point of the unit encoding into a setting (categorical: the largest entry).
func (s *State) decode(x []float64) map[string]any {
	out := map[string]any{}
	k := 0
	for _, p := range s.Parameters {
		if p.Type == "categorical" {
			best := 0
			for c := range p.Choices {
				if x[k+c] > x[k+best] {
					best = c
				}
			}
			out[p.Name] = p.Choices[best]
			k += len(p.Choices)
			continue
		}
		out[p.Name] = p.fromUnit(x[k])
		k++
	}
	return out
}

// randomPoint draws a setting uniformly from the space (categorical: one choice at random).
func (s *State) randomPoint(rng *rand.Rand) []float64 {
	var x []float64
	for _, p := range s.Parameters {
		if p.Type == "categorical" {
			c := rng.IntN(len(p.Choices))
			for i := range p.Choices {
				v := 0.0
				if i == c {
					v = 1
				}
				x = append(x, v)
			}
			continue
		}
		x = append(x, rng.Float64())
	}
	return x
}

// Model fits the Gaussian process to the trials (outcomes negated when minimising).
func (s *State) Model() (*learn.FittedGP, error) {
	if len(s.Trials) < 2 {
		return nil, fmt.Errorf("a model needs at least 2 trials, %d recorded", len(s.Trials))
	}
	var x [][]float64
	var y []float64
	for i, t := range s.Trials {
		e, err := s.encode(t.Params)
		if err != nil {
			return nil, fmt.Errorf("trial %d: %w", i+1, err)
		}
		x = append(x, e)
		o := t.Outcome
		if s.Minimize {
			o = -o
		}
		y = append(y, o)
	}
	xm, err := learn.RowMatrix(x)
	if err != nil {
		return nil, err
	}
	return learn.GaussianProcess{Restarts: 2}.Fit(xm, y)
}

// Predict is the model's predicted outcome at a setting and its uncertainty (latent SD).
func (s *State) Predict(gp *learn.FittedGP, params map[string]any) (mean, sd float64, err error) {
	x, err := s.encode(params)
	if err != nil {
		return 0, 0, err
	}
	m, sd, _ := gp.Predict(x)
	if s.Minimize {
		m = -m
	}
	return m, sd, nil
}

// Suggest proposes the next setting: a random one during the initial design, then the candidate
// (random settings and perturbations of the best trials, re-encoded after rounding) that
// maximises the acquisition. Suggestion k draws from PCG(seed, k), so a state file always gives
// the same suggestion.
func (s *State) Suggest() (*Suggestion, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(s.Seed, uint64(len(s.Trials))))
	if len(s.Trials) < max(s.InitialTrials, 2) {
		nan := Number(math.NaN())
		return &Suggestion{Params: s.decode(s.randomPoint(rng)), Mean: nan, SD: nan, Acquisition: nan,
			Reason: fmt.Sprintf("initial design (random), trial %d of %d", len(s.Trials)+1, max(s.InitialTrials, 2))}, nil
	}
	gp, err := s.Model()
	if err != nil {
		return nil, err
	}
	best := math.Inf(-1)
	for _, t := range s.Trials {
		o := t.Outcome
		if s.Minimize {
			o = -o
		}
		best = math.Max(best, o)
	}
	// Candidates: random points, and Gaussian perturbations of the five best trials.
	var cands [][]float64
	n := s.Candidates
	if n <= 0 {
		n = 2000
	}
	for i := 0; i < n; i++ {
		cands = append(cands, s.randomPoint(rng))
	}
	order := make([]int, len(s.Trials))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		oa, ob := s.Trials[order[a]].Outcome, s.Trials[order[b]].Outcome
		if s.Minimize {
			return oa < ob
		}
		return oa > ob
	})
	for _, i := range order[:min(5, len(order))] {
		base, _ := s.encode(s.Trials[i].Params)
		for k := 0; k < n/10; k++ {
			c := append([]float64(nil), base...)
			j := 0
			for _, p := range s.Parameters {
				if p.Type == "categorical" {
					if rng.Float64() < 0.2 { // sometimes another choice
						for q := range p.Choices {
							c[j+q] = 0
						}
						c[j+rng.IntN(len(p.Choices))] = 1
					}
					j += len(p.Choices)
					continue
				}
				c[j] = math.Min(math.Max(c[j]+0.05*rng.NormFloat64(), 0), 1)
				j++
			}
			cands = append(cands, c)
		}
	}
	norm := distuv.UnitNormal
	var bestSug *Suggestion
	for _, c := range cands {
		params := s.decode(c)
		x, err := s.encode(params) // rounded integers, one-hot choices: the setting that would be run
		if err != nil {
			return nil, err
		}
		m, sd, _ := gp.Predict(x)
		var a float64
		if s.Acquisition == "ucb" {
			a = m + s.Kappa*sd
		} else if sd > 0 {
			imp := m - best - s.Xi
			zz := imp / sd
			a = imp*norm.CDF(zz) + sd*norm.Prob(zz)
		}
		if bestSug == nil || a > float64(bestSug.Acquisition) {
			mean := m
			if s.Minimize {
				mean = -m
			}
			bestSug = &Suggestion{Params: params, Mean: Number(mean), SD: Number(sd), Acquisition: Number(a)}
		}
	}
	if s.Acquisition == "ucb" {
		bestSug.Reason = fmt.Sprintf("upper confidence bound (kappa %g) over %d candidates", s.Kappa, len(cands))
	} else {
		bestSug.Reason = fmt.Sprintf("expected improvement (xi %g) over %d candidates", s.Xi, len(cands))
	}
	return bestSug, nil
}

// Record adds a trial (its setting checked against the space).
func (s *State) Record(params map[string]any, outcome float64, note string) error {
	if math.IsNaN(outcome) || math.IsInf(outcome, 0) {
		return fmt.Errorf("outcome %v is not a number", outcome)
	}
	x, err := s.encode(params)
	if err != nil {
		return err
	}
	clean := s.decode(x) // canonical types (float64, choice strings)
	s.Trials = append(s.Trials, Trial{Params: clean, Outcome: outcome, Note: note, Time: time.Now().UTC().Format(time.RFC3339)})
	s.Pending = nil
	return nil
}

// ParseSetting reads "name=value,name=value" into a setting.
func ParseSetting(text string) (map[string]any, error) {
	out := map[string]any{}
	for _, kv := range strings.Split(text, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("setting %q: want name=value pairs separated by commas", text)
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			out[k] = f
		} else {
			out[k] = v
		}
	}
	return out, nil
}

// Best is the trial with the best outcome (nil without trials).
func (s *State) Best() *Trial {
	var b *Trial
	for i := range s.Trials {
		t := &s.Trials[i]
		if b == nil || (!s.Minimize && t.Outcome > b.Outcome) || (s.Minimize && t.Outcome < b.Outcome) {
			b = t
		}
	}
	return b
}

// LoadState reads a state file.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s State
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: not a stimulation-search state: %w", path, err)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, t := range s.Trials {
		x, err := s.encode(t.Params)
		if err != nil {
			return nil, fmt.Errorf("%s: trial %d: %w", path, i+1, err)
		}
		s.Trials[i].Params = s.decode(x) // numbers as float64, as recorded
	}
	if s.Pending != nil {
		x, err := s.encode(s.Pending.Params)
		if err != nil {
			return nil, fmt.Errorf("%s: the pending suggestion: %w", path, err)
		}
		s.Pending.Params = s.decode(x)
	}
	return &s, nil
}

// Save writes the state atomically (a crash never leaves a half-written state).
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}
