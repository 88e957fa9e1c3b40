package stats

import (
	"math"
	"testing"
)

func TestDescriptive(t *testing.T) {
	if Median([]float64{3, 1, 2}) != 2 || Median([]float64{4, 1, 3, 2}) != 2.5 || !math.IsNaN(Median(nil)) {
		t.Error("median")
	}
	if Mean([]float64{1, 2, 3, 6}) != 3 {
		t.Error("mean")
	}
	x := []float64{1, 2, 3, 4, 5}
	if r := Pearson(x, []float64{2, 4, 6, 8, 10}); math.Abs(r-1) > 1e-15 {
		t.Errorf("r = %v", r)
	}
	if r := Pearson(x, []float64{5, 4, 3, 2, 1}); math.Abs(r+1) > 1e-15 {
		t.Errorf("r = %v", r)
	}
	if !math.IsNaN(Pearson(x, []float64{1, 1, 1, 1, 1})) {
		t.Error("constant series")
	}
}
