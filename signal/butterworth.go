package signal

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"
)

// SOS is a cascade of second-order sections, one row [b0 b1 b2 a0 a1 a2] per section, as
// scipy.signal's output="sos".
type SOS [][6]float64

// Butterworth designs a digital Butterworth filter as second-order sections, following
// scipy.signal.butter(order, Wn, btype, output="sos", fs): analog prototype poles, frequency
// pre-warping, low-pass to low/high/band-pass transform, bilinear transform, then sections.
// lowHz and highHz are the cut-offs (0 = none): a high-pass when only highHz is set, a low-pass when
// only lowHz is set, a band-pass (highHz < lowHz) when both are.
func Butterworth(order int, highHz, lowHz, fs float64) (SOS, error) {
	if order < 1 {
		return nil, fmt.Errorf("butterworth order %d: must be at least 1", order)
	}
	if !(fs > 0) || math.IsInf(fs, 0) || math.IsNaN(highHz) || math.IsNaN(lowHz) || math.IsInf(highHz, 0) || math.IsInf(lowHz, 0) || highHz < 0 || lowHz < 0 {
		return nil, fmt.Errorf("butterworth: sampling rate %g Hz, cut-offs %g and %g Hz: each must be a finite number, the rate positive", fs, highHz, lowHz)
	}
	var btype string
	var wn []float64
	switch {
	case highHz > 0 && lowHz > 0:
		if highHz >= lowHz {
			return nil, fmt.Errorf("high-pass cut-off %g Hz is not below the low-pass cut-off %g Hz", highHz, lowHz)
		}
		btype, wn = "band", []float64{highHz, lowHz}
	case highHz > 0:
		btype, wn = "high", []float64{highHz}
	case lowHz > 0:
		btype, wn = "low", []float64{lowHz}
	default:
		return nil, fmt.Errorf("no cut-off frequency given")
	}
	warped := make([]float64, len(wn))
	for i, f := range wn {
		w := 2 * f / fs // normalised to Nyquist
		if w <= 0 || w >= 1 {
			return nil, fmt.Errorf("cut-off %g Hz is outside (0, Nyquist = %g Hz)", f, fs/2)
		}
		warped[i] = 2 * 2.0 * math.Tan(math.Pi*w/2.0) // scipy: fs = 2; 2*fs*tan(pi*Wn/fs)
	}
	// Analog prototype (buttap): poles on the left half of the unit circle, no zeros, gain 1.
	var p []complex128
	for m := -order + 1; m < order; m += 2 {
		p = append(p, -cmplx.Exp(complex(0, math.Pi*float64(m)/float64(2*order))))
	}
	var z []complex128
	k := 1.0
	degree := len(p) - len(z)
	switch btype {
	case "low":
		wo := warped[0]
		for i := range p {
			p[i] *= complex(wo, 0)
		}
		k *= math.Pow(wo, float64(degree))
	case "high":
		wo := warped[0]
		prod := complex(1, 0)
		for i := range p {
			prod *= -p[i]
			p[i] = complex(wo, 0) / p[i]
		}
		for i := 0; i < degree; i++ {
			z = append(z, 0)
		}
		k *= real(1 / prod)
	case "band":
		bw := warped[1] - warped[0]
		wo := math.Sqrt(warped[0] * warped[1])
		var pb []complex128
		for _, q := range p {
			pl := q * complex(bw/2, 0)
			s := cmplx.Sqrt(pl*pl - complex(wo*wo, 0))
			pb = append(pb, pl+s)
		}
		for _, q := range p {
			pl := q * complex(bw/2, 0)
			s := cmplx.Sqrt(pl*pl - complex(wo*wo, 0))
			pb = append(pb, pl-s)
		}
		p = pb
		for i := 0; i < degree; i++ {
			z = append(z, 0)
		}
		k *= math.Pow(bw, float64(degree))
	}
	// Bilinear transform (bilinear_zpk with fs = 2).
	const fs2 = 2.0 * 2.0
	deg := len(p) - len(z)
	num, den := complex(1, 0), complex(1, 0)
	for i := range z {
		num *= complex(fs2, 0) - z[i]
		z[i] = (complex(fs2, 0) + z[i]) / (complex(fs2, 0) - z[i])
	}
	for i := range p {
		den *= complex(fs2, 0) - p[i]
		p[i] = (complex(fs2, 0) + p[i]) / (complex(fs2, 0) - p[i])
	}
	for i := 0; i < deg; i++ {
		z = append(z, -1)
	}
	k *= real(num / den)
	return zpkToSOS(z, p, k), nil
}

