package stats

import (
	"fmt"
	"math"
)

// LinearSumAssignment solves the square assignment problem: the permutation col (row i gets
// column col[i]) minimizing Σ cost[i][col[i]], for an n x n cost matrix in row-major order. It is
// the problem scipy.optimize.linear_sum_assignment solves; this is the shortest augmenting path
// method with dual potentials (Kuhn-Munkres in O(n³)). With continuous costs the optimum is
// unique almost surely, so both give the same assignment.
func LinearSumAssignment(cost []float64, n int) ([]int, error) {
	if len(cost) != n*n {
		return nil, fmt.Errorf("assignment: %d costs for a %d x %d matrix", len(cost), n, n)
	}
	for _, c := range cost {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("assignment: the cost matrix has a non-finite entry")
		}
	}
	return assign(cost, n), nil
}

// assign is LinearSumAssignment on a cost matrix known to be finite.
func assign(cost []float64, n int) []int {
	// 1-based arrays with a virtual column 0 (the classic formulation): u, v are the row and
	// column potentials, match[j] the row assigned to column j.
	u, v := make([]float64, n+1), make([]float64, n+1)
	match, way := make([]int, n+1), make([]int, n+1)
	minv, used := make([]float64, n+1), make([]bool, n+1)
	for i := 1; i <= n; i++ {
		match[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = math.Inf(1), false
		}
		for {
			used[j0] = true
			i0, delta, j1 := match[j0], math.Inf(1), 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				if c := cost[(i0-1)*n+j-1] - u[i0] - v[j]; c < minv[j] {
					minv[j], way[j] = c, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[match[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if match[j0] == 0 {
				break
			}
		}
		// Augment along the path back to the virtual column.
		for j0 != 0 {
			j1 := way[j0]
			match[j0] = match[j1]
			j0 = j1
		}
	}
	col := make([]int, n)
	for j := 1; j <= n; j++ {
		col[match[j]-1] = j - 1
	}
	return col
}
