package signal

import (
	"fmt"
	"math"
	"sort"
)

// Physiological noise regressors (RETROICOR, Glover et al. 2000), built as FSL's PNM builds them
// (Brooks et al. 2008): Fourier series of the cardiac and respiratory phases and their
// multiplicative interactions (Harvey et al. 2008), evaluated at each slice's acquisition time.

// CardiacPhase returns the cardiac phase in [0, 2π) at each sample time: 2π(t - t_k)/(t_{k+1} -
// t_k) between consecutive peaks t_k (Glover 2000). Before the first and after the last peak the
// neighbouring cycle's length is used.
func CardiacPhase(peaks, times []float64) ([]float64, error) {
	if len(peaks) < 2 {
		return nil, fmt.Errorf("cardiac phase needs at least two peaks, found %d", len(peaks))
	}
	out := make([]float64, len(times))
	for i, t := range times {
		k := sort.SearchFloat64s(peaks, t) // first peak >= t
		var a, b float64
		switch {
		case k == 0:
			a, b = peaks[0]-(peaks[1]-peaks[0]), peaks[0]
		case k == len(peaks):
			a, b = peaks[k-1], peaks[k-1]+(peaks[k-1]-peaks[k-2])
		default:
			a, b = peaks[k-1], peaks[k]
		}
		if t == b {
			a, b = b, b+(b-a)
		}
		ph := 2 * math.Pi * (t - a) / (b - a)
		ph = math.Mod(ph, 2*math.Pi)
		if ph < 0 {
			ph += 2 * math.Pi
		}
		out[i] = ph
	}
	return out, nil
}

// DetectPeaks finds the heartbeats of a cardiac (pulse oximeter or ECG) recording: local maxima of
// the signal smoothed over ~50 ms that rise above its median by half the distance to its 99th
// percentile and lie at least minInterval seconds apart (the higher peak wins). It returns peak
// times (s) given the time of each sample.
func DetectPeaks(x, times []float64, fs, minInterval float64) ([]float64, error) {
	n := len(x)
	if n < 3 || len(times) != n {
		return nil, fmt.Errorf("cardiac recording too short (%d samples)", n)
	}
	w := int(math.Max(1, math.Round(0.05*fs)))
	sm := make([]float64, n)
	var acc float64
	for i := 0; i < n; i++ {
		acc += x[i]
		if i >= w {
			acc -= x[i-w]
		}
		sm[i] = acc / float64(min(i+1, w))
	}
	// Centre the moving average (a w-sample box delays by (w-1)/2 samples).
	shift := (w - 1) / 2
	c := make([]float64, n)
	for i := range c {
		c[i] = sm[min(n-1, i+shift)]
	}
	sorted := append([]float64(nil), c...)
	sort.Float64s(sorted)
	med := sorted[n/2]
	p99 := sorted[int(0.99*float64(n-1))]
	thr := med + 0.5*(p99-med)
	var cand []int
	for i := 1; i < n-1; i++ {
		if c[i] > thr && c[i] >= c[i-1] && c[i] > c[i+1] {
			cand = append(cand, i)
		}
	}
	minGap := int(math.Round(minInterval * fs))
	var peaks []int
	for _, i := range cand {
		if len(peaks) > 0 && i-peaks[len(peaks)-1] < minGap {
			if c[i] > c[peaks[len(peaks)-1]] {
				peaks[len(peaks)-1] = i
			}
			continue
		}
		peaks = append(peaks, i)
	}
	if len(peaks) < 2 {
		return nil, fmt.Errorf("found %d cardiac peaks: the recording is flat or not a cardiac signal", len(peaks))
	}
	out := make([]float64, len(peaks))
	for k, i := range peaks {
		out[k] = times[i]
	}
	return out, nil
}

// RespiratoryPhase returns the respiratory phase in [-π, π] at each sample, by histogram
// equalisation of the breathing amplitude (Glover 2000): with R normalised to [0, Rmax] and H its
// histogram in 100 bins, φ = π · sign(dR/dt) · Σ_{b ≤ R} H(b) / Σ H; the derivative's sign is taken
// from the recording smoothed over one second, so that φ rises with inhalation.
func RespiratoryPhase(x []float64, fs float64) ([]float64, error) {
	n := len(x)
	if n < 3 {
		return nil, fmt.Errorf("respiratory recording too short (%d samples)", n)
	}
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi == lo {
		return nil, fmt.Errorf("respiratory recording is flat")
	}
	const bins = 100
	hist := make([]float64, bins)
	binOf := func(v float64) int {
		b := int((v - lo) / (hi - lo) * bins)
		if b >= bins {
			b = bins - 1
		}
		return b
	}
	for _, v := range x {
		hist[binOf(v)]++
	}
	cum := make([]float64, bins)
	var s float64
	for b := range hist {
		s += hist[b]
		cum[b] = s / float64(n)
	}
	// Smoothed derivative sign: a one-second centred moving average, then central differences.
	w := int(math.Max(1, math.Round(fs)))
	sm := make([]float64, n)
	for i := range sm {
		a, b := max(0, i-w/2), min(n-1, i+w/2)
		var acc float64
		for j := a; j <= b; j++ {
			acc += x[j]
		}
		sm[i] = acc / float64(b-a+1)
	}
	out := make([]float64, n)
	for i := range out {
		a, b := max(0, i-1), min(n-1, i+1)
		sign := 1.0
		if sm[b]-sm[a] < 0 {
			sign = -1
		}
		out[i] = math.Pi * sign * cum[binOf(x[i])]
	}
	return out, nil
}

