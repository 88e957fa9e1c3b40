// Package parallel runs independent work items on all cores. Items write only their own results,
// so outcomes never depend on the number of workers or on scheduling.
package parallel

import (
	"runtime"
	"sync"
)

// For calls f(i) for every i in [0, n), spread over GOMAXPROCS workers that take items in order.
func For(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
