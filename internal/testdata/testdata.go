// Package testdata locates ../shared/data, the real published data beside the repository, for tests.
package testdata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Shared returns the path of a file or folder under ../shared/data. When the folder is absent the
// test is skipped, unless PAINMARK_REQUIRE_SHARED is set (CI sets it), in which case it fails: in
// CI a test that silently skips would be a test that cannot fail.
func Shared(t testing.TB, rel ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if env := os.Getenv("PAINMARK_SHARED_DATA"); env != "" {
		root = env
	}
	p := filepath.Join(append([]string{root}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("PAINMARK_REQUIRE_SHARED") != "" {
			t.Fatalf("shared data missing: %v", err)
		}
		t.Skipf("shared data not available: %v", err)
	}
	return p
}
