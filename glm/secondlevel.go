package glm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/parallel"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// SecondLevelOptions are the options of NonParametric, nilearn 0.10.3's non_parametric_inference.
type SecondLevelOptions struct {
	// Permutations is the number of sign-flip permutations (nilearn's n_perm, default 10000).
	Permutations int `json:"n_perm"`
	// TwoSided tests |t| (nilearn's two_sided_test, default false: positive effects).
	TwoSided bool `json:"two_sided_test"`
	// ClusterP is the uncorrected p-value of the cluster-forming threshold (nilearn's threshold;
	// 0: no cluster inference). The t threshold is the t distribution's isf(ClusterP) (halved
	// when two-sided) on n - 1 - covariates degrees of freedom.
	ClusterP float64 `json:"threshold"`
	// Seed draws the sign flips: permutation i flips by its own stream (Seed, i), so results do
	// not depend on workers.
	Seed uint64 `json:"seed"`
}

// DefaultSecondLevelOptions returns nilearn's defaults: 10000 one-sided permutations, no cluster
// inference, seed 1.
func DefaultSecondLevelOptions() SecondLevelOptions {
	return SecondLevelOptions{Permutations: 10000, Seed: 1}
}

// Grid places the voxels of second-level maps on a 3D grid for cluster inference: Voxels[v] is
// voxel v's index (x fastest) in a grid of Shape.
type Grid struct {
	Shape  [3]int
	Voxels []int
}

// NonParametricResult is the one-sample (intercept) test of every voxel, as nilearn's
// permuted_ols dict output: T, LogPMaxT (-log10 of the max-t FWER p, (1 + #{h0 ≥ t}) / (1 +
// permutations)) and H0MaxT (the maximum t of each permutation); with cluster inference, each
// voxel's cluster Size and Mass (Σ |t| - threshold over the cluster; 0 outside clusters), their
// -log10 FWER p-values against the permutations' maxima (nilearn's null_to_p, "larger") and the
// null maxima.
type NonParametricResult struct {
	T, LogPMaxT []float64
	H0MaxT      []float64
	Threshold   float64   `json:",omitempty"`
	Size        []int     `json:",omitempty"`
	Mass        []float64 `json:",omitempty"`
	LogPMaxSize []float64 `json:",omitempty"`
	LogPMaxMass []float64 `json:",omitempty"`
	H0MaxSize   []float64 `json:",omitempty"`
	H0MaxMass   []float64 `json:",omitempty"`
}

// SignFlips returns the sign flips of opts' permutations over n subjects: row i from its own
// stream (Seed, i+1).
func SignFlips(n int, opts SecondLevelOptions) [][]float64 {
	out := make([][]float64, opts.Permutations)
	for i := range out {
		r := rand.New(rand.NewPCG(opts.Seed, uint64(i)+1))
		out[i] = make([]float64, n)
		for s := range out[i] {
			out[i][s] = float64(2*int(r.Uint64()&1) - 1)
		}
	}
	return out
}

// NonParametric is nilearn's non_parametric_inference for a one-sample design (the tested
// regressor the intercept; a paired design is the one-sample test of the within-subject
// differences) with covariates (columns, one value per subject; nilearn's confounding variates,
// not centred): y[s][v] is subject s's map at voxel v. The t of each voxel is nilearn's
// t_score_with_covars_and_normalized_design (targets normalised, residualised on the
// orthonormalised covariates, renormalised); the null flips the residualised targets' signs.
// grid may be nil without cluster inference.
func NonParametric(y [][]float64, covariates [][]float64, grid *Grid, opts SecondLevelOptions) (*NonParametricResult, error) {
	if opts.Permutations < 1 {
		return nil, fmt.Errorf("second level: %d permutations", opts.Permutations)
	}
	return NonParametricFlips(y, covariates, grid, SignFlips(len(y), opts), opts)
}

