package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSyntheticRefusesNonEmptyFolder: every simulator refuses a folder that already holds files
// (the README once sent `synthetic csps study/` into the Go package folder study/), exits 2 and
// adds nothing to it.
func TestSyntheticRefusesNonEmptyFolder(t *testing.T) {
	for _, sub := range []string{"csps", "participant", "target-participant"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "engine.go"), []byte("package study\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := runCLI(t, "synthetic", sub, dir)
		if code != 2 || !strings.Contains(errOut, "not empty") {
			t.Errorf("synthetic %s into a non-empty folder: exit %d, stderr %q", sub, code, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("synthetic %s wrote %d entries into the refused folder", sub, len(entries)-1)
		}
	}
}
