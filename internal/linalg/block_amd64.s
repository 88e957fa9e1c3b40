#include "textflag.h"

// Reduce Y accumulator to a scalar in X: (l0+l2) + (l1+l3), as blockGeneric does.
#define REDUCE(Y, X) \
	VEXTRACTF128 $1, Y, X15; \
	VADDPD X15, X, X; \
	VHADDPD X, X, X

// func dots2x4AVX2(a0, a1, b0, b1, b2, b3 *float64, n4 int, out *float64)
// out[r*4+c] = Σ a_r[t]·b_c[t] over t < n4 (a multiple of 4), one 4-lane accumulator per pair.
TEXT ·dots2x4AVX2(SB), NOSPLIT, $0-64
	MOVQ a0+0(FP), SI
	MOVQ a1+8(FP), DI
	MOVQ b0+16(FP), R8
	MOVQ b1+24(FP), R9
	MOVQ b2+32(FP), R10
	MOVQ b3+40(FP), R11
	MOVQ n4+48(FP), CX
	MOVQ out+56(FP), AX
	SHLQ $3, CX
	XORQ BX, BX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

loop2x4:
	CMPQ BX, CX
	JGE  done2x4
	VMOVUPD (SI)(BX*1), Y8
	VMOVUPD (DI)(BX*1), Y9
	VMOVUPD (R8)(BX*1), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y4
	VMOVUPD (R9)(BX*1), Y11
	VFMADD231PD Y8, Y11, Y1
	VFMADD231PD Y9, Y11, Y5
	VMOVUPD (R10)(BX*1), Y12
	VFMADD231PD Y8, Y12, Y2
	VFMADD231PD Y9, Y12, Y6
	VMOVUPD (R11)(BX*1), Y13
	VFMADD231PD Y8, Y13, Y3
	VFMADD231PD Y9, Y13, Y7
	ADDQ $32, BX
	JMP  loop2x4

done2x4:
	REDUCE(Y0, X0)
	REDUCE(Y1, X1)
	REDUCE(Y2, X2)
	REDUCE(Y3, X3)
	REDUCE(Y4, X4)
	REDUCE(Y5, X5)
	REDUCE(Y6, X6)
	REDUCE(Y7, X7)
	VMOVSD X0, 0(AX)
	VMOVSD X1, 8(AX)
	VMOVSD X2, 16(AX)
	VMOVSD X3, 24(AX)
	VMOVSD X4, 32(AX)
	VMOVSD X5, 40(AX)
	VMOVSD X6, 48(AX)
	VMOVSD X7, 56(AX)
	VZEROUPPER
	RET

// func dots1x4AVX2(a, b0, b1, b2, b3 *float64, n4 int, out *float64)
// out[c] = Σ a[t]·b_c[t] over t < n4 (a multiple of 4), one 4-lane accumulator per pair.
TEXT ·dots1x4AVX2(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), SI
	MOVQ b0+8(FP), R8
	MOVQ b1+16(FP), R9
	MOVQ b2+24(FP), R10
	MOVQ b3+32(FP), R11
	MOVQ n4+40(FP), CX
	MOVQ out+48(FP), AX
	SHLQ $3, CX
	XORQ BX, BX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3

loop1x4:
	CMPQ BX, CX
	JGE  done1x4
	VMOVUPD (SI)(BX*1), Y8
	VFMADD231PD (R8)(BX*1), Y8, Y0
	VFMADD231PD (R9)(BX*1), Y8, Y1
	VFMADD231PD (R10)(BX*1), Y8, Y2
	VFMADD231PD (R11)(BX*1), Y8, Y3
	ADDQ $32, BX
	JMP  loop1x4

done1x4:
	REDUCE(Y0, X0)
	REDUCE(Y1, X1)
	REDUCE(Y2, X2)
	REDUCE(Y3, X3)
	VMOVSD X0, 0(AX)
	VMOVSD X1, 8(AX)
	VMOVSD X2, 16(AX)
	VMOVSD X3, 24(AX)
	VZEROUPPER
	RET

// func axpyAVX2(alpha float64, x, y *float64, n4 int)
// y[t] = fma(alpha, x[t], y[t]) for t < n4 (a multiple of 4).
TEXT ·axpyAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSD alpha+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n4+24(FP), CX
	SHLQ $3, CX
	XORQ BX, BX

loop8:
	LEAQ 32(BX), DX
	CMPQ DX, CX
	JGE  loop4
	VMOVUPD (SI)(BX*1), Y1
	VMOVUPD 32(SI)(BX*1), Y2
	VFMADD213PD (DI)(BX*1), Y0, Y1
	VFMADD213PD 32(DI)(BX*1), Y0, Y2
	VMOVUPD Y1, (DI)(BX*1)
	VMOVUPD Y2, 32(DI)(BX*1)
	ADDQ $64, BX
	JMP  loop8

loop4:
	CMPQ BX, CX
	JGE  doneaxpy
	VMOVUPD (SI)(BX*1), Y1
	VFMADD213PD (DI)(BX*1), Y0, Y1
	VMOVUPD Y1, (DI)(BX*1)
	ADDQ $32, BX
	JMP  loop4

doneaxpy:
	VZEROUPPER
	RET
