package morph

import (
	"strings"
	"testing"
)

// TestSummaryPathsClean checks that the printed output paths are joined, not concatenated: an
// output folder given with a trailing slash never prints "ms//case_control.tsv".
func TestSummaryPathsClean(t *testing.T) {
	a := &Analysis{Table: &Table{}, CaseControl: &CaseControlResult{group: "Dx", caseLabel: "1"}}
	s := a.Summary("ms/")
	if !strings.Contains(s, "-> ms/case_control.tsv\n") || strings.Contains(s, "//") {
		t.Errorf("summary:\n%s", s)
	}
}
