package stats

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
)

// `spin --n 2e9` is refused before any rotation is drawn (issue 21: it grew without bound).
func TestSpinCountWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	left := [][3]float64{{1, 0, 0}, {0, 1, 0}}
	right := [][3]float64{{-1, 0, 0}, {0, 0, 1}}
	_, err := SpinPermutations(left, right, 2000000000, 1, SpinVasa)
	if err == nil || !strings.Contains(err.Error(), "2000000000 spins") {
		t.Errorf("2e9 spins: %v", err)
	}
}
