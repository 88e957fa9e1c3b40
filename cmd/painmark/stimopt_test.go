package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/target"
)

// painmark stimopt, session by session on a simulated pain-relief surface: init, then suggest and
// record 20 times through the state file; the best setting found is the right contact near the
// best frequency, and mistakes are refused with a clear message.
func TestStimoptCommands(t *testing.T) {
	dir := t.TempDir()
	space := filepath.Join(dir, "space.json")
	os.WriteFile(space, []byte(`[{"name": "contact", "type": "categorical", "choices": ["C0", "C1"]},
 {"name": "frequency", "type": "integer", "min": 2, "max": 150, "log": true},
 {"name": "amplitude", "type": "continuous", "min": 0.5, "max": 5}]`), 0o644)
	state := filepath.Join(dir, "state.json")
	if out, errOut, code := runCLI(t, "stimopt", "init", space, "-o", state, "--seed", "2"); code != 0 {
		t.Fatalf("init: %d %s %s", code, out, errOut)
	}
	relief := func(c string, f, a float64) float64 {
		peak, best := 40.0, 4.0
		if c == "C1" {
			peak, best = 90, 6
		}
		l := math.Log(f / peak)
		return best * math.Exp(-l*l/(2*0.35*0.35)) * (1 - math.Exp(-a/1.5))
	}
	for i := 0; i < 20; i++ {
		out, errOut, code := runCLI(t, "stimopt", "suggest", state)
		if code != 0 {
			t.Fatalf("suggest %d: %d %s %s", i, code, out, errOut)
		}
		st, err := target.LoadState(state)
		if err != nil {
			t.Fatal(err)
		}
		p := st.Pending.Params
		y := relief(p["contact"].(string), p["frequency"].(float64), p["amplitude"].(float64))
		if out, errOut, code := runCLI(t, "stimopt", "record", state, "--outcome", strconv.FormatFloat(y, 'g', -1, 64)); code != 0 {
			t.Fatalf("record %d: %d %s %s", i, code, out, errOut)
		}
	}
	out, errOut, code := runCLI(t, "stimopt", "status", state, "--json", filepath.Join(dir, "status.json"), "--report", filepath.Join(dir, "stimopt.report.html"))
	if code != 0 {
		t.Fatalf("status: %d %s %s", code, out, errOut)
	}
	st, _ := target.LoadState(state)
	best := st.Best()
	if len(st.Trials) != 20 || best.Params["contact"] != "C1" || best.Outcome < 0.8*relief("C1", 90, 5) {
		t.Errorf("best %v at %v after %d trials:\n%s", best.Outcome, best.Params, len(st.Trials), out)
	}
	if !strings.Contains(out, "the model's best tried setting") {
		t.Errorf("status:\n%s", out)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "stimopt.report.html"), "stimopt-report.png", 1)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"stimopt", "record", state, "--outcome", "1"}, "no pending suggestion"},
		{[]string{"stimopt", "record", state, "--setting", "contact=C7,frequency=60,amplitude=1", "--outcome", "1"}, "not one of"},
		{[]string{"stimopt", "record", state, "--setting", "contact=C1,frequency=60,amplitude=1"}, "--outcome is required"},
		{[]string{"stimopt", "init", space, "-o", state}, "--force"},
	} {
		if _, errOut, code := runCLI(t, c.args...); code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %s", c.args, code, errOut)
		}
	}
}
