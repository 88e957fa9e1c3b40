package signal

import "math"

// orthonormalBasis returns an orthonormal basis (as columns of a Rows x r matrix) of the column
// space of m, from a Householder QR with column pivoting (LAPACK geqp3, as scipy.linalg.qr(...,
// pivoting=True)), keeping the columns whose |R_ii| exceeds 100·eps: nilearn's rule for dropping
// redundant confounds.
func orthonormalBasis(m Matrix) Matrix {
	rows, cols := m.Rows, m.Cols
	a := m.Clone()
	k := min(rows, cols)
	norms := make([]float64, cols)
	for j := 0; j < cols; j++ {
		var s float64
		for t := 0; t < rows; t++ {
			v := a.Data[t*cols+j]
			s += v * v
		}
		norms[j] = s
	}
	perm := make([]int, cols)
	for j := range perm {
		perm[j] = j
	}
	vs := make([][]float64, 0, k)
	betas := make([]float64, 0, k)
	rdiag := make([]float64, 0, k)
	for step := 0; step < k; step++ {
		// Pivot: the remaining column with the largest norm (recomputed exactly for stability).
		best, bestNorm := step, -1.0
		for j := step; j < cols; j++ {
			var s float64
			for t := step; t < rows; t++ {
				v := a.Data[t*cols+j]
				s += v * v
			}
			norms[j] = s
			if s > bestNorm {
				best, bestNorm = j, s
			}
		}
		if best != step {
			for t := 0; t < rows; t++ {
				a.Data[t*cols+step], a.Data[t*cols+best] = a.Data[t*cols+best], a.Data[t*cols+step]
			}
			perm[step], perm[best] = perm[best], perm[step]
		}
		// Householder vector for column `step` below the diagonal.
		alpha := math.Sqrt(bestNorm)
		x0 := a.Data[step*cols+step]
		if x0 > 0 {
			alpha = -alpha
		}
		v := make([]float64, rows)
		v[step] = x0 - alpha
		for t := step + 1; t < rows; t++ {
			v[t] = a.Data[t*cols+step]
		}
		var vv float64
		for t := step; t < rows; t++ {
			vv += v[t] * v[t]
		}
		beta := 0.0
		if vv > 0 {
			beta = 2 / vv
		}
		for j := step; j < cols; j++ {
			var d float64
			for t := step; t < rows; t++ {
				d += v[t] * a.Data[t*cols+j]
			}
			d *= beta
			for t := step; t < rows; t++ {
				a.Data[t*cols+j] -= d * v[t]
			}
		}
		vs = append(vs, v)
		betas = append(betas, beta)
		rdiag = append(rdiag, a.Data[step*cols+step])
	}
	const tol = 100 * 2.220446049250313e-16
	var keep []int
	for i, r := range rdiag {
		if math.Abs(r) > tol {
			keep = append(keep, i)
		}
	}
	// Q's kept columns: apply the reflections to unit vectors e_i.
	q := NewMatrix(rows, len(keep))
	for c, i := range keep {
		e := make([]float64, rows)
		e[i] = 1
		for s := len(vs) - 1; s >= 0; s-- {
			var d float64
			for t := s; t < rows; t++ {
				d += vs[s][t] * e[t]
			}
			d *= betas[s]
			for t := s; t < rows; t++ {
				e[t] -= d * vs[s][t]
			}
		}
		q.SetColumn(c, e)
	}
	return q
}

// projectOut removes from every column of s its projection on the column space of the orthonormal
// basis q: s - Q·(Qᵀ·s).
func projectOut(s, q Matrix) {
	coef := make([]float64, q.Cols)
	for j := 0; j < s.Cols; j++ {
		for c := 0; c < q.Cols; c++ {
			var d float64
			for t := 0; t < s.Rows; t++ {
				d += q.Data[t*q.Cols+c] * s.Data[t*s.Cols+j]
			}
			coef[c] = d
		}
		for t := 0; t < s.Rows; t++ {
			var p float64
			for c := 0; c < q.Cols; c++ {
				p += q.Data[t*q.Cols+c] * coef[c]
			}
			s.Data[t*s.Cols+j] -= p
		}
	}
}
