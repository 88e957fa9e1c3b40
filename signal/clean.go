package signal

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/stats"
)

// Filter names the temporal filter of Clean.
type Filter string

// The filters of nilearn.signal.clean.
const (
	NoFilter Filter = "none"
	Butter   Filter = "butterworth"
	Cosine   Filter = "cosine"
)

// CleanOptions are nilearn.signal.clean's parameters. Use DefaultCleanOptions for nilearn's
// defaults and change what differs.
type CleanOptions struct {
	Detrend     bool
	Standardize Standardization
	// StandardizeConfounds centres and scales confounds before the projection (otherwise they are
	// only divided by their maximum absolute value).
	StandardizeConfounds bool
	Filter               Filter
	// LowPass and HighPass are cut-offs in Hz (0 = none). The cosine filter uses HighPass only.
	LowPass, HighPass float64
	// TR is the repetition time in seconds (needed for filtering and interpolation).
	TR float64
	// ButterworthOrder is the filter order (nilearn: 5).
	ButterworthOrder int
	// Extrapolate lets the cubic spline extrapolate censored volumes at either end of a run before
	// Butterworth filtering; otherwise those volumes are dropped before filtering (nilearn's
	// `extrapolate`).
	Extrapolate bool
}

// DefaultCleanOptions are nilearn.signal.clean's defaults, with standardize set to "zscore_sample"
// (nilearn's default from 0.13 on; before, the population "zscore").
func DefaultCleanOptions() CleanOptions {
	return CleanOptions{
		Detrend: true, Standardize: ZScoreSample, StandardizeConfounds: true,
		Filter: Butter, TR: 2.5, ButterworthOrder: 5, Extrapolate: true,
	}
}

// Report describes what Clean did that a user should know.
type Report struct {
	Warnings []string
}

// Clean cleans signals (T x N) with optional confounds (T x K, or nil), a sample mask (retained
// frames, sorted, or nil for all) and runs (run label per frame, or nil): each run is cleaned
// alone, then the runs are stacked. With a sample mask the output has only the retained frames.
// sampleMask is indexed over all frames; within runs it is split by run.
func Clean(signals Matrix, confounds *Matrix, sampleMask []int, runs []int, o CleanOptions) (Matrix, *Report, error) {
	rep := &Report{}
	if signals.Rows == 0 {
		return Matrix{}, rep, fmt.Errorf("no time points to clean")
	}
	if confounds != nil && confounds.Rows != signals.Rows {
		return Matrix{}, rep, fmt.Errorf("confounds have %d rows but the signals have %d time points", confounds.Rows, signals.Rows)
	}
	for _, v := range signals.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Matrix{}, rep, fmt.Errorf("signals contain non-finite values")
		}
	}
	if confounds != nil {
		for _, v := range confounds.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Matrix{}, rep, fmt.Errorf("confounds contain non-finite values")
			}
		}
	}
	if sampleMask != nil {
		if !sort.IntsAreSorted(sampleMask) {
			return Matrix{}, rep, fmt.Errorf("sample mask must list retained frames in increasing order")
		}
		if len(sampleMask) == 0 {
			return Matrix{}, rep, fmt.Errorf("the sample mask removes every frame: nothing is left to clean")
		}
		for i, t := range sampleMask {
			if t < 0 || t >= signals.Rows || (i > 0 && t == sampleMask[i-1]) {
				return Matrix{}, rep, fmt.Errorf("sample mask entry %d is not a distinct frame in [0, %d)", t, signals.Rows)
			}
		}
	}
	if runs == nil {
		out, err := cleanRun(signals, confounds, sampleMask, o, rep)
		return out, rep, err
	}
	if len(runs) != signals.Rows {
		return Matrix{}, rep, fmt.Errorf("run labels cover %d frames, the signals have %d", len(runs), signals.Rows)
	}
	labels := map[int]bool{}
	for _, r := range runs {
		labels[r] = true
	}
	order := make([]int, 0, len(labels))
	for r := range labels {
		order = append(order, r)
	}
	sort.Ints(order) // np.unique order
	var parts []Matrix
	for _, r := range order {
		var frames []int
		local := map[int]int{}
		for t, rr := range runs {
			if rr == r {
				local[t] = len(frames)
				frames = append(frames, t)
			}
		}
		var mask []int
		if sampleMask != nil {
			mask = []int{}
			for _, t := range sampleMask {
				if i, ok := local[t]; ok {
					mask = append(mask, i)
				}
			}
			if len(mask) == 0 {
				return Matrix{}, rep, fmt.Errorf("the sample mask removes every frame of run %d", r)
			}
		}
		var conf *Matrix
		if confounds != nil {
			c := confounds.SelectRows(frames)
			conf = &c
		}
		out, err := cleanRun(signals.SelectRows(frames), conf, mask, o, rep)
		if err != nil {
			return Matrix{}, rep, fmt.Errorf("run %d: %w", r, err)
		}
		parts = append(parts, out)
	}
	return vstack(parts), rep, nil
}

