package learn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/dense"
	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/npy"
)

// RowReader is a feature table (subjects x features) read by blocks of rows, such as a .npy file
// larger than memory (NpyRows) or a table in memory (MatrixRows).
type RowReader interface {
	Shape() (rows, cols int)
	ReadRows(i0, i1 int, dst []float64) error
	Name() string
}

// NpyRows reads a 2-D .npy file by blocks of rows.
type NpyRows struct{ *npy.MatrixFile }

func (f NpyRows) Shape() (int, int) { return f.MatrixFile.Rows, f.Cols }
func (f NpyRows) Name() string      { return f.Path }

// MatrixRows reads a matrix held in memory by blocks of rows.
type MatrixRows Matrix

func (m MatrixRows) Shape() (int, int) { return m.Rows, m.Cols }
func (m MatrixRows) Name() string      { return "the feature matrix" }
func (m MatrixRows) ReadRows(i0, i1 int, dst []float64) error {
	copy(dst, m.Data[i0*m.Cols:i1*m.Cols])
	return nil
}

// StreamedRidgeOptions tune StreamedRidgeCV.
type StreamedRidgeOptions struct {
	// Tol is the convergence criterion of every (target, fold, alpha): the norm of the ridge
	// normal equations' residual Xcᵀ(yc − Xc·w) − α·w relative to ‖Xcᵀyc‖ (default 1e-13: predictions
	// then agree with the exact solution to about 1e-11).
	Tol float64
	// MaxIter bounds the Golub–Kahan steps, each one pass over the table (default 400).
	MaxIter int
	// BlockRows is how many rows are read at a time (default: about 64 MiB of them).
	BlockRows int
	// Progress, if set, is called after every pass over the table with the pass number and the
	// largest relative residual of the problems not yet converged.
	Progress func(pass int, worst float64)
}

// StreamedRidgeResult is StreamedRidgeCV's outcome.
type StreamedRidgeResult struct {
	// Folds[t][f] are target t's held-out predictions of fold f, one row per alpha.
	Folds [][]FoldPredictions
	// Steps[t][f] is the Golub–Kahan steps problem (t, f) took; Residual[t][f][a] its final
	// relative normal-equation residual at alpha a.
	Steps    [][]int
	Residual [][][]float64
	// Passes over the table in all (the means' pass and the predictions' included).
	Passes int
	// NotConverged counts the (target, fold, alpha) left above Tol after MaxIter steps.
	NotConverged int
}

// streamedProblem is one target's ridge problem on one fold: the Golub–Kahan bidiagonalization
// of the fold's centred training features Xc started from its centred training target.
type streamedProblem struct {
	fold     int
	y        []float64 // the target, all samples
	yMean    float64   // its training mean
	beta1    float64   // ‖yc‖
	u, g, v  [][]float64
	alpha    []float64 // B's diagonal α₁..α_k
	beta     []float64 // B's subdiagonal β₂..β_{k+1}
	done     bool
	z        [][]float64 // per alpha, when done: the solution's coordinates on v₁..v_k
	residual []float64
	steps    int
}

