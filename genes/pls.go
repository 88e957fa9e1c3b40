// Package genes is the imaging-transcriptomics part of Martins et al. 2022 (after Morgan et al.
// 2019): partial least squares regression of a regional brain map on regional gene expression
// (Allen Human Brain Atlas), with the SIMPLS conventions of MATLAB/Octave plsregress and the NIPALS
// conventions of scikit-learn's PLSRegression.
package genes

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/stats"
)

// SIMPLS is a PLS regression of one response in de Jong's (1993) SIMPLS form, with the outputs of
// plsregress: X loadings (X0ᵀt), Y loadings (Y0ᵀt), unit-norm X scores t, Y scores (Y0·q made
// orthogonal to the earlier X scores), the X weights W with X0·W = XS, the coefficients on the
// centred X (BETA = W·YLᵀ) with MATLAB's intercept stats.Mean(y) − stats.Mean(X)·BETA, the fitted values, and
// the fractions of variance explained (PCTVAR: ‖XL_k‖²/‖X0‖², YL_k²/‖y0‖²).
type SIMPLS struct {
	XLoadings, Weights [][]float64 // per component, p values
	XScores, YScores   [][]float64 // per component, n values
	YLoadings          []float64
	Beta               []float64
	Intercept          float64
	Fitted             []float64
	PctVarX, PctVarY   []float64
}

// FitSIMPLS fits ncomp components. x is n x p row-major.
func FitSIMPLS(x []float64, n, p int, y []float64, ncomp int) (*SIMPLS, error) {
	if len(x) != n*p || len(y) != n {
		return nil, fmt.Errorf("X has %d values for %d x %d, y %d", len(x), n, p, len(y))
	}
	if ncomp < 1 || ncomp > min(n-1, p) {
		return nil, fmt.Errorf("%d components for %d samples and %d features", ncomp, n, p)
	}
	x0, xm := centreColumns(x, n, p)
	y0 := append([]float64(nil), y...)
	ym := stats.Mean(y0)
	for i := range y0 {
		y0[i] -= ym
	}
	res, err := simpls(x0, n, p, y0, ncomp)
	if err != nil {
		return nil, err
	}
	res.Beta = make([]float64, p)
	for a, w := range res.Weights {
		linalg.Axpy(res.YLoadings[a], w, res.Beta)
	}
	res.Intercept = ym - linalg.Dot(xm, res.Beta)
	res.Fitted = make([]float64, n)
	for i := range res.Fitted {
		res.Fitted[i] = ym + linalg.Dot(x0[i*p:(i+1)*p], res.Beta)
	}
	ssx := linalg.Dot(x0, x0)
	ssy := linalg.Dot(y0, y0)
	for a := range res.Weights {
		res.PctVarX = append(res.PctVarX, linalg.Dot(res.XLoadings[a], res.XLoadings[a])/ssx)
		res.PctVarY = append(res.PctVarY, res.YLoadings[a]*res.YLoadings[a]/ssy)
	}
	return res, nil
}

// simpls runs SIMPLS on centred x0 (n x p) and y0.
func simpls(x0 []float64, n, p int, y0 []float64, ncomp int) (*SIMPLS, error) {
	// S = X0ᵀy0 (p x 1): with one response the dominant eigenvector of SᵀS is q = 1.
	s := make([]float64, p)
	for i := 0; i < n; i++ {
		linalg.Axpy(y0[i], x0[i*p:(i+1)*p], s)
	}
	res := &SIMPLS{}
	var vs [][]float64
	t := make([]float64, n)
	for a := 0; a < ncomp; a++ {
		r := append([]float64(nil), s...)
		for i := 0; i < n; i++ {
			t[i] = linalg.Dot(x0[i*p:(i+1)*p], r)
		}
		tm := stats.Mean(t)
		for i := range t {
			t[i] -= tm
		}
		nt := math.Sqrt(linalg.Dot(t, t))
		if !(nt > 0) {
			return nil, fmt.Errorf("component %d: the X scores vanish (no covariance left)", a+1)
		}
		for i := range t {
			t[i] /= nt
		}
		for j := range r {
			r[j] /= nt
		}
		pl := make([]float64, p) // X0ᵀt
		for i := 0; i < n; i++ {
			linalg.Axpy(t[i], x0[i*p:(i+1)*p], pl)
		}
		q := linalg.Dot(y0, t)
		v := append([]float64(nil), pl...)
		for _, prev := range vs {
			linalg.Axpy(-linalg.Dot(prev, pl), prev, v)
		}
		nv := math.Sqrt(linalg.Dot(v, v))
		for j := range v {
			v[j] /= nv
		}
		linalg.Axpy(-linalg.Dot(v, s), v, s) // S −= v·(vᵀS)
		vs = append(vs, v)
		res.Weights = append(res.Weights, r)
		res.YLoadings = append(res.YLoadings, q)
		u := make([]float64, n)
		for i := range u {
			u[i] = y0[i] * q
		}
		for _, prev := range res.XScores {
			linalg.Axpy(-linalg.Dot(prev, u), prev, u)
		}
		res.XScores = append(res.XScores, append([]float64(nil), t...))
		res.XLoadings = append(res.XLoadings, pl)
		res.YScores = append(res.YScores, u)
	}
	return res, nil
}

