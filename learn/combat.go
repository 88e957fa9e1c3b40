package learn

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// ComBatOptions set ComBat site harmonisation (Johnson et al. 2007, as Fortin et al.'s neuroCombat
// implements it for imaging features).
type ComBatOptions struct {
	// Parametric: the empirical Bayes estimates of the site effects by neuroCombat's parametric
	// iteration (normal and inverse-gamma priors); false: its non-parametric Monte-Carlo-free
	// estimate (each feature's site effects weighted by the likelihood of the other features').
	Parametric bool `json:"parametric"`
	// Conv is the parametric iteration's stopping rule on the largest relative change (0: 1e-4,
	// neuroCombat's).
	Conv float64 `json:"conv"`
}

// DefaultComBatOptions are neuroCombat's defaults: parametric empirical Bayes, conv 1e-4.
func DefaultComBatOptions() ComBatOptions { return ComBatOptions{Parametric: true, Conv: 1e-4} }

// ComBat is a fitted harmonisation: the site levels, the regression of the features on sites and
// covariates, and the empirical Bayes site effects. It is immutable; Apply harmonises any rows of
// the fitted sites, those it was fitted on (giving neuroCombat's output) or left-out ones.
type ComBat struct {
	Sites []string `json:"sites"`
	// GrandMean, CovariateBeta (covariates x features) and VarPooled standardise the data:
	// z = (x − GrandMean − covariates·CovariateBeta)/sqrt(VarPooled).
	GrandMean     []float64   `json:"grand_mean"`
	CovariateBeta [][]float64 `json:"covariate_beta,omitempty"`
	VarPooled     []float64   `json:"var_pooled"`
	// GammaStar and DeltaStar are each site's additive and multiplicative effects (site x feature).
	GammaStar [][]float64   `json:"gamma_star"`
	DeltaStar [][]float64   `json:"delta_star"`
	Options   ComBatOptions `json:"options"`
}

// FitComBat estimates ComBat on rows x (subjects x features) with each row's site and covariates
// (rows x covariates, nil for none) whose effects are preserved; as neuroCombat: sites in sorted
// order, the design [site indicators | covariates] fitted by least squares, grand mean the
// site-size weighted mean of the site coefficients, pooled variance the mean squared residual
// (1/n), site effects from the standardised data (variance ddof 1) shrunk by empirical Bayes.
// Every site needs at least two rows.
func FitComBat(x Matrix, site []string, cov Matrix, o ComBatOptions) (*ComBat, error) {
	n, p := x.Rows, x.Cols
	if len(site) != n {
		return nil, fmt.Errorf("ComBat: %d rows but %d site labels", n, len(site))
	}
	if cov.Data != nil && cov.Rows != n {
		return nil, fmt.Errorf("ComBat: %d rows but %d rows of covariates", n, cov.Rows)
	}
	if o.Conv == 0 {
		o.Conv = 1e-4
	}
	levels := sortedLevels(site)
	if len(levels) < 2 {
		return nil, fmt.Errorf("ComBat needs at least two sites, the data have %d", len(levels))
	}
	idx := map[string]int{}
	for i, l := range levels {
		idx[l] = i
	}
	B, c := len(levels), 0
	if cov.Data != nil {
		c = cov.Cols
	}
	rowsOf := make([][]int, B)
	for i, s := range site {
		rowsOf[idx[s]] = append(rowsOf[idx[s]], i)
	}
	for b, r := range rowsOf {
		if len(r) < 2 {
			return nil, fmt.Errorf("ComBat: site %s has %d subject (at least 2 are needed to estimate its variance)", levels[b], len(r))
		}
	}
	design := mat.NewDense(n, B+c, nil)
	for i, s := range site {
		design.Set(i, idx[s], 1)
		for k := 0; k < c; k++ {
			design.Set(i, B+k, cov.At(i, k))
		}
	}
	Y := mat.NewDense(n, p, append([]float64(nil), x.Data...))
	var beta mat.Dense // (B+c) x p
	var xtx, xty mat.Dense
	xtx.Mul(design.T(), design)
	xty.Mul(design.T(), Y)
	if err := beta.Solve(&xtx, &xty); err != nil {
		return nil, fmt.Errorf("ComBat: the design of sites and covariates is singular (a covariate constant within sites, or collinear with them): %w", err)
	}
	var fitted mat.Dense
	fitted.Mul(design, &beta)
	m := &ComBat{Sites: levels, GrandMean: make([]float64, p), VarPooled: make([]float64, p), Options: o}
	for j := 0; j < p; j++ {
		for b := 0; b < B; b++ {
			m.GrandMean[j] += float64(len(rowsOf[b])) / float64(n) * beta.At(b, j)
		}
		var ss float64
		for i := 0; i < n; i++ {
			d := Y.At(i, j) - fitted.At(i, j)
			ss += d * d
		}
		m.VarPooled[j] = ss / float64(n)
		if !(m.VarPooled[j] > 0) {
			return nil, fmt.Errorf("ComBat: feature %d is constant once sites and covariates are removed", j+1)
		}
	}
	m.CovariateBeta = make([][]float64, c)
	for k := range m.CovariateBeta {
		m.CovariateBeta[k] = make([]float64, p)
		for j := range m.CovariateBeta[k] {
			m.CovariateBeta[k][j] = beta.At(B+k, j)
		}
	}
	z := m.standardise(x, cov)
	m.GammaStar, m.DeltaStar = make([][]float64, B), make([][]float64, B)
	for b, rows := range rowsOf {
		nb := float64(len(rows))
		gHat, dHat := make([]float64, p), make([]float64, p)
		for j := 0; j < p; j++ {
			var s float64
			for _, i := range rows {
				s += z.At(i, j)
			}
			gHat[j] = s / nb
			var ss float64
			for _, i := range rows {
				d := z.At(i, j) - gHat[j]
				ss += d * d
			}
			dHat[j] = ss / (nb - 1)
		}
		sub := z.SelectRows(rows)
		if o.Parametric {
			gBar, t2 := meanVar(gHat)
			dm, ds2 := meanVar(dHat)
			a, bb := (2*ds2+dm*dm)/ds2, (dm*ds2+dm*dm*dm)/ds2
			m.GammaStar[b], m.DeltaStar[b] = comBatIterate(sub, gHat, dHat, gBar, t2, a, bb, o.Conv)
		} else {
			m.GammaStar[b], m.DeltaStar[b] = comBatNonParametric(sub, gHat, dHat)
		}
	}
	return m, nil
}

