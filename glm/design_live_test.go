package glm

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// liveEventSets are events exercising nilearn's corners: block and event designs, onsets on and
// off the oversampled grid, zero durations, modulations, duplicated events (modulations summed),
// an onset before the first frame, events running past the last frame.
func liveEventSets() [][]Event {
	return [][]Event{
		{
			{Onset: 10, Duration: 20, TrialType: "heat", Modulation: 1},
			{Onset: 45.3, Duration: 20, TrialType: "warm", Modulation: 1},
			{Onset: 80.7, Duration: 20, TrialType: "heat", Modulation: 1},
			{Onset: 95.1, Duration: 5.5, TrialType: "rating", Modulation: 1},
		},
		{
			{Onset: -3, Duration: 2, TrialType: "cue", Modulation: 1},
			{Onset: 4, Duration: 0, TrialType: "cue", Modulation: 0.5},
			{Onset: 12.35, Duration: 8, TrialType: "pain", Modulation: 2.5},
			{Onset: 12.35, Duration: 8, TrialType: "pain", Modulation: -1},
			{Onset: 30, Duration: 8, TrialType: "pain", Modulation: 7.25},
			{Onset: 60.01, Duration: 0.1, TrialType: "cue", Modulation: 1},
			{Onset: 88, Duration: 40, TrialType: "pain", Modulation: 3},
		},
	}
}

// TestLiveDesignMatrix: MakeDesign equals nilearn 0.10.3's make_first_level_design_matrix
// (../shared/peers) to 1e-10 for every combination of HRF model (HRFModels) and drift model
// (cosine at two high-pass cut-offs, polynomial, none), on two event sets and two acquisitions
// (TR 2 s from the volume start; TR 0.8 s with slice_time_ref 0.5), with an additional regressor
// in half the cases; same column names in the same order. The test fails unless every pair was
// compared.
func TestLiveDesignMatrix(t *testing.T) {
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	type acq struct {
		N            int
		TR, SliceRef float64
	}
	acqs := []acq{{60, 2, 0}, {150, 0.8, 0.5}}
	drifts := []DesignOptions{
		{DriftModel: DriftCosine, HighPass: 0.01},
		{DriftModel: DriftCosine, HighPass: 0.035},
		{DriftModel: DriftPolynomial, DriftOrder: 3},
		{DriftModel: DriftNone},
	}
	type pcase struct {
		Frames     []float64
		Onset      []float64
		Duration   []float64
		TrialType  []string
		Modulation []float64
		HRF        string
		Drift      string
		HighPass   float64
		Order      int
		FIR        []int
		AddReg     []float64
	}
	var cases []pcase
	var designs []*Design
	for _, a := range acqs {
		ft, err := FrameTimes(a.N, a.TR, a.SliceRef)
		if err != nil {
			t.Fatal(err)
		}
		add := make([]float64, a.N)
		for i := range add {
			add[i] = math.Sin(float64(i) * 0.37)
		}
		for ei, ev := range liveEventSets() {
			for hi, h := range HRFModels {
				for di, dr := range drifts {
					opts := DefaultDesignOptions()
					opts.HRFModel, opts.DriftModel, opts.HighPass, opts.DriftOrder = h, dr.DriftModel, dr.HighPass, dr.DriftOrder
					opts.FIRDelays = []int{0, 1, 2, 5}
					var regs []Regressor
					if (hi+di+ei)%2 == 0 {
						regs = []Regressor{{Name: "reg0", Values: add}}
					}
					d, err := MakeDesign(ft, ev, regs, opts)
					if err != nil {
						t.Fatal(err)
					}
					designs = append(designs, d)
					c := pcase{Frames: ft, HRF: h, Drift: dr.DriftModel, HighPass: dr.HighPass, Order: dr.DriftOrder, FIR: opts.FIRDelays}
					if regs != nil {
						c.AddReg = add
					}
					for _, e := range ev {
						c.Onset, c.Duration = append(c.Onset, e.Onset), append(c.Duration, e.Duration)
						c.TrialType, c.Modulation = append(c.TrialType, e.TrialType), append(c.Modulation, e.Modulation)
					}
					cases = append(cases, c)
				}
			}
		}
	}
	var want []struct {
		Names   []string
		Columns [][]float64
	}
	fixtures.RunPythonInline(t, `
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
import numpy as np, pandas as pd
from nilearn.glm.first_level import make_first_level_design_matrix
out = []
for c in json.load(open(sys.argv[1])):
    ev = pd.DataFrame({"onset": c["Onset"], "duration": c["Duration"], "trial_type": c["TrialType"], "modulation": c["Modulation"]})
    hrf = None if c["HRF"] == "none" else c["HRF"]
    drift = None if c["Drift"] == "none" else c["Drift"]
    add = None if c["AddReg"] is None else np.array(c["AddReg"])[:, None]
    dm = make_first_level_design_matrix(np.array(c["Frames"]), ev, hrf_model=hrf, drift_model=drift,
        high_pass=c["HighPass"], drift_order=c["Order"], fir_delays=c["FIR"], add_regs=add)
    out.append({"Names": list(dm.columns), "Columns": [[float(x) for x in dm[k].values] for k in dm.columns]})
json.dump(out, open(sys.argv[2], "w"))
`, cases, &want)
	if len(want) != len(designs) {
		t.Fatalf("%d peer designs for %d cases", len(want), len(designs))
	}
	covered := map[string]bool{}
	for i, d := range designs {
		c := cases[i]
		if !slices.Equal(d.Names, want[i].Names) {
			t.Fatalf("case %d (%s, %s): columns %v, nilearn's %v", i, c.HRF, c.Drift, d.Names, want[i].Names)
		}
		worst := 0.0
		for k := range d.Columns {
			for r, v := range d.Columns[k] {
				worst = math.Max(worst, math.Abs(v-want[i].Columns[k][r]))
			}
		}
		if worst > 1e-10 {
			t.Errorf("case %d (%s, %s, %d frames): max |painmark - nilearn| = %.3g", i, c.HRF, c.Drift, len(c.Frames), worst)
		}
		t.Logf("case %d (%s, %s, %d columns): max difference %.2g", i, c.HRF, c.Drift, len(d.Names), worst)
		covered[c.HRF+"/"+c.Drift] = true
	}
	for _, h := range HRFModels {
		for _, dr := range []string{DriftCosine, DriftPolynomial, DriftNone} {
			if !covered[h+"/"+dr] {
				t.Errorf("HRF model %s with drift model %s was not compared", h, dr)
			}
		}
	}
}
