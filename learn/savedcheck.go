package learn

import "fmt"

// check refuses a saved model whose parts disagree (an edited or corrupt file), so that predicting
// with it fails with an error naming the part instead of indexing out of range: the scaler has one
// centre and scale per feature, the selected columns are increasing positions among the features,
// and a linear model has one coefficient per selected column.
func (m *SavedModel) check() error {
	p := len(m.Features)
	if m.Center != nil || m.Scale != nil {
		if len(m.Center) != p || len(m.Scale) != p {
			return fmt.Errorf("the scaler has %d centres and %d scales for %d features", len(m.Center), len(m.Scale), p)
		}
	}
	for i, j := range m.Selected {
		if j < 0 || j >= p || (i > 0 && j <= m.Selected[i-1]) {
			return fmt.Errorf("selected feature %d (position %d) is out of range (%d features) or out of order", j, i, p)
		}
	}
	if m.Fitted == nil && len(m.Coef) != len(m.Selected) {
		return fmt.Errorf("%d coefficients for %d selected features", len(m.Coef), len(m.Selected))
	}
	return nil
}
