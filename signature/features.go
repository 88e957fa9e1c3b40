package signature

import (
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
)

// CheckFeatures compares a feature table's definition (the connectome.json painmark connectome and
// painmark run write beside it) with the signature's regions and feature definition, so that a
// signature is never applied to features computed over other regions or with another measure. The
// error names the first region, or the first definition field, that differs
// (features.Definition.Compare). A table without a definition (a plain table) has nothing to
// compare and passes.
func (s *Signature) CheckFeatures(t *features.Table) error {
	if t == nil || t.Definition == nil {
		return nil
	}
	want := &features.Definition{Regions: make([]features.Region, len(s.Regions)),
		Measure: features.Measure{Kind: connectome.Kind(s.Features.Kind), Estimator: connectome.Estimator(s.Features.Estimator), Scaling: connectome.SeriesScaling(s.Features.Scaling)}}
	for i, r := range s.Regions {
		want.Regions[i] = features.Region{Name: r.Name, System: r.System}
	}
	return t.Definition.Compare(want, "the features", "the signature")
}