// RetroicorOrders are the Fourier orders of the regressors: FSL PNM's defaults give 32 regressors
// (cardiac 4 → 8, respiratory 4 → 8, interactions 2 × 2 → 16).
type RetroicorOrders struct {
	Cardiac, Respiratory, InteractionCardiac, InteractionRespiratory int
}

// DefaultRetroicorOrders are the orders of the CSps study (32 regressors).
var DefaultRetroicorOrders = RetroicorOrders{4, 4, 2, 2}

// RetroicorNames lists the regressor names in column order.
func RetroicorNames(o RetroicorOrders) []string {
	var names []string
	for m := 1; m <= o.Cardiac; m++ {
		names = append(names, fmt.Sprintf("card_cos%d", m), fmt.Sprintf("card_sin%d", m))
	}
	for m := 1; m <= o.Respiratory; m++ {
		names = append(names, fmt.Sprintf("resp_cos%d", m), fmt.Sprintf("resp_sin%d", m))
	}
	for m := 1; m <= o.InteractionCardiac; m++ {
		for k := 1; k <= o.InteractionRespiratory; k++ {
			names = append(names,
				fmt.Sprintf("int_cos_c%d+r%d", m, k), fmt.Sprintf("int_sin_c%d+r%d", m, k),
				fmt.Sprintf("int_cos_c%d-r%d", m, k), fmt.Sprintf("int_sin_c%d-r%d", m, k))
		}
	}
	return names
}

// Retroicor evaluates the regressors at the given acquisition times (one per volume, seconds from
// the first volume's onset) from phases known at sample times (linear interpolation of the
// unwrapped phase, so that no wrap is averaged across).
func Retroicor(sampleTimes, cardPhase, respPhase, acqTimes []float64, o RetroicorOrders) (Matrix, error) {
	if len(sampleTimes) < 2 || sampleTimes[0] > acqTimes[0] || sampleTimes[len(sampleTimes)-1] < acqTimes[len(acqTimes)-1] {
		return Matrix{}, fmt.Errorf("the physiological recording (%.2f to %.2f s) does not cover the acquisitions (%.2f to %.2f s)",
			sampleTimes[0], sampleTimes[len(sampleTimes)-1], acqTimes[0], acqTimes[len(acqTimes)-1])
	}
	names := RetroicorNames(o)
	out := NewMatrix(len(acqTimes), len(names))
	for i, t := range acqTimes {
		pc := phaseAt(sampleTimes, cardPhase, t, 2*math.Pi)
		pr := respAt(sampleTimes, respPhase, t)
		col := 0
		for m := 1; m <= o.Cardiac; m++ {
			out.Data[i*out.Cols+col] = math.Cos(float64(m) * pc)
			out.Data[i*out.Cols+col+1] = math.Sin(float64(m) * pc)
			col += 2
		}
		for m := 1; m <= o.Respiratory; m++ {
			out.Data[i*out.Cols+col] = math.Cos(float64(m) * pr)
			out.Data[i*out.Cols+col+1] = math.Sin(float64(m) * pr)
			col += 2
		}
		for m := 1; m <= o.InteractionCardiac; m++ {
			for k := 1; k <= o.InteractionRespiratory; k++ {
				plus := float64(m)*pc + float64(k)*pr
				minus := float64(m)*pc - float64(k)*pr
				out.Data[i*out.Cols+col] = math.Cos(plus)
				out.Data[i*out.Cols+col+1] = math.Sin(plus)
				out.Data[i*out.Cols+col+2] = math.Cos(minus)
				out.Data[i*out.Cols+col+3] = math.Sin(minus)
				col += 4
			}
		}
	}
	return out, nil
}

// phaseAt interpolates a phase that wraps at `period` (the cardiac phase: 0 → 2π then back to 0).
func phaseAt(ts, ph []float64, t, period float64) float64 {
	k := sort.SearchFloat64s(ts, t)
	if k == 0 {
		return ph[0]
	}
	if k >= len(ts) {
		return ph[len(ph)-1]
	}
	a, b := ph[k-1], ph[k]
	if b < a { // wrapped between the samples
		b += period
	}
	v := a + (b-a)*(t-ts[k-1])/(ts[k]-ts[k-1])
	return math.Mod(v, period)
}

// respAt takes the respiratory phase of the nearest sample (it changes sign at the breath's turning
// points, where interpolation would be meaningless).
func respAt(ts, ph []float64, t float64) float64 {
	k := sort.SearchFloat64s(ts, t)
	if k == 0 {
		return ph[0]
	}
	if k >= len(ts) || t-ts[k-1] <= ts[k]-t {
		return ph[k-1]
	}
	return ph[k]
}

// SliceAcquisitionTimes returns, for a slice acquired sliceTime seconds after each volume's onset,
// the acquisition time of that slice in every volume.
func SliceAcquisitionTimes(nVolumes int, tr, sliceTime float64) []float64 {
	out := make([]float64, nVolumes)
	for i := range out {
		out[i] = float64(i)*tr + sliceTime
	}
	return out
}
