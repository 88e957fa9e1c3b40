package decode

import (
	"encoding/json"
	"testing"
)

// Decoders written before painmark's keys were snake_case still read their preparation and
// selection options.
func TestReadsOldKeys(t *testing.T) {
	var p PrepareOptions
	err := json.Unmarshal([]byte(`{"DropSeconds": 30, "LagSeconds": 6, "Bins": "time", "QuantileBins": 10, "MinSegment": 5, "BinSeconds": 60}`), &p)
	if want := (PrepareOptions{DropSeconds: 30, LagSeconds: 6, Bins: "time", QuantileBins: 10, MinSegment: 5, BinSeconds: 60}); err != nil || p != want {
		t.Errorf("old preparation options: %+v %v", p, err)
	}
	var o Options
	if err := json.Unmarshal([]byte(`{"Selection": "deipp", "MaxComponents": 4}`), &o); err != nil || o != (Options{Selection: SelectDEIPP, MaxComponents: 4}) {
		t.Errorf("old options: %+v %v", o, err)
	}
}
