package glm

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"gonum.org/v1/gonum/mat"
)

// OLS is the ordinary least squares model of a design, nilearn's OLSModel (noise_model='ols'):
// the pseudo-inverse of the design (scipy.linalg.pinv), the unscaled covariance of the estimates
// pinv·pinvᵀ, and the residual degrees of freedom of the contrasts, n - rank(X) (numpy's
// matrix_rank with tolerance sum|X|·eps, as nilearn).
type OLS struct {
	Names []string
	// Rho is the AR(1) coefficient the model prewhitens with (0: ordinary least squares).
	Rho  float64
	n, p int
	x    *mat.Dense // n x p
	pinv *mat.Dense // p x n
	cov  *mat.Dense // p x p
	// DFResiduals is n - rank(X), the degrees of freedom of t contrasts.
	DFResiduals float64
}

// NewOLS prepares the OLS model of a design.
func NewOLS(d *Design) (*OLS, error) { return NewAR1(d, 0) }

// NewAR1 prepares nilearn's ARModel(X, rho) of order 1: design and data prewhitened as
// w[0] = x[0], w[t] = x[t] - rho·x[t-1] before least squares; the degrees of freedom stay those of
// the unwhitened design.
func NewAR1(d *Design, rho float64) (*OLS, error) {
	n, p := len(d.FrameTimes), len(d.Columns)
	if p == 0 || n <= p {
		return nil, fmt.Errorf("a design of %d columns needs more than %d scans", p, n)
	}
	x := mat.NewDense(n, p, nil)
	absSum := 0.0
	for c, col := range d.Columns {
		for r, v := range col {
			absSum += math.Abs(v)
			if r > 0 {
				v -= rho * col[r-1]
			}
			x.Set(r, c, v)
		}
	}
	rank := n
	if rho != 0 {
		raw := mat.NewDense(n, p, nil)
		for c, col := range d.Columns {
			for r, v := range col {
				raw.Set(r, c, v)
			}
		}
		var rs mat.SVD
		if !rs.Factorize(raw, mat.SVDNone) {
			return nil, fmt.Errorf("the design's singular value decomposition failed")
		}
		rank = 0
		for _, sk := range rs.Values(nil) {
			if sk > absSum*2.220446049250313e-16 {
				rank++
			}
		}
	}
	pi, s, ok := pinv(x)
	if !ok {
		return nil, fmt.Errorf("the design's singular value decomposition failed")
	}
	if rho == 0 {
		rank = 0
		for _, sk := range s {
			if sk > absSum*2.220446049250313e-16 {
				rank++
			}
		}
	}
	var cov mat.Dense
	cov.Mul(pi, pi.T())
	return &OLS{Names: d.Names, Rho: rho, n: n, p: p, x: x, pinv: pi, cov: &cov, DFResiduals: float64(n - rank)}, nil
}

// OLSFit holds the estimates of a slab of voxels: Beta[v] are voxel v's p estimates, Dispersion[v]
// its residual variance SSR/(n - p) (nilearn's dispersion: n minus the number of columns).
type OLSFit struct {
	// Models[v] is voxel v's model (one for OLS; the voxel's AR(1) bin's for FitAR1).
	Models     []*OLS
	Beta       [][]float64
	Dispersion []float64
}

// Fit estimates the model for each time series of ys (one per voxel, n values each); a slab of
// voxels at a time keeps memory bounded by the slab.
func (m *OLS) Fit(ys [][]float64) (*OLSFit, error) {
	f := &OLSFit{Models: make([]*OLS, len(ys)), Beta: make([][]float64, len(ys)), Dispersion: make([]float64, len(ys))}
	for vi, y := range ys {
		if len(y) != m.n {
			return nil, fmt.Errorf("time series %d has %d values for a design of %d scans", vi, len(y), m.n)
		}
		if m.Rho != 0 {
			w := make([]float64, len(y))
			w[0] = y[0]
			for t := 1; t < len(y); t++ {
				w[t] = y[t] - m.Rho*y[t-1]
			}
			y = w
		}
		f.Models[vi] = m
		b := make([]float64, m.p)
		for i := range b {
			row := m.pinv.RawRowView(i)
			for t, yt := range y {
				b[i] += row[t] * yt
			}
		}
		ssr := 0.0
		for t, yt := range y {
			row := m.x.RawRowView(t)
			pred := 0.0
			for i, bi := range b {
				pred += row[i] * bi
			}
			ssr += (yt - pred) * (yt - pred)
		}
		f.Beta[vi], f.Dispersion[vi] = b, ssr/float64(m.n-m.p)
	}
	return f, nil
}

