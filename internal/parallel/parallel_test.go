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
