package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/painmark/painmark/internal/budget"
)

// `learn permute|bootstrap --n 2000000000` exit 1 at once with the memory budget named, and write
// nothing (issue 21: Go's out-of-memory).
func TestBudgetRefusals(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	feat, parts, _ := bochumFeatureTable(t)
	dir := t.TempDir()
	for _, cmd := range []string{"permute", "bootstrap"} {
		start := time.Now()
		out := filepath.Join(dir, cmd+".json")
		_, stderr, code := runCLI(t, "learn", cmd, feat, "--target", parts+":pain", "--n", "2000000000", "-o", out)
		if code != 1 || !strings.Contains(stderr, budget.EnvVar) {
			t.Errorf("learn %s --n 2e9: exit %d, %s", cmd, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("learn %s wrote %s after failing", cmd, out)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("learn %s took %v to refuse", cmd, d)
		}
	}
}
