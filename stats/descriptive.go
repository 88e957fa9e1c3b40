// Package stats holds painmark's statistics: descriptive statistics now; permutation and bootstrap
// engines, multiple-comparison corrections, tests, GLM, PLS and spatial nulls as the workflows need
// them (DESIGN.md).
package stats

import (
	"math"
	"sort"
)

// Mean is the arithmetic mean (NaN for no values).
func Mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// Median follows numpy: the middle value, or the mean of the two middle values for an even count
// (NaN for no values). x is not modified.
func Median(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Pearson is the Pearson correlation of x and y (equal lengths); NaN when either is constant (the
// correlation is undefined, as numpy's corrcoef and MATLAB's corr say).
func Pearson(x, y []float64) float64 {
	mx, my := Mean(x), Mean(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}
