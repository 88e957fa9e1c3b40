// Package linalg holds the dense kernels that dominate painmark's connectivity and model fitting:
// dot products (AVX2 + FMA on amd64, with a portable fallback that reproduces the same summation
// order bit for bit), Gram matrices, and Cholesky-based inversion of symmetric positive definite
// matrices, all written as dot products of contiguous rows.
package linalg

import "math"

// Dot is Σ a[i]·b[i] over len(a) (b at least as long). It sums in 16 interleaved lanes with fused
// multiply-adds, then combines the lanes in a fixed order, so the result is identical on every
// machine whether the AVX2 kernel or the portable code runs.
func Dot(a, b []float64) float64 {
	n := len(a)
	if n == 0 {
		return 0
	}
	_ = b[n-1]
	if useAVX2 {
		return dotAVX2(&a[0], &b[0], n)
	}
	return dotGeneric(a, b[:n])
}

// dotGeneric mirrors the assembly: four 4-wide accumulators over blocks of 16, then blocks of 4
// into the first accumulator, a fixed reduction, and a fused scalar tail.
func dotGeneric(a, b []float64) float64 {
	var acc [4][4]float64
	n := len(a)
	i := 0
	for ; i+16 <= n; i += 16 {
		for r := 0; r < 4; r++ {
			for l := 0; l < 4; l++ {
				acc[r][l] = math.FMA(a[i+4*r+l], b[i+4*r+l], acc[r][l])
			}
		}
	}
	for ; i+4 <= n; i += 4 {
		for l := 0; l < 4; l++ {
			acc[0][l] = math.FMA(a[i+l], b[i+l], acc[0][l])
		}
	}
	var v [4]float64
	for l := 0; l < 4; l++ {
		s01 := acc[0][l] + acc[1][l]
		s23 := acc[2][l] + acc[3][l]
		v[l] = s01 + s23
	}
	// 256 → 128 bits: lanes (0+2, 1+3), then the horizontal add of the two.
	lo, hi := v[0]+v[2], v[1]+v[3]
	s := lo + hi
	for ; i < n; i++ {
		s = math.FMA(a[i], b[i], s)
	}
	return s
}
