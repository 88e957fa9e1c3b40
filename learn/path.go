package learn

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/stats"
)

// enetPath solves one fold's elastic net at a sequence of decreasing penalties, each point starting
// from the previous solution (a regularization path with warm starts, as glmnet and scikit-learn's
// enet_path). It works in the n-dimensional residual space of centred columns, as scikit-learn's
// coordinate descent, and adds two things that keep the answer: the sequential strong rule
// (Tibshirani et al. 2012) picks the features a point sweeps over, and a full check of the
// Karush-Kuhn-Tucker conditions and of scikit-learn's duality gap decides when a point is solved,
// so every solution meets scikit-learn's own stopping criterion on the whole problem; between
// sweeps, a feature-sign step (polish) solves the active set exactly, which ends the thousands of
// sweeps coordinate descent needs when p > n and the penalty is small.
type enetPath struct {
	cols   [][]float64 // centred feature columns, n values each
	norms  []float64   // ‖x_j‖²
	y      []float64   // centred target
	yNorm2 float64

	w, r, c []float64 // coefficients, residual y − Xw, correlations Xᵀr
	inWork  []bool
	work    []int     // the working set, in increasing feature order (cyclic order as scikit-learn)
	active  []int     // the nonzero coefficients, for polish
	xty     []float64 // Xᵀy, for polish
	l1Prev  float64   // the previous point's l1 penalty, for the strong rule
	// gramOf[j] ≥ 0 points at X_Kᵀx_j in gramSlab, computed the first time feature j is active
	// and reused by every later polish on these columns (a path revisits the same features).
	gramOf   []int32
	gramSlab [][]float64
}

// newEnetPath allocates a path for up to p features of n samples.
func newEnetPath(n, p int) *enetPath {
	return &enetPath{
		w: make([]float64, p), r: make([]float64, n), c: make([]float64, p),
		inWork: make([]bool, p), work: make([]int, 0, p),
	}
}

// reset points the path at new columns and target and starts it from w = 0.
func (e *enetPath) reset(cols [][]float64, norms, y []float64, yNorm2 float64) {
	p := len(cols)
	e.cols, e.norms, e.y, e.yNorm2 = cols, norms, y, yNorm2
	e.w, e.c, e.inWork = e.w[:p], e.c[:p], e.inWork[:p]
	clear(e.w)
	copy(e.r, y)
	linalg.DotMany(e.c, cols, e.r)
	e.xty = append(e.xty[:0], e.c...)
	if cap(e.gramOf) < p {
		e.gramOf = make([]int32, p)
	}
	e.gramOf = e.gramOf[:p]
	for j := range e.gramOf {
		e.gramOf[j] = -1
	}
	e.gramSlab = e.gramSlab[:0]
	// The path starts where every coefficient is zero: l1 = max|x_jᵀy|.
	e.l1Prev = 0
	for _, v := range e.c {
		e.l1Prev = math.Max(e.l1Prev, math.Abs(v))
	}
}

// solve minimises ½‖y − Xw‖² + l1‖w‖₁ + (l2/2)‖w‖² from the current state until scikit-learn's
// duality gap is below tol·‖y‖², within maxIter coordinate-descent sweeps. It returns the sweeps
// made, the gap and whether it converged.
func (e *enetPath) solve(l1, l2, tol float64, maxIter int) (int, float64, bool) {
	gapTol := tol * e.yNorm2
	// Strong rule: a feature whose correlation with the previous residual is below 2·l1 − l1Prev
	// is expected to stay at zero; the full check below catches any that should not.
	strong := 2*l1 - e.l1Prev
	e.work = e.work[:0]
	for j := range e.w {
		e.inWork[j] = e.w[j] != 0 || math.Abs(e.c[j]) >= strong
		if e.inWork[j] {
			e.work = append(e.work, j)
		}
	}
	e.l1Prev = l1
	sweeps := 0
	gap := math.Inf(1)
	every := polishEvery
	for sweeps < maxIter {
		for batch := 0; sweeps < maxIter && batch < every; batch++ {
			sweeps++
			wMax, dwMax := e.sweep(l1, l2)
			if wMax == 0 || dwMax/wMax < tol {
				break
			}
		}
		g, ok, fresh := e.polish(l1, l2, gapTol)
		if ok {
			return sweeps, g, true
		}
		every = min(2*every, 16*polishEvery) // not solved yet: try less often
		if !fresh {
			linalg.DotMany(e.c, e.cols, e.r)
		}
		added := false
		for j, in := range e.inWork {
			if !in && math.Abs(e.c[j]) > l1 {
				e.inWork[j], added = true, true
			}
		}
		if added {
			e.work = e.work[:0]
			for j, in := range e.inWork {
				if in {
					e.work = append(e.work, j)
				}
			}
			continue
		}
		gap = e.dualityGap(l1, l2)
		if gap < gapTol {
			return sweeps, gap, true
		}
	}
	return sweeps, gap, false
}

