package signature

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/version"
)

// rpnModel is the layout of the published RPN's exported parameters (rpn_model.json: every fitted
// parameter of PAINTeR's scikit-learn pipeline).
type rpnModel struct {
	Source        string `json:"source"`
	NFeatures     int    `json:"n_features"`
	FeatureLayout string `json:"feature_layout"`
	Scaler        struct {
		Type   string
		Center []float64
		Scale  []float64
	}
	Fsel struct {
		K        int
		Selected []int `json:"selected_indices"`
	}
	Model struct {
		Type      string
		Alpha     float64
		L1Ratio   float64 `json:"l1_ratio"`
		Coef      []float64
		Intercept float64
	}
}

// ImportRPN reads the published RPN (Spisak et al. 2020) from its exported parameters: MIST-122
// regions plus the global signal in PAINTeR's order, Ledoit-Wolf partial correlations of z-scored,
// scrubbed series (FD > 0.15 mm), nilearn's lower triangle, RobustScaler → SelectKBest(25) →
// ElasticNet(alpha 0.005, l1_ratio 0.999).
func ImportRPN(path string) (*Signature, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m rpnModel
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Scaler.Type != "RobustScaler" || m.Model.Type != "ElasticNet" || m.NFeatures == 0 {
		return nil, fmt.Errorf("%s: not the RPN's parameters (scaler %q, model %q, %d features)", path, m.Scaler.Type, m.Model.Type, m.NFeatures)
	}
	if len(m.Fsel.Selected) != len(m.Model.Coef) {
		return nil, fmt.Errorf("%s: %d selected features but %d coefficients", path, len(m.Fsel.Selected), len(m.Model.Coef))
	}
	regions, err := RPNRegions()
	if err != nil {
		return nil, err
	}
	if n := len(regions); connectome.NumEdges(n, true) != m.NFeatures {
		return nil, fmt.Errorf("%s: %d features do not match the %d regions of the RPN (%d edges)", path, m.NFeatures, n, connectome.NumEdges(n, true))
	}
	s := &Signature{
		Format: Format, Version: FormatVersion, Name: "RPN",
		Description: "Resting-state pain susceptibility network (Spisak et al. 2020, Nat Commun 11:187), imported from its published parameters",
		Regions:     regions,
		Features: FeatureDefinition{Kind: "partial correlation", Estimator: "ledoit_wolf", Scaling: "zscore",
			Vectorization: "nilearn sym_matrix_to_vec, discard_diagonal", Scrubbing: "framewise displacement > 0.15 mm", NumFeatures: m.NFeatures},
		Center: m.Scaler.Center, Scale: m.Scaler.Scale,
		Selected: m.Fsel.Selected, Weights: m.Model.Coef, Intercept: m.Model.Intercept,
		Target: TargetDefinition{Description: "pain sensitivity (mean of standardized QST thresholds)", Standardization: "none"},
		Training: Training{Cohort: "Bochum", N: 35, CVScheme: "leave-one-out",
			Hyperparameters: map[string]float64{"k": float64(m.Fsel.K), "alpha": m.Model.Alpha, "l1_ratio": m.Model.L1Ratio}},
		Provenance: Provenance{Source: "imported from " + m.Source, SoftwareVersion: version.String()},
	}
	return s, s.Validate()
}

// FromFit makes a signature from a pipeline fitted by painmark's learn engine; the caller fills in
// the regions, the feature and target definitions and the training summary it knows.
func FromFit(name string, f *learn.FittedPipeline, features FeatureDefinition) *Signature {
	s := &Signature{Format: Format, Version: FormatVersion, Name: name, Features: features,
		Selected: append([]int(nil), f.Selected...), Weights: append([]float64(nil), f.Model.Coef...), Intercept: f.Model.Intercept,
		Provenance: Provenance{Source: "trained by painmark", SoftwareVersion: version.String()}}
	if f.Scaling != nil {
		s.Center = append([]float64(nil), f.Scaling.Center...)
		s.Scale = append([]float64(nil), f.Scaling.Scale...)
	}
	return s
}

