package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/painmark/painmark/internal/fixtures"
)

// peakHeap runs f while measuring the live heap (after a collection) every 2 ms and returns the
// most it grew: garbage awaiting collection is not counted, what the run holds is.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var s runtime.MemStats
		for {
			runtime.GC()
			runtime.ReadMemStats(&s)
			if s.HeapAlloc > base && s.HeapAlloc-base > peak.Load() {
				peak.Store(s.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak.Load()
}

// A streamed spin test's memory holds the counts, not the draws: 2,000,000 draws of an 8-region
// map need no more live heap than 2,000 (a kept null would need 32 MB more), and streamed or
// kept, 200,000 draws give SurrogateTest's p-values on the materialized null to the last bit.
func TestStreamSpinTestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 draws")
	}
	x := []float64{1, 3, 2, 5, 4, 7, 6, 8}
	y := []float64{2, 1, 4, 3, 6, 5, 8, 9}
	// Draw k's null map: x shuffled by a stream of (seed, k), made on demand and dropped.
	null := func(v []float64, stream uint64) func(k int) []float64 {
		return func(k int) []float64 {
			r := rand.New(rand.NewPCG(stream, uint64(k)))
			out := append([]float64(nil), v...)
			r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
			return out
		}
	}
	run := func(n int, keep bool) *SpinTest {
		res, err := StreamedSpinTest(x, y, n, "pearson", null(x, 1), null(y, 2), keep)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	var small, large *SpinTest
	heapSmall := peakHeap(func() { small = run(2000, false) })
	heapLarge := peakHeap(func() { large = run(2000000, false) })
	t.Logf("peak live heap growth: %d B for 2,000 draws, %d B for 2,000,000", heapSmall, heapLarge)
	if small.NullXY != nil || large.NullXY != nil {
		t.Error("streamed test kept its null")
	}
	// 2,000,000 kept correlations of each null would be 32 MB; the measure's slack (what the
	// workers allocate while a collection runs) is a few MB whatever the draws.
	if heapLarge > heapSmall+8<<20 {
		t.Errorf("heap grew %d B for 2,000,000 draws, %d B for 2,000", heapLarge, heapSmall)
	}
	large = run(200000, false)
	var kept *SpinTest
	heapKept := peakHeap(func() { kept = run(200000, true) })
	t.Logf("and %d B for 200,000 draws kept", heapKept)
	if heapKept < heapSmall+2<<20 { // the measure sees a kept null (3.2 MB)
		t.Errorf("kept null: heap grew %d B, the streamed one %d B", heapKept, heapSmall)
	}
	if len(kept.NullXY) != 200000 {
		t.Fatalf("kept %d draws", len(kept.NullXY))
	}
	want, err := SurrogateTest(x, y, materialize(null(x, 1), 200000), materialize(null(y, 2), 200000), "pearson")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*SpinTest{large, kept} {
		got := [6]float64{r.Rho, r.P, r.PXY, r.PYX, r.PNeuromaps, r.PNonparp}
		exp := [6]float64{want.Rho, want.P, want.PXY, want.PYX, want.PNeuromaps, want.PNonparp}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(exp[i]) {
				t.Errorf("statistic %d: %v, want %v", i, got[i], exp[i])
			}
		}
	}
}

func materialize(f func(k int) []float64, n int) [][]float64 {
	out := make([][]float64, n)
	for k := range out {
		out[k] = f(k)
	}
	return out
}

// A spin stream's blocks, of any size, are SpinPermutations' permutations in order, for 1 worker
// and for several; so are a vertex spin stream's VertexSpins'.
func TestDrawStreamBlocks(t *testing.T) {
	coords := readCoords(t, fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	const n = 1500
	want, err := SpinPermutations(coords[:34], coords[34:], n, 4, SpinNearest)
	if err != nil {
		t.Fatal(err)
	}
	wantV, err := VertexSpins(coords[:34], coords[34:], 300, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, procs := range []int{1, 3} {
		for _, block := range []int{1, 37, 256, 4096} {
			old := runtime.GOMAXPROCS(procs)
			s, err := NewSpinStream(coords[:34], coords[34:], n, 4, SpinNearest)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]int
			for len(got) < n {
				b, err := s.Next(block)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, b...)
			}
			if b, _ := s.Next(block); len(b) != 0 {
				t.Errorf("%d draws past the stream's end", len(b))
			}
			v, err := NewVertexSpinStream(coords[:34], coords[34:], 300, 4)
			if err != nil {
				t.Fatal(err)
			}
			var gotV [][]int32
			for len(gotV) < 300 {
				b, err := v.Next(block)
				if err != nil {
					t.Fatal(err)
				}
				gotV = append(gotV, b...)
			}
			runtime.GOMAXPROCS(old)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%d workers, blocks of %d: the stream's spins differ from SpinPermutations'", procs, block)
			}
			if fmt.Sprint(gotV) != fmt.Sprint(wantV) {
				t.Errorf("%d workers, blocks of %d: the stream's vertex spins differ from VertexSpins'", procs, block)
			}
		}
	}
}

// The duplicate check's hash set holds every key once, the zero key too, and says which are new,
// as a map does; its table is the least power of two ≥ 4n/3 slots.
func TestHashSet(t *testing.T) {
	const n = 50000
	h := newHashSet(n)
	ref := map[uint64]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		k := rng.Uint64() % 40000 // many repeats
		if i%1000 == 0 {
			k = 0
		}
		if h.add(k) != !ref[k] {
			t.Fatalf("key %d: add says new %v, seen %v", k, !ref[k], ref[k])
		}
		ref[k] = true
	}
	if len(h.slots) != 1<<17 || HashSetBytes(n) != 8<<17 || HashSetBytes(10000000) != 128<<20 {
		t.Errorf("%d slots for %d keys; %d B for 10,000,000", len(h.slots), n, HashSetBytes(10000000))
	}
}
