// Package learn holds painmark's machine learning with scikit-learn's definitions (NUMERICS.md §4-7):
// scalers, univariate feature selection, penalised linear models, pipelines whose every step is
// fitted inside the training fold, and cross-validation. It knows nothing about neuroimaging: any
// subjects x features table can be used.
package learn

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/stats"
)

// Matrix is a dense row-major samples x features matrix.
type Matrix = linalg.Matrix

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
	// Columns are gathered a block at a time (one pass over the rows per block, instead of a
	// strided read per value), then sorted.
	const block = 16
	n := x.Rows
	buf := make([]float64, block*n)
	for j0 := 0; j0 < x.Cols; j0 += block {
		w := min(block, x.Cols-j0)
		for i := 0; i < n; i++ {
			for c, v := range x.Data[i*x.Cols+j0 : i*x.Cols+j0+w] {
				buf[c*n+i] = v
			}
		}
		for c := 0; c < w; c++ {
			col := buf[c*n : (c+1)*n]
			slices.Sort(col)
			s.Center[j0+c] = stats.Percentile(col, 50)
			q := stats.Percentile(col, 75) - stats.Percentile(col, 25)
			// _handle_zeros_in_scale: ranges below 10·eps count as zero.
			if q < 10*2.220446049250313e-16 {
				q = 1
			}
			s.Scale[j0+c] = q
		}
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
	return newCentredDesign(x).fRegression(y)
}

// centredDesign is a matrix's columns centred on their means, with the means and the columns'
// squared norms: what f_regression needs, and what ElasticNet's own centring produces, computed once.
type centredDesign struct {
	buf, means, norms []float64 // buf: p columns of n values
	cols              [][]float64
}

func newCentredDesign(x Matrix) *centredDesign {
	n, p := x.Rows, x.Cols
	d := &centredDesign{cols: make([][]float64, p), norms: make([]float64, p)}
	d.buf, d.means = centredColumns(x)
	for j := range d.cols {
		d.cols[j] = d.buf[j*n : (j+1)*n]
		d.norms[j] = linalg.Dot(d.cols[j], d.cols[j])
	}
	return d
}

// fRegression is f_regression's F of every column against y.
func (d *centredDesign) fRegression(y []float64) []float64 {
	ym := stats.Mean(y)
	yc := make([]float64, len(y))
	for i, v := range y {
		yc[i] = v - ym
	}
	f := make([]float64, len(d.cols))
	fScores(f, d.cols, d.norms, yc)
	return f
}

// centredColumns returns the columns of x minus their means (numpy's mean, summed over rows in
// order), column after column (p blocks of n values), and the means. Columns are gathered a block
// at a time, one pass over the rows per block, instead of a strided read per value.
func centredColumns(x Matrix) (cols, means []float64) {
	n, p := x.Rows, x.Cols
	means = make([]float64, p)
	for i := 0; i < n; i++ {
		for j, v := range x.Data[i*p : (i+1)*p] {
			means[j] += v
		}
	}
	for j := range means {
		means[j] /= float64(n)
	}
	cols = make([]float64, n*p)
	const block = 16
	for j0 := 0; j0 < p; j0 += block {
		w := min(block, p-j0)
		for i := 0; i < n; i++ {
			for c, v := range x.Data[i*p+j0 : i*p+j0+w] {
				cols[(j0+c)*n+i] = v - means[j0+c]
			}
		}
	}
	return cols, means
}

// fScores computes f_regression's F for centred columns (with their squared norms) against the
// centred target yc: the one computation behind FRegression, searches and permutation tests.
func fScores(f []float64, cols [][]float64, norms, yc []float64) {
	linalg.DotMany(f, cols, yc)
	ynorm := math.Sqrt(linalg.Dot(yc, yc))
	dof := float64(len(yc) - 2)
	for j, dot := range f {
		r := dot / math.Sqrt(norms[j]) / ynorm
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
}

// topK returns the k features SelectKBest keeps, in increasing order, without sorting them all:
// the k largest by (score, index), NaN lowest — the last k of a stable ascending sort.
func topK(scores []float64, k int) []int {
	p := len(scores)
	if k >= p {
		return rangeInts(0, p)
	}
	key := func(j int) float64 {
		if math.IsNaN(scores[j]) {
			return -math.MaxFloat64
		}
		return scores[j]
	}
	less := func(a, b int) bool { // a ranks below b
		ka, kb := key(a), key(b)
		return ka < kb || (ka == kb && a < b)
	}
	// A min-heap of the k best so far; its root is the weakest kept feature.
	h := make([]int, 0, k)
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(h) && less(h[l], h[m]) {
				m = l
			}
			if r := l + 1; r < len(h) && less(h[r], h[m]) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for j := 0; j < p; j++ {
		if len(h) < k {
			h = append(h, j)
			for i := len(h) - 1; i > 0 && less(h[i], h[(i-1)/2]); i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
		} else if k > 0 && less(h[0], j) {
			h[0] = j
			down(0)
		}
	}
	sort.Ints(h)
	return h
}

// SelectKBest keeps the k features with the highest scores, as scikit-learn: a stable sort of the
// scores, so among tied scores the higher column indices are kept. The selected indices are
// returned in increasing order; k ≥ the number of features keeps all.
func SelectKBest(scores []float64, k int) []int {
	return topK(scores, k)
}
