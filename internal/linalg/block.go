package linalg

import "math"

// Register-blocked dot products: several dot products that share operands computed in one pass, so
// each loaded value feeds more than one multiply-add (a plain dot product loads two values per
// multiply-add and is limited by loads, not arithmetic). Each pair sums in one 4-lane accumulator
// with fused multiply-adds over blocks of 4, the lanes combine as (l0+l2)+(l1+l3), and the last
// n mod 4 terms are added with scalar fused multiply-adds: the same order in the AVX2 kernels and
// the portable code, so results are bit-identical on every machine, and the value of a pair does
// not depend on which other pairs share its block.

// dots2x4 sets out[r*4+c] = Σ_{t<n} a_r[t]·b_c[t] for r < 2, c < 4.
func dots2x4(out *[8]float64, a0, a1, b0, b1, b2, b3 []float64, n int) {
	if n == 0 {
		*out = [8]float64{}
		return
	}
	a0, a1, b0, b1, b2, b3 = a0[:n], a1[:n], b0[:n], b1[:n], b2[:n], b3[:n]
	n4 := n &^ 3
	if useAVX2 && n4 > 0 {
		dots2x4AVX2(&a0[0], &a1[0], &b0[0], &b1[0], &b2[0], &b3[0], n4, &out[0])
	} else {
		as, bs := [2][]float64{a0, a1}, [4][]float64{b0, b1, b2, b3}
		for r := range as {
			for c := range bs {
				out[r*4+c] = lanesDot(as[r], bs[c], n4)
			}
		}
	}
	for t := n4; t < n; t++ {
		out[0] = math.FMA(a0[t], b0[t], out[0])
		out[1] = math.FMA(a0[t], b1[t], out[1])
		out[2] = math.FMA(a0[t], b2[t], out[2])
		out[3] = math.FMA(a0[t], b3[t], out[3])
		out[4] = math.FMA(a1[t], b0[t], out[4])
		out[5] = math.FMA(a1[t], b1[t], out[5])
		out[6] = math.FMA(a1[t], b2[t], out[6])
		out[7] = math.FMA(a1[t], b3[t], out[7])
	}
}

// dots1x4 sets out[c] = Σ_{t<n} a[t]·b_c[t] for c < 4.
func dots1x4(out *[4]float64, a, b0, b1, b2, b3 []float64, n int) {
	if n == 0 {
		*out = [4]float64{}
		return
	}
	a, b0, b1, b2, b3 = a[:n], b0[:n], b1[:n], b2[:n], b3[:n]
	n4 := n &^ 3
	if useAVX2 && n4 > 0 {
		dots1x4AVX2(&a[0], &b0[0], &b1[0], &b2[0], &b3[0], n4, &out[0])
	} else {
		for c, b := range [4][]float64{b0, b1, b2, b3} {
			out[c] = lanesDot(a, b, n4)
		}
	}
	for t := n4; t < n; t++ {
		out[0] = math.FMA(a[t], b0[t], out[0])
		out[1] = math.FMA(a[t], b1[t], out[1])
		out[2] = math.FMA(a[t], b2[t], out[2])
		out[3] = math.FMA(a[t], b3[t], out[3])
	}
}

// lanesDot is the portable form of one pair of the blocked kernels over the first n4 terms.
func lanesDot(a, b []float64, n4 int) float64 {
	var l [4]float64
	for t := 0; t < n4; t += 4 {
		for k := 0; k < 4; k++ {
			l[k] = math.FMA(a[t+k], b[t+k], l[k])
		}
	}
	return (l[0] + l[2]) + (l[1] + l[3])
}

// Axpy adds alpha·x to y (BLAS daxpy) over len(y) with fused multiply-adds, y[t] = fma(alpha, x[t],
// y[t]): each element is one rounding, identical with the AVX2 kernel or without.
func Axpy(alpha float64, x, y []float64) {
	n := len(y)
	if n == 0 {
		return
	}
	x = x[:n]
	n4 := 0
	if useAVX2 {
		n4 = n &^ 3
		if n4 > 0 {
			axpyAVX2(alpha, &x[0], &y[0], n4)
		}
	}
	for t := n4; t < n; t++ {
		y[t] = math.FMA(alpha, x[t], y[t])
	}
}

// DotMany sets out[k] = cols[k]·v for every column (each at least len(v) long), four columns per
// pass over v: a matrix-vector product over columns held as separate slices. Each value equals
// the one a 1 x 4 block gives for that column, wherever it falls among the blocks.
func DotMany(out []float64, cols [][]float64, v []float64) {
	n := len(v)
	var q [4]float64
	k := 0
	for ; k+4 <= len(cols); k += 4 {
		dots1x4(&q, v, cols[k], cols[k+1], cols[k+2], cols[k+3], n)
		out[k], out[k+1], out[k+2], out[k+3] = q[0], q[1], q[2], q[3]
	}
	if k < len(cols) {
		last := cols[len(cols)-1]
		b := [4][]float64{last, last, last, last}
		for c := k; c < len(cols); c++ {
			b[c-k] = cols[c]
		}
		dots1x4(&q, v, b[0], b[1], b[2], b[3], n)
		for c := k; c < len(cols); c++ {
			out[c] = q[c-k]
		}
	}
}