// polishEvery is the number of coordinate-descent sweeps between attempts to solve the active set
// exactly: with many features and a small penalty, coordinate descent identifies the active set
// and signs long before its coefficients settle (thousands of sweeps when p > n).
const polishEvery = 10

// polish runs the feature-sign search of Lee et al. (2007) on the current support: it solves the
// stationarity conditions on the active set A with the current signs s,
// (X_AᵀX_A + l2·I)·w_A = X_Aᵀy − l1·s, and, where some coefficient would change sign, moves only to
// the first point where one reaches zero and drops it, then solves again. Each step lowers the
// objective (it is a convex quadratic on the face of fixed signs), so the state is kept whatever
// happens; when the signs agree, the solution is exact on A, and scikit-learn's duality gap over all
// features (which also checks every inactive feature) decides whether the point is solved. It
// returns the gap, whether it is below gapTol, and whether c = Xᵀr is up to date.
func (e *enetPath) polish(l1, l2, gapTol float64) (gap float64, ok, fresh bool) {
	for step := 0; step < polishMaxSteps; step++ {
		e.active = e.active[:0]
		for j, w := range e.w {
			if w != 0 {
				e.active = append(e.active, j)
			}
		}
		if len(e.active) == 0 {
			return 0, false, false
		}
		sol, solved := e.faceSolution(l1, l2)
		if !solved {
			return 0, false, false
		}
		// The first zero crossing on the segment from w to the face's solution (1: none).
		t := 1.0
		for i, j := range e.active {
			if sol[i] == 0 || math.Signbit(sol[i]) != math.Signbit(e.w[j]) {
				t = math.Min(t, e.w[j]/(e.w[j]-sol[i]))
			}
		}
		for i, j := range e.active {
			if t == 1 {
				e.w[j] = sol[i]
			} else if w := e.w[j] + t*(sol[i]-e.w[j]); w == 0 || math.Signbit(w) != math.Signbit(e.w[j]) || math.Abs(w) <= 1e-15*math.Abs(e.w[j]) {
				e.w[j] = 0 // reached zero: leaves the support
			} else {
				e.w[j] = w
			}
		}
		// A fresh residual (not updated step by step, so no drift).
		copy(e.r, e.y)
		for _, j := range e.active {
			if e.w[j] != 0 {
				linalg.Axpy(-e.w[j], e.cols[j], e.r)
			}
		}
		if t == 1 {
			linalg.DotMany(e.c, e.cols, e.r)
			gap := e.dualityGap(l1, l2)
			return gap, gap < gapTol, true
		}
	}
	return 0, false, false
}

// polishMaxSteps bounds the feature-sign steps of one polish; coordinate descent takes over after.
const polishMaxSteps = 64

// gramColumn returns X_Kᵀx_j, computing it the first time it is asked for on these columns.
func (e *enetPath) gramColumn(j int) []float64 {
	if at := e.gramOf[j]; at >= 0 {
		return e.gramSlab[at]
	}
	g := make([]float64, len(e.cols))
	linalg.DotMany(g, e.cols, e.cols[j])
	e.gramOf[j] = int32(len(e.gramSlab))
	e.gramSlab = append(e.gramSlab, g)
	return g
}