// NIPALS is scikit-learn's PLSRegression (scale=False) for one response: unit-norm X weights,
// X scores on the deflated X, X and Y loadings, X rotations W(PᵀW)⁻¹, coefficients and intercept.
type NIPALS struct {
	XWeights, XLoadings, XRotations [][]float64 // per component, p values
	XScores                         [][]float64 // per component, n values
	YWeights, YLoadings             []float64
	Coef                            []float64
	Intercept                       float64
}

// FitNIPALS fits ncomp components as PLSRegression(n_components=ncomp, scale=False) does: for a
// single response, each component's NIPALS iteration converges at once (w ∝ Xₖᵀyₖ).
func FitNIPALS(x []float64, n, p int, y []float64, ncomp int) (*NIPALS, error) {
	if len(x) != n*p || len(y) != n {
		return nil, fmt.Errorf("X has %d values for %d x %d, y %d", len(x), n, p, len(y))
	}
	if ncomp < 1 || ncomp > min(n-1, p) {
		return nil, fmt.Errorf("%d components for %d samples and %d features", ncomp, n, p)
	}
	xk, _ := centreColumns(x, n, p)
	yk := append([]float64(nil), y...)
	ym := stats.Mean(yk)
	for i := range yk {
		yk[i] -= ym
	}
	res := &NIPALS{Intercept: ym}
	for a := 0; a < ncomp; a++ {
		w := make([]float64, p)
		for i := 0; i < n; i++ {
			linalg.Axpy(yk[i], xk[i*p:(i+1)*p], w)
		}
		nw := math.Sqrt(linalg.Dot(w, w))
		if !(nw > 0) {
			return nil, fmt.Errorf("component %d: no covariance left", a+1)
		}
		for j := range w {
			w[j] /= nw
		}
		t := make([]float64, n)
		for i := range t {
			t[i] = linalg.Dot(xk[i*p:(i+1)*p], w)
		}
		tt := linalg.Dot(t, t)
		c := linalg.Dot(yk, t) / tt
		pl := make([]float64, p)
		for i := 0; i < n; i++ {
			linalg.Axpy(t[i]/tt, xk[i*p:(i+1)*p], pl)
		}
		for i := 0; i < n; i++ {
			linalg.Axpy(-t[i], pl, xk[i*p:(i+1)*p])
		}
		q := linalg.Dot(yk, t) / tt
		for i := range yk {
			yk[i] -= t[i] * q
		}
		res.XWeights = append(res.XWeights, w)
		res.XScores = append(res.XScores, t)
		res.XLoadings = append(res.XLoadings, pl)
		res.YWeights = append(res.YWeights, c)
		res.YLoadings = append(res.YLoadings, q)
	}
	// x_rotations = W (PᵀW)⁻¹: solve the small k x k system for each feature's row.
	k := ncomp
	ptw := make([]float64, k*k)
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			ptw[a*k+b] = linalg.Dot(res.XLoadings[a], res.XWeights[b])
		}
	}
	inv, err := invert(ptw, k)
	if err != nil {
		return nil, err
	}
	res.XRotations = make([][]float64, k)
	for b := 0; b < k; b++ {
		res.XRotations[b] = make([]float64, p)
		for a := 0; a < k; a++ {
			linalg.Axpy(inv[a*k+b], res.XWeights[a], res.XRotations[b])
		}
	}
	res.Coef = make([]float64, p)
	for b := 0; b < k; b++ {
		linalg.Axpy(res.YLoadings[b], res.XRotations[b], res.Coef)
	}
	return res, nil
}

