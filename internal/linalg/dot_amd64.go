package linalg

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func dotAVX2(a, b *float64, n int) float64

//go:noescape
func dots2x4AVX2(a0, a1, b0, b1, b2, b3 *float64, n4 int, out *float64)

//go:noescape
func dots1x4AVX2(a, b0, b1, b2, b3 *float64, n4 int, out *float64)

//go:noescape
func axpyAVX2(alpha float64, x, y *float64, n4 int)
