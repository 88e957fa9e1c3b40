package nifti

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/parallel"
)

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { var m map[int]int; m[0] = 1; return 0, nil }

// TestPrefetchPanicReachesReader checks that a panic in the goroutine reading volumes ahead is
// re-raised in the reader (as a *parallel.Panic), where painmark's top-level recover reports it,
// instead of ending the process from a goroutine nothing recovers.
func TestPrefetchPanicReachesReader(t *testing.T) {
	p := startPrefetch(panicReader{}, 8, 3)
	defer p.stop()
	defer func() {
		pan, ok := recover().(*parallel.Panic)
		if !ok || !strings.Contains(pan.Error(), "nil map") || !strings.Contains(pan.Site, "prefetch_test.go") {
			t.Errorf("recovered %v", pan)
		}
	}()
	p.get()
	t.Error("no panic")
}
