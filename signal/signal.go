// Package signal cleans ROI time series the way nilearn.signal.clean does (see NUMERICS.md §3):
// detrending, Butterworth filtering (second-order sections, zero phase, odd padding) or cosine
// drift regressors, confound removal orthogonal to the filters (Lindquist et al. 2019), scrubbing
// by sample mask with cubic-spline interpolation before filtering, standardization, and runs cleaned
// independently. Signals are T x N matrices, time along rows.
package signal

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
)

// Matrix is a row-major matrix: Rows time points by Cols series (internal/linalg's, shared by
// every numeric package).
type Matrix = linalg.Matrix

// NewMatrix allocates a zero matrix.
func NewMatrix(rows, cols int) Matrix { return linalg.NewMatrix(rows, cols) }

// HStack joins matrices with the same number of rows side by side.
func HStack(ms ...Matrix) Matrix { return linalg.HStack(ms...) }

func columnMeans(m Matrix) []float64 {
	mean := make([]float64, m.Cols)
	for t := 0; t < m.Rows; t++ {
		row := m.Data[t*m.Cols : (t+1)*m.Cols]
		for j, v := range row {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(m.Rows)
	}
	return mean
}

// Detrend removes each column's mean and, when linear, its projection on the centred, unit-norm
// time ramp, as nilearn's _detrend (type "linear" or "constant").
func Detrend(m Matrix, linear bool) Matrix {
	out := m.Clone()
	if m.Rows == 1 {
		return out
	}
	mean := columnMeans(out)
	for t := 0; t < out.Rows; t++ {
		for j := 0; j < out.Cols; j++ {
			out.Data[t*out.Cols+j] -= mean[j]
		}
	}
	if !linear {
		return out
	}
	reg := make([]float64, m.Rows)
	var rmean float64
	for t := range reg {
		reg[t] = float64(t)
		rmean += reg[t]
	}
	rmean /= float64(m.Rows)
	var ss float64
	for t := range reg {
		reg[t] -= rmean
		ss += reg[t] * reg[t]
	}
	if std := math.Sqrt(ss); std >= 2.220446049250313e-16 {
		for t := range reg {
			reg[t] /= std
		}
	}
	for j := 0; j < out.Cols; j++ {
		var dot float64
		for t := 0; t < out.Rows; t++ {
			dot += reg[t] * out.Data[t*out.Cols+j]
		}
		for t := 0; t < out.Rows; t++ {
			out.Data[t*out.Cols+j] -= dot * reg[t]
		}
	}
	return out
}

// Standardization is how cleaned series are scaled.
type Standardization string

// The standardizations of nilearn's standardize_signal.
const (
	NoStandardization Standardization = "none"
	// ZScore divides by the population standard deviation (ddof 0): nilearn's "zscore" (and True
	// before nilearn 0.13).
	ZScore Standardization = "zscore"
	// ZScoreSample divides by the sample standard deviation (ddof 1): nilearn's "zscore_sample".
	ZScoreSample Standardization = "zscore_sample"
	// PercentSignalChange is (x - mean)/|mean|·100: nilearn's "psc".
	PercentSignalChange Standardization = "psc"
)

// Standardize centres and scales each column; columns whose standard deviation is below machine
// epsilon are only centred, and PSC columns whose mean is zero become zero (nilearn's rules).
// It returns the indices of PSC columns with a zero mean.
func Standardize(m Matrix, how Standardization) (Matrix, []int, error) {
	out := m.Clone()
	if how == NoStandardization || how == "" || m.Rows == 1 {
		return out, nil, nil
	}
	mean := columnMeans(out)
	const eps = 2.220446049250313e-16
	var zeroMean []int
	switch how {
	case ZScore, ZScoreSample:
		ddof := 0.0
		if how == ZScoreSample {
			ddof = 1
		}
		for t := 0; t < out.Rows; t++ {
			for j := 0; j < out.Cols; j++ {
				out.Data[t*out.Cols+j] -= mean[j]
			}
		}
		for j := 0; j < out.Cols; j++ {
			var ss float64
			for t := 0; t < out.Rows; t++ {
				v := out.Data[t*out.Cols+j]
				ss += v * v
			}
			std := math.Sqrt(ss / (float64(out.Rows) - ddof))
			if std < eps {
				std = 1
			}
			for t := 0; t < out.Rows; t++ {
				out.Data[t*out.Cols+j] /= std
			}
		}
	case PercentSignalChange:
		for j := 0; j < out.Cols; j++ {
			invalid := math.Abs(mean[j]) < eps
			if invalid {
				zeroMean = append(zeroMean, j)
			}
			for t := 0; t < out.Rows; t++ {
				if invalid {
					out.Data[t*out.Cols+j] = 0
				} else {
					out.Data[t*out.Cols+j] = (out.Data[t*out.Cols+j] - mean[j]) / math.Abs(mean[j]) * 100
				}
			}
		}
	default:
		return Matrix{}, nil, fmt.Errorf("unknown standardization %q (none, zscore, zscore_sample, psc)", how)
	}
	return out, zeroMean, nil
}

// CosineDrift returns the discrete cosine (DCT-II) drift regressors of nilearn's
// create_cosine_drift for n frames at repetition time tr and a high-pass cut-off in Hz, without the
// constant column: order = min(n-1, floor(2·n·highPass·tr)) columns sqrt(2/n)·cos(π/n·(t+½)·k).
func CosineDrift(n int, tr, highPass float64) Matrix {
	order := int(math.Floor(2 * float64(n) * highPass * tr))
	if order > n-1 {
		order = n - 1
	}
	if order < 0 {
		order = 0
	}
	out := NewMatrix(n, order)
	norm := math.Sqrt(2.0 / float64(n))
	for k := 1; k <= order; k++ {
		for t := 0; t < n; t++ {
			out.Data[t*order+k-1] = norm * math.Cos(math.Pi/float64(n)*(float64(t)+0.5)*float64(k))
		}
	}
	return out
}
