// Package space holds the geometry shared by every image format: 4x4 voxel-to-world affines in
// scanner or template millimetres (RAS+, as NIfTI's qform/sform and nibabel's img.affine).
package space

import (
	"fmt"
	"math"
)

// Affine maps voxel indices (i, j, k, 1) to world coordinates (x, y, z, 1), row-major: A[row][col].
type Affine [4][4]float64

// Identity returns the identity affine.
func Identity() Affine {
	return Affine{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}
}

// Apply maps voxel coordinates (i, j, k) to world coordinates.
func (a Affine) Apply(i, j, k float64) (x, y, z float64) {
	x = a[0][0]*i + a[0][1]*j + a[0][2]*k + a[0][3]
	y = a[1][0]*i + a[1][1]*j + a[1][2]*k + a[1][3]
	z = a[2][0]*i + a[2][1]*j + a[2][2]*k + a[2][3]
	return x, y, z
}

// Mul returns the composition a·b (b is applied first).
func (a Affine) Mul(b Affine) Affine {
	var c Affine
	for r := 0; r < 4; r++ {
		for col := 0; col < 4; col++ {
			var s float64
			for k := 0; k < 4; k++ {
				s += a[r][k] * b[k][col]
			}
			c[r][col] = s
		}
	}
	return c
}

// Inverse returns the inverse of an affine whose last row is (0, 0, 0, 1). It fails when the 3x3
// part is singular or not finite, which is how a corrupt header usually shows itself.
func (a Affine) Inverse() (Affine, error) {
	if !a.IsFinite() {
		return Affine{}, fmt.Errorf("affine has non-finite entries")
	}
	m := [3][3]float64{
		{a[0][0], a[0][1], a[0][2]},
		{a[1][0], a[1][1], a[1][2]},
		{a[2][0], a[2][1], a[2][2]},
	}
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	scale := math.Abs(m[0][0]) + math.Abs(m[1][1]) + math.Abs(m[2][2]) + math.Abs(m[0][1]) + math.Abs(m[1][0])
	if det == 0 || math.Abs(det) < 1e-12*scale*scale*scale {
		return Affine{}, fmt.Errorf("affine is singular (determinant %g)", det)
	}
	var inv [3][3]float64
	inv[0][0] = (m[1][1]*m[2][2] - m[1][2]*m[2][1]) / det
	inv[0][1] = (m[0][2]*m[2][1] - m[0][1]*m[2][2]) / det
	inv[0][2] = (m[0][1]*m[1][2] - m[0][2]*m[1][1]) / det
	inv[1][0] = (m[1][2]*m[2][0] - m[1][0]*m[2][2]) / det
	inv[1][1] = (m[0][0]*m[2][2] - m[0][2]*m[2][0]) / det
	inv[1][2] = (m[0][2]*m[1][0] - m[0][0]*m[1][2]) / det
	inv[2][0] = (m[1][0]*m[2][1] - m[1][1]*m[2][0]) / det
	inv[2][1] = (m[0][1]*m[2][0] - m[0][0]*m[2][1]) / det
	inv[2][2] = (m[0][0]*m[1][1] - m[0][1]*m[1][0]) / det
	var out Affine
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			out[r][c] = inv[r][c]
		}
		out[r][3] = -(inv[r][0]*a[0][3] + inv[r][1]*a[1][3] + inv[r][2]*a[2][3])
	}
	out[3][3] = 1
	return out, nil
}

// IsFinite reports whether every entry is finite.
func (a Affine) IsFinite() bool {
	for _, row := range a {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// VoxelSizes returns the length of each of the three voxel axes in world units (the column norms
// of the 3x3 part), as nibabel.affines.voxel_sizes.
func (a Affine) VoxelSizes() [3]float64 {
	var v [3]float64
	for c := 0; c < 3; c++ {
		v[c] = math.Sqrt(a[0][c]*a[0][c] + a[1][c]*a[1][c] + a[2][c]*a[2][c])
	}
	return v
}

// MaxAbsDiff returns the largest absolute difference between two affines' entries.
func (a Affine) MaxAbsDiff(b Affine) float64 {
	var d float64
	for r := 0; r < 4; r++ {
		for c := 0; c < 4; c++ {
			d = math.Max(d, math.Abs(a[r][c]-b[r][c]))
		}
	}
	return d
}

// Rows returns the affine as a slice of rows, the layout of JSON output and of numpy's img.affine.
func (a Affine) Rows() [][]float64 {
	out := make([][]float64, 4)
	for r := range a {
		out[r] = []float64{a[r][0], a[r][1], a[r][2], a[r][3]}
	}
	return out
}
