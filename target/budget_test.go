package target

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
)

// A stimopt state with "candidates": 2000000000 is refused when read, before Suggest allocates
// (issue 21: it grew without bound).
func TestStimoptCandidatesWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	s, err := NewState([]Parameter{{Name: "x", Type: "continuous", Min: 0, Max: 1}}, "ei", 1)
	if err != nil {
		t.Fatal(err)
	}
	s.Candidates = 2000000000
	path := filepath.Join(t.TempDir(), "state.json")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err = LoadState(path); err == nil || !strings.Contains(err.Error(), "2000000000 candidates") {
		t.Errorf("LoadState: %v", err)
	}
	if _, err := s.Suggest(); err == nil || !strings.Contains(err.Error(), "candidates") {
		t.Errorf("Suggest: %v", err)
	}
}