func vstack(ms []Matrix) Matrix {
	rows := 0
	for _, m := range ms {
		rows += m.Rows
	}
	out := NewMatrix(rows, ms[0].Cols)
	off := 0
	for _, m := range ms {
		copy(out.Data[off:], m.Data)
		off += len(m.Data)
	}
	return out
}

// cleanRun follows nilearn.signal.clean for one run.
func cleanRun(signals Matrix, confounds *Matrix, mask []int, o CleanOptions, rep *Report) (Matrix, error) {
	filter := o.Filter
	if filter == "" {
		filter = NoFilter
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"high-pass cut-off", o.HighPass}, {"low-pass cut-off", o.LowPass}, {"repetition time (TR)", o.TR}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) || v.v < 0 {
			return Matrix{}, fmt.Errorf("the %s is %g: it must be a finite number, not negative", v.name, v.v)
		}
	}
	switch filter {
	case Butter:
		if o.LowPass < 0 || o.HighPass < 0 {
			return Matrix{}, fmt.Errorf("negative cut-off frequency (high-pass %g Hz, low-pass %g Hz)", o.HighPass, o.LowPass)
		}
		if o.LowPass <= 0 && o.HighPass <= 0 {
			filter = NoFilter // nilearn: butterworth without cut-offs filters nothing
		}
	case Cosine:
		if o.HighPass <= 0 {
			return Matrix{}, fmt.Errorf("the cosine filter needs a high-pass cut-off")
		}
		if o.LowPass > 0 {
			rep.Warnings = append(rep.Warnings, "low_pass is not implemented for the cosine filter and is ignored")
		}
	case NoFilter:
	default:
		return Matrix{}, fmt.Errorf("unknown filter %q (none, butterworth, cosine)", o.Filter)
	}
	if (filter != NoFilter || mask != nil) && o.TR <= 0 {
		return Matrix{}, fmt.Errorf("filtering and scrubbing need the repetition time (TR > 0)")
	}
	sig := signals.Clone()
	var conf *Matrix
	if confounds != nil {
		c := confounds.Clone()
		conf = &c
	}
	// Cosine drift regressors over the full length (constant column dropped).
	if filter == Cosine {
		drift := CosineDrift(sig.Rows, o.TR, o.HighPass)
		if drift.Cols == 0 {
			rep.Warnings = append(rep.Warnings, "the cosine filter has no regressor for this run length and cut-off")
		} else if conf == nil {
			conf = &drift
		} else if userHasCosine(drift, *conf) {
			rep.Warnings = append(rep.Warnings, "cosine regressors already among the confounds (r > 0.9): using the confounds only")
		} else {
			c := HStack(*conf, drift)
			conf = &c
		}
	}
	// Scrubbed volumes: interpolated before Butterworth filtering, otherwise censored.
	if mask != nil {
		if filter == Butter {
			orig := mask
			var err error
			sig, mask, err = interpolateCensored(sig, orig, o.TR, o.Extrapolate)
			if err != nil {
				return Matrix{}, err
			}
			if conf != nil {
				c, _, err := interpolateCensored(*conf, orig, o.TR, o.Extrapolate)
				if err != nil {
					return Matrix{}, err
				}
				conf = &c
			}
		} else {
			sig = sig.SelectRows(mask)
			if conf != nil {
				c := conf.SelectRows(mask)
				conf = &c
			}
			mask = nil
		}
	}
	meanSignals := columnMeans(sig)
	if o.Detrend {
		sig = Detrend(sig, true)
		if conf != nil {
			c := Detrend(*conf, true)
			conf = &c
		}
	}
	if filter == Butter {
		// Cut-offs at or above Nyquist: nilearn lowers them to just below Nyquist, which puts poles
		// on the unit circle (a marginally stable filter whose output depends on rounding). A
		// low-pass there can remove nothing, so painmark drops it with a warning; a high-pass there
		// would remove everything and is an error.
		nyq := 0.5 / o.TR
		hp, lp := o.HighPass, o.LowPass
		if hp >= nyq {
			return Matrix{}, fmt.Errorf("high-pass cut-off %g Hz is at or above the Nyquist frequency %g Hz (TR %g s): nothing would pass", hp, nyq, o.TR)
		}
		if lp >= nyq {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("low-pass cut-off %g Hz is at or above the Nyquist frequency %g Hz (TR %g s): no low-pass filter is applied", lp, nyq, o.TR))
			lp = 0
		}
		if hp > 0 || lp > 0 {
			order := o.ButterworthOrder
			if order == 0 {
				order = 5
			}
			sos, err := Butterworth(order, hp, lp, 1/o.TR)
			if err != nil {
				return Matrix{}, err
			}
			if err := filterColumns(sos, sig); err != nil {
				return Matrix{}, err
			}
			if conf != nil {
				if err := filterColumns(sos, *conf); err != nil {
					return Matrix{}, err
				}
			}
		}
		if mask != nil {
			sig = sig.SelectRows(mask)
			if conf != nil {
				c := conf.SelectRows(mask)
				conf = &c
			}
		}
	}
	if conf != nil {
		var c Matrix
		if o.StandardizeConfounds {
			c, _, _ = Standardize(*conf, ZScore)
		} else {
			c = conf.Clone()
			for j := 0; j < c.Cols; j++ {
				var mx float64
				for t := 0; t < c.Rows; t++ {
					mx = math.Max(mx, math.Abs(c.Data[t*c.Cols+j]))
				}
				if mx == 0 {
					mx = 1
				}
				for t := 0; t < c.Rows; t++ {
					c.Data[t*c.Cols+j] /= mx
				}
			}
		}
		q := orthonormalBasis(c)
		// After linear detrending, signals and confounds both lie in the frames' space less the
		// mean and the ramp: confounds spanning all of it leave nothing.
		room := sig.Rows
		if o.Detrend {
			room -= 2
		}
		if q.Cols >= room {
			return Matrix{}, fmt.Errorf("the confounds span %d independent directions and only %d are available in %d frames: removing them leaves no signal (use fewer confounds or a longer run)", q.Cols, room, sig.Rows)
		}
		projectOut(sig, q)
	}
	if (o.Detrend && o.Standardize == PercentSignalChange) || filter == Butter {
		// Filtering and detrending remove the mean; PSC needs it back.
		for t := 0; t < sig.Rows; t++ {
			for j := 0; j < sig.Cols; j++ {
				sig.Data[t*sig.Cols+j] += meanSignals[j]
			}
		}
	}
	out, zeroMean, err := Standardize(sig, o.Standardize)
	if err != nil {
		return Matrix{}, err
	}
	if len(zeroMean) > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("percent signal change is meaningless for %d series with zero mean; they are set to 0", len(zeroMean)))
	}
	return out, nil
}

