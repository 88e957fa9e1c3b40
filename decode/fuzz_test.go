package decode

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadModel: any bytes are read as a decoder (model.json) or refused; a decoder that reads
// writes back to the same JSON. Seed, committed in testdata/fuzz/FuzzReadModel: the decoder of
// `painmark decode train` on `painmark synthetic participant --sessions 4 --regions 6 --seed 1`.
func FuzzReadModel(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "model.json", b)
		fuzzcheck.Bounded(t, func() {
			m, err := ReadModel(p)
			if err != nil {
				return
			}
			q := filepath.Join(t.TempDir(), "back.json")
			if err := m.Write(q); err != nil {
				return // e.g. a NaN JSON cannot hold
			}
			back, err := ReadModel(q)
			if err != nil {
				t.Fatalf("a written decoder does not read back: %v", err)
			}
			j1, _ := json.Marshal(m)
			j2, _ := json.Marshal(back)
			if !bytes.Equal(j1, j2) {
				t.Fatalf("round trip changed the decoder:\n%s\n%s", j1, j2)
			}
		})
	})
}

// FuzzReadRuns: any time-series, sidecar, rating and censoring bytes are read as one run of a
// densely sampled participant or refused; runs that read have one rating and censoring flag per
// frame where given. Seed, committed in testdata/fuzz/FuzzReadRuns: the first 12 frames of run 1
// of `painmark synthetic participant --sessions 4 --regions 6 --seed 1`.
func FuzzReadRuns(f *testing.F) {
	f.Fuzz(func(t *testing.T, series, sidecar, rating, censor []byte) {
		if len(series)+len(sidecar)+len(rating)+len(censor) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "sub-01_ses-01_run-1_timeseries.tsv", series)
		dir := filepath.Dir(p)
		for name, b := range map[string][]byte{"timeseries.json": sidecar, "rating.tsv": rating, "censor.tsv": censor} {
			if err := os.WriteFile(filepath.Join(dir, "sub-01_ses-01_run-1_"+name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, need := range []bool{false, true} {
			fuzzcheck.Bounded(t, func() { ReadRuns(dir, 0, need) })
		}
	})
}
