package signal

import (
	"math"
	"math/rand"
	"testing"
)

func TestCardiacPhaseKnown(t *testing.T) {
	peaks := []float64{1, 2, 3.2, 4.2}
	ph, err := CardiacPhase(peaks, []float64{1.25, 2.6, 3.2, 3.7, 0.5, 4.7})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{math.Pi / 2, math.Pi, 0, math.Pi, math.Pi, math.Pi}
	for i := range want {
		if math.Abs(ph[i]-want[i]) > 1e-12 {
			t.Errorf("phase %d = %v, want %v", i, ph[i], want[i])
		}
	}
}

// A synthetic pulse whose heart rate drifts between 55 and 80 bpm: detected peaks equal the true
// beat times to within one sample.
func TestDetectPeaksOnSyntheticPulse(t *testing.T) {
	fs := 100.0
	rng := rand.New(rand.NewSource(3))
	var beats []float64
	for b := 0.4; b < 60; {
		beats = append(beats, b)
		rate := 67.5 + 12.5*math.Sin(2*math.Pi*b/30)
		b += 60 / rate
	}
	n := int(60 * fs)
	x := make([]float64, n)
	times := make([]float64, n)
	for i := range x {
		tt := float64(i) / fs
		times[i] = tt
		for _, b := range beats {
			d := tt - b
			x[i] += math.Exp(-d*d/(2*0.04*0.04)) + 0.3*math.Exp(-(d-0.25)*(d-0.25)/(2*0.06*0.06))
		}
		x[i] += 0.02 * rng.NormFloat64()
	}
	peaks, err := DetectPeaks(x, times, fs, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	// Compare the beats that have a sample on each side of their maximum.
	var want []float64
	for _, b := range beats {
		if b > 0.1 && b < 60-2/fs { // a peak needs a sample on each side
			want = append(want, b)
		}
	}
	if len(peaks) != len(want) {
		t.Fatalf("%d peaks, %d beats: first %v / %v, last %v / %v", len(peaks), len(want), peaks[:2], want[:2], peaks[len(peaks)-2:], want[len(want)-2:])
	}
	for i := range want {
		if math.Abs(peaks[i]-want[i]) > 1.5/fs {
			t.Errorf("peak %d at %.3f s, beat at %.3f s", i, peaks[i], want[i])
		}
	}
	if _, err := DetectPeaks(make([]float64, 1000), times[:1000], fs, 0.3); err == nil {
		t.Error("flat recording accepted")
	}
}

func TestRespiratoryPhase(t *testing.T) {
	fs := 50.0
	n := int(40 * fs)
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(2 * math.Pi * 0.25 * float64(i) / fs)
	}
	ph, err := RespiratoryPhase(x, fs)
	if err != nil {
		t.Fatal(err)
	}
	for i := 10; i < n-10; i++ {
		tt := float64(i) / fs
		d := math.Cos(2 * math.Pi * 0.25 * tt) // derivative direction
		if math.Abs(d) > 0.2 && (ph[i] > 0) != (d > 0) {
			t.Fatalf("t=%.2f s: phase %.3f has the wrong sign for %s", tt, ph[i], map[bool]string{true: "inhalation", false: "exhalation"}[d > 0])
		}
		if math.Abs(ph[i]) > math.Pi+1e-12 {
			t.Fatalf("phase %v outside [-π, π]", ph[i])
		}
	}
	// At the top of a breath the equalised amplitude is ~1 (|φ| ≈ π); at the bottom ~0.
	top := int(1 * fs) // sin peaks at t = 1 s
	if math.Abs(math.Abs(ph[top])-math.Pi) > 0.05 {
		t.Errorf("|phase| at the top of the breath = %v", ph[top])
	}
	if _, err := RespiratoryPhase(make([]float64, 100), fs); err == nil {
		t.Error("flat respiration accepted")
	}
}

func TestRetroicorRegressors(t *testing.T) {
	fs := 100.0
	n := int(70 * fs)
	times := make([]float64, n)
	card := make([]float64, n)
	resp := make([]float64, n)
	for i := range times {
		times[i] = -5 + float64(i)/fs
		card[i] = math.Mod(2*math.Pi*1.1*(times[i]+5), 2*math.Pi) // known cardiac phase
		resp[i] = math.Pi * math.Sin(2*math.Pi*0.2*times[i]) * 0.9
	}
	names := RetroicorNames(DefaultRetroicorOrders)
	if len(names) != 32 {
		t.Fatalf("%d regressors, want 32", len(names))
	}
	acq := SliceAcquisitionTimes(30, 2, 0.35) // a slice acquired 0.35 s into each volume
	m, err := Retroicor(times, card, resp, acq, DefaultRetroicorOrders)
	if err != nil {
		t.Fatal(err)
	}
	if m.Cols != 32 || m.Rows != 30 {
		t.Fatalf("%dx%d", m.Rows, m.Cols)
	}
	for i, ta := range acq {
		pc := math.Mod(2*math.Pi*1.1*(ta+5), 2*math.Pi)
		if d := math.Abs(m.At(i, 0) - math.Cos(pc)); d > 1e-9 {
			t.Errorf("volume %d: card_cos1 off by %g", i, d)
		}
		if d := math.Abs(m.At(i, 3) - math.Sin(2*pc)); d > 1e-9 {
			t.Errorf("volume %d: card_sin2 off by %g", i, d)
		}
	}
	if _, err := Retroicor(times, card, resp, SliceAcquisitionTimes(100, 2, 0), DefaultRetroicorOrders); err == nil {
		t.Error("acquisitions beyond the recording accepted")
	}
}
