package glm

import (
	"fmt"
	"math"
	"sort"
)

// HRF models accepted by Design, named as nilearn's hrf_model strings.
const (
	HRFSPM                   = "spm"
	HRFSPMDerivative         = "spm + derivative"
	HRFSPMDerivDispersion    = "spm + derivative + dispersion"
	HRFGlover                = "glover"
	HRFGloverDerivative      = "glover + derivative"
	HRFGloverDerivDispersion = "glover + derivative + dispersion"
	HRFFIR                   = "fir"
	HRFNone                  = "none" // nilearn's hrf_model=None: the boxcar itself, unconvolved
)

// HRFModels lists the accepted HRF model names.
var HRFModels = []string{HRFSPM, HRFSPMDerivative, HRFSPMDerivDispersion, HRFGlover,
	HRFGloverDerivative, HRFGloverDerivDispersion, HRFFIR, HRFNone}

// linspace is numpy.linspace(start, stop, num) with endpoint: start + i*step, the last exactly stop.
func linspace(start, stop float64, num int) []float64 {
	y := make([]float64, num)
	if num == 0 {
		return y
	}
	if num == 1 {
		y[0] = start
		return y
	}
	step := (stop - start) / float64(num-1)
	for i := range y {
		y[i] = float64(i)*step + start
	}
	y[num-1] = stop
	return y
}

// gammaPDF is scipy.stats.gamma.pdf(x, a, loc, scale).
func gammaPDF(x, a, loc, scale float64) float64 {
	y := (x - loc) / scale
	if y < 0 {
		return 0
	}
	if y == 0 {
		switch {
		case a > 1:
			return 0
		case a == 1:
			return 1 / scale
		default:
			return math.Inf(1)
		}
	}
	lg, _ := math.Lgamma(a)
	return math.Exp((a-1)*math.Log(y)-y-lg) / scale
}

