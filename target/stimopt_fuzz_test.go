package target

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzLoadState: any bytes are read as a stimulation-search state or refused; a state that reads
// saves to a file that reads and saves to the same bytes, and a small one (at most 12 trials and
// 2,000 candidates) suggests a setting without a panic. Seed, committed in
// testdata/fuzz/FuzzLoadState: `painmark stimopt init testdata/stimopt-space.json`, then two
// suggested and recorded trials and a pending suggestion.
func FuzzLoadState(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "stimopt.json", b)
		fuzzcheck.Bounded(t, func() {
			s, err := LoadState(p)
			if err != nil {
				return
			}
			dir := t.TempDir()
			q1, q2 := filepath.Join(dir, "1.json"), filepath.Join(dir, "2.json")
			if err := s.Save(q1); err != nil {
				return // e.g. a NaN outcome JSON cannot hold
			}
			back, err := LoadState(q1)
			if err != nil {
				t.Fatalf("a saved state does not read back: %v", err)
			}
			if err := back.Save(q2); err != nil {
				t.Fatal(err)
			}
			b1, _ := os.ReadFile(q1)
			b2, _ := os.ReadFile(q2)
			if !bytes.Equal(b1, b2) {
				t.Fatalf("saving a read state changed it:\n%s\n%s", b1, b2)
			}
			if len(s.Trials) <= 12 && s.Candidates >= 0 && s.Candidates <= 2000 && s.InitialTrials <= 12 && len(s.Parameters) <= 8 {
				s.Suggest()
			}
		})
	})
}
