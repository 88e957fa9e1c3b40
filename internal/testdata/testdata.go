// Package testdata locates ../shared/data, the real published data beside the repository, for tests.
package testdata

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
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

// RunPython runs a peer script with Debian's Python (PAINMARK_PYTHON; the test is skipped when it is
// unset, as outside the extended suite): in is written as JSON to a file passed as the first
// argument, the script writes its JSON answer to the second, which is decoded into out.
func RunPython(t testing.TB, script string, in, out any) {
	t.Helper()
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	dir := t.TempDir()
	inPath, outPath := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.json")
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(py, script, inPath, outPath).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, msg)
	}
	b, err = os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: %v", script, err)
	}
}

// PyList writes values as a Python list literal with every digit kept (shortest round-trip
// representation), for inline peer scripts.
func PyList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return "[" + strings.Join(s, ",") + "]"
}

// PythonFloats runs an inline script with the peers' Python (PAINMARK_PYTHON; the test is skipped
// without it) and returns the JSON list of numbers it prints.
func PythonFloats(t testing.TB, script string) []float64 {
	t.Helper()
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatalf("peer script: %v", err)
	}
	var v []float64
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("peer script printed %q: %v", out, err)
	}
	return v
}

// RunPythonInline is RunPython for a script given as text (written to a temporary file).
func RunPythonInline(t testing.TB, script string, in, out any) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "peer.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	RunPython(t, path, in, out)
}
