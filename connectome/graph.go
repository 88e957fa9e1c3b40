package connectome

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// GlobalEfficiency is the Brain Connectivity Toolbox's efficiency_wei(W) (global; Latora &
// Marchiori 2001, Rubinov & Sporns 2010): the mean over ordered node pairs of the inverse
// shortest-path length, lengths being the inverse weights (L_ij = 1/W_ij for W_ij ≠ 0;
// unreachable pairs count 0). W is an n x n symmetric, non-negative matrix, row-major; BCT expects
// weights in [0, 1] (scale by the largest first).
func GlobalEfficiency(w []float64, n int) (float64, error) {
	if len(w) != n*n || n < 2 {
		return math.NaN(), fmt.Errorf("global efficiency: %d weights for %d nodes", len(w), n)
	}
	d := make([]float64, n*n)
	for i := range d {
		d[i] = math.Inf(1)
		if w[i] < 0 {
			return math.NaN(), fmt.Errorf("global efficiency: negative weight %g", w[i])
		}
		if w[i] > 0 {
			d[i] = 1 / w[i]
		}
	}
	for i := 0; i < n; i++ {
		d[i*n+i] = 0
	}
	for k := 0; k < n; k++ { // Floyd–Warshall
		dk := d[k*n : (k+1)*n]
		for i := 0; i < n; i++ {
			dik := d[i*n+k]
			if math.IsInf(dik, 1) {
				continue
			}
			di := d[i*n : (i+1)*n]
			for j, v := range dk {
				if s := dik + v; s < di[j] {
					di[j] = s
				}
			}
		}
	}
	var sum float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				sum += 1 / d[i*n+j] // 1/Inf = 0
			}
		}
	}
	return sum / float64(n*n-n), nil
}

// Modularity is the Brain Connectivity Toolbox's modularity_und(W, gamma) (Newman 2006, Leicht &
// Newman 2008): the network split recursively in two along the leading eigenvector of the
// (generalized) modularity matrix B = W − γ·k·kᵀ/2m, each split fine-tuned by Kernighan–Lin node
// moves, until no split increases Q; it returns the modules (1, 2, ... by their first node) and Q = Σ_ij B_ij·δ(c_i, c_j)/2m. Deterministic. W is n x n symmetric,
// non-negative, row-major. Nodes without edges form modules of their own.
func Modularity(w []float64, n int, gamma float64) ([]int, float64, error) {
	if len(w) != n*n || n < 1 {
		return nil, math.NaN(), fmt.Errorf("modularity: %d weights for %d nodes", len(w), n)
	}
	k := make([]float64, n)
	var m float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			k[j] += w[i*n+j]
		}
	}
	for _, v := range k {
		m += v
	}
	if m == 0 {
		return nil, math.NaN(), fmt.Errorf("modularity: the network has no edges")
	}
	b := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			b[i*n+j] = w[i*n+j] - gamma*k[i]*k[j]/m
		}
	}
	var modules [][]int
	var recur func(module []int) error
	recur = func(module []int) error {
		nm := len(module)
		mm := make([]float64, nm*nm)
		for a, i := range module {
			for c, j := range module {
				mm[a*nm+c] = b[i*n+j]
			}
		}
		for c := 0; c < nm; c++ { // modmat − diag(column sums)
			var s float64
			for a := 0; a < nm; a++ {
				s += mm[a*nm+c]
			}
			mm[c*nm+c] -= s
		}
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(nm, append([]float64(nil), mm...)), true) {
			return fmt.Errorf("modularity: eigendecomposition failed")
		}
		vals := es.Values(nil)
		var vecs mat.Dense
		es.VectorsTo(&vecs)
		top := 0
		for i, v := range vals {
			if v > vals[top] {
				top = i
			}
		}
		s := make([]float64, nm)
		for a := range s {
			s[a] = -1
			if vecs.At(a, top) >= 0 {
				s[a] = 1
			}
		}
		q := quad(mm, s)
		if !(q > 0) {
			modules = append(modules, module)
			return nil
		}
		// Fine tuning: move each node once, the best move first, keeping the best assignment.
		qmax := q
		for a := 0; a < nm; a++ {
			mm[a*nm+a] = 0
		}
		iter := append([]float64(nil), s...)
		free := make([]bool, nm)
		for a := range free {
			free[a] = true
		}
		for left := nm; left > 0; left-- {
			best, bestQ := -1, math.Inf(-1)
			for a := 0; a < nm; a++ {
				if !free[a] { // moved nodes are out (MATLAB's NaN, bctpy's mask)
					continue
				}
				var ms float64
				for c := 0; c < nm; c++ {
					ms += mm[a*nm+c] * iter[c]
				}
				if qa := qmax - 4*iter[a]*ms; qa > bestQ {
					best, bestQ = a, qa
				}
			}
			qmax = bestQ
			iter[best] = -iter[best]
			free[best] = false
			if qmax > q {
				q = qmax
				copy(s, iter)
			}
		}
		var one, two []int
		for a, v := range s {
			if v > 0 {
				one = append(one, module[a])
			} else {
				two = append(two, module[a])
			}
		}
		if len(one) == 0 || len(two) == 0 { // the fine tuning gave a null split
			modules = append(modules, module)
			return nil
		}
		if err := recur(one); err != nil {
			return err
		}
		return recur(two)
	}
	// Nodes without edges (B's row is zero) go wherever rounding puts them in BCT; here each is a
	// module of its own, which leaves Q unchanged.
	var linked []int
	for i := 0; i < n; i++ {
		if k[i] != 0 {
			linked = append(linked, i)
		} else {
			modules = append(modules, []int{i})
		}
	}
	if err := recur(linked); err != nil {
		return nil, math.NaN(), err
	}
	// Modules numbered by their first node (BCT numbers them in order of discovery, which depends
	// on the sign of each eigenvector, an arbitrary choice of the eigensolver).
	ci := make([]int, n)
	for _, mod := range modules {
		for _, i := range mod {
			ci[i] = -1 - mod[0]
		}
	}
	next, label := 0, map[int]int{}
	for i, c := range ci {
		if _, ok := label[c]; !ok {
			next++
			label[c] = next
		}
		ci[i] = label[c]
	}
	var q float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if ci[i] == ci[j] {
				q += b[i*n+j]
			}
		}
	}
	return ci, q / m, nil
}

// quad is sᵀ·M·s.
func quad(m, s []float64) float64 {
	n := len(s)
	var q float64
	for a := 0; a < n; a++ {
		var r float64
		for c := 0; c < n; c++ {
			r += m[a*n+c] * s[c]
		}
		q += s[a] * r
	}
	return q
}
