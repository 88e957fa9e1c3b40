package learn

import (
	"fmt"

	"github.com/painmark/painmark/internal/linalg"
)

// PCRLasso is principal-component regression with lasso selection and a relaxed refit, the model of
// personalized decoders (Lee et al. 2026, cocoanlab/DEIPP): PCA of the training samples, the lasso
// path over the component scores by least-angle regression (LarsPath), and for each number of
// selected components an ordinary least-squares refit on them (the relaxed lasso), its weights
// projected back to the features with an intercept. Components 0 keeps min(n − 1, p) components
// (the rank of centred data).
type PCRLasso struct {
	Components int
	// Select is the number of components of the relaxed model FitPredictor returns (0: the largest
	// model of the path); Fit returns the whole path.
	Select int `json:",omitempty"`
}

// RelaxedModel is one model of a PCRLasso path: the selected components (in order of entry), the
// alpha of the lasso knot that first selected that many, and the refitted weights on the features.
type RelaxedModel struct {
	Selected  []int
	Alpha     float64
	Coef      []float64
	Intercept float64
}

// Predict returns x·Coef + Intercept for every row.
func (m *RelaxedModel) Predict(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	for i := range out {
		out[i] = linalg.Dot(x.Data[i*x.Cols:(i+1)*x.Cols], m.Coef) + m.Intercept
	}
	return out
}

// PCRLassoPath is a fitted PCRLasso: the PCA and one relaxed model per number of selected
// components, in the order the lasso path first reaches each size (knots where a drop returns to
// an earlier size are skipped).
type PCRLassoPath struct {
	PCA    *FittedPCA
	Models []RelaxedModel
}

// Fit fits the PCA, the lasso path on the centred scores and the relaxed refits.
func (pr PCRLasso) Fit(x Matrix, y []float64) (*PCRLassoPath, error) {
	n, p := x.Rows, x.Cols
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	k := pr.Components
	if k == 0 {
		k = min(n-1, p)
	}
	pca, err := PCA{Components: k}.Fit(x)
	if err != nil {
		return nil, err
	}
	scores := pca.Transform(x) // centred: the PCA removed the feature means
	var yMean float64
	for _, v := range y {
		yMean += v
	}
	yMean /= float64(n)
	yc := make([]float64, n)
	for i, v := range y {
		yc[i] = v - yMean
	}
	path, err := LarsPath(scores, yc, 0, 0)
	if err != nil {
		return nil, err
	}
	out := &PCRLassoPath{PCA: pca}
	seen := map[int]bool{0: true}
	// Order of entry: LarsPath reports the final active set in entry order; for each knot keep
	// the active components in that order.
	entry := map[int]int{}
	for _, knot := range path.Coefs {
		for c, v := range knot {
			if _, ok := entry[c]; !ok && v != 0 {
				entry[c] = len(entry)
			}
		}
	}
	for kn, knot := range path.Coefs {
		var sel []int
		for c, v := range knot {
			if v != 0 {
				sel = append(sel, c)
			}
		}
		if seen[len(sel)] {
			continue
		}
		seen[len(sel)] = true
		sortByEntry(sel, entry)
		sub := linalg.NewMatrix(n, len(sel))
		for i := 0; i < n; i++ {
			for c, j := range sel {
				sub.Data[i*len(sel)+c] = scores.Data[i*k+j]
			}
		}
		ols, err := Ridge{Alpha: 0}.Fit(sub, y)
		if err != nil {
			return nil, fmt.Errorf("relaxed refit on %d components: %w", len(sel), err)
		}
		m := RelaxedModel{Selected: sel, Alpha: path.Alphas[kn], Coef: make([]float64, p), Intercept: ols.Intercept}
		for c, j := range sel {
			linalg.Axpy(ols.Coef[c], pca.Components[j], m.Coef)
		}
		// The scores are (x − mean)·V, so the intercept absorbs −mean·w.
		m.Intercept -= linalg.Dot(pca.Mean, m.Coef)
		out.Models = append(out.Models, m)
	}
	return out, nil
}

// sortByEntry orders features by when they entered the path.
func sortByEntry(sel []int, entry map[int]int) {
	for i := 1; i < len(sel); i++ {
		for j := i; j > 0 && entry[sel[j]] < entry[sel[j-1]]; j-- {
			sel[j], sel[j-1] = sel[j-1], sel[j]
		}
	}
}