// sortedLevels are the distinct labels in sorted order (numpy.unique's).
func sortedLevels(v []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// meanVar is the mean and the sample variance (ddof 1).
func meanVar(v []float64) (mean, variance float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(v)-1)
}

// standMean is a row's standardisation mean: the grand mean plus its covariates' effects.
func (m *ComBat) standMean(cov Matrix, i int, out []float64) {
	copy(out, m.GrandMean)
	for k, b := range m.CovariateBeta {
		c := cov.At(i, k)
		for j := range out {
			out[j] += c * b[j]
		}
	}
}

// standardise returns (x − standMean)/sqrt(VarPooled) row by row.
func (m *ComBat) standardise(x Matrix, cov Matrix) Matrix {
	z := Matrix{Rows: x.Rows, Cols: x.Cols, Data: make([]float64, len(x.Data))}
	sm := make([]float64, x.Cols)
	for i := 0; i < x.Rows; i++ {
		m.standMean(cov, i, sm)
		for j := 0; j < x.Cols; j++ {
			z.Data[i*x.Cols+j] = (x.Data[i*x.Cols+j] - sm[j]) / math.Sqrt(m.VarPooled[j])
		}
	}
	return z
}

// comBatIterate is neuroCombat's it_sol: posterior mean and variance alternated until the largest
// relative change (neuroCombat's expression, signed denominators included) is at most conv.
func comBatIterate(z Matrix, gHat, dHat []float64, gBar, t2, a, b, conv float64) ([]float64, []float64) {
	p, n := len(gHat), float64(z.Rows)
	gOld, dOld := append([]float64(nil), gHat...), append([]float64(nil), dHat...)
	gNew, dNew := make([]float64, p), make([]float64, p)
	for iter := 0; iter < 100000; iter++ {
		change := math.Inf(-1)
		for j := 0; j < p; j++ {
			gNew[j] = (t2*n*gHat[j] + dOld[j]*gBar) / (t2*n + dOld[j])
			var sum2 float64
			for i := 0; i < z.Rows; i++ {
				d := z.Data[i*p+j] - gNew[j]
				sum2 += d * d
			}
			dNew[j] = (0.5*sum2 + b) / (n/2 + a - 1)
		}
		for j := 0; j < p; j++ {
			change = math.Max(change, math.Max(math.Abs(gNew[j]-gOld[j])/gOld[j], math.Abs(dNew[j]-dOld[j])/dOld[j]))
		}
		copy(gOld, gNew)
		copy(dOld, dNew)
		if !(change > conv) {
			break
		}
	}
	return gNew, dNew
}

