package study

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// An input edited in place to the same size and modification time is hashed again (its change time
// moved), across a saved and reloaded hashes.json (issue 21: the cache trusted size + mtime and
// republished stale results); Verify re-reads even an untouched file.
func TestEditedInputSameSizeAndMtimeIsNotStale(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	in := filepath.Join(dir, "a.tsv")
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	write := func(content string) {
		if err := os.WriteFile(in, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(in, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	write("x\n1\n")
	h := LoadFileHashes(cache)
	s1, err := h.Sum(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let the change time move on coarse clocks
	write("x\n2\n")                   // same size, same mtime
	h = LoadFileHashes(cache)
	s2, err := h.Sum(in)
	if err != nil {
		t.Fatal(err)
	}
	if s1 == s2 {
		t.Fatal("an input edited in place with the same size and mtime kept its old hash")
	}
	// Verify: a remembered entry forged to match is not trusted.
	h.Verify = true
	abs, _ := filepath.Abs(in)
	e := h.entries[abs]
	e.Sum = s1
	h.entries[abs] = e
	if s3, _ := h.Sum(in); s3 != s2 {
		t.Error("Verify trusted the remembered hash")
	}
}
