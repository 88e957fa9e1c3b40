package nulls

import (
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

// modelSpace is a space every model of the registry takes, with two maps over it: the DK
// parcellation's centroids (and, for baum and cornblath, fsaverage5's spheres and aparc
// annotations), a dense subset of fsaverage5's vertices for alexander-bloch, the bare regions for
// shuffle and parametric.
func modelSpace(t *testing.T, m Model) (*Space, []float64, []float64) {
	t.Helper()
	c, _, x, y := dkMaps(t)
	switch {
	case m.Name() == "alexander-bloch":
		_, _, coords := fsaverage5Subset(t, 40)
		s, err := DenseSurfaceSpace(coords[0], coords[1])
		if err != nil {
			t.Fatal(err)
		}
		x, y = make([]float64, len(s.Regions)), make([]float64, len(s.Regions))
		for i, p := range append(append([][3]float64{}, coords[0]...), coords[1]...) {
			x[i], y[i] = p[0]+math.Sin(float64(i)), p[1]+p[2]/2
		}
		return s, x, y
	case m.Needs() == NeedsNothing:
		return &Space{Regions: c.Regions}, x, y
	}
	g := Geometry{Centroids: c}
	if m.Needs() == NeedsSurface {
		g.Surface = &atlas.SphereParcellationFiles{
			SphereLeft: fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_lh.gii"), SphereRight: fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_rh.gii"),
			AnnotLeft: fixtures.Shared(t, "enigma", "annot", "fsa5_lh_aparc.annot"), AnnotRight: fixtures.Shared(t, "enigma", "annot", "fsa5_rh_aparc.annot")}
	}
	s, err := g.Space(c.Regions, m)
	if err != nil {
		t.Fatal(err)
	}
	return s, x, y
}

// With DropNull the spin test makes its null a block at a time, tallies it and drops it: every
// model of the registry gives the same rho and p-values to the last bit as with the whole null
// drawn and kept, for 1, 2 and 4 workers and for blocks of 37 and 4,096 draws (the block boundary
// crossed many times, and, for vasa and shuffle at 4,200 and 5,000 draws, the default block's); only the
// null arrays are missing.
func TestDropNullSameP(t *testing.T) {
	defer func(b int) { streamBlock = b }(streamBlock)
	draws := map[string]int{"vasa": 4200, "shuffle": 5000, "hungarian": 300, "baum": 40, "cornblath": 40, "variogram": 100, "variogram-sampled": 80}
	for _, name := range Names() {
		m, _ := Lookup(name)
		s, x, y := modelSpace(t, m)
		n := draws[name]
		if n == 0 {
			n = 300
		}
		ref, err := Test(x, y, s, m, TestOptions{Kind: "spearman", Draws: n, Seed: 7})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name != "parametric" && len(ref.NullXY) != n {
			t.Fatalf("%s: %d null draws kept, want %d", name, len(ref.NullXY), n)
		}
		start := time.Now()
		for _, procs := range []int{1, 2, 4} {
			for _, block := range []int{37, 4096} {
				streamBlock = block
				old := runtime.GOMAXPROCS(procs)
				res, err := Test(x, y, s, m, TestOptions{Kind: "spearman", Draws: n, Seed: 7, DropNull: true})
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if res.NullXY != nil || res.NullYX != nil {
					t.Errorf("%s: dropped null kept %d draws", name, len(res.NullXY))
				}
				got := [6]float64{res.Rho, res.P, res.PXY, res.PYX, res.PNeuromaps, res.PNonparp}
				want := [6]float64{ref.Rho, ref.P, ref.PXY, ref.PYX, ref.PNeuromaps, ref.PNonparp}
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Errorf("%s, %d workers, block %d: statistic %d is %v, want %v", name, procs, block, i, got[i], want[i])
					}
				}
				if res.HeadlineP() != ref.HeadlineP() {
					t.Errorf("%s, %d workers, block %d: headline %v, want %v", name, procs, block, res.HeadlineP(), ref.HeadlineP())
				}
			}
		}
		t.Logf("%s: %d draws, %v, 7 runs in %v", name, n, ref.HeadlineP(), time.Since(start).Round(time.Millisecond))
	}
}