// faceSolution solves (X_AᵀX_A + l2·I)·w = X_Aᵀy − l1·sign(w_A) for the active set, by Cholesky on
// the m x m system up to m = 4n, or, with many more active features than samples (l2 > 0 keeps the
// system regular), in the n x n sample space by the Woodbury identity,
// w = (b − X_Aᵀ(l2·I + X_A X_Aᵀ)⁻¹ X_A b) / l2 (cheaper, but its division by a small l2 costs
// digits, so it is kept for sizes where the direct system is too large).
func (e *enetPath) faceSolution(l1, l2 float64) ([]float64, bool) {
	m, n := len(e.active), len(e.y)
	sol := make([]float64, m)
	for i, j := range e.active {
		sol[i] = e.xty[j] - math.Copysign(l1, e.w[j])
	}
	if m <= 4*n {
		g := make([]float64, m*m)
		for a, j := range e.active {
			gj := e.gramColumn(j)
			for b, k := range e.active[:a+1] { // the lower triangle, all Cholesky reads
				g[a*m+b] = gj[k]
			}
			g[a*m+a] += l2
		}
		return sol, linalg.CholeskySolve(g, sol, m) == nil
	}
	if l2 <= 0 {
		return nil, false
	}
	rows := make([][]float64, n) // X_A by samples
	buf := make([]float64, n*m)
	for i := range rows {
		rows[i] = buf[i*m : (i+1)*m]
	}
	for c, j := range e.active {
		for i, v := range e.cols[j] {
			buf[i*m+c] = v
		}
	}
	g := linalg.Gram(rows)
	for i := range rows {
		g[i*n+i] += l2
	}
	l, err := linalg.Cholesky(g, n)
	if err != nil {
		return nil, false
	}
	z := make([]float64, n)
	apply := func(out, b []float64) { // out = (l2·I + X_AᵀX_A)⁻¹·b by Woodbury
		for i := range rows {
			z[i] = linalg.Dot(rows[i], b)
		}
		linalg.SolveCholesky(l, z, n)
		for c, j := range e.active {
			out[c] = (b[c] - linalg.Dot(e.cols[j], z)) / l2
		}
	}
	rhs := append([]float64(nil), sol...)
	apply(sol, rhs)
	// Two steps of iterative refinement win back the digits the division by a small l2 loses:
	// res = b − (X_AᵀX_A + l2·I)·w, w += apply(res).
	res, corr, xw := make([]float64, m), make([]float64, m), make([]float64, n)
	for step := 0; step < 2; step++ {
		clear(xw)
		for c, j := range e.active {
			linalg.Axpy(sol[c], e.cols[j], xw)
		}
		for c, j := range e.active {
			res[c] = rhs[c] - linalg.Dot(e.cols[j], xw) - l2*sol[c]
		}
		apply(corr, res)
		for c := range sol {
			sol[c] += corr[c]
		}
	}
	return sol, true
}

// sweep is one cyclic pass of scikit-learn's coordinate update over the working set; it returns
// the largest |w_j| and the largest change.
func (e *enetPath) sweep(l1, l2 float64) (wMax, dwMax float64) {
	for _, j := range e.work {
		if e.norms[j] == 0 {
			continue
		}
		col, wj := e.cols[j], e.w[j]
		if wj != 0 {
			linalg.Axpy(wj, col, e.r)
		}
		tmp := linalg.Dot(col, e.r)
		nw := 0.0
		if a := math.Abs(tmp) - l1; a > 0 {
			nw = math.Copysign(a, tmp) / (e.norms[j] + l2)
		}
		e.w[j] = nw
		if nw != 0 {
			linalg.Axpy(-nw, col, e.r)
		}
		dwMax = math.Max(dwMax, math.Abs(nw-wj))
		wMax = math.Max(wMax, math.Abs(nw))
	}
	return wMax, dwMax
}

// dualityGap is scikit-learn's gap (NUMERICS.md §6) with c = Xᵀr already computed.
func (e *enetPath) dualityGap(l1, l2 float64) float64 {
	var dualNorm, l1Norm float64
	for j, cj := range e.c {
		dualNorm = math.Max(dualNorm, math.Abs(cj-l2*e.w[j]))
		l1Norm += math.Abs(e.w[j])
	}
	rNorm2 := linalg.Dot(e.r, e.r)
	cst := 1.0
	gap := rNorm2
	if dualNorm > l1 {
		cst = l1 / dualNorm
		gap = 0.5 * (rNorm2 + rNorm2*cst*cst)
	}
	return gap + l1*l1Norm - cst*linalg.Dot(e.r, e.y) + 0.5*l2*(1+cst*cst)*linalg.Dot(e.w, e.w)
}

