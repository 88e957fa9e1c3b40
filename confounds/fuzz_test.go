package confounds

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzLoad: any confounds table and sidecar bytes are loaded under each preset (nilearn's
// load_confounds strategies) or refused; a result holds frames x regressors values and a sample
// mask within its frames. Seed, committed in testdata/fuzz/FuzzLoad: the first 11 volumes of
// testdata/example-fmriprep's confounds with a CompCor sidecar of two components per mask.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, tsv, side []byte) {
		if len(tsv)+len(side) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "sub-01_task-rest_desc-confounds_timeseries.tsv", tsv)
		if err := os.WriteFile(filepath.Join(filepath.Dir(p), "sub-01_task-rest_desc-confounds_timeseries.json"), side, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, preset := range []string{"simple", "scrubbing", "compcor", "ica_aroma"} {
			spec, err := Preset(preset)
			if err != nil {
				t.Fatal(err)
			}
			fuzzcheck.Bounded(t, func() {
				r, err := Load(p, spec)
				if err != nil {
					return
				}
				if len(r.Data) != r.NumFrames*len(r.Names) {
					t.Fatalf("%s: %d values for %d frames x %d regressors", preset, len(r.Data), r.NumFrames, len(r.Names))
				}
				for _, v := range r.SampleMask {
					if v < 0 || v >= r.NumFrames {
						t.Fatalf("%s: sample mask keeps volume %d of %d", preset, v, r.NumFrames)
					}
				}
			})
		}
	})
}