// zpkToSOS groups the poles of a Butterworth design (conjugate pairs and at most one real pole) and
// its zeros (all real: at +1, -1) into second-order sections. The cascade's transfer function is
// the design's whatever the pairing; sections are ordered with the poles nearest the unit circle
// last and the gain in the first section, as scipy's zpk2sos does.
func zpkToSOS(z, p []complex128, k float64) SOS {
	type group struct {
		poles []complex128
		mag   float64
	}
	var groups []group
	var real_ []complex128
	for _, q := range p {
		switch {
		case math.Abs(imag(q)) <= 1e-12*math.Max(1, cmplx.Abs(q)):
			real_ = append(real_, complex(real(q), 0))
		case imag(q) > 0:
			groups = append(groups, group{[]complex128{q, cmplx.Conj(q)}, cmplx.Abs(q)})
		}
	}
	for i := 0; i < len(real_); i += 2 {
		g := group{poles: real_[i:min(i+2, len(real_))]}
		for _, q := range g.poles {
			g.mag = math.Max(g.mag, cmplx.Abs(q))
		}
		groups = append(groups, g)
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].mag < groups[j].mag })
	// Zeros: each section takes as many zeros as it has poles, one from each end of the sorted list
	// so that band-pass sections get one zero at +1 and one at -1.
	zs := make([]float64, len(z))
	for i, q := range z {
		zs[i] = real(q)
	}
	sort.Float64s(zs)
	lo, hi := 0, len(zs)-1
	sos := make(SOS, len(groups))
	for s, g := range groups {
		var zeros []float64
		for range g.poles {
			if lo > hi {
				break
			}
			if len(zeros)%2 == 0 {
				zeros = append(zeros, zs[hi])
				hi--
			} else {
				zeros = append(zeros, zs[lo])
				lo++
			}
		}
		sos[s] = [6]float64{1, 0, 0, 1, 0, 0}
		if len(zeros) == 2 {
			sos[s][1], sos[s][2] = -(zeros[0] + zeros[1]), zeros[0]*zeros[1]
		} else if len(zeros) == 1 {
			sos[s][1] = -zeros[0]
		}
		if len(g.poles) == 2 {
			sos[s][4] = -real(g.poles[0] + g.poles[1])
			sos[s][5] = real(g.poles[0] * g.poles[1])
		} else {
			sos[s][4] = -real(g.poles[0])
		}
	}
	for i := 0; i < 3; i++ {
		sos[0][i] *= k
	}
	return sos
}

// sosfilt filters x in place through the cascade with transposed direct-form II sections, starting
// from the states zi (modified), as scipy.signal.sosfilt.
func sosfilt(sos SOS, x []float64, zi [][2]float64) {
	for n, xc := range x {
		for s := range sos {
			c := &sos[s]
			y := c[0]*xc + zi[s][0]
			zi[s][0] = c[1]*xc - c[4]*y + zi[s][1]
			zi[s][1] = c[2]*xc - c[5]*y
			xc = y
		}
		x[n] = xc
	}
}

// sosfiltZi is the initial state of each section for a unit step's steady state, scaled through the
// cascade (scipy.signal.sosfilt_zi, from lfilter_zi per section).
func sosfiltZi(sos SOS) [][2]float64 {
	zi := make([][2]float64, len(sos))
	scale := 1.0
	for s, c := range sos {
		b0, b1, b2 := c[0]/c[3], c[1]/c[3], c[2]/c[3]
		a1, a2 := c[4]/c[3], c[5]/c[3]
		// lfilter_zi: solve (I - companion(a)^T) zi = b[1:] - a[1:] b0.
		// I - A^T = [[1 + a1, -1], [a2, 1]].
		r0, r1 := b1-a1*b0, b2-a2*b0
		det := (1 + a1) + a2
		z0 := (r0 + r1) / det
		z1 := r1 - a2*z0
		zi[s] = [2]float64{scale * z0, scale * z1}
		scale *= (c[0] + c[1] + c[2]) / (c[3] + c[4] + c[5])
	}
	return zi
}

// PadLen is scipy.signal.sosfiltfilt's default padding: three times the number of filter taps.
func (sos SOS) PadLen() int {
	ntaps := 2*len(sos) + 1
	zb, za := 0, 0
	for _, c := range sos {
		if c[2] == 0 {
			zb++
		}
		if c[5] == 0 {
			za++
		}
	}
	return 3 * (ntaps - min(zb, za))
}

// FiltFilt applies the cascade forward and backward (zero phase) to x, with odd extension of padLen
// samples at both ends and steady-state initial conditions, as scipy.signal.sosfiltfilt(sos, x,
// padtype="odd", padlen=padLen). padLen < 0 means the default (PadLen).
func (sos SOS) FiltFilt(x []float64, padLen int) ([]float64, error) {
	if padLen < 0 {
		padLen = sos.PadLen()
	}
	n := len(x)
	if n <= padLen {
		return nil, fmt.Errorf("a series of %d samples is too short for this filter's padding of %d samples (it needs more than %d)", n, padLen, padLen)
	}
	ext := make([]float64, n+2*padLen)
	for i := 0; i < padLen; i++ {
		ext[i] = 2*x[0] - x[padLen-i]
		ext[padLen+n+i] = 2*x[n-1] - x[n-2-i]
	}
	copy(ext[padLen:], x)
	zi0 := sosfiltZi(sos)
	zi := make([][2]float64, len(sos))
	for s := range zi {
		zi[s] = [2]float64{zi0[s][0] * ext[0], zi0[s][1] * ext[0]}
	}
	sosfilt(sos, ext, zi)
	for i, j := 0, len(ext)-1; i < j; i, j = i+1, j-1 {
		ext[i], ext[j] = ext[j], ext[i]
	}
	y0 := ext[0]
	for s := range zi {
		zi[s] = [2]float64{zi0[s][0] * y0, zi0[s][1] * y0}
	}
	sosfilt(sos, ext, zi)
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		out[i] = ext[len(ext)-1-padLen-i]
	}
	return out, nil
}
