package learn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/painmark/painmark/stats"
)

// The streamed bootstrap (replicates tallied per feature as drawn, 256 samples at a time) gives
// what the replicates themselves give: each feature's mean, SD (two-pass, ddof 1, the zero
// replicates included) to 1e-12, and its p-value and selection frequency exactly, across the
// block boundary (260 samples).
func TestBootstrapStreamEqualsReplicates(t *testing.T) {
	x, y, _ := bochumData(t)
	for _, conv := range []stats.BootstrapConvention{stats.BootCanlab} {
		o := BootstrapOptions{N: 260, Seed: 9, Convention: conv}
		res, err := Bootstrap(rpnPipeline, x, y, o)
		if err != nil {
			t.Fatal(err)
		}
		reps := make([][]float64, x.Cols)
		for j := range reps {
			reps[j] = make([]float64, o.N)
		}
		for b := 0; b < o.N; b++ {
			rng := rand.New(rand.NewPCG(o.Seed, uint64(b+1)))
			rows := bootstrapRows(x.Rows, nil, rng.IntN)
			f, err := rpnPipeline.Fit(x.SelectRows(rows), pick(y, rows))
			if err != nil {
				t.Fatal(err)
			}
			coef, _, _ := f.Weights()
			for c, w := range coef {
				reps[f.Selected[c]][b] = w
			}
		}
		for j, r := range reps {
			var sum, ss float64
			for _, v := range r {
				sum += v
			}
			mean := sum / float64(len(r))
			for _, v := range r {
				ss += (v - mean) * (v - mean)
			}
			sd := math.Sqrt(ss / float64(len(r)-1))
			pv, err := stats.BootstrapP(r, mean, sd, conv)
			if err != nil {
				t.Fatal(err)
			}
			var nz float64
			for _, v := range r {
				if v != 0 {
					nz++
				}
			}
			if math.Abs(res.Mean[j]-mean) > 1e-12*(1+math.Abs(mean)) || math.Abs(res.SE[j]-sd) > 1e-12*(1+sd) ||
				res.P[j] != pv || res.Frequency[j] != nz/float64(o.N) {
				t.Fatalf("feature %d: mean %v se %v p %v freq %v; replicates give %v %v %v %v", j, res.Mean[j], res.SE[j], res.P[j], res.Frequency[j], mean, sd, pv, nz/float64(o.N))
			}
		}
	}
}

// A bootstrap's live heap does not grow with its samples: 20,000 samples of a small ridge model
// hold no more than 500 (the kept replicates of 20 features would be 3.2 MB).
func TestBootstrapMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 refits")
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := Matrix{Rows: 30, Cols: 20, Data: make([]float64, 600)}
	y := make([]float64, 30)
	for i := range x.Data {
		x.Data[i] = r.NormFloat64()
	}
	for i := range y {
		y[i] = x.Data[i*20] + r.NormFloat64()
	}
	pl := Pipeline{Scaler: "standard", Regressor: Ridge{Alpha: 1}}
	// The live heap is measured at the end of each block (its last refit done), after a collection.
	peak := func(n int) uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var top uint64
		progress := func(done, total int) {
			if done%bootstrapBlock != 0 && done != total {
				return // only at a block's end: every refit of the block has finished
			}
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > top {
				top = ms.HeapAlloc - base
			}
		}
		if _, err := Bootstrap(pl, x, y, BootstrapOptions{N: n, Seed: 1, Progress: progress}); err != nil {
			t.Fatal(err)
		}
		return top
	}
	small, large := peak(500), peak(20000)
	t.Logf("peak live heap growth: %d B for 500 samples, %d B for 20,000", small, large)
	if large > small+1<<20 {
		t.Errorf("heap grew %d B for 20,000 samples, %d B for 500", large, small)
	}
}
