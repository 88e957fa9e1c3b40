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

// Percentile is numpy's percentile (method "linear") of sorted values at q in [0, 100], computed as
// numpy 1.24 does: virtual index n·q' + (1 − q') − 1 with q' = q/100, then _lerp between the two
// neighbours (a + (b−a)·t, or b − (b−a)·(1−t) when t ≥ 0.5).
func Percentile(sorted []float64, q float64) float64 {
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

// MeanSD is the mean and sample standard deviation (ddof 1) of the non-NaN values (NaN when fewer
// than two are left).
func MeanSD(v []float64) (mean, sd float64) {
	var ok []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) < 2 {
		return math.NaN(), math.NaN()
	}
	mean = Mean(ok)
	var ss float64
	for _, x := range ok {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(ok)-1))
}

// PercentileInterval is the central 95% interval of resampled statistics: the 2.5th and 97.5th
// percentiles (Percentile, numpy's linear method) of the finite values (a resample with a constant
// variable gives an undefined statistic and is left out); NaN when none is finite.
func PercentileInterval(v []float64) [2]float64 {
	var ok []float64
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return [2]float64{math.NaN(), math.NaN()}
	}
	sort.Float64s(ok)
	return [2]float64{Percentile(ok, 2.5), Percentile(ok, 97.5)}
}
