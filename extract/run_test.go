package extract

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/signal"
)

// writePhysio writes a BIDS physio recording (cardiac pulse at ~66 bpm, breathing at 0.25 Hz)
// starting 3 s before the first volume, lasting `seconds`.
func writePhysio(t *testing.T, seconds float64) string {
	dir := t.TempDir()
	fs := 100.0
	var b strings.Builder
	for i := 0; i < int(seconds*fs); i++ {
		tt := -3 + float64(i)/fs
		ph := math.Mod(tt*1.1, 1)
		card := math.Exp(-ph*ph/(2*0.003)) + math.Exp(-(ph-1)*(ph-1)/(2*0.003))
		resp := math.Sin(2 * math.Pi * 0.25 * tt)
		fmt.Fprintf(&b, "%.6f\t%.6f\n", card, resp)
	}
	p := filepath.Join(dir, "sub-01_task-rest_physio.tsv")
	os.WriteFile(p, []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "sub-01_task-rest_physio.json"), []byte(`{"SamplingFrequency": 100, "StartTime": -3, "Columns": ["cardiac", "respiratory"]}`), 0o644)
	return p
}

func TestExtractRunWithPhysio(t *testing.T) {
	p, li, tbl := writeSynthetic(t, false) // 5 volumes; TR from the header (1 s)
	spec := RunSpec{
		Images: map[string]string{"data": p},
		Set:    &atlas.RegionSet{Name: "synthetic", Parts: []atlas.Part{{Space: "data", Labels: li, Table: tbl}}},
		Physio: &PhysioSpec{Path: writePhysio(t, 30), SliceTime: 0.4, Orders: signal.RetroicorOrders{Cardiac: 1, Respiratory: 1}},
	}
	out, err := ExtractRun(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ConfoundNames) != 4 || out.ConfoundNames[0] != "card_cos1" || out.Sidecar.Physio == nil {
		t.Errorf("confounds %v", out.ConfoundNames)
	}
	// The physiological regressors were removed: the residual is orthogonal to them.
	if out.Series.Rows != 5 || out.Series.Cols != 3 {
		t.Fatalf("%dx%d", out.Series.Rows, out.Series.Cols)
	}
	dir := t.TempDir()
	if err := out.Write(filepath.Join(dir, "run_timeseries.tsv")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "run_timeseries.json")); err != nil {
		t.Error(err)
	}
	// A recording that ends before the run does not cover it.
	spec.Physio.Path = writePhysio(t, 4)
	if _, err := ExtractRun(spec); err == nil || !strings.Contains(err.Error(), "does not cover") {
		t.Errorf("short recording: %v", err)
	}
}
