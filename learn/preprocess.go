// Package learn holds painmark's machine learning with scikit-learn's definitions (NUMERICS.md §4-7):
// scalers, univariate feature selection, penalised linear models, pipelines whose every step is
// fitted inside the training fold, and cross-validation. It knows nothing about neuroimaging: any
// subjects x features table can be used.
package learn

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/internal/linalg"
)

// Matrix is a dense row-major samples x features matrix.
type Matrix = linalg.Matrix

// percentile is numpy's percentile (method "linear") of sorted values at q in [0, 100], computed as
// numpy 1.24 does: virtual index n·q' + (1 − q') − 1 with q' = q/100, then _lerp between the two
// neighbours (a + (b−a)·t, or b − (b−a)·(1−t) when t ≥ 0.5).
func percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	qq := q / 100
	idx := float64(n)*qq + (1 + qq*(1-1-1)) - 1
	lo := math.Floor(idx)
	if lo < 0 {
		lo = 0
	}
	if lo > float64(n-1) {
		lo = float64(n - 1)
	}
	hi := math.Min(lo+1, float64(n-1))
	t := idx - lo
	a, b := sorted[int(lo)], sorted[int(hi)]
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}

// RobustScaler is scikit-learn's RobustScaler with its defaults (centring on the median, scaling by
// the 25-75 interquartile range with numpy's linear interpolation; a zero range becomes 1).
type RobustScaler struct{}

// Scaling is a fitted per-feature affine transform: (x − Center)/Scale.
type Scaling struct {
	Center, Scale []float64
}

// Fit learns the medians and interquartile ranges of the columns of x.
func (RobustScaler) Fit(x Matrix) (*Scaling, error) {
	if x.Rows == 0 {
		return nil, fmt.Errorf("no sample to fit the scaler on")
	}
	s := &Scaling{Center: make([]float64, x.Cols), Scale: make([]float64, x.Cols)}
	col := make([]float64, x.Rows)
	for j := 0; j < x.Cols; j++ {
		for i := range col {
			col[i] = x.Data[i*x.Cols+j]
		}
		sort.Float64s(col)
		s.Center[j] = percentile(col, 50)
		q := percentile(col, 75) - percentile(col, 25)
		// _handle_zeros_in_scale: ranges below 10·eps count as zero.
		if q < 10*2.220446049250313e-16 {
			q = 1
		}
		s.Scale[j] = q
	}
	return s, nil
}

// StandardScaler is scikit-learn's StandardScaler (mean and population SD; a zero SD becomes 1).
type StandardScaler struct{}

// Fit learns the means and standard deviations of the columns of x.
func (StandardScaler) Fit(x Matrix) (*Scaling, error) {
	if x.Rows == 0 {
		return nil, fmt.Errorf("no sample to fit the scaler on")
	}
	s := &Scaling{Center: make([]float64, x.Cols), Scale: make([]float64, x.Cols)}
	n := float64(x.Rows)
	for j := 0; j < x.Cols; j++ {
		var m float64
		for i := 0; i < x.Rows; i++ {
			m += x.Data[i*x.Cols+j]
		}
		m /= n
		var ss float64
		for i := 0; i < x.Rows; i++ {
			d := x.Data[i*x.Cols+j] - m
			ss += d * d
		}
		sd := math.Sqrt(ss / n)
		if sd < 10*2.220446049250313e-16 {
			sd = 1
		}
		s.Center[j], s.Scale[j] = m, sd
	}
	return s, nil
}

// Transform applies the scaling to x (a new matrix).
func (s *Scaling) Transform(x Matrix) Matrix {
	out := x.Clone()
	for i := 0; i < x.Rows; i++ {
		row := out.Data[i*x.Cols : (i+1)*x.Cols]
		for j := range row {
			row[j] = (row[j] - s.Center[j]) / s.Scale[j]
		}
	}
	return out
}

// FRegression returns scikit-learn's f_regression F statistics (r_regression with centring, then
// F = r²/(1−r²)·(n−2); non-finite correlations count as 0, perfect ones as the largest float).
func FRegression(x Matrix, y []float64) []float64 {
	n := x.Rows
	var ym float64
	for _, v := range y {
		ym += v
	}
	ym /= float64(n)
	yc := make([]float64, n)
	var yn2 float64
	for i, v := range y {
		yc[i] = v - ym
		yn2 += yc[i] * yc[i]
	}
	ynorm := math.Sqrt(yn2)
	f := make([]float64, x.Cols)
	dof := float64(n - 2)
	for j := 0; j < x.Cols; j++ {
		var sum, ss, dot float64
		for i := 0; i < n; i++ {
			v := x.Data[i*x.Cols+j]
			sum += v
			ss += v * v
			dot += yc[i] * v
		}
		mean := sum / float64(n)
		xnorm := math.Sqrt(ss - float64(n)*mean*mean)
		r := dot / xnorm / ynorm
		if math.IsNaN(r) || math.IsInf(r, 0) {
			r = 0
		}
		r2 := r * r
		fj := r2 / (1 - r2) * dof
		switch {
		case math.IsInf(fj, 0):
			fj = math.MaxFloat64
		case math.IsNaN(fj):
			fj = 0
		}
		f[j] = fj
	}
	return f
}

// SelectKBest keeps the k features with the highest scores, as scikit-learn: a stable sort of the
// scores, so among tied scores the higher column indices are kept. The selected indices are
// returned in increasing order; k ≥ the number of features keeps all.
func SelectKBest(scores []float64, k int) []int {
	p := len(scores)
	if k >= p {
		all := make([]int, p)
		for i := range all {
			all[i] = i
		}
		return all
	}
	idx := make([]int, p)
	for i := range idx {
		idx[i] = i
	}
	clean := func(v float64) float64 {
		if math.IsNaN(v) {
			return -math.MaxFloat64
		}
		return v
	}
	sort.SliceStable(idx, func(a, b int) bool { return clean(scores[idx[a]]) < clean(scores[idx[b]]) })
	sel := append([]int(nil), idx[p-k:]...)
	sort.Ints(sel)
	return sel
}