// comBatNonParametric is neuroCombat's int_eprior: each feature's site effects are the averages of
// the other features' estimates weighted by the normal likelihood of its standardised data under
// them (computed in log space: the same weights without underflow).
func comBatNonParametric(z Matrix, gHat, dHat []float64) ([]float64, []float64) {
	p, n := len(gHat), float64(z.Rows)
	gs, ds := make([]float64, p), make([]float64, p)
	logLH := make([]float64, p)
	for i := 0; i < p; i++ {
		top := math.Inf(-1)
		for k := 0; k < p; k++ {
			if k == i {
				continue
			}
			var sum2 float64
			for r := 0; r < z.Rows; r++ {
				d := z.Data[r*p+i] - gHat[k]
				sum2 += d * d
			}
			logLH[k] = -n/2*math.Log(2*math.Pi*dHat[k]) - sum2/(2*dHat[k])
			top = math.Max(top, logLH[k])
		}
		var w, gw, dw float64
		for k := 0; k < p; k++ {
			if k == i {
				continue
			}
			l := math.Exp(logLH[k] - top)
			w += l
			gw += gHat[k] * l
			dw += dHat[k] * l
		}
		gs[i], ds[i] = gw/w, dw/w
	}
	return gs, ds
}

// Apply harmonises rows x of fitted sites with their covariates (nil when fitted without):
// standardise, remove the site's additive effect and divide by its multiplicative one, then
// restore the pooled scale and the row's own mean (grand mean and covariate effects). On the fitted
// rows this is neuroCombat's output; on left-out rows it applies the training estimates to each
// row with its own covariates (neuroCombatFromTraining instead adds the training rows' mean
// covariate effect to every new row).
func (m *ComBat) Apply(x Matrix, site []string, cov Matrix) (Matrix, error) {
	if x.Cols != len(m.GrandMean) {
		return Matrix{}, fmt.Errorf("ComBat was fitted on %d features, the data have %d", len(m.GrandMean), x.Cols)
	}
	if len(site) != x.Rows {
		return Matrix{}, fmt.Errorf("ComBat: %d rows but %d site labels", x.Rows, len(site))
	}
	if len(m.CovariateBeta) > 0 && (cov.Data == nil || cov.Rows != x.Rows || cov.Cols != len(m.CovariateBeta)) {
		return Matrix{}, fmt.Errorf("ComBat was fitted with %d covariates; give them for every row", len(m.CovariateBeta))
	}
	idx := map[string]int{}
	for i, s := range m.Sites {
		idx[s] = i
	}
	out := Matrix{Rows: x.Rows, Cols: x.Cols, Data: make([]float64, len(x.Data))}
	sm := make([]float64, x.Cols)
	for i := 0; i < x.Rows; i++ {
		b, ok := idx[site[i]]
		if !ok {
			return Matrix{}, fmt.Errorf("ComBat: site %q was not among the fitted sites %v", site[i], m.Sites)
		}
		m.standMean(cov, i, sm)
		for j := 0; j < x.Cols; j++ {
			sd := math.Sqrt(m.VarPooled[j])
			z := (x.Data[i*x.Cols+j] - sm[j]) / sd
			out.Data[i*x.Cols+j] = (z-m.GammaStar[b][j])/math.Sqrt(m.DeltaStar[b][j])*sd + sm[j]
		}
	}
	return out, nil
}

// ComBatFolds harmonises each cross-validation fold as a multi-site training must (PAINTeR's
// multi-centre analyses): ComBat is fitted on the fold's training rows only and applied to its
// training and test rows, so a left-out subject never informs its own harmonisation. It returns,
// per split, the harmonised training and test rows (in the split's row order).
func ComBatFolds(x Matrix, site []string, cov Matrix, splits []Split, o ComBatOptions) (train, test []Matrix, err error) {
	sel := func(rows []int) ([]string, Matrix) {
		s := make([]string, len(rows))
		for k, i := range rows {
			s[k] = site[i]
		}
		if cov.Data == nil {
			return s, Matrix{}
		}
		return s, cov.SelectRows(rows)
	}
	for f, sp := range splits {
		trSite, trCov := sel(sp.Train)
		m, err := FitComBat(x.SelectRows(sp.Train), trSite, trCov, o)
		if err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		a, err := m.Apply(x.SelectRows(sp.Train), trSite, trCov)
		if err != nil {
			return nil, nil, err
		}
		teSite, teCov := sel(sp.Test)
		b, err := m.Apply(x.SelectRows(sp.Test), teSite, teCov)
		if err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		train, test = append(train, a), append(test, b)
	}
	return train, test, nil
}
