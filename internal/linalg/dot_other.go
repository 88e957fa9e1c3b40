//go:build !amd64

package linalg

const useAVX2 = false

func dotAVX2(a, b *float64, n int) float64 { panic("unreachable") }

func dots2x4AVX2(a0, a1, b0, b1, b2, b3 *float64, n4 int, out *float64) { panic("unreachable") }

func dots1x4AVX2(a, b0, b1, b2, b3 *float64, n4 int, out *float64) { panic("unreachable") }

func axpyAVX2(alpha float64, x, y *float64, n4 int) { panic("unreachable") }
