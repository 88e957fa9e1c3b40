package signature

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
)

func TestCheckFeaturesNamesTheFirstDifference(t *testing.T) {
	s := &Signature{Regions: []Region{{Name: "A"}, {Name: "B"}, {Name: "C"}},
		Features: FeatureDefinition{Kind: "partial correlation", Estimator: "ledoit_wolf", Scaling: "zscore"}}
	table := func(regions []string, m features.Measure) *features.Table {
		d := &features.Definition{Measure: m, DiscardDiagonal: true}
		for _, r := range regions {
			d.Regions = append(d.Regions, features.Region{Name: r})
		}
		return &features.Table{Definition: d}
	}
	rpn := features.Measure{Kind: connectome.PartialCorrelation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.ZScoreSeries}
	for _, c := range []struct {
		t    *features.Table
		want string
	}{
		{table([]string{"A", "B", "C"}, rpn), ""},
		{&features.Table{}, ""}, // no definition: nothing to compare
		{table([]string{"A", "X", "C"}, rpn), "region 2 is X in the features, B in the signature"},
		{table([]string{"A", "B"}, rpn), "region 3 (C) of the signature is missing"},
		{table([]string{"A", "B", "C", "D"}, rpn), "region 4 (D) of the features"},
		{table([]string{"A", "B", "C"}, features.Measure{Kind: connectome.Correlation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.ZScoreSeries}), `kind of the features is "correlation"`},
		{table([]string{"A", "B", "C"}, features.Measure{Kind: connectome.PartialCorrelation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.AsNilearn}), `scaling of the features is "nilearn"`},
	} {
		err := s.CheckFeatures(c.t)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}
