package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
)

// A study file with permutations = 2e9 is refused when loaded, before any unit is planned (issue
// 21: it grew without bound).
func TestStudyPermutationsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	dir := t.TempDir()
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
timeseries = "roi"
[connectivity]
kind = "correlation"
[model]
target = "participants.tsv:pain"
permutations = 2000000000
`), 0o644)
	_, err := Load(st)
	if err == nil || !strings.Contains(err.Error(), "2000000000 permutations") {
		t.Errorf("Load: %v", err)
	}
}
