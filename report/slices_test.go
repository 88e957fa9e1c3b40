package report

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/space"
)

// TestSlices: three views, the marker drawn on each slice through it, refused on a wrong size.
func TestSlices(t *testing.T) {
	shape := [3]int{10, 12, 8}
	aff := space.Affine{{-3, 0, 0, 15}, {0, 3, 0, -18}, {0, 0, 3, -12}, {0, 0, 0, 1}}
	n := shape[0] * shape[1] * shape[2]
	v, under := make([]float64, n), make([]float64, n)
	for i := range v {
		v[i] = math.Sin(float64(i))
		under[i] = 1
	}
	s, err := Slices("map", "z", shape, aff, v, under, []Marker{{"1", [3]float64{0, 0, 0}}, {"far", [3]float64{15, 15, 9}}})
	if err != nil {
		t.Fatal(err)
	}
	out := s.String()
	if strings.Count(out, "<image") != 3 || strings.Count(out, "<circle") != 3 || strings.Count(out, ">far<") != 0 {
		t.Errorf("%d images, %d markers", strings.Count(out, "<image"), strings.Count(out, "<circle"))
	}
	if _, err := Slices("map", "z", shape, aff, v[:10], nil, nil); err == nil {
		t.Error("a short map was drawn")
	}
}
