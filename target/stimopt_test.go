package target

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// branin is the Branin-Hoo function on x1 in [−5, 10], x2 in [0, 15]: minimum 0.397887 at three
// points.
func branin(x1, x2 float64) float64 {
	a, b, c, r, s, t := 1.0, 5.1/(4*math.Pi*math.Pi), 5/math.Pi, 6.0, 10.0, 1/(8*math.Pi)
	return a*(x2-b*x1*x1+c*x1-r)*(x2-b*x1*x1+c*x1-r) + s*(1-t)*math.Cos(x1) + s
}

// TestStimoptBranin: minimising Branin from a saved state, session by session (the state file
// written and read back between trials), gets within 0.1 of the minimum in 30 trials, and the
// suggestions of a state are reproducible.
func TestStimoptBranin(t *testing.T) {
	space := []Parameter{{Name: "x1", Type: "continuous", Min: -5, Max: 10}, {Name: "x2", Type: "continuous", Min: 0, Max: 15}}
	s, err := NewState(space, "ei", 3)
	if err != nil {
		t.Fatal(err)
	}
	s.Minimize = true
	path := filepath.Join(t.TempDir(), "state.json")
	for trial := 0; trial < 30; trial++ {
		if err := s.Save(path); err != nil {
			t.Fatal(err)
		}
		if s, err = LoadState(path); err != nil {
			t.Fatal(err)
		}
		sug, err := s.Suggest()
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s.Suggest()
		if sug.Params["x1"] != again.Params["x1"] || sug.Params["x2"] != again.Params["x2"] {
			t.Fatalf("trial %d: two suggestions from one state differ", trial)
		}
		x1, x2 := sug.Params["x1"].(float64), sug.Params["x2"].(float64)
		if err := s.Record(sug.Params, branin(x1, x2), ""); err != nil {
			t.Fatal(err)
		}
	}
	best := s.Best()
	t.Logf("best of 30 trials: %.4f at %v (minimum 0.3979)", best.Outcome, best.Params)
	if best.Outcome > 0.5 {
		t.Errorf("best %v after 30 trials", best.Outcome)
	}
}

// TestStimoptMixedSpace: categorical, integer and log-scale parameters are encoded, suggested in
// range and refused out of range.
func TestStimoptMixedSpace(t *testing.T) {
	space := []Parameter{
		{Name: "contact", Type: "categorical", Choices: []string{"C0", "C1", "C2"}},
		{Name: "frequency", Type: "integer", Min: 2, Max: 150, Log: true},
		{Name: "amplitude", Type: "continuous", Min: 0.5, Max: 5},
	}
	s, err := NewState(space, "ucb", 1)
	if err != nil {
		t.Fatal(err)
	}
	relief := func(p map[string]any) float64 {
		f, a := p["frequency"].(float64), p["amplitude"].(float64)
		base := map[string]float64{"C0": 2, "C1": 5, "C2": 3}[p["contact"].(string)]
		return base * math.Exp(-math.Pow(math.Log(f/60), 2)) * a / (1 + a)
	}
	for i := 0; i < 25; i++ {
		sug, err := s.Suggest()
		if err != nil {
			t.Fatal(err)
		}
		f := sug.Params["frequency"].(float64)
		if f != math.Round(f) || f < 2 || f > 150 {
			t.Fatalf("frequency %v", f)
		}
		if err := s.Record(sug.Params, relief(sug.Params), ""); err != nil {
			t.Fatal(err)
		}
	}
	best := s.Best()
	if best.Params["contact"] != "C1" || best.Outcome < 0.8*5*5/6 {
		t.Errorf("best %v at %v (optimum %.3f at C1, 60 Hz, 5 mA)", best.Outcome, best.Params, 5*5/6.0)
	}
	for _, bad := range []string{"contact=C9,frequency=60,amplitude=1", "contact=C1,frequency=60.5,amplitude=1", "contact=C1,frequency=60,amplitude=9", "contact=C1,frequency=60"} {
		p, _ := ParseSetting(bad)
		if err := s.Record(p, 1, ""); err == nil {
			t.Errorf("%s was recorded", bad)
		}
	}
	if _, err := NewState([]Parameter{{Name: "a", Type: "continuous", Min: 1, Max: 1}}, "ei", 1); err == nil || !strings.Contains(err.Error(), "min") {
		t.Errorf("an empty range: %v", err)
	}
}