// NonParametricFlips is NonParametric with the sign flips given (one row of ±1 per permutation),
// to compare with a peer fed the same draws.
func NonParametricFlips(y [][]float64, covariates [][]float64, grid *Grid, flips [][]float64, opts SecondLevelOptions) (*NonParametricResult, error) {
	n := len(y)
	if n < 3 {
		return nil, fmt.Errorf("second level: %d subjects (at least 3)", n)
	}
	nv := len(y[0])
	for s := range y {
		if len(y[s]) != nv {
			return nil, fmt.Errorf("second level: subject %d has %d voxels, subject 1 has %d", s+1, len(y[s]), nv)
		}
	}
	// Orthonormalised covariates (nilearn's orthonormalize_matrix: left singular vectors of
	// singular values above 1e-12).
	var co [][]float64
	if len(covariates) > 0 {
		c := mat.NewDense(n, len(covariates), nil)
		for k, col := range covariates {
			if len(col) != n {
				return nil, fmt.Errorf("second level: covariate %d has %d values for %d subjects", k+1, len(col), n)
			}
			constant := true
			for s, v := range col {
				c.Set(s, k, v)
				constant = constant && v == col[0]
			}
			if constant {
				return nil, fmt.Errorf("second level: covariate %d is constant (the intercept is the tested regressor)", k+1)
			}
		}
		var svd mat.SVD
		if !svd.Factorize(c, mat.SVDThin) {
			return nil, fmt.Errorf("second level: the covariates' singular value decomposition failed")
		}
		var u mat.Dense
		svd.UTo(&u)
		for k, sv := range svd.Values(nil) {
			if sv > 1e-12 {
				co = append(co, mat.Col(nil, k, &u))
			}
		}
	}
	resid := func(v []float64) []float64 {
		normalize(v)
		for _, c := range co {
			d := dot(v, c)
			for s := range v {
				v[s] -= d * c[s]
			}
		}
		normalize(v)
		return v
	}
	x := make([]float64, n)
	for s := range x {
		x[s] = 1
	}
	x = resid(x)
	yr := make([][]float64, nv) // voxel-major residualised targets
	for v := range yr {
		col := make([]float64, n)
		for s := range col {
			col[s] = y[s][v]
		}
		yr[v] = resid(col)
	}
	dof := float64(n - len(co))
	tscore := func(flip []float64, out []float64) {
		ys := make([]float64, n) // per call: permutations run in parallel
		for v, col := range yr {
			for s := range ys {
				ys[s] = col[s]
				if flip != nil {
					ys[s] *= flip[s]
				}
			}
			b := dot(ys, x)
			rss := 1 - b*b
			for _, c := range co {
				a := dot(ys, c)
				rss -= a * a
			}
			out[v] = b * math.Sqrt((dof-1)/rss)
		}
	}
	res := &NonParametricResult{T: make([]float64, nv), LogPMaxT: make([]float64, nv), H0MaxT: make([]float64, len(flips))}
	tscore(nil, res.T)
	stat := func(t float64) float64 {
		if opts.TwoSided {
			return math.Abs(t)
		}
		return t
	}
	clusters := opts.ClusterP > 0
	if clusters {
		if grid == nil || len(grid.Voxels) != nv {
			return nil, fmt.Errorf("second level: cluster inference needs the grid of the %d voxels", nv)
		}
		p := opts.ClusterP
		if opts.TwoSided {
			p /= 2
		}
		// nilearn: dof = n_samples - (n_regressors + n_covars).
		// scipy's t.isf, which nilearn calls, is accurate to about 1e-9 only; gonum's quantile of
		// the lower tail, negated, is accurate to rounding.
		res.Threshold = -distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1 - len(covariates))}.Quantile(p)
		res.H0MaxSize, res.H0MaxMass = make([]float64, len(flips)), make([]float64, len(flips))
	}
	for i, f := range flips {
		if len(f) != n {
			return nil, fmt.Errorf("second level: sign flip %d has %d values for %d subjects", i+1, len(f), n)
		}
	}
	// Permutations run in parallel, each writing only its own null maxima.
	parallel.For(len(flips), func(i int) {
		tp := make([]float64, nv)
		tscore(flips[i], tp)
		m := math.Inf(-1)
		for _, t := range tp {
			if !math.IsNaN(t) {
				m = math.Max(m, stat(t))
			}
		}
		res.H0MaxT[i] = m
		if clusters {
			_, size, mass := grid.clusters(tp, res.Threshold, opts.TwoSided)
			for c := range size {
				res.H0MaxSize[i] = math.Max(res.H0MaxSize[i], float64(size[c]))
				res.H0MaxMass[i] = math.Max(res.H0MaxMass[i], mass[c])
			}
		}
	})
	count := make([]int, nv)
	for _, m := range res.H0MaxT {
		for v, t := range res.T {
			if m < stat(t) {
				count[v]++
			}
		}
	}
	np := float64(len(flips))
	for v := range res.T {
		res.LogPMaxT[v] = -math.Log10((np + 1 - float64(count[v])) / (np + 1))
	}
	if clusters {
		label, size, mass := grid.clusters(res.T, res.Threshold, opts.TwoSided)
		res.Size, res.Mass = make([]int, nv), make([]float64, nv)
		res.LogPMaxSize, res.LogPMaxMass = make([]float64, nv), make([]float64, nv)
		for v, l := range label {
			var sz, ms float64
			if l > 0 {
				res.Size[v], res.Mass[v] = size[l-1], mass[l-1]
				sz, ms = float64(size[l-1]), mass[l-1]
			}
			res.LogPMaxSize[v] = -math.Log10(nullToP(sz, res.H0MaxSize))
			res.LogPMaxMass[v] = -math.Log10(nullToP(ms, res.H0MaxMass))
		}
	}
	return res, nil
}

