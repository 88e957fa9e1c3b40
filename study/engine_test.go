package study

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanKeysAndBuilds: a unit's key changes with its options, its inputs' content, the version
// and its dependencies, not with a file's modification time alone; a failed build leaves nothing
// under the final name; built units are not built again.
func TestPlanKeysAndBuilds(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.tsv")
	os.WriteFile(in, []byte("x\n1\n"), 0o644)
	h := LoadFileHashes(filepath.Join(dir, "cache"))
	key := func(opt any, version string) string {
		u, err := NewUnit("s", "a", opt, version, []string{in}, h, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return u.Key
	}
	k0 := key(map[string]int{"k": 1}, "v1")
	if key(map[string]int{"k": 2}, "v1") == k0 || key(map[string]int{"k": 1}, "v2") == k0 {
		t.Error("options or version do not change the key")
	}
	os.WriteFile(in, []byte("x\n2\n"), 0o644)
	if key(map[string]int{"k": 1}, "v1") == k0 {
		t.Error("new content does not change the key")
	}
	os.WriteFile(in, []byte("x\n1\n"), 0o644) // same content again, new mtime
	if key(map[string]int{"k": 1}, "v1") != k0 {
		t.Error("the same content gives another key")
	}
	p := &Plan{Cache: filepath.Join(dir, "cache")}
	u, _ := NewUnit("s", "a", nil, "v1", []string{in}, h, nil, nil)
	p.Units = append(p.Units, u)
	d, _ := NewUnit("t", "merge", nil, "v1", nil, h, []int{0}, p.Units)
	p.Units = append(p.Units, d)
	fail := func(u Unit, dir string, deps []string) error {
		os.WriteFile(filepath.Join(dir, "half"), []byte("x"), 0o644)
		return fmt.Errorf("boom")
	}
	if _, err := p.BuildUnit(0, fail); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("failed build: %v", err)
	}
	if p.Done(p.Units[0]) {
		t.Fatal("a failed build left its output under the final name")
	}
	if _, err := p.BuildUnit(1, fail); err == nil || !strings.Contains(err.Error(), "not built") {
		t.Errorf("a unit built before its dependency: %v", err)
	}
	calls := 0
	ok := func(u Unit, dir string, deps []string) error {
		calls++
		return os.WriteFile(filepath.Join(dir, "out"), []byte(u.Key), 0o644)
	}
	if n, err := p.RunLocal(ok, nil); err != nil || n != 2 || calls != 2 {
		t.Fatalf("run: %d units, %d calls, %v", n, calls, err)
	}
	if n, _ := p.RunLocal(ok, nil); n != 0 || calls != 2 {
		t.Errorf("a second run built %d units", n)
	}
	if m, _ := filepath.Glob(filepath.Join(p.Cache, "s", ".tmp-*")); len(m) != 0 {
		t.Errorf("temporary folders left: %v", m)
	}
}

// TestLock: a second run on the same output folder is refused while the first holds it.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	a, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AcquireLock(dir); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("second lock: %v", err)
	}
	a.Release()
	b, err := AcquireLock(dir)
	if err != nil {
		t.Errorf("after release: %v", err)
	}
	b.Release()
}