// invert inverts a small square matrix by Gauss-Jordan elimination with partial pivoting.
func invert(a []float64, k int) ([]float64, error) {
	m := append([]float64(nil), a...)
	inv := make([]float64, k*k)
	for i := 0; i < k; i++ {
		inv[i*k+i] = 1
	}
	for c := 0; c < k; c++ {
		piv := c
		for r := c + 1; r < k; r++ {
			if math.Abs(m[r*k+c]) > math.Abs(m[piv*k+c]) {
				piv = r
			}
		}
		if m[piv*k+c] == 0 {
			return nil, fmt.Errorf("PᵀW is singular")
		}
		for j := 0; j < k; j++ {
			m[c*k+j], m[piv*k+j] = m[piv*k+j], m[c*k+j]
			inv[c*k+j], inv[piv*k+j] = inv[piv*k+j], inv[c*k+j]
		}
		d := m[c*k+c]
		for j := 0; j < k; j++ {
			m[c*k+j] /= d
			inv[c*k+j] /= d
		}
		for r := 0; r < k; r++ {
			if r == c {
				continue
			}
			f := m[r*k+c]
			for j := 0; j < k; j++ {
				m[r*k+j] -= f * m[c*k+j]
				inv[r*k+j] -= f * inv[c*k+j]
			}
		}
	}
	return inv, nil
}

// centreColumns returns X with each column's mean removed, and the means.
func centreColumns(x []float64, n, p int) ([]float64, []float64) {
	m := make([]float64, p)
	for i := 0; i < n; i++ {
		linalg.Axpy(1/float64(n), x[i*p:(i+1)*p], m)
	}
	out := append([]float64(nil), x...)
	for i := 0; i < n; i++ {
		linalg.Axpy(-1, m, out[i*p:(i+1)*p])
	}
	return out, m
}

// simplsWeights is SIMPLS on a resample of the rows of x (n x p, not centred) given as distinct
// rows with their multiplicities: the same weights as SIMPLS on the materialised, centred resample
// (every sum over samples becomes a weighted sum over distinct rows, and centring the X scores
// removes the resample's column means), without copying the rows. It writes the X weights of
// component a into out[a·p:(a+1)·p].
func simplsWeights(out, x []float64, p int, rowsIdx []int, count []float64, y []float64, ncomp int) error {
	var n, ym float64
	for k, j := range rowsIdx {
		n += count[k]
		ym += count[k] * y[j]
	}
	ym /= n
	scratch := linalg.GetScratch(p*(2+ncomp) + 2*len(rowsIdx))
	defer linalg.PutScratch(scratch)
	s, pl := scratch[:p], scratch[p:2*p]
	vs := scratch[2*p : 2*p+ncomp*p]
	y0 := scratch[(2+ncomp)*p : (2+ncomp)*p+len(rowsIdx)]
	t := scratch[(2+ncomp)*p+len(rowsIdx) : (2+ncomp)*p+2*len(rowsIdx)]
	for k, j := range rowsIdx {
		y0[k] = y[j] - ym
	}
	for j := range s {
		s[j] = 0
	}
	for k, j := range rowsIdx {
		linalg.Axpy(count[k]*y0[k], x[j*p:(j+1)*p], s)
	}
	for a := 0; a < ncomp; a++ {
		r := out[a*p : (a+1)*p]
		copy(r, s)
		var tm float64
		for k, j := range rowsIdx {
			t[k] = linalg.Dot(x[j*p:(j+1)*p], r)
			tm += count[k] * t[k]
		}
		tm /= n
		var tt float64
		for k := range t {
			t[k] -= tm
			tt += count[k] * t[k] * t[k]
		}
		nt := math.Sqrt(tt)
		if !(nt > 0) {
			return fmt.Errorf("component %d: the X scores vanish", a+1)
		}
		for k := range t {
			t[k] /= nt
		}
		for j := range r {
			r[j] /= nt
		}
		for j := range pl {
			pl[j] = 0
		}
		for k, j := range rowsIdx {
			linalg.Axpy(count[k]*t[k], x[j*p:(j+1)*p], pl)
		}
		v := vs[a*p : (a+1)*p]
		copy(v, pl)
		for b := 0; b < a; b++ {
			prev := vs[b*p : (b+1)*p]
			linalg.Axpy(-linalg.Dot(prev, pl), prev, v)
		}
		nv := math.Sqrt(linalg.Dot(v, v))
		for j := range v {
			v[j] /= nv
		}
		linalg.Axpy(-linalg.Dot(v, s), v, s)
	}
	return nil
}