// featureRanking orders the features by increasing score with a stable sort, NaN lowest: the top k
// are the last k, as scikit-learn's SelectKBest (among ties the higher column indices rank higher).
func featureRanking(scores []float64) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	clean := func(v float64) float64 {
		if math.IsNaN(v) {
			return -math.MaxFloat64
		}
		return v
	}
	sort.SliceStable(idx, func(a, b int) bool { return clean(scores[idx[a]]) < clean(scores[idx[b]]) })
	return idx
}

// PathGridSearch is GridSearch (same grid order, scores, ties and refit) with the structure of the
// RobustScaler → SelectKBest → ElasticNet grid exploited: per fold the scaler, F scores, ranking
// and centred columns are computed once; per (K, l1_ratio) the alphas are one warm-started path
// (enetPath). Every fit is solved until scikit-learn's duality-gap criterion holds for base.Model's
// Tol (or MaxIter sweeps pass: counted in NotConverged), so the scores equal those of scikit-learn
// run to convergence, not its iterates at a loose tolerance; with a tight Tol (1e-8 or below) they
// agree to about 1e-6. Folds are spread over the cores; results do not depend on their number.
func PathGridSearch(base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64, splits []Split) (*SearchResult, error) {
	if base.Regressor != nil {
		return nil, fmt.Errorf("the path solver is the ElasticNet pipeline's; search a %T with GridSearch", base.Regressor)
	}
	if err := checkEstimatorGrid(base, g); err != nil {
		return nil, err
	}
	res, err := runSearch(g, scoring, y, splits, func(sp Split) ([][]float64, int, error) {
		return pathFoldPredictions(base, g, x, y, sp)
	})
	if err != nil {
		return nil, err
	}
	fit, err := pathFit(base, res.Candidates[res.Best], g.Alpha, x, y)
	if err != nil {
		return nil, err
	}
	res.Refit = fit
	return res, nil
}

// pathDesign is a training set prepared for elastic-net paths: the pipeline's scaler and F scores
// fitted on it, the feature ranking, every feature's column centred on its training mean
// (scikit-learn centres X and y inside ElasticNet.fit, and a column's centring does not depend on
// which others are selected) and the centred target.
type pathDesign struct {
	n, p int
	pre  *prepared
	*centredDesign
	yMean   float64
	yc      []float64
	yNorm2  float64
	ranking []int
	maxIter int
	tol     float64
}

func newPathDesign(base Pipeline, x Matrix, y []float64) (*pathDesign, error) {
	n, p := x.Rows, x.Cols
	if n < 2 {
		return nil, fmt.Errorf("ElasticNet needs at least 2 samples")
	}
	prep := base
	prep.K = 0
	pre, err := prep.prepare(x, y)
	if err != nil {
		return nil, err
	}
	d := &pathDesign{n: n, p: p, pre: pre, centredDesign: pre.design, maxIter: base.Model.MaxIter, tol: base.Model.Tol}
	if d.maxIter == 0 {
		d.maxIter = 1000
	}
	if d.tol == 0 {
		d.tol = 1e-4
	}
	d.yMean = stats.Mean(y)
	d.yc = make([]float64, n)
	for i, v := range y {
		d.yc[i] = v - d.yMean
	}
	d.yNorm2 = linalg.Dot(d.yc, d.yc)
	d.ranking = featureRanking(pre.Scores)
	return d, nil
}

// columns returns SelectKBest's features for k (increasing), their centred columns and norms.
func (d *pathDesign) columns(k int, cols [][]float64, norms []float64) ([]int, [][]float64, []float64) {
	sel := append([]int(nil), d.ranking[d.p-effectiveK(k, d.p):]...)
	sort.Ints(sel)
	cols, norms = cols[:0], norms[:0]
	for _, j := range sel {
		cols = append(cols, d.cols[j])
		norms = append(norms, d.norms[j])
	}
	return sel, cols, norms
}

// penalties converts scikit-learn's (alpha, l1_ratio) to the l1 and l2 of the unnormalised problem.
func (d *pathDesign) penalties(alpha, rho float64) (l1, l2 float64) {
	return alpha * rho * float64(d.n), alpha * (1 - rho) * float64(d.n)
}