// ContrastVector turns a contrast expression over the design's column names into weights, as
// nilearn's expression_to_contrast_vector for linear expressions: a column name, or a sum of
// terms [number*]name with + and -, e.g. "heat - warm" or "0.5*heat + 0.5*warm".
func ContrastVector(expr string, names []string) ([]float64, error) {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	w := make([]float64, len(names))
	if i, ok := idx[strings.TrimSpace(expr)]; ok {
		w[i] = 1
		return w, nil
	}
	s := strings.ReplaceAll(expr, " ", "")
	bad := func(why string) error {
		return fmt.Errorf("contrast %q: %s (columns: %s)", expr, why, strings.Join(names, ", "))
	}
	if s == "" {
		return nil, bad("empty")
	}
	for pos := 0; pos < len(s); {
		sign := 1.0
		for pos < len(s) && (s[pos] == '+' || s[pos] == '-') {
			if s[pos] == '-' {
				sign = -sign
			}
			pos++
		}
		end := pos
		for end < len(s) && s[end] != '+' && s[end] != '-' {
			end++
		}
		term := s[pos:end]
		coef, name := 1.0, term
		if a, b, ok := strings.Cut(term, "*"); ok {
			v, err := strconv.ParseFloat(a, 64)
			if err != nil {
				return nil, bad(fmt.Sprintf("%q is not a number", a))
			}
			coef, name = v, b
		} else if term != "" && (unicode.IsDigit(rune(term[0])) || term[0] == '.') {
			return nil, bad(fmt.Sprintf("%q: write a weight as number*column", term))
		}
		i, ok := idx[name]
		if !ok {
			return nil, bad(fmt.Sprintf("no column %q", name))
		}
		w[i] += sign * coef
		pos = end
	}
	return w, nil
}

// FitAR1 is nilearn's run_glm(noise_model='ar1', bins): an OLS fit, each voxel's lag-1
// autocorrelation of its residuals by Yule-Walker (residuals centred on their mean over all the
// given voxels, as nilearn's _yule_walker; give the whole mask, or a slab whose mean residual is
// zero, as it is up to rounding with a constant column), truncated to a multiple of 1/bins
// (nilearn: (rho*bins).astype(int)/bins, default bins 100), then each bin's ARModel fit.
func FitAR1(d *Design, ys [][]float64, bins int) (*OLSFit, []float64, error) {
	if bins < 1 {
		return nil, nil, fmt.Errorf("AR(1) bins must be at least 1 (got %d)", bins)
	}
	ols, err := NewOLS(d)
	if err != nil {
		return nil, nil, err
	}
	f, err := ols.Fit(ys)
	if err != nil {
		return nil, nil, err
	}
	n := ols.n
	resid := make([][]float64, len(ys))
	mean := 0.0
	for v, y := range ys {
		resid[v] = make([]float64, n)
		for t := range y {
			row := ols.x.RawRowView(t)
			pred := 0.0
			for i, b := range f.Beta[v] {
				pred += row[i] * b
			}
			resid[v][t] = y[t] - pred
			mean += resid[v][t]
		}
	}
	mean /= float64(n * len(ys))
	rho := make([]float64, len(ys))
	models := map[float64]*OLS{}
	out := &OLSFit{Models: make([]*OLS, len(ys)), Beta: make([][]float64, len(ys)), Dispersion: make([]float64, len(ys))}
	for v, r := range resid {
		r0, r1 := 0.0, 0.0
		for t := range r {
			r0 += (r[t] - mean) * (r[t] - mean)
			if t > 0 {
				r1 += (r[t-1] - mean) * (r[t] - mean)
			}
		}
		a := (r1 / (float64(n-1) * float64(n))) / (r0 / (float64(n) * float64(n)))
		rho[v] = float64(int(a*float64(bins))) * 1.0 / float64(bins)
		m, ok := models[rho[v]]
		if !ok {
			if m, err = NewAR1(d, rho[v]); err != nil {
				return nil, nil, err
			}
			models[rho[v]] = m
		}
		fv, err := m.Fit(ys[v : v+1])
		if err != nil {
			return nil, nil, err
		}
		out.Models[v], out.Beta[v], out.Dispersion[v] = m, fv.Beta[0], fv.Dispersion[0]
	}
	return out, rho, nil
}
