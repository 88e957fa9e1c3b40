package learn

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadSavedModel: any bytes are read as a saved model (learn fit's model JSON) or refused; a
// model that reads writes back to the same JSON, and one whose pipeline can be built predicts a
// row of its features without a panic. Seeds, committed in testdata/fuzz/FuzzReadSavedModel:
// `painmark learn fit` models (ElasticNet, and SVR with an RBF kernel) of a 12-subject, 5-feature
// table, k = 3.
func FuzzReadSavedModel(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "model.json", b)
		fuzzcheck.Bounded(t, func() {
			m, err := ReadSavedModel(p)
			if err != nil {
				return
			}
			q := filepath.Join(t.TempDir(), "back.json")
			if err := m.WriteFile(q); err != nil {
				return // e.g. NaN in a field: json refuses to write it
			}
			back, err := ReadSavedModel(q)
			if err != nil {
				t.Fatalf("a written model does not read back: %v", err)
			}
			b1, _ := json.Marshal(m)
			b2, _ := json.Marshal(back)
			if !bytes.Equal(b1, b2) {
				t.Fatalf("round trip changed the model:\n%s\n%s", b1, b2)
			}
			// A linear model is checked on reading; a stored estimator (SVR, forest, ...) is trusted
			// as its own JSON says.
			fp, err := m.FittedPipeline()
			if err != nil || m.Fitted != nil || len(m.Features) > 1<<12 {
				return
			}
			fp.Predict(Matrix{Rows: 1, Cols: len(m.Features), Data: make([]float64, len(m.Features))})
		})
	})
}
