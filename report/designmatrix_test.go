package report

import (
	"strings"
	"testing"
)

// DesignMatrix draws one image of scans x columns with every column named, passes the SVG
// allow-list, and refuses ragged columns.
func TestDesignMatrix(t *testing.T) {
	cols := [][]float64{{0, 1, 0, -0.2}, {1, 1, 1, 1}, {0, 0, 0, 0}}
	s, err := DesignMatrix("Design matrix", []string{"heat", "constant", "empty"}, cols)
	if err != nil {
		t.Fatal(err)
	}
	svg := s.String()
	if err := checkSVG(svg); err != nil {
		t.Fatal(err)
	}
	if strings.Count(svg, "<image") != 1 || !strings.Contains(svg, ">heat<") || !strings.Contains(svg, ">constant<") || !strings.Contains(svg, ">3<") {
		t.Errorf("design matrix figure: %.600s", svg)
	}
	if _, err := DesignMatrix("x", []string{"a", "b"}, [][]float64{{1, 2}, {1}}); err == nil || !strings.Contains(err.Error(), `column "b" has 1 scans`) {
		t.Errorf("ragged columns: %v", err)
	}
}
