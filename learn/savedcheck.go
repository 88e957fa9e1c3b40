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
	if m.Fitted != nil {
		p, err := m.Fitted.Predictor()
		if err != nil {
			return err
		}
		return CheckStored(p, len(m.Selected))
	}
	return nil
}

// CheckStored refuses a fitted model read from a file whose internal sizes disagree with each
// other or with the inputs it predicts from (the selected features), so that predicting with an
// edited or corrupt model fails with an error naming the part instead of indexing out of range or
// looping: a tree's children must follow their parent (no cycles) and split on an input; an SVR has
// one dual coefficient and support vector row per support index, each of the inputs' width; a
// Gaussian process's inputs have the inputs' width; linear and logistic models one coefficient
// per input. Models of types registered outside this package are not checked.
func CheckStored(p Predictor, inputs int) error {
	switch m := p.(type) {
	case *LinearModel:
		if len(m.Coef) != inputs {
			return fmt.Errorf("linear model: %d coefficients for %d inputs", len(m.Coef), inputs)
		}
	case *RelaxedModel:
		if len(m.Coef) != len(m.Selected) {
			return fmt.Errorf("relaxed model: %d coefficients for %d selected components", len(m.Coef), len(m.Selected))
		}
		for _, j := range m.Selected {
			if j < 0 || j >= inputs {
				return fmt.Errorf("relaxed model: selected input %d of %d", j, inputs)
			}
		}
	case *LogisticScore:
		if m.Model == nil || len(m.Model.Coef) != inputs {
			return fmt.Errorf("logistic model: coefficients missing or not one per input (%d inputs)", inputs)
		}
	case *SVRModel:
		sv := m.SupportVectors
		if len(m.Support) != len(m.DualCoef) || sv.Rows != len(m.Support) || sv.Rows*sv.Cols != len(sv.Data) || (sv.Rows > 0 && sv.Cols != inputs) {
			return fmt.Errorf("SVR: %d support indices, %d dual coefficients and %d x %d support vectors (%d values) for %d inputs", len(m.Support), len(m.DualCoef), sv.Rows, sv.Cols, len(sv.Data), inputs)
		}
		if m.Coef != nil && len(m.Coef) != inputs {
			return fmt.Errorf("SVR: %d linear coefficients for %d inputs", len(m.Coef), inputs)
		}
		if m.Coef == nil && m.Kernel != "rbf" {
			return fmt.Errorf("SVR: kernel %q without linear coefficients", m.Kernel)
		}
	case *ForestModel:
		if len(m.Trees) == 0 {
			return fmt.Errorf("random forest: no trees")
		}
		for t := range m.Trees {
			if err := m.Trees[t].checkStored(inputs); err != nil {
				return fmt.Errorf("random forest, tree %d: %w", t, err)
			}
		}
	case *RegressionTree:
		return m.checkStored(inputs)
	case *GPMean:
		if m.FittedGP == nil || len(m.X) == 0 || len(m.X[0]) != inputs {
			return fmt.Errorf("Gaussian process: its training inputs are not of the %d inputs' width", inputs)
		}
	}
	return nil
}

// checkStored checks a tree's nodes: children numbered after their parent and within the tree,
// splits on one of the inputs.
func (t *RegressionTree) checkStored(inputs int) error {
	if len(t.Nodes) == 0 {
		return fmt.Errorf("a tree without nodes")
	}
	if t.Features != inputs {
		return fmt.Errorf("a tree of %d features for %d inputs", t.Features, inputs)
	}
	for i, n := range t.Nodes {
		if n.Left < 0 {
			continue // a leaf
		}
		if n.Left <= i || n.Right <= i || n.Left >= len(t.Nodes) || n.Right >= len(t.Nodes) || n.Feature < 0 || n.Feature >= inputs {
			return fmt.Errorf("node %d: children %d and %d (of %d nodes), feature %d (of %d)", i, n.Left, n.Right, len(t.Nodes), n.Feature, inputs)
		}
	}
	return nil
}
