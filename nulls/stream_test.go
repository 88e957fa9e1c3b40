package nulls

import (
	"math"
	"runtime"
	"testing"
)

// With DropNull the spin test tallies its null correlations and drops them: every model gives
// the same rho and p-values to the last bit as with the null kept, for 1 worker and for several,
// and across the tally's block boundary (5,000 draws > 4,096); only the null arrays are missing.
func TestDropNullSameP(t *testing.T) {
	_, s, x, y := dkMaps(t)
	for _, tc := range []struct {
		model string
		draws int
	}{{"vasa", 5000}, {"hungarian", 300}, {"shuffle", 5000}, {"moran", 300}, {"variogram", 100}, {"parametric", 100}} {
		m, _ := Lookup(tc.model)
		ms := s
		if m.Needs() == NeedsNothing {
			ms = &Space{Regions: s.Regions}
		}
		var ref *TestResult
		for _, procs := range []int{1, 2, 4} {
			for _, drop := range []bool{false, true} {
				old := runtime.GOMAXPROCS(procs)
				res, err := Test(x, y, ms, m, TestOptions{Kind: "spearman", Draws: tc.draws, Seed: 7, DropNull: drop})
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatalf("%s: %v", tc.model, err)
				}
				if drop && (res.NullXY != nil || res.NullYX != nil) {
					t.Errorf("%s: dropped null kept %d draws", tc.model, len(res.NullXY))
				}
				if ref == nil {
					ref = res
					if m.Name() != "parametric" && len(res.NullXY) != tc.draws {
						t.Fatalf("%s: %d null draws, want %d", tc.model, len(res.NullXY), tc.draws)
					}
					continue
				}
				got := [6]float64{res.Rho, res.P, res.PXY, res.PYX, res.PNeuromaps, res.PNonparp}
				want := [6]float64{ref.Rho, ref.P, ref.PXY, ref.PYX, ref.PNeuromaps, ref.PNonparp}
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Errorf("%s, %d workers, drop %v: statistic %d is %v, want %v", tc.model, procs, drop, i, got[i], want[i])
					}
				}
				if res.HeadlineP() != ref.HeadlineP() {
					t.Errorf("%s, drop %v: headline %v, want %v", tc.model, drop, res.HeadlineP(), ref.HeadlineP())
				}
			}
		}
	}
}
