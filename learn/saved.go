package learn

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// fittedTypes maps the type tag of a stored fitted model to a function making an empty one.
var (
	fittedMu    sync.RWMutex
	fittedTypes = map[string]func() Predictor{
		"linear":           func() Predictor { return &LinearModel{} },
		"relaxed_linear":   func() Predictor { return &RelaxedModel{} },
		"svr":              func() Predictor { return &SVRModel{} },
		"random_forest":    func() Predictor { return &ForestModel{} },
		"decision_tree":    func() Predictor { return &RegressionTree{} },
		"logistic":         func() Predictor { return &LogisticScore{} },
		"gaussian_process": func() Predictor { return &GPMean{FittedGP: &FittedGP{}} },
	}
)

// RegisterFitted registers a fitted model type outside this package under a type tag, so that
// MarshalPredictor and UnmarshalPredictor can store it (as image.RegisterFormat registers
// decoders). newEmpty returns an empty value of a pointer type whose JSON round-trips the model.
func RegisterFitted(tag string, newEmpty func() Predictor) {
	fittedMu.Lock()
	defer fittedMu.Unlock()
	if _, dup := fittedTypes[tag]; dup {
		panic("learn: fitted model type " + tag + " registered twice")
	}
	fittedTypes[tag] = newEmpty
}

// modelName is the type tag of a fitted model ("" for an unregistered type).
func modelName(p Predictor) string {
	fittedMu.RLock()
	defer fittedMu.RUnlock()
	t := reflect.TypeOf(p)
	for tag, f := range fittedTypes {
		if reflect.TypeOf(f()) == t {
			return tag
		}
	}
	return fmt.Sprintf("%T", p)
}

// StoredPredictor is the JSON form of a fitted model: its type tag and its fields.
type StoredPredictor struct {
	Type  string          `json:"type"`
	Model json.RawMessage `json:"model"`
}

// MarshalPredictor stores a fitted model of a registered type with its type tag.
func MarshalPredictor(p Predictor) (*StoredPredictor, error) {
	tag := modelName(p)
	fittedMu.RLock()
	_, ok := fittedTypes[tag]
	fittedMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("fitted model type %s is not registered (learn.RegisterFitted)", tag)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return &StoredPredictor{Type: tag, Model: b}, nil
}

// Predictor reads the stored model back.
func (s *StoredPredictor) Predictor() (Predictor, error) {
	fittedMu.RLock()
	newEmpty, ok := fittedTypes[s.Type]
	fittedMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown fitted model type %q (%s)", s.Type, strings.Join(fittedTags(), ", "))
	}
	p := newEmpty()
	if err := json.Unmarshal(s.Model, p); err != nil {
		return nil, fmt.Errorf("fitted %s: %w", s.Type, err)
	}
	return p, nil
}

func fittedTags() []string {
	fittedMu.RLock()
	defer fittedMu.RUnlock()
	tags := make([]string, 0, len(fittedTypes))
	for t := range fittedTypes {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	return tags
}

// StoredPipeline is the JSON form of a fitted pipeline, for any estimator: the scaler's centre and
// scale (absent without a scaler), the selected feature columns, and the fitted estimator with its
// type tag.
type StoredPipeline struct {
	Center   []float64        `json:"center,omitempty"`
	Scale    []float64        `json:"scale,omitempty"`
	Selected []int            `json:"selected"`
	Model    *StoredPredictor `json:"model"`
}

// Store returns the fitted pipeline's stored form.
func (f *FittedPipeline) Store() (*StoredPipeline, error) {
	var p Predictor = f.Model
	if f.Predictor != nil {
		p = f.Predictor
	}
	sp, err := MarshalPredictor(p)
	if err != nil {
		return nil, err
	}
	s := &StoredPipeline{Selected: f.Selected, Model: sp}
	if f.Scaling != nil {
		s.Center, s.Scale = f.Scaling.Center, f.Scaling.Scale
	}
	return s, nil
}

// Fitted reads a stored pipeline back; it predicts exactly as the pipeline it was stored from.
func (s *StoredPipeline) Fitted() (*FittedPipeline, error) {
	if s.Model == nil {
		return nil, fmt.Errorf("stored pipeline has no model")
	}
	if len(s.Center) != len(s.Scale) {
		return nil, fmt.Errorf("stored pipeline: %d centres but %d scales", len(s.Center), len(s.Scale))
	}
	p, err := s.Model.Predictor()
	if err != nil {
		return nil, err
	}
	if err := CheckStored(p, len(s.Selected)); err != nil {
		return nil, err
	}
	f := &FittedPipeline{Selected: s.Selected}
	if s.Center != nil {
		f.Scaling = &Scaling{Center: s.Center, Scale: s.Scale}
	}
	if lm, ok := p.(*LinearModel); ok {
		f.Model = lm
	} else {
		f.Predictor = p
	}
	return f, nil
}

// MarshalFitted is the JSON of a fitted pipeline (StoredPipeline).
func MarshalFitted(f *FittedPipeline) ([]byte, error) {
	s, err := f.Store()
	if err != nil {
		return nil, err
	}
	return json.Marshal(s)
}

// UnmarshalFitted reads the JSON written by MarshalFitted.
func UnmarshalFitted(b []byte) (*FittedPipeline, error) {
	var s StoredPipeline
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return s.Fitted()
}