// checkGrid refuses penalties ElasticNet refuses.
func checkGrid(g Grid) error {
	for _, a := range g.Alpha {
		if a < 0 || math.IsNaN(a) {
			return fmt.Errorf("alpha %g: need alpha ≥ 0", a)
		}
	}
	for _, r := range g.L1Ratio {
		if !(r >= 0 && r <= 1) {
			return fmt.Errorf("l1_ratio %g: need 0 ≤ l1_ratio ≤ 1", r)
		}
	}
	return nil
}

// descending returns the positions of v from the largest value down (stable among equals).
func descending(v []float64) []int {
	order := make([]int, len(v))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return v[order[a]] > v[order[b]] })
	return order
}

// pathFoldPredictions predicts one fold's test samples with every candidate of the grid
// (candidate x test sample, in Candidates order) and counts the fits that did not converge.
func pathFoldPredictions(base Pipeline, g Grid, x Matrix, y []float64, sp Split) ([][]float64, int, error) {
	d, err := newPathDesign(base, x.SelectRows(sp.Train), pick(y, sp.Train))
	if err != nil {
		return nil, 0, err
	}
	xte := x.SelectRows(sp.Test)
	if d.pre.Scaling != nil {
		xte = d.pre.Scaling.Transform(xte)
	}
	p := d.p
	teC := make([]float64, len(xte.Data)) // test rows centred on the training means
	for i := 0; i < xte.Rows; i++ {
		for j := 0; j < p; j++ {
			teC[i*p+j] = xte.Data[i*p+j] - d.means[j]
		}
	}
	alphaOrder := descending(g.Alpha)
	out := make([][]float64, len(g.K)*len(g.Alpha)*len(g.L1Ratio))
	path := newEnetPath(d.n, p)
	cols := make([][]float64, 0, p)
	norms := make([]float64, 0, p)
	var sel []int
	notConverged := 0
	for ki, k := range g.K {
		sel, cols, norms = d.columns(k, cols, norms)
		for ri, rho := range g.L1Ratio {
			path.reset(cols, norms, d.yc, d.yNorm2)
			for _, ai := range alphaOrder {
				l1, l2 := d.penalties(g.Alpha[ai], rho)
				if _, _, ok := path.solve(l1, l2, d.tol, d.maxIter); !ok {
					notConverged++
				}
				pred := make([]float64, xte.Rows)
				for i := range pred {
					s := d.yMean
					row := teC[i*p : (i+1)*p]
					for c, j := range sel {
						if w := path.w[c]; w != 0 {
							s += w * row[j]
						}
					}
					pred[i] = s
				}
				out[(ki*len(g.Alpha)+ai)*len(g.L1Ratio)+ri] = pred
			}
		}
	}
	return out, notConverged, nil
}

// pathFit fits the pipeline with candidate c on x, y by the path from the largest of alphas down to
// c.Alpha (the search's solver, so the refit is the converged model the search scored).
func pathFit(base Pipeline, c Candidate, alphas []float64, x Matrix, y []float64) (*FittedPipeline, error) {
	d, err := newPathDesign(base, x, y)
	if err != nil {
		return nil, err
	}
	sel, cols, norms := d.columns(c.K, nil, nil)
	path := newEnetPath(d.n, len(cols))
	path.reset(cols, norms, d.yc, d.yNorm2)
	m := &LinearModel{Converged: true}
	for _, ai := range descending(alphas) {
		if alphas[ai] < c.Alpha {
			continue
		}
		l1, l2 := d.penalties(alphas[ai], c.L1Ratio)
		sweeps, gap, ok := path.solve(l1, l2, d.tol, d.maxIter)
		m.NIter += sweeps
		m.Gap, m.Converged = gap, ok
	}
	m.Coef = append([]float64(nil), path.w[:len(cols)]...)
	m.Intercept = d.yMean
	for c, j := range sel {
		m.Intercept -= d.means[j] * m.Coef[c]
	}
	return &FittedPipeline{Scaling: d.pre.Scaling, Scores: d.pre.Scores, Selected: sel, Model: m}, nil
}

// pick returns v at the given positions.
func pick(v []float64, at []int) []float64 {
	out := make([]float64, len(at))
	for i, k := range at {
		out[i] = v[k]
	}
	return out
}
