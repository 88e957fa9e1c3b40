// Package parallel runs independent work items on all cores. Items write only their own results,
// so outcomes never depend on the number of workers or on scheduling. A panic in a worker is
// carried to the goroutine that started the work (as a *Panic), so the command's top-level
// recover reports it (exit 70) instead of the Go runtime killing the process.
package parallel

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// For calls f(i) for every i in [0, n), spread over GOMAXPROCS workers that take items in order.
// If f panics, the remaining items are skipped and For panics with a *Panic in the caller.
func For(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	next := make(chan int)
	var failed Carrier
	go func() {
		defer close(next)
		for i := 0; i < n && !failed.Failed(); i++ {
			next <- i
		}
	}()
	Workers(workers, func(int) {
		for i := range next {
			if !failed.Failed() {
				failed.Run(func() { f(i) })
			}
		}
	})
	failed.Repanic()
}

// Workers runs f(w) for w in [0, workers) in goroutines of their own and waits for all of them. A
// panic in one is re-raised in the caller as a *Panic once every worker has returned.
func Workers(workers int, f func(w int)) {
	var c Carrier
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Run(func() { f(w) })
		}()
	}
	wg.Wait()
	c.Repanic()
}

// Panic is a panic raised in a worker goroutine and carried to the goroutine that waited for it:
// the value panicked with, the function and line that panicked and the worker's stack.
type Panic struct {
	Value any
	Site  string
	Stack []byte
}

func (p *Panic) Error() string {
	return fmt.Sprintf("%v (in a worker goroutine, at %s)", p.Value, p.Site)
}

// Carrier records the first panic of the goroutines that call Run, for Repanic in the goroutine
// that waits for them. The zero value is ready to use.
type Carrier struct {
	mu sync.Mutex
	p  *Panic
}

// Run calls f, recording a panic instead of letting it end the process.
func (c *Carrier) Run(f func()) {
	defer func() {
		if v := recover(); v != nil {
			p, ok := v.(*Panic) // a nested pool's panic keeps its own site
			if !ok {
				p = &Panic{Value: v, Site: PanicSite(), Stack: debug.Stack()}
			}
			c.mu.Lock()
			if c.p == nil {
				c.p = p
			}
			c.mu.Unlock()
		}
	}()
	f()
}

// Failed tells whether a goroutine has panicked.
func (c *Carrier) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.p != nil
}

// Repanic panics with the recorded *Panic, if any.
func (c *Carrier) Repanic() {
	if c.Failed() {
		panic(c.p)
	}
}

// PanicSite is the function and line that panicked, "function (file:line)": the first frame after
// the runtime's panic. Call it in the deferred function that recovers.
func PanicSite() string {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	afterPanic := false
	for {
		f, more := frames.Next()
		if afterPanic && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line)
		}
		if f.Function == "runtime.gopanic" || strings.HasPrefix(f.Function, "runtime.panic") {
			afterPanic = true
		}
		if !more {
			return ""
		}
	}
}
