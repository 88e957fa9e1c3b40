package atlas

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUnknownAtlasListsBuiltins checks that a name that is neither a built-in atlas nor a file
// lists the built-in atlases, while a file that is no atlas keeps its own error.
func TestUnknownAtlasListsBuiltins(t *testing.T) {
	if _, err := Open("mist121"); err == nil || !strings.Contains(err.Error(), "built in: dk68, mist122") {
		t.Errorf("Open: %v", err)
	}
	if _, _, _, err := LoadSet("mist121", ""); err == nil || !strings.Contains(err.Error(), "built in: dk68, mist122") {
		t.Errorf("LoadSet: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "x.tsv")
	if _, err := Open(bad); err == nil || !strings.Contains(err.Error(), "built in") {
		t.Errorf("Open(missing file): %v", err)
	}
}
