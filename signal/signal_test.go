package signal

import (
	"math"
	"math/cmplx"
	"testing"
)

// A not-a-knot spline reproduces any cubic exactly, extrapolation included.
func TestSplineExactOnCubics(t *testing.T) {
	f := func(x float64) float64 { return 2 - 3*x + 0.5*x*x - 0.01*x*x*x }
	xs := []float64{0, 2, 3, 7, 8, 12, 15}
	ys := make([]float64, len(xs))
	for i, x := range xs {
		ys[i] = f(x)
	}
	sp, err := newCubicSpline(xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{-2, 0.5, 5, 11.9, 18} {
		if d := math.Abs(sp.at(x) - f(x)); d > 1e-10 {
			t.Errorf("spline(%g) off by %g", x, d)
		}
	}
	// Three points: the parabola through them.
	sp3, _ := newCubicSpline([]float64{0, 1, 3}, []float64{1, 2, 10})
	if d := math.Abs(sp3.at(2) - 5); d > 1e-12 { // y = x² + 1
		t.Errorf("3-point spline at 2 = %g", sp3.at(2))
	}
}

// gain is |H(e^{jω})| of the cascade at frequency f (Hz) for sampling rate fs.
func gain(sos SOS, f, fs float64) float64 {
	z := cmplx.Exp(complex(0, -2*math.Pi*f/fs))
	h := complex(1, 0)
	for _, c := range sos {
		num := complex(c[0], 0) + complex(c[1], 0)*z + complex(c[2], 0)*z*z
		den := complex(c[3], 0) + complex(c[4], 0)*z + complex(c[5], 0)*z*z
		h *= num / den
	}
	return cmplx.Abs(h)
}

func TestButterworthResponse(t *testing.T) {
	fs := 0.5
	band, err := Butterworth(5, 0.01, 0.1, fs)
	if err != nil {
		t.Fatal(err)
	}
	// -3 dB (1/√2) at both cut-offs, ~1 in the pass band, ~0 at DC and Nyquist.
	for _, c := range []struct{ f, want, tol float64 }{
		{0.01, 1 / math.Sqrt2, 1e-9}, {0.1, 1 / math.Sqrt2, 1e-9}, {0.03, 1, 1e-3}, {0, 0, 1e-12}, {0.25, 0, 1e-12},
	} {
		if g := gain(band, c.f, fs); math.Abs(g-c.want) > c.tol {
			t.Errorf("band-pass gain at %g Hz = %g, want %g", c.f, g, c.want)
		}
	}
	low, _ := Butterworth(5, 0, 0.1, fs)
	high, _ := Butterworth(5, 0.01, 0, fs)
	if g := gain(low, 0, fs); math.Abs(g-1) > 1e-12 {
		t.Errorf("low-pass DC gain %g", g)
	}
	if g := gain(high, 0.25, fs); math.Abs(g-1) > 1e-12 {
		t.Errorf("high-pass Nyquist gain %g", g)
	}
	if low.PadLen() != 18 || band.PadLen() != 33 {
		t.Errorf("pad lengths %d %d (scipy: 18, 33)", low.PadLen(), band.PadLen())
	}
	if _, err := Butterworth(5, 0.1, 0.01, fs); err == nil {
		t.Error("inverted band accepted")
	}
}

func TestProjectionAndDetrend(t *testing.T) {
	conf := NewMatrix(30, 3)
	sig := NewMatrix(30, 2)
	for tt := 0; tt < 30; tt++ {
		x := float64(tt)
		conf.Data[tt*3+0] = math.Sin(x / 3)
		conf.Data[tt*3+1] = 2 * math.Sin(x/3) // redundant
		conf.Data[tt*3+2] = math.Cos(x / 5)
		sig.Data[tt*2+0] = 3*math.Sin(x/3) - math.Cos(x/5) + 0.1*math.Sin(x)
		sig.Data[tt*2+1] = x
	}
	q := orthonormalBasis(conf)
	if q.Cols != 2 {
		t.Fatalf("rank %d, want 2 (one column is redundant)", q.Cols)
	}
	projectOut(sig, q)
	for j := 0; j < q.Cols; j++ {
		for k := 0; k < sig.Cols; k++ {
			var d float64
			for tt := 0; tt < 30; tt++ {
				d += q.At(tt, j) * sig.At(tt, k)
			}
			if math.Abs(d) > 1e-12 {
				t.Errorf("residual not orthogonal to confounds: %g", d)
			}
		}
	}
	ramp := NewMatrix(10, 1)
	for tt := range ramp.Data {
		ramp.Data[tt] = 5 + 2*float64(tt)
	}
	for _, v := range Detrend(ramp, true).Data {
		if math.Abs(v) > 1e-12 {
			t.Fatalf("linear detrend left %g", v)
		}
	}
}
