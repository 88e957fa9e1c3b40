package parallel

import (
	"runtime"
	"strings"
	"testing"
)

func TestForVisitsEveryItemOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		seen := make([]int, 1000)
		For(len(seen), func(i int) { seen[i]++ })
		runtime.GOMAXPROCS(prev)
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("GOMAXPROCS %d: item %d visited %d times", procs, i, c)
			}
		}
	}
	For(0, func(int) { t.Fatal("called for no items") })
}

func TestForProgressCountsEveryItem(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	last, calls := 0, 0
	ForProgress(500, func(done, total int) {
		if total != 500 || done != last+1 {
			t.Fatalf("progress(%d, %d) after %d", done, total, last)
		}
		last, calls = done, calls+1
	}, func(int) {})
	if calls != 500 {
		t.Fatalf("%d progress calls for 500 items", calls)
	}
	ForProgress(3, nil, func(int) {}) // nil: silent
}

// TestWorkerPanicReachesCaller checks that a panic in a worker is re-raised in the caller as a
// *Panic naming the value and the line that panicked, for For, ForProgress and Workers.
func TestWorkerPanicReachesCaller(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	boom := func(i int) {
		if i == 37 {
			var m map[int]int
			m[i] = 1
		}
	}
	for name, run := range map[string]func(){
		"For":         func() { For(100, boom) },
		"ForProgress": func() { ForProgress(100, func(int, int) {}, boom) },
		"Workers":     func() { Workers(3, func(w int) { boom(37) }) },
		"nested":      func() { For(4, func(int) { For(100, boom) }) },
	} {
		func() {
			defer func() {
				p, ok := recover().(*Panic)
				if !ok || !strings.Contains(p.Error(), "nil map") || !strings.Contains(p.Site, "parallel_test.go") {
					t.Errorf("%s: recovered %v", name, p)
				}
			}()
			run()
			t.Errorf("%s: no panic", name)
		}()
	}
}
