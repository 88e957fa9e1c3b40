package glm

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeEvents(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sub-01_task-heat_events.tsv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadEvents(t *testing.T) {
	p := writeEvents(t, "onset\tduration\ttrial_type\trating\n0\t10\theat\t5\n20.5\t10\twarm\tn/a\n")
	ev, err := ReadEvents(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 2 || ev[1] != (Event{20.5, 10, "warm", 1}) {
		t.Fatalf("events %+v", ev)
	}
	ev, err = ReadEvents(writeEvents(t, "onset\tduration\tmodulation\n3\t1\t2.5\n"))
	if err != nil || ev[0] != (Event{3, 1, "dummy", 2.5}) {
		t.Fatalf("events %+v, %v", ev, err)
	}
	for body, want := range map[string]string{
		"onset\ttrial_type\n0\theat\n":                          `no "duration" column`,
		"onset\tduration\ttrial_type\n0\t1\theat\nx\t1\theat\n": `line 3: onset "x" is not a number`,
		"onset\tduration\ttrial_type\n0\tn/a\theat\n":           "line 2: duration is missing",
		"onset\tduration\ttrial_type\n0\t1\tn/a\n":              "line 2: trial_type is missing",
		"onset\tduration\n0\t-1\n":                              "line 2: duration -1 is negative",
		"onset\tduration\n":                                     "no events",
	} {
		p := writeEvents(t, body)
		_, err := ReadEvents(p)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: error %v, want the file and %q", body, err, want)
		}
	}
}

// The canonical HRFs sum to 1 on the oversampled grid and peak near 5 s; an unconvolved FIR
// column of a long block is 1 inside the block; the cosine drift's columns are orthonormal.
func TestDesignShapes(t *testing.T) {
	for _, p := range []hrfParams{spmParams, gloverParams} {
		h := p.hrf(2, 50, 0)
		sum, peak := 0.0, 0
		for i, v := range h {
			sum += v
			if v > h[peak] {
				peak = i
			}
		}
		if math.Abs(sum-1) > 1e-12 || math.Abs(float64(peak)*32/float64(len(h)-1)-5.2) > 0.6 {
			t.Errorf("HRF sum %v, peak at %.2f s", sum, float64(peak)*32/float64(len(h)-1))
		}
	}
	ft, err := FrameTimes(100, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultDesignOptions()
	opts.HRFModel = HRFFIR
	d, err := MakeDesign(ft, []Event{{Onset: 20, Duration: 40, TrialType: "heat", Modulation: 1}}, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.Names[0] != "heat_delay_0" || math.Abs(d.Columns[0][15]-1) > 1e-12 || d.Columns[0][5] != 0 || d.Columns[0][40] != 0 {
		t.Errorf("FIR column %v %v", d.Names, d.Columns[0][:45])
	}
	// cosine drifts: floor(2·100·0.01·2) = 4 columns then the constant
	if got := strings.Join(d.Names[1:], ","); got != "drift_1,drift_2,drift_3,drift_4,constant" {
		t.Errorf("drift names %s", got)
	}
	for a := 1; a <= 4; a++ {
		for b := 1; b <= 4; b++ {
			dot := 0.0
			for i := range ft {
				dot += d.Columns[a][i] * d.Columns[b][i]
			}
			if want := map[bool]float64{true: 1, false: 0}[a == b]; math.Abs(dot-want) > 1e-12 {
				t.Errorf("drift %d·%d = %v", a, b, dot)
			}
		}
	}
	if _, err := FrameTimes(10, math.NaN(), 0); err == nil {
		t.Error("NaN TR accepted")
	}
	if _, err := FrameTimes(10, 2, 1.5); err == nil {
		t.Error("slice_time_ref 1.5 accepted")
	}
	opts.HRFModel = "canonical"
	if _, err := MakeDesign(ft, []Event{{Onset: 1, Duration: 1, TrialType: "a", Modulation: 1}}, nil, opts); err == nil || !strings.Contains(err.Error(), "unknown HRF model") {
		t.Errorf("unknown HRF: %v", err)
	}
}
