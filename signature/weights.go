package signature

import (
	"fmt"
	"strconv"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/table"
)

// WeightTable is the signature's linear model as a table, one row per selected feature in vector
// order: feature (its column name in the training table, or its position), i and j (the edge's
// region positions, connectome.Edges' order: i > j) and region_i and region_j (their names) when
// the features are the connectivity vector over the signature's regions, coefficient (the weight
// on the scaled feature, as the signature file holds it), center and scale (the RobustScaler's
// median and IQR of the feature; 0 and 1 without a scaler) and weight = coefficient / scale, the
// weight on the raw feature. With i, j and weight it is the plain weight table painmark signature
// import-weights reads (EdgeWeightsFromTable); the imported signature's intercept is then
// RawIntercept. A signature without linear weights (RequireWeights) has no table.
func (s *Signature) WeightTable() (*table.Table, error) {
	if err := s.RequireWeights(); err != nil {
		return nil, err
	}
	n := len(s.Selected)
	names := make([]string, n)
	coef, center, scale, raw := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	edges := len(s.Regions) > 1 && s.Features.NumFeatures == connectome.NumEdges(len(s.Regions), true)
	var all []connectome.Edge
	if edges {
		all = connectome.Edges(len(s.Regions), true)
	}
	is, js, ri, rj := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for k, f := range s.Selected {
		names[k] = strconv.Itoa(f)
		if f < len(s.FeatureNames) {
			names[k] = s.FeatureNames[f]
		}
		coef[k], scale[k] = s.Weights[k], 1
		if s.Scale != nil {
			center[k], scale[k] = s.Center[f], s.Scale[f]
		}
		raw[k] = coef[k] / scale[k]
		if edges {
			e := all[f]
			is[k], js[k], ri[k], rj[k] = strconv.Itoa(e.I), strconv.Itoa(e.J), s.Regions[e.I].Name, s.Regions[e.J].Name
		}
	}
	cols := []*table.Column{table.TextColumn("feature", names)}
	if edges {
		cols = append(cols, table.TextColumn("i", is), table.TextColumn("j", js), table.TextColumn("region_i", ri), table.TextColumn("region_j", rj))
	}
	cols = append(cols, table.NumericColumn("coefficient", coef), table.NumericColumn("center", center), table.NumericColumn("scale", scale),
		table.NumericColumn("weight", raw))
	return &table.Table{Columns: cols}, nil
}

// RawIntercept is the intercept of the signature on raw features: Intercept − Σ weight·center
// over the selected features (WeightTable's weight and center), so that a prediction is
// RawIntercept + Σ weight·feature.
func (s *Signature) RawIntercept() float64 {
	b := s.Intercept
	if s.Scale == nil {
		return b
	}
	for k, f := range s.Selected {
		b -= s.Weights[k] / s.Scale[f] * s.Center[f]
	}
	return b
}

// WriteWeights writes WeightTable as TSV (atomically).
func (s *Signature) WriteWeights(path string) error {
	t, err := s.WeightTable()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return table.Write(path, t)
}
