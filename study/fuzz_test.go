package study

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadPlan: any bytes are read as a saved study plan (what Slurm array tasks build from) or
// refused; the units of a plan that is read build (with a builder that writes one file) into
// folders inside the cache, in order, without a panic. The input file-hash cache (hashes.json) is
// read from the same bytes. Seed, committed in testdata/fuzz/FuzzReadPlan: the plan of
// testdata/study-example.toml (the embedded Bochum runs) reduced to three connectivity units and
// the features unit that needs them.
func FuzzReadPlan(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "plan.json", b)
		fuzzcheck.Bounded(t, func() {
			cache := filepath.Dir(p)
			if err := os.WriteFile(filepath.Join(cache, "hashes.json"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			LoadFileHashes(cache).Sum(p)
			plan, err := ReadPlan(p)
			if err != nil || len(plan.Units) > 64 {
				return
			}
			plan.Cache = filepath.Join(t.TempDir(), "cache")
			for i := range plan.Units {
				if _, err := plan.BuildUnit(i, func(u Unit, dir string, deps []string) error {
					return os.WriteFile(filepath.Join(dir, "out"), []byte(u.Name), 0o644)
				}); err != nil {
					t.Fatalf("unit %d of a plan in dependency order: %v", i, err)
				}
				if rel, err := filepath.Rel(plan.Cache, plan.Dir(plan.Units[i])); err != nil || !filepath.IsLocal(rel) {
					t.Fatalf("unit %d built outside the cache: %s", i, plan.Dir(plan.Units[i]))
				}
			}
			plan.Progress()
		})
	})
}
