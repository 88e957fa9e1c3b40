package signature

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/features"
)

// CheckFeatures compares a feature table's definition (the connectome.json painmark connectome and
// painmark run write beside it) with the signature's regions and feature definition, so that a
// signature is never applied to features computed over other regions or with another measure. The
// error names the first region, or the first definition field, that differs. A table without a
// definition (a plain table) has nothing to compare and passes.
func (s *Signature) CheckFeatures(t *features.Table) error {
	if t == nil || t.Definition == nil {
		return nil
	}
	d := t.Definition
	if len(d.Regions) > 0 || len(s.Regions) > 0 {
		for i := 0; i < max(len(d.Regions), len(s.Regions)); i++ {
			switch {
			case i >= len(d.Regions):
				return fmt.Errorf("the features have %d regions, the signature %d: region %d (%s) of the signature is missing", len(d.Regions), len(s.Regions), i+1, s.Regions[i].Name)
			case i >= len(s.Regions):
				return fmt.Errorf("the features have %d regions, the signature %d: region %d (%s) of the features is not the signature's", len(d.Regions), len(s.Regions), i+1, d.Regions[i].Name)
			case d.Regions[i].Name != s.Regions[i].Name:
				return fmt.Errorf("region %d is %s in the features, %s in the signature (the regions must be the same, in the same order)", i+1, d.Regions[i].Name, s.Regions[i].Name)
			}
		}
	}
	for _, f := range []struct{ name, got, want string }{
		{"kind", string(d.Measure.Kind), s.Features.Kind},
		{"estimator", string(d.Measure.Estimator), s.Features.Estimator},
		{"scaling", string(d.Measure.Scaling), s.Features.Scaling},
	} {
		if !strings.EqualFold(f.got, f.want) {
			return fmt.Errorf("the features' %s is %q, the signature needs %q (features are %s/%s/%s, the signature's %s/%s/%s)", f.name, f.got, f.want,
				d.Measure.Kind, d.Measure.Estimator, d.Measure.Scaling, s.Features.Kind, s.Features.Estimator, s.Features.Scaling)
		}
	}
	return nil
}
