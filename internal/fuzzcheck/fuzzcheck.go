// Package fuzzcheck holds what the readers' fuzz targets share: the fuzzed bytes as a file for
// readers that take a path, and a bound on what reading a small input may allocate.
package fuzzcheck

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// MaxInput is the largest input a fuzz target reads (64 KiB): larger inputs are skipped, so the
// allocation bound below stays meaningful and each input runs fast.
const MaxInput = 1 << 16

// AllocLimit is what a reader may allocate in total for one input of at most MaxInput bytes
// (256 MiB): a reader that allocates more has trusted a count from the file, not the bytes present.
const AllocLimit = 256 << 20

// File writes b to a file called name in a fresh temporary folder and returns its path.
func File(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bounded runs read and fails the test when it allocated more than AllocLimit bytes in total
// (runtime.MemStats.TotalAlloc; a fuzz worker runs one input at a time).
func Bounded(t testing.TB, read func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > AllocLimit {
		t.Fatalf("reading the input allocated %d MiB (limit %d MiB)", d>>20, AllocLimit>>20)
	}
}
