package morph

import (
	"math"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// Class means of a map over the real von Economo-Koskinas classes of DK-68, matched by name: a map
// equal to 1 on class-1 regions and 0 elsewhere gives mean 1 there and 0 in the other classes,
// and its class-1 deviation is rare among spun maps while a class-free map's is not.
func TestClassSummary(t *testing.T) {
	tb, err := table.Read(fixtures.Shared(t, "enigma", "derived", "dk68_economo_koskinas_class_mode.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := tb.Column("region")
	cls, _ := tb.Column("economo_koskinas_class_mode")
	classOf := map[string]string{}
	for i, r := range reg.Raw {
		classOf[r] = cls.Raw[i]
	}
	ct, err := table.Read(fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := ct.Column("region")
	var xyz [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		xyz[k], _ = ct.Floats(c)
	}
	coords := make([][3]float64, len(names.Raw))
	for i := range coords {
		coords[i] = [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}
	}
	perms, err := stats.SpinPermutations(coords[:34], coords[34:], 500, 2, stats.SpinNearest)
	if err != nil {
		t.Fatal(err)
	}
	values := make([]float64, len(names.Raw))
	for i, r := range names.Raw {
		if classOf[r] == "1" {
			values[i] = 1
		}
	}
	sum, err := ClassSummary(names.Raw, values, classOf, nulls.FromPermutations(perms))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range sum {
		want := 0.0
		if c.Class == "1" {
			want = 1
		}
		if c.Mean != want {
			t.Errorf("class %s: mean %v, want %v", c.Class, c.Mean, want)
		}
		if c.Class == "1" && c.P > 0.01 {
			t.Errorf("class 1 carries the whole map yet spin p = %v", c.P)
		}
	}
	// A map that ignores the classes (a smooth anterior-posterior gradient) is not class-specific.
	for i := range values {
		values[i] = xyz[1][i]
	}
	sum, _ = ClassSummary(names.Raw, values, classOf, nulls.FromPermutations(perms))
	for _, c := range sum {
		if math.IsNaN(c.P) || c.P < 0.001 {
			t.Errorf("gradient map, class %s: spin p %v", c.Class, c.P)
		}
	}
	if _, err := ClassSummary([]string{"x_1", "x_2"}, []float64{1, 2}, classOf, nil); err == nil {
		t.Error("a map without any classified region was accepted")
	}
	t.Logf("%d classes; e.g. %+v", len(sum), sum[0])
}
