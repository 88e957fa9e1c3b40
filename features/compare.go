package features

import (
	"fmt"
	"strings"
)

// Compare checks that features of this definition can stand in for features of want: the same
// regions in the same order, then the same kind, estimator and series scaling (compared without
// regard to case). The error names the first region or definition field that differs, calling the two sides got and wanted (e.g. "the
// features" and "the signature").
func (d *Definition) Compare(want *Definition, got, wanted string) error {
	for i := 0; i < max(len(d.Regions), len(want.Regions)); i++ {
		switch {
		case i >= len(d.Regions):
			return fmt.Errorf("%s have %d regions, %s %d: region %d (%s) of %s is missing", got, len(d.Regions), wanted, len(want.Regions), i+1, want.Regions[i].Name, wanted)
		case i >= len(want.Regions):
			return fmt.Errorf("%s have %d regions, %s %d: region %d (%s) of %s is not in %s", got, len(d.Regions), wanted, len(want.Regions), i+1, d.Regions[i].Name, got, wanted)
		case d.Regions[i].Name != want.Regions[i].Name:
			return fmt.Errorf("region %d is %s in %s, %s in %s (the regions must be the same, in the same order)", i+1, d.Regions[i].Name, got, want.Regions[i].Name, wanted)
		}
	}
	g, w := d.Measure, want.Measure
	for _, f := range []struct{ name, got, want string }{
		{"kind", string(g.Kind), string(w.Kind)},
		{"estimator", string(g.Estimator), string(w.Estimator)},
		{"scaling", string(g.Scaling), string(w.Scaling)},
	} {
		if !strings.EqualFold(f.got, f.want) {
			return fmt.Errorf("the %s of %s is %q, %s needs %q (%s/%s/%s against %s/%s/%s)", f.name, got, f.got, wanted, f.want,
				g.Kind, g.Estimator, g.Scaling, w.Kind, w.Estimator, w.Scaling)
		}
	}
	return nil
}

// CompareVectors is Compare, and also the vector's make: Fisher's z and the diagonal, for two
// feature tables (e.g. a validation cohort against the training cohort).
func (d *Definition) CompareVectors(want *Definition, got, wanted string) error {
	if err := d.Compare(want, got, wanted); err != nil {
		return err
	}
	switch {
	case d.Measure.FisherZ != want.Measure.FisherZ:
		return fmt.Errorf("the Fisher z of %s is %v, of %s %v", got, d.Measure.FisherZ, wanted, want.Measure.FisherZ)
	case d.DiscardDiagonal != want.DiscardDiagonal:
		return fmt.Errorf("%s discard the diagonal: %v, %s: %v", got, d.DiscardDiagonal, wanted, want.DiscardDiagonal)
	}
	return nil
}
