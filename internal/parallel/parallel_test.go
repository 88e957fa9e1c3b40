package parallel

import (
	"runtime"
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
