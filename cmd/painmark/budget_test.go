package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/painmark/painmark/internal/budget"
)

// `learn permute --n 2000000000` (a kept null) exits 1 at once with the memory budget named, and
// writes nothing (issue 21: Go's out-of-memory). learn bootstrap tallies its replicates in
// blocks of 256, so its count does not grow its memory: under a budget below what it holds (a
// block's weights, the tallies, each worker's resampled rows) it exits 1 at once, the message
// naming that, not the count times a size.
func TestBudgetRefusals(t *testing.T) {
	feat, parts, _ := bochumFeatureTable(t)
	dir := t.TempDir()
	for _, c := range []struct {
		cmd, n, limit, want string
	}{
		{"permute", "2000000000", "", "2000000000 permutations would need about"},
		{"bootstrap", "2000000000", "16KiB", "2000000000 bootstrap samples (tallied in blocks of 256: a block's weights, the tallies and each worker's resampled rows) would need about"},
	} {
		t.Setenv(budget.EnvVar, c.limit)
		start := time.Now()
		out := filepath.Join(dir, c.cmd+".json")
		_, stderr, code := runCLI(t, "learn", c.cmd, feat, "--target", parts+":pain", "--n", c.n, "-o", out)
		t.Logf("learn %s --n %s (budget %q): %s", c.cmd, c.n, c.limit, strings.TrimSpace(stderr))
		if code != 1 || !strings.Contains(stderr, budget.EnvVar) || !strings.Contains(stderr, c.want) {
			t.Errorf("learn %s --n %s: exit %d, %s", c.cmd, c.n, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("learn %s wrote %s after failing", c.cmd, out)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("learn %s took %v to refuse", c.cmd, d)
		}
	}
}