// gammaDifferenceHRF is nilearn's _gamma_difference_hrf (time_length 32 s): the difference of two
// gamma densities sampled every tr/oversampling seconds, normalised to sum 1.
func gammaDifferenceHRF(tr float64, oversampling int, onset, delay, undershoot, dispersion, uDispersion, ratio float64) []float64 {
	const timeLength = 32.0
	dt := tr / float64(oversampling)
	ts := linspace(0, timeLength, int(math.RoundToEven(timeLength/dt)))
	h := make([]float64, len(ts))
	sum := 0.0
	for i, t := range ts {
		t -= onset
		h[i] = gammaPDF(t, delay/dispersion, dt, dispersion) - ratio*gammaPDF(t, undershoot/uDispersion, dt, uDispersion)
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

type hrfParams struct{ undershoot, dispersion, ratio float64 }

var (
	spmParams    = hrfParams{16, 1, 0.167}
	gloverParams = hrfParams{12, 0.9, 0.35}
)

func (p hrfParams) hrf(tr float64, os int, onset float64) []float64 {
	return gammaDifferenceHRF(tr, os, onset, 6, p.undershoot, p.dispersion, p.dispersion, p.ratio)
}

// timeDerivative is nilearn's _generic_time_derivative (dt 0.1 s).
func (p hrfParams) timeDerivative(tr float64, os int) []float64 {
	return finiteDifference(p.hrf(tr, os, 0), p.hrf(tr, os, 0.1), 0.1)
}

// dispersionDerivative is nilearn's _generic_dispersion_derivative (dispersion step 0.01; the
// second gamma keeps u_dispersion 1, as in nilearn).
func (p hrfParams) dispersionDerivative(tr float64, os int) []float64 {
	a := gammaDifferenceHRF(tr, os, 0, 6, p.undershoot, p.dispersion, 1, p.ratio)
	b := gammaDifferenceHRF(tr, os, 0, 6, p.undershoot, p.dispersion+0.01, 1, p.ratio)
	return finiteDifference(a, b, 0.01)
}

func finiteDifference(v, vdt []float64, dt float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = 1.0 / dt * (v[i] - vdt[i])
	}
	return out
}

// hrfKernels is nilearn's _hrf_kernel.
func hrfKernels(model string, tr float64, os int, firDelays []int) ([][]float64, error) {
	switch model {
	case HRFSPM:
		return [][]float64{spmParams.hrf(tr, os, 0)}, nil
	case HRFSPMDerivative:
		return [][]float64{spmParams.hrf(tr, os, 0), spmParams.timeDerivative(tr, os)}, nil
	case HRFSPMDerivDispersion:
		return [][]float64{spmParams.hrf(tr, os, 0), spmParams.timeDerivative(tr, os), spmParams.dispersionDerivative(tr, os)}, nil
	case HRFGlover:
		return [][]float64{gloverParams.hrf(tr, os, 0)}, nil
	case HRFGloverDerivative:
		return [][]float64{gloverParams.hrf(tr, os, 0), gloverParams.timeDerivative(tr, os)}, nil
	case HRFGloverDerivDispersion:
		return [][]float64{gloverParams.hrf(tr, os, 0), gloverParams.timeDerivative(tr, os), gloverParams.dispersionDerivative(tr, os)}, nil
	case HRFFIR:
		ks := make([][]float64, len(firDelays))
		for i, f := range firDelays {
			k := make([]float64, f*os+os)
			for j := f * os; j < len(k); j++ {
				k[j] = 1.0 / float64(os)
			}
			ks[i] = k
		}
		return ks, nil
	case HRFNone:
		k := make([]float64, os)
		k[0] = 1
		return [][]float64{k}, nil
	}
	return nil, fmt.Errorf("unknown HRF model %q (one of %v)", model, HRFModels)
}

// regressorNames is nilearn's _regressor_names.
func regressorNames(con, model string, firDelays []int) []string {
	switch model {
	case HRFSPMDerivative, HRFGloverDerivative:
		return []string{con, con + "_derivative"}
	case HRFSPMDerivDispersion, HRFGloverDerivDispersion:
		return []string{con, con + "_derivative", con + "_dispersion"}
	case HRFFIR:
		n := make([]string, len(firDelays))
		for i, d := range firDelays {
			n[i] = fmt.Sprintf("%s_delay_%d", con, d)
		}
		return n
	}
	return []string{con}
}

// searchSorted is numpy.searchsorted(a, v, side='left').
func searchSorted(a []float64, v float64) int {
	return sort.Search(len(a), func(i int) bool { return a[i] >= v })
}

// sampleCondition is nilearn's _sample_condition: the oversampled boxcar of one condition's events
// (amplitudes summed at onsets, subtracted at offsets, cumulated) and its time grid.
func sampleCondition(onsets, durations, values, frameTimes []float64, os int, minOnset float64) ([]float64, []float64) {
	n := len(frameTimes)
	mini, maxi := frameTimes[0], frameTimes[0]
	for _, t := range frameTimes {
		mini, maxi = math.Min(mini, t), math.Max(maxi, t)
	}
	nHR := float64(n-1) * 1.0 / (maxi - mini)
	nHR *= (maxi*(1+1.0/float64(n-1)) - mini - minOnset) * float64(os)
	nHR++
	hr := linspace(mini+minOnset, maxi*(1+1.0/float64(n-1)), int(math.RoundToEven(nHR)))
	tmax := len(hr)
	reg := make([]float64, tmax)
	tOn := make([]int, len(onsets))
	for i, o := range onsets {
		tOn[i] = min(searchSorted(hr, o), tmax-1)
		reg[tOn[i]] += values[i]
	}
	for i, o := range onsets {
		t := min(searchSorted(hr, o+durations[i]), tmax-1)
		if t < tmax-1 && t == tOn[i] {
			t++
		}
		reg[t] -= values[i]
	}
	for i := 1; i < tmax; i++ {
		reg[i] += reg[i-1]
	}
	return reg, hr
}

// interpLinear is scipy.interpolate.interp1d(x, y)(xs) (linear, bounds checked by the caller).
func interpLinear(x, y, xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		j := searchSorted(x, v)
		j = max(1, min(j, len(x)-1))
		lo, hi := j-1, j
		slope := (y[hi] - y[lo]) / (x[hi] - x[lo])
		out[i] = slope*(v-x[lo]) + y[lo]
	}
	return out
}

// convolveTrunc is np.convolve(a, k)[:len(a)].
func convolveTrunc(a, k []float64) []float64 {
	out := make([]float64, len(a))
	for i := range out {
		s := 0.0
		for j := max(0, i-len(k)+1); j <= i; j++ {
			s += a[j] * k[i-j]
		}
		out[i] = s
	}
	return out
}

// computeRegressor is nilearn's compute_regressor: the condition's boxcar convolved with each HRF
// kernel, sampled at the frame times, then orthogonalised column by column (not for FIR). The
// columns are returned as slices of length len(frameTimes).
func computeRegressor(onsets, durations, values []float64, model string, frameTimes []float64, con string, os int, firDelays []int, minOnset float64) ([][]float64, []string, error) {
	tr := math.Inf(1)
	for i := 1; i < len(frameTimes); i++ {
		tr = math.Min(tr, frameTimes[i]-frameTimes[i-1])
	}
	hrReg, hrTimes := sampleCondition(onsets, durations, values, frameTimes, os, minOnset)
	kernels, err := hrfKernels(model, tr, os, firDelays)
	if err != nil {
		return nil, nil, err
	}
	cols := make([][]float64, len(kernels))
	for i, k := range kernels {
		conv := convolveTrunc(hrReg, k)
		if model == HRFFIR && os > 1 {
			cols[i] = interpLinear(hrTimes[:len(hrTimes)+1-os], conv[os-1:], frameTimes)
		} else {
			cols[i] = interpLinear(hrTimes, conv, frameTimes)
		}
	}
	if model != HRFFIR {
		orthogonalize(cols)
	}
	return cols, regressorNames(con, model, firDelays), nil
}
