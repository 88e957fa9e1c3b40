package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatal("the final name exists before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "partial" {
		t.Errorf("content %q", b)
	}
	g, _ := Create(filepath.Join(dir, "aborted.txt"))
	g.WriteString("x")
	g.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("after abort: %v", entries)
	}
	if err := WriteFile(filepath.Join(dir, "missing-dir", "x"), nil); err == nil {
		t.Error("writing into a missing folder should fail")
	}
}