// blockHeap runs f and returns the most the live heap grew at the start of a streamed null's
// blocks (after a collection, the workers idle, the previous block still held): what the run
// holds, measured where it is steady, without the noise of sampling while the workers allocate.
func blockHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	blockHook = func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > base {
			peak = max(peak, ms.HeapAlloc-base)
		}
	}
	defer func() { blockHook = nil }()
	f()
	return peak
}

// A dropped null holds a block of draws and, for a rotation, the duplicate check's hashes, not
// the draws: 100,000 draws of the nearest-parcel rotation hold at most the hashes of the extra
// draws (stats.HashSetBytes: 2 MiB for 100,000) and 1 MiB more than 10,000 draws do, and of
// Moran surrogates 1 MiB more at most (a kept null would hold 100,000 x 2 maps of 68 values:
// 109 MB, and the rotation's permutations 54 MB more).
func TestDroppedNullMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 draws")
	}
	const small, large = 10000, 100000
	for _, name := range []string{"nearest", "moran"} {
		m, _ := Lookup(name)
		s, x, y := modelSpace(t, m)
		run := func(n int) *TestResult {
			res, err := Test(x, y, s, m, TestOptions{Kind: "pearson", Draws: n, Seed: 3, DropNull: true})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return res
		}
		heapSmall := blockHeap(func() { run(small) })
		start := time.Now()
		heapLarge := blockHeap(func() { run(large) })
		hashes := uint64(0)
		if name == "nearest" {
			hashes = uint64(stats.HashSetBytes(large) - stats.HashSetBytes(small))
		}
		t.Logf("%s: live heap growth %d B for %d draws, %d B for %d (%v; their hashes %d B more)", name, heapSmall, small, heapLarge, large, time.Since(start).Round(time.Millisecond), hashes)
		if heapSmall == 0 || heapLarge > heapSmall+hashes+1<<20 {
			t.Errorf("%s: heap grew %d B for %d draws, %d B for %d", name, heapLarge, large, heapSmall, small)
		}
	}
}

// The memory budget charges a dropped null for what it holds: `spin --n 10000000
// --save-null=false` on the DK parcellation is accepted for every model (the rotations' hashes
// are 128 MiB), the same null kept is refused (about 24 bytes per region and draw: 15.8 GiB), and
// 2,000,000,000 dropped rotations are refused still, their hashes alone (32 GiB) being beyond the
// 8 GiB budget; the shuffle and the surrogates hold no hash and take any count.
func TestDroppedNullBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	for _, name := range Names() {
		m, _ := Lookup(name)
		s, _, _ := modelSpace(t, m)
		if err := CheckStreamBudget(m, s, 10000000); err != nil {
			t.Errorf("%s: 10,000,000 dropped draws refused: %v", name, err)
		}
		st, ok := m.(streamer)
		if !ok {
			if name != "parametric" {
				t.Errorf("%s does not stream its null", name)
			}
			continue
		}
		_, need := streamPlan(st, s, 10000000)
		if _, err := drawWithin(m, s, 10000000, 1); err == nil || !strings.Contains(err.Error(), "10000000 null draws would need about") {
			t.Errorf("%s: 10,000,000 kept draws: %v", name, err)
		}
		err := CheckStreamBudget(m, s, 2000000000)
		if _, fixed := st.streamBytes(s, 1); fixed > 0 { // the duplicate check's hashes
			if err == nil || !strings.Contains(err.Error(), "2000000000 null draws tallied and dropped would need about 32") {
				t.Errorf("%s: 2e9 dropped draws: %v", name, err)
			}
		} else if err != nil {
			t.Errorf("%s: 2e9 dropped draws (no hashes): %v", name, err)
		}
		t.Logf("%s: 10,000,000 dropped draws hold %s", name, budget.Format(need))
	}
	// Test refuses the dropped 2e9 rotations before drawing any.
	m, _ := Lookup("vasa")
	s, x, y := modelSpace(t, m)
	if _, err := Test(x, y, s, m, TestOptions{Kind: "pearson", Draws: 2000000000, DropNull: true}); err == nil || !strings.Contains(err.Error(), "null draws tallied and dropped") {
		t.Errorf("Test, 2e9 dropped draws: %v", err)
	}
}