// FromFitted is FromFit for a pipeline fitted with any estimator: one fitted with another than the
// ElasticNet keeps its fitted model in Model (learn.MarshalPredictor; an error for an unregistered
// type) and its linear weights where it has them.
func FromFitted(name string, f *learn.FittedPipeline, features FeatureDefinition) (*Signature, error) {
	if f.Predictor == nil {
		return FromFit(name, f, features), nil
	}
	sp, err := learn.MarshalPredictor(f.Predictor)
	if err != nil {
		return nil, err
	}
	coef, intercept, _ := f.Weights()
	lin := *f
	lin.Predictor, lin.Model = nil, &learn.LinearModel{Coef: coef, Intercept: intercept}
	s := FromFit(name, &lin, features)
	s.Model = sp
	return s, nil
}

// RPNRegions are the RPN's 123 regions in its matrix order: the global signal, then the 122 MIST
// regions (built-in MIST-122 atlas) tagged with their MIST system.
func RPNRegions() ([]Region, error) {
	mist, err := atlas.Builtin("mist122")
	if err != nil {
		return nil, err
	}
	regions := []Region{{Name: "GlobSig", System: "global signal"}}
	for _, r := range mist.Regions {
		regions = append(regions, Region{Name: r.Name, System: string(r.System), Network: r.Network})
	}
	return regions, nil
}

// EdgeWeight is one row of a plain weight table: the edge between regions I and J (positions in
// the region list) and its weight on the raw feature.
type EdgeWeight struct {
	I, J   int
	Weight float64
}

// RegionIndex finds a region by name; names that several regions share (MIST-122 has two
// "L_IPlob") must be given by position instead.
func RegionIndex(regions []Region, name string) (int, error) {
	found := -1
	for i, r := range regions {
		if r.Name == name {
			if found >= 0 {
				return -1, fmt.Errorf("region name %q is not unique (positions %d and %d): give positions", name, found, i)
			}
			found = i
		}
	}
	if found < 0 {
		return -1, fmt.Errorf("no region %q", name)
	}
	return found, nil
}

// ImportWeights makes a signature from a plain weight table (weights on raw, unscaled features,
// as published signatures are often shared): the regions and feature definition say what vector
// the weights apply to (nilearn's order without the diagonal); each edge may appear once, in
// either direction; the prediction is intercept + Σ weight·feature.
func ImportWeights(name string, regions []Region, fd FeatureDefinition, weights []EdgeWeight, intercept float64, source string) (*Signature, error) {
	pos := map[int]float64{}
	for k, w := range weights {
		a, b := w.I, w.J
		if a < 0 || b < 0 || a >= len(regions) || b >= len(regions) || a == b {
			return nil, fmt.Errorf("row %d: %d-%d is not an edge between two of the %d regions", k+1, a, b, len(regions))
		}
		if a < b {
			a, b = b, a
		}
		f := connectome.EdgeIndex(a, b)
		if _, dup := pos[f]; dup {
			return nil, fmt.Errorf("row %d: edge %s-%s appears twice", k+1, regions[a].Name, regions[b].Name)
		}
		if math.IsNaN(w.Weight) || math.IsInf(w.Weight, 0) {
			return nil, fmt.Errorf("row %d: weight %v", k+1, w.Weight)
		}
		pos[f] = w.Weight
	}
	s := &Signature{Format: Format, Version: FormatVersion, Name: name, Regions: regions, Features: fd, Intercept: intercept,
		Target:     TargetDefinition{Description: "as defined by the weights' source", Standardization: StandardizeNone},
		Provenance: Provenance{Source: "imported from the weight table " + source, SoftwareVersion: version.String()}}
	s.Features.NumFeatures = connectome.NumEdges(len(regions), true)
	for f := range pos {
		s.Selected = append(s.Selected, f)
	}
	sort.Ints(s.Selected)
	for _, f := range s.Selected {
		s.Weights = append(s.Weights, pos[f])
	}
	return s, s.Validate()
}