// userHasCosine follows nilearn's _check_cosine_by_user: any drift term correlating above 0.9 with a
// confound means the user already supplied cosine regressors.
func userHasCosine(drift, conf Matrix) bool {
	for i := 0; i < drift.Cols; i++ {
		a := drift.Column(i)
		for j := 0; j < conf.Cols; j++ {
			if stats.Pearson(a, conf.Column(j)) > 0.9 {
				return true
			}
		}
	}
	return false
}

func filterColumns(sos SOS, m Matrix) error {
	for j := 0; j < m.Cols; j++ {
		y, err := sos.FiltFilt(m.Column(j), -1)
		if err != nil {
			return err
		}
		m.SetColumn(j, y)
	}
	return nil
}

// interpolateCensored replaces censored frames by a not-a-knot cubic spline through the retained
// frames (scipy CubicSpline on frame times t·TR), as nilearn's _interpolate_volumes. Without
// extrapolation, censored frames before the first and after the last retained frame are dropped and
// the mask is shifted accordingly. It returns the new matrix and mask.
func interpolateCensored(m Matrix, mask []int, tr float64, extrapolate bool) (Matrix, []int, error) {
	keep := make([]bool, m.Rows)
	x := make([]float64, len(mask))
	for i, t := range mask {
		keep[t] = true
		x[i] = float64(t) * tr
	}
	out := m.Clone()
	y := make([]float64, len(mask))
	for j := 0; j < m.Cols; j++ {
		for i, t := range mask {
			y[i] = m.Data[t*m.Cols+j]
		}
		sp, err := newCubicSpline(x, y)
		if err != nil {
			return Matrix{}, nil, fmt.Errorf("interpolating censored frames: %w", err)
		}
		for t := 0; t < m.Rows; t++ {
			if !keep[t] {
				out.Data[t*m.Cols+j] = sp.at(float64(t) * tr)
			}
		}
	}
	if extrapolate {
		return out, mask, nil
	}
	first, last := mask[0], mask[len(mask)-1]
	rows := make([]int, 0, last-first+1)
	for t := first; t <= last; t++ {
		rows = append(rows, t)
	}
	shifted := make([]int, len(mask))
	for i, t := range mask {
		shifted[i] = t - first
	}
	return out.SelectRows(rows), shifted, nil
}
