package genes

import (
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
)

// FuzzReadGMT: any bytes are read as GMT gene sets or refused; every set read has a name. Seed,
// committed in testdata/fuzz/FuzzReadGMT: the first two sets of
// ../shared/data/gene-sets/imaging-transcriptomics/geneset_LAKE.gmt, cut to 40 genes each.
func FuzzReadGMT(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "sets.gmt", b)
		fuzzcheck.Bounded(t, func() {
			sets, err := ReadGMT(p)
			if err != nil {
				return
			}
			for i, s := range sets {
				if s.Name == "" {
					t.Fatalf("set %d has no name", i+1)
				}
			}
		})
	})
}

// FuzzReadExpression: any bytes are read as a regional gene-expression table or refused, never a
// panic. Seed, committed in testdata/fuzz/FuzzReadExpression: the first 6 regions and 30 genes of
// ../shared/data/ahba-dk/ahba/allgenes_stable_r0.8.csv (abagen's Desikan-Killiany expression).
func FuzzReadExpression(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "expression.csv", b)
		fuzzcheck.Bounded(t, func() { ReadExpression(p) })
	})
}
