package synthetic

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckOutputDir(t *testing.T) {
	dir := t.TempDir()
	if err := CheckOutputDir(filepath.Join(dir, "new")); err != nil {
		t.Fatalf("missing folder: %v", err)
	}
	if err := CheckOutputDir(dir); err != nil {
		t.Fatalf("empty folder: %v", err)
	}
	file := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(file, []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckOutputDir(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("non-empty folder: got %v", err)
	}
	if err := CheckOutputDir(file); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("a file: got %v", err)
	}
}
