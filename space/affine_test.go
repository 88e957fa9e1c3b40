package space

import (
	"math"
	"testing"
)

func TestInverseAndCompose(t *testing.T) {
	c, s := math.Cos(0.3), math.Sin(0.3)
	a := Affine{{2 * c, -2 * s, 0.1, 10}, {2 * s, 2 * c, 0, -20}, {0, 0.2, 3, 5}, {0, 0, 0, 1}}
	inv, err := a.Inverse()
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Mul(inv).MaxAbsDiff(Identity()); d > 1e-14 {
		t.Errorf("A·A⁻¹ differs from identity by %g", d)
	}
	x, y, z := a.Apply(1, 2, 3)
	i, j, k := inv.Apply(x, y, z)
	if math.Abs(i-1)+math.Abs(j-2)+math.Abs(k-3) > 1e-13 {
		t.Errorf("round trip gave %v %v %v", i, j, k)
	}
	if vs := (Affine{{-2, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 4, 0}, {0, 0, 0, 1}}).VoxelSizes(); vs != [3]float64{2, 3, 4} {
		t.Errorf("voxel sizes %v", vs)
	}
	for _, bad := range []Affine{{{1, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}, {{math.NaN(), 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}} {
		if _, err := bad.Inverse(); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
