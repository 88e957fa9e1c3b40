package pipeline

import (
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzLoad: any bytes are read as a study file (TOML) or refused with an error naming the file;
// a study that loads, and whose inputs lie in the fuzz folder (which holds no data: the fuzzer
// must not walk the machine's folders), is planned or refused without a panic. Seeds, committed
// in testdata/fuzz/FuzzLoad: testdata/study-example.toml, the grid-and-validation study of
// TestGridAndValidation, and an fMRIPrep study with every section (extract, target, Slurm).
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "study.toml", b)
		fuzzcheck.Bounded(t, func() {
			s, err := Load(p)
			if err != nil {
				return
			}
			dir := filepath.Dir(p)
			for _, in := range []string{s.Inputs.Timeseries, s.Inputs.Fmriprep} {
				if in == "" {
					continue
				}
				if rel, err := filepath.Rel(dir, in); err != nil || !filepath.IsLocal(rel) {
					return
				}
			}
			s.Plan("fuzz")
		})
	})
}
