package parallel

import "sync"

// ForProgress is For that also reports progress: after each item finishes, progress(done, n) is
// called with the number of finished items, one call at a time and with done increasing. A nil
// progress makes it For.
func ForProgress(n int, progress func(done, total int), f func(i int)) {
	if progress == nil {
		For(n, f)
		return
	}
	var mu sync.Mutex
	done := 0
	For(n, func(i int) {
		f(i)
		mu.Lock()
		done++
		progress(done, n)
		mu.Unlock()
	})
}