// StreamedRidgeCV cross-validates ridge regression with an unpenalized intercept (scikit-learn's
// Ridge(alpha, fit_intercept=True) refitted on each fold's training samples, every alpha) for
// feature tables larger than memory, reading the table by blocks of rows, one pass per step:
// nothing of size samples x samples or features x features is formed. Each (target, fold) is a
// damped least-squares problem min ‖Xc·w − yc‖² + α‖w‖² on the fold's training rows, centred by
// their means; it is solved for every alpha at once from one Golub–Kahan bidiagonalization of Xc
// started from yc (the bidiagonalization LSQR uses: Krylov spaces do not depend on the shift
// α, Paige & Saunders 1982), with full reorthogonalization of both Lanczos bases, so the projected
// problem min ‖B_k·z − β₁e₁‖² + α‖z‖² gives w = V_k·z, and the normal equations' residual is
// α_{k+1}·|(β₁e₁ − B_k·z)_{k+1}| without another pass. Every (target, fold) stops at its own step
// once all alphas are below Tol, so its result does not depend on the other problems. One pass
// computes X·v and Xᵀ·u for all problems (the step's u is formed row block by row block, its
// reorthogonalization carried onto Xᵀu through the stored Xᵀu of earlier steps). Passes alternate
// direction, so the end of one pass is still in the page cache at the start of the next.
// Memory is the table's block and, per problem, 2·features + samples values per step.
// Convergence takes about √κ steps, κ = (λmax + α)/(λmin + α) over the centred Gram matrix's nonzero
// eigenvalues λ: fast for alphas of the order of the eigenvalues (connectome edges: λ of the order
// of the feature count), slow for alphas near 0 on nearly collinear tables (those stay marked
// not converged).
func StreamedRidgeCV(src RowReader, targets [][]float64, alphas []float64, splits []Split, o StreamedRidgeOptions) (*StreamedRidgeResult, error) {
	n, p := src.Shape()
	if o.Tol == 0 {
		o.Tol = 1e-13
	}
	if o.MaxIter == 0 {
		o.MaxIter = 400
	}
	if !(o.Tol > 0) || o.MaxIter < 1 {
		return nil, fmt.Errorf("streamed ridge: tolerance %g and %d steps: need both > 0", o.Tol, o.MaxIter)
	}
	if o.BlockRows <= 0 {
		o.BlockRows = max(1, min(n, (64<<20)/(8*max(p, 1))))
	}
	for _, a := range alphas {
		if !(a >= 0) || math.IsInf(a, 1) {
			return nil, fmt.Errorf("ridge alpha %g: need a finite alpha ≥ 0", a)
		}
	}
	if len(alphas) == 0 || len(targets) == 0 || len(splits) == 0 {
		return nil, fmt.Errorf("streamed ridge: %d alphas, %d targets, %d folds", len(alphas), len(targets), len(splits))
	}
	F := len(splits)
	train := make([][]bool, F)
	for f, sp := range splits {
		train[f] = make([]bool, n)
		for _, i := range sp.Train {
			if i < 0 || i >= n {
				return nil, fmt.Errorf("fold %d: sample %d of %d", f+1, i, n)
			}
			train[f][i] = true
		}
		if len(sp.Train) < 2 || len(sp.Test) < 1 {
			return nil, fmt.Errorf("fold %d: %d training and %d test samples", f+1, len(sp.Train), len(sp.Test))
		}
	}
	Q := len(targets) * F
	perStep := int64(2*p+n) * 8 * int64(Q)
	what := fmt.Sprintf("streamed ridge steps of %d targets x %d folds (each step keeps 2 x %d + %d values a fold; lower the step limit, --streamed-max-iter %d, or raise the budget)",
		len(targets), F, p, n, o.MaxIter)
	if err := budget.Check(what, int64(o.MaxIter)+1, perStep); err != nil {
		return nil, err
	}
	probs := make([]*streamedProblem, Q)
	for t, y := range targets {
		if len(y) != n {
			return nil, fmt.Errorf("target %d has %d values for %d samples", t+1, len(y), n)
		}
		for f := range splits {
			pr := &streamedProblem{fold: f, y: y}
			for _, i := range splits[f].Train {
				pr.yMean += y[i]
			}
			pr.yMean /= float64(len(splits[f].Train))
			u := make([]float64, n)
			for _, i := range splits[f].Train {
				u[i] = y[i] - pr.yMean
			}
			pr.beta1 = norm2(u)
			if pr.beta1 == 0 || math.IsNaN(pr.beta1) || math.IsInf(pr.beta1, 0) {
				return nil, fmt.Errorf("target %d, fold %d: the training target is constant or not finite", t+1, f+1)
			}
			scaleVec(u, 1/pr.beta1)
			pr.u = [][]float64{u}
			probs[t*F+f] = pr
		}
	}
	res := &StreamedRidgeResult{}
	sw := &rowSweeper{src: src, block: o.BlockRows}

	// Pass 1: column sums, every fold's test-row sums, and Xᵀu₁ for every problem.
	aux := 1 + F
	w0 := Q + aux
	acc := make([]float64, p*w0)
	err := sw.pass(func(i0, i1 int, b []float64) error {
		for k, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: a non-finite value in row %d, column %d", src.Name(), i0+k/p, k%p)
			}
		}
		m := make([]float64, (i1-i0)*w0)
		for i := i0; i < i1; i++ {
			row := m[(i-i0)*w0:]
			for q, pr := range probs {
				row[q] = pr.u[0][i]
			}
			row[Q] = 1
			for f := range splits {
				if !train[f][i] {
					row[Q+1+f] = 1
				}
			}
		}
		sw.accumulateT(b, i1-i0, p, m, w0, acc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	means := make([][]float64, F)
	for f, sp := range splits {
		means[f] = make([]float64, p)
		for j := range means[f] {
			means[f][j] = (acc[j*w0+Q] - acc[j*w0+Q+1+f]) / float64(len(sp.Train))
		}
	}
	for q, pr := range probs {
		g := make([]float64, p)
		s := sum(pr.u[0])
		for j := range g {
			g[j] = acc[j*w0+q] - means[pr.fold][j]*s
		}
		pr.g = [][]float64{g}
		v := append([]float64(nil), g...)
		a := norm2(v)
		if a == 0 {
			return nil, fmt.Errorf("fold %d: Xcᵀyc = 0 (the features are constant on its training samples?)", pr.fold+1)
		}
		scaleVec(v, 1/a)
		pr.v, pr.alpha = [][]float64{v}, []float64{a}
	}

	// Steps: one pass computes ũ = Xc·v_k − α_k·u_k on the training rows and Xᵀũ.
	for k := 1; k <= o.MaxIter; k++ {
		var live []int
		for q, pr := range probs {
			if !pr.done {
				live = append(live, q)
			}
		}
		if len(live) == 0 {
			break
		}
		L := len(live)
		vm := make([]float64, p*L) // p x L: the live problems' v_k
		mv := make([]float64, L)   // μ_f·v_k
		for c, q := range live {
			pr := probs[q]
			v := pr.v[k-1]
			for j, x := range v {
				vm[j*L+c] = x
			}
			mv[c] = linalg.Dot(means[pr.fold], v)
		}
		ut := make([][]float64, L)
		for c := range ut {
			ut[c] = make([]float64, n)
		}
		acc := make([]float64, p*L)
		err := sw.pass(func(i0, i1 int, b []float64) error {
			h := i1 - i0
			xv := sw.multiply(b, h, p, vm, L)
			for r := 0; r < h; r++ {
				i := i0 + r
				for c, q := range live {
					pr := probs[q]
					if train[pr.fold][i] {
						x := xv[r*L+c] - mv[c] - pr.alpha[k-1]*pr.u[k-1][i]
						ut[c][i], xv[r*L+c] = x, x
					} else {
						xv[r*L+c] = 0
					}
				}
			}
			sw.accumulateT(b, h, p, xv, L, acc)
			return nil
		})
		if err != nil {
			return nil, err
		}
		worst := 0.0
		parallel.For(L, func(c int) {
			pr := probs[live[c]]
			u := ut[c]
			g := make([]float64, p)
			for j := range g {
				g[j] = acc[j*L+c]
			}
			s := sum(u)
			for j := range g {
				g[j] -= means[pr.fold][j] * s
			}
			// Reorthogonalize ũ against u₁..u_k twice, carrying each correction onto Xcᵀũ.
			for rep := 0; rep < 2; rep++ {
				for j, uj := range pr.u {
					cj := linalg.Dot(uj, u)
					linalg.Axpy(-cj, uj, u)
					linalg.Axpy(-cj, pr.g[j], g)
				}
			}
			bk := norm2(u)
			if !(bk > 1e-14*pr.alpha[0]) { // u broke down: β_{k+1} = 0, the Krylov space is exhausted
				pr.beta = append(pr.beta, 0)
				pr.finish(alphas, o.Tol, true)
				return
			}
			scaleVec(u, 1/bk)
			scaleVec(g, 1/bk)
			v := make([]float64, p)
			for j := range v {
				v[j] = g[j] - bk*pr.v[k-1][j]
			}
			for rep := 0; rep < 2; rep++ {
				for _, vj := range pr.v {
					linalg.Axpy(-linalg.Dot(vj, v), vj, v)
				}
			}
			pr.u, pr.g, pr.beta = append(pr.u, u), append(pr.g, g), append(pr.beta, bk)
			ak := norm2(v)
			if !(ak > 1e-14*pr.alpha[0]) {
				pr.finish(alphas, o.Tol, true)
				return
			}
			scaleVec(v, 1/ak)
			pr.v, pr.alpha = append(pr.v, v), append(pr.alpha, ak)
			pr.finish(alphas, o.Tol, k == o.MaxIter)
		})
		for _, q := range live {
			for _, r := range probs[q].residual {
				worst = math.Max(worst, r)
			}
		}
		if o.Progress != nil {
			o.Progress(sw.passes, worst)
		}
	}
	for _, pr := range probs {
		if !pr.done {
			pr.finish(alphas, o.Tol, true)
		}
	}

	// The last pass: every fold's test rows times its problems' weights, plus the intercepts.
	A := len(alphas)
	weights := make([][]float64, Q) // p x A per problem
	icpt := make([][]float64, Q)
	parallel.For(Q, func(q int) {
		pr := probs[q]
		w := make([]float64, p*A)
		icpt[q] = make([]float64, A)
		for a, z := range pr.z {
			col := make([]float64, p)
			for j, zj := range z {
				linalg.Axpy(zj, pr.v[j], col)
			}
			for j, x := range col {
				w[j*A+a] = x
			}
			icpt[q][a] = pr.yMean - linalg.Dot(means[pr.fold], col)
		}
		weights[q] = w
		pr.u, pr.g, pr.v = nil, nil, nil
	})
	res.Folds = make([][]FoldPredictions, len(targets))
	pos := make([]map[int]int, F)
	for f, sp := range splits {
		pos[f] = make(map[int]int, len(sp.Test))
		for k, i := range sp.Test {
			pos[f][i] = k
		}
	}
	for t := range targets {
		res.Folds[t] = make([]FoldPredictions, F)
		for f, sp := range splits {
			pred := make([][]float64, A)
			for a := range pred {
				pred[a] = make([]float64, len(sp.Test))
			}
			res.Folds[t][f] = FoldPredictions{Test: append([]int(nil), sp.Test...), Predictions: pred}
		}
	}
	err = sw.pass(func(i0, i1 int, b []float64) error {
		for f := range splits {
			var rows []int
			for i := i0; i < i1; i++ {
				if _, ok := pos[f][i]; ok {
					rows = append(rows, i)
				}
			}
			if len(rows) == 0 {
				continue
			}
			sub := make([]float64, len(rows)*p)
			for r, i := range rows {
				copy(sub[r*p:(r+1)*p], b[(i-i0)*p:(i-i0+1)*p])
			}
			for t := range targets {
				q := t*F + f
				out := sw.multiply(sub, len(rows), p, weights[q], A)
				for r, i := range rows {
					for a := 0; a < A; a++ {
						res.Folds[t][f].Predictions[a][pos[f][i]] = out[r*A+a] + icpt[q][a]
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Passes = sw.passes
	res.Steps, res.Residual = make([][]int, len(targets)), make([][][]float64, len(targets))
	for t := range targets {
		for f := range splits {
			pr := probs[t*F+f]
			res.Steps[t] = append(res.Steps[t], pr.steps)
			res.Residual[t] = append(res.Residual[t], pr.residual)
			for _, r := range pr.residual {
				if !(r <= o.Tol) {
					res.NotConverged++
				}
			}
		}
	}
	return res, nil
}

// finish solves the projected problem of every alpha from the bidiagonal B_k (the steps so far)
// and records the normal equations' relative residuals; the problem is done when all are below
// tol, or when final (the Krylov space is exhausted, or the last step).
func (pr *streamedProblem) finish(alphas []float64, tol float64, final bool) {
	k := len(pr.beta) // B_k is (k+1) x k: α₁..α_k on the diagonal, β₂..β_{k+1} below it
	next := 0.0       // α_{k+1} (0 when v broke down)
	if len(pr.alpha) > k {
		next = pr.alpha[k]
	}
	b := mat.NewDense(k+1, k, nil)
	for j := 0; j < k; j++ {
		b.Set(j, j, pr.alpha[j])
		b.Set(j+1, j, pr.beta[j])
	}
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDThin) {
		pr.residual = make([]float64, len(alphas))
		for a := range pr.residual {
			pr.residual[a] = math.Inf(1)
		}
		pr.done, pr.steps = final, k
		return
	}
	var uu, vv mat.Dense
	svd.UTo(&uu)
	svd.VTo(&vv)
	sv := svd.Values(nil)
	zs := make([][]float64, len(alphas))
	resid := make([]float64, len(alphas))
	scale := pr.alpha[0] * pr.beta1 // ‖Xcᵀyc‖
	for a, al := range alphas {
		z := make([]float64, k)
		for c, s := range sv {
			coef := s / (s*s + al) * pr.beta1 * uu.At(0, c)
			if s == 0 {
				continue
			}
			for j := 0; j < k; j++ {
				z[j] += coef * vv.At(j, c)
			}
		}
		// (β₁e₁ − B·z)_{k+1} = −β_{k+1}·z_k.
		resid[a] = next * math.Abs(pr.beta[k-1]*z[k-1]) / scale
		zs[a] = z
	}
	pr.residual, pr.steps = resid, k
	conv := true
	for _, r := range resid {
		conv = conv && r <= tol
	}
	if conv || final {
		pr.done, pr.z = true, zs
	}
}

// rowSweeper reads a table by blocks of rows, the next block read while the last is used, each
// pass in the opposite direction to the one before.
type rowSweeper struct {
	src    RowReader
	block  int
	passes int
}

// pass calls use on every block of rows (i0, i1 and the rows, row-major), in ascending order of
// rows on odd passes and descending on even ones.
func (s *rowSweeper) pass(use func(i0, i1 int, b []float64) error) error {
	n, p := s.src.Shape()
	var starts []int
	for i := 0; i < n; i += s.block {
		starts = append(starts, i)
	}
	if s.passes%2 == 1 {
		for l, r := 0, len(starts)-1; l < r; l, r = l+1, r-1 {
			starts[l], starts[r] = starts[r], starts[l]
		}
	}
	s.passes++
	return readAhead(starts, s.block*p, func(i0 int, buf []float64) ([]float64, error) {
		i1 := min(i0+s.block, n)
		return buf[:(i1-i0)*p], s.src.ReadRows(i0, i1, buf[:(i1-i0)*p])
	}, func(i0 int, b []float64) error { return use(i0, min(i0+s.block, n), b) })
}

// sweepChunk is the fixed tile of the products (rows of X·V, columns of Xᵀ·U), so the arithmetic
// of every value is the same whatever the number of cores.
const sweepChunk = 2048

// multiply returns b·m (b: h x p row-major, m: p x w), over the cores by chunks of rows.
func (s *rowSweeper) multiply(b []float64, h, p int, m []float64, w int) []float64 {
	out := make([]float64, h*w)
	rows := 16
	nc := (h + rows - 1) / rows
	parallel.For(nc, func(c int) {
		r0 := c * rows
		r1 := min(r0+rows, h)
		dense.Gemm(false, false, r1-r0, w, p, 1, b[r0*p:], p, m, w, 0, out[r0*w:], w)
	})
	return out
}

// accumulateT adds bᵀ·m to acc (b: h x p, m: h x w, acc: p x w), over the cores by chunks of
// columns of b.
func (s *rowSweeper) accumulateT(b []float64, h, p int, m []float64, w int, acc []float64) {
	nc := (p + sweepChunk - 1) / sweepChunk
	parallel.For(nc, func(c int) {
		j0 := c * sweepChunk
		j1 := min(j0+sweepChunk, p)
		dense.Gemm(true, false, j1-j0, w, h, 1, b[j0:], p, m, w, 1, acc[j0*w:], w)
	})
}

func norm2(v []float64) float64 { return math.Sqrt(linalg.Dot(v, v)) }

func scaleVec(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// streamedOptions are the population run's options for StreamedRidgeCV.
func (pop *population) streamedOptions() StreamedRidgeOptions {
	return StreamedRidgeOptions{Tol: pop.o.StreamedTol, MaxIter: pop.o.StreamedMaxIter, Progress: pop.o.StreamProgress}
}

// streamedScores is scores of the streamed form.
func (pop *population) streamedScores(y []float64, folds []FoldPredictions) ([][]float64, int, error) {
	res, err := StreamedRidgeCV(pop.rows, [][]float64{y}, pop.o.Alphas, pop.splits, pop.streamedOptions())
	if err != nil {
		return nil, 0, err
	}
	out := make([][]float64, len(pop.splits))
	for f, fp := range res.Folds[0] {
		out[f] = pop.scoreFold(f, y, fp.Predictions)
	}
	if folds != nil {
		copy(folds, res.Folds[0])
	}
	return out, res.NotConverged, nil
}

// streamedBatch is how many permuted targets the streamed form solves in one set of passes.
// Permutation k is always target (k−1) mod streamedBatch of batch ⌊(k−1)/streamedBatch⌋, the
// whole batch solved whichever block of permutations is asked for, so its arithmetic (the
// products' shapes) is the same in any split of the null.
var streamedBatch = 4

// streamedNull is null for the streamed form: batches of permuted targets, each batch one run
// of StreamedRidgeCV (every pass serves all of them).
func (pop *population) streamedNull(y []float64, first, count int) ([]float64, error) {
	out := make([]float64, count)
	nb, done := streamedBatch, 0
	for k0 := first - first%nb; k0 < first+count; k0 += nb {
		ys := make([][]float64, nb)
		for b := range ys {
			ys[b] = pop.permuted(y, k0+b+1)
		}
		res, err := StreamedRidgeCV(pop.rows, ys, pop.o.Alphas, pop.splits, pop.streamedOptions())
		if err != nil {
			return nil, err
		}
		for b := range ys {
			k := k0 + b
			if k < first || k >= first+count {
				continue
			}
			scores := make([][]float64, len(pop.splits))
			for f, fp := range res.Folds[b] {
				scores[f] = pop.scoreFold(f, ys[b], fp.Predictions)
			}
			out[k-first] = statistic(scores)
			done++
		}
		if pop.o.Progress != nil {
			pop.o.Progress(done, count)
		}
	}
	return out, nil
}
