package glm

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// orthogonalize is nilearn's orthogonalize: every column minus its projection on the preceding
// columns, X[:, i] -= (X[:, i] @ X[:, :i]) @ pinv(X[:, :i]), in place.
func orthogonalize(cols [][]float64) {
	if len(cols) < 2 {
		return
	}
	n := len(cols[0])
	for i := 1; i < len(cols); i++ {
		a := mat.NewDense(n, i, nil)
		for r := 0; r < n; r++ {
			for c := 0; c < i; c++ {
				a.Set(r, c, cols[c][r])
			}
		}
		pa, _, ok := pinv(a)
		if !ok {
			continue
		}
		r := make([]float64, i) // X_i · A
		for c := 0; c < i; c++ {
			for k := 0; k < n; k++ {
				r[c] += cols[i][k] * cols[c][k]
			}
		}
		proj := make([]float64, n)
		for c := 0; c < i; c++ {
			row := pa.RawRowView(c)
			for k := range proj {
				proj[k] += r[c] * row[k]
			}
		}
		for k := range proj {
			cols[i][k] -= proj[k]
		}
	}
}

// pinv is scipy.linalg.pinv of a (n x p): V S⁺ Uᵀ from the thin SVD, singular values at or below
// max(n, p)·eps·smax dropped; it returns the singular values too.
func pinv(a *mat.Dense) (*mat.Dense, []float64, bool) {
	n, p := a.Dims()
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, nil, false
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	s := svd.Values(nil)
	cut := float64(max(n, p)) * 2.220446049250313e-16 * s[0]
	out := mat.NewDense(p, n, nil)
	for k, sk := range s {
		if sk <= cut {
			continue
		}
		for i := 0; i < p; i++ {
			row := out.RawRowView(i)
			w := v.At(i, k) / sk
			for j := 0; j < n; j++ {
				row[j] += w * u.At(j, k)
			}
		}
	}
	return out, s, true
}

// fullRank is nilearn.glm._utils.full_rank (cmax 1e15): a design whose condition number reaches
// cmax is regularised by adding (smax - cmax·smin)/(cmax - 1) to its singular values. It reports
// whether the design was regularised.
func fullRank(cols [][]float64) bool {
	if len(cols) == 0 {
		return false
	}
	const cmax = 1e15
	n := len(cols[0])
	a := mat.NewDense(n, len(cols), nil)
	for c := range cols {
		for r := 0; r < n; r++ {
			a.Set(r, c, cols[c][r])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return false
	}
	s := svd.Values(nil)
	smax, smin := s[0], s[len(s)-1]
	if smax/smin < cmax && !math.IsInf(smax/smin, 0) && !math.IsNaN(smax/smin) {
		return false
	}
	lda := (smax - cmax*smin) / (cmax - 1)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	for c := range cols {
		for r := 0; r < n; r++ {
			x := 0.0
			for k := range s {
				x += u.At(r, k) * (s[k] + lda) * v.At(c, k)
			}
			cols[c][r] = x
		}
	}
	return true
}
