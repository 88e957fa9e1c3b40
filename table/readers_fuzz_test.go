package table

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadParticipants: any bytes are read as a participants table (CSV) or refused; every subject
// of a table that reads has a row. Seed, committed in testdata/fuzz/FuzzReadParticipants: the
// first 8 rows of demo/data/bochum/participants.csv (PAINTeR's Bochum cohort).
func FuzzReadParticipants(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "participants.csv", b)
		fuzzcheck.Bounded(t, func() {
			pt, err := ReadParticipants(p, "", nil)
			if err != nil {
				return
			}
			for _, s := range pt.Subjects() {
				if _, err := pt.Row(s); err != nil {
					t.Fatalf("subject %q listed but has no row: %v", s, err)
				}
			}
		})
	})
}

// FuzzReadPhysio: any recording and sidecar bytes are read as a BIDS physio file or refused; a
// recording that reads has as many samples in every column as times. Seed: the recording and
// sidecar of TestReadPhysio (BIDS's cardiac, respiratory, trigger layout).
func FuzzReadPhysio(f *testing.F) {
	f.Add([]byte("0.1\t1.5\t0\n0.2\t1.4\t1\n0.3\t1.2\t0\n"), []byte(`{"SamplingFrequency": 50, "StartTime": -2.5, "Columns": ["cardiac", "respiratory", "trigger"]}`))
	f.Fuzz(func(t *testing.T, tsv, side []byte) {
		if len(tsv)+len(side) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "sub-01_physio.tsv", tsv)
		if err := os.WriteFile(filepath.Join(filepath.Dir(p), "sub-01_physio.json"), side, 0o644); err != nil {
			t.Fatal(err)
		}
		fuzzcheck.Bounded(t, func() {
			ph, err := ReadPhysio(p)
			if err != nil {
				return
			}
			n := len(ph.Times())
			for name, c := range ph.Columns {
				if len(c) != n {
					t.Fatalf("column %s: %d samples, %d times", name, len(c), n)
				}
			}
		})
	})
}