// PairedDifferences returns each subject's within-subject difference a - b (a[s][v] and b[s][v]
// subject s's maps in the two conditions), the input of NonParametric for a paired design:
// sign-flipping the differences is the exchangeability of a paired test, and the one-sample t of
// the differences equals the paired t of nilearn's design with a condition column and one column
// per subject.
func PairedDifferences(a, b [][]float64) ([][]float64, error) {
	if len(a) != len(b) {
		return nil, fmt.Errorf("paired design: %d subjects in the first condition, %d in the second", len(a), len(b))
	}
	d := make([][]float64, len(a))
	for s := range a {
		if len(a[s]) != len(b[s]) {
			return nil, fmt.Errorf("paired design: subject %d has %d and %d voxels", s+1, len(a[s]), len(b[s]))
		}
		d[s] = make([]float64, len(a[s]))
		for v := range d[s] {
			d[s][v] = a[s][v] - b[s][v]
		}
	}
	return d, nil
}

// nullToP is nilearn's null_to_p(value, null, "larger"): 1 - (#null < value)/len(null), clipped to
// [max(eps, 1/len), 1 - that].
func nullToP(value float64, null []float64) float64 {
	s := append([]float64(nil), null...)
	sort.Float64s(s)
	idx := sort.SearchFloat64s(s, value)
	p := 1 - float64(idx)/float64(len(s))
	small := math.Max(2.220446049250313e-16, 1/float64(len(s)))
	return math.Max(small, math.Min(p, 1-small))
}

// clusters labels the supra-threshold voxels of t (t > thr; with twoSided also t < -thr, as
// separate clusters) into face-connected clusters (scipy.ndimage.label with
// generate_binary_structure(3, 1)); it returns each voxel's cluster (0: none, else 1 + index) and
// each cluster's size and mass Σ(|t| - thr).
func (g *Grid) clusters(t []float64, thr float64, twoSided bool) ([]int, []int, []float64) {
	sh := g.Shape
	dense := make([]int32, sh[0]*sh[1]*sh[2]) // sign+1 of supra-threshold voxels' position+1
	for v, idx := range g.Voxels {
		switch {
		case t[v] > thr:
			dense[idx] = int32(v + 1)
		case twoSided && t[v] < -thr:
			dense[idx] = -int32(v + 1)
		}
	}
	label := make([]int, len(t))
	var size []int
	var mass []float64
	var stack []int
	for v, idx := range g.Voxels {
		if dense[idx] == 0 || label[v] != 0 {
			continue
		}
		sign := dense[idx] > 0
		size, mass = append(size, 0), append(mass, 0)
		l := len(size)
		label[v] = l
		stack = append(stack[:0], idx)
		for len(stack) > 0 {
			cur := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			w := int(dense[cur])
			if w < 0 {
				w = -w
			}
			w--
			size[l-1]++
			mass[l-1] += math.Abs(t[w]) - thr
			i, j, k := cur%sh[0], (cur/sh[0])%sh[1], cur/(sh[0]*sh[1])
			for _, d := range [6][3]int{{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}} {
				a, b, c := i+d[0], j+d[1], k+d[2]
				if a < 0 || b < 0 || c < 0 || a >= sh[0] || b >= sh[1] || c >= sh[2] {
					continue
				}
				nb := a + sh[0]*(b+sh[1]*c)
				nd := dense[nb]
				if nd == 0 || (nd > 0) != sign {
					continue
				}
				u := int(nd)
				if u < 0 {
					u = -u
				}
				if label[u-1] == 0 {
					label[u-1] = l
					stack = append(stack, nb)
				}
			}
		}
	}
	return label, size, mass
}

func normalize(v []float64) {
	s := math.Sqrt(dot(v, v))
	for i := range v {
		v[i] /= s
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
