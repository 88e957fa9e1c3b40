package decode

import (
	"encoding/json"
	"fmt"
	"github.com/painmark/painmark/internal/legacyjson"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"gonum.org/v1/gonum/mat"
)

// The decoder is DEIPP's principal-component regression with lasso selection and relaxed refit
// (learn.PCRLasso), computed from the Gram matrix of the bins rather than from the edges: with far
// more edges (35,778 for 268 regions) than bins, the PCA of any training subset is the
// eigendecomposition of its double-centred Gram block, and everything the model needs (component
// scores of training and test bins, and the weights on the edges at the end) follows from it.
// Because principal-component scores are orthogonal, a lasso over them enters the components one
// by one in a fixed order and never drops one, and the relaxed OLS refit on any selected set is
// each component's own regression; kernelFit uses these identities, which
// TestKernelFitEqualsPCRLasso checks against learn.PCRLasso (itself equal to scikit-learn).
//
// Two parametrizations of the lasso are offered (Options.Selection). SelectComponents is the one
// the issue names: the hyperparameter is the number of components, entered in the order of
// scikit-learn's lars_path on the raw scores (decreasing |scoreᵀy|). SelectDEIPP is what DEIPP's
// MATLAB code (analysis_predict_rating_func_modeling.m) does: lasso_rocha's path on all training
// bins fixes the penalties at which 1, 2, …, n−2 components are selected, converted to MATLAB
// lasso's scale, and every fold runs MATLAB's lasso (standardized scores, so components enter by
// |corr(score, y)|) at those same penalties; a fold may then select more or fewer components
// than the penalty's count on all bins.

// Selection names the decoder's hyperparameter.
type Selection string

const (
	// SelectComponents: the number of lasso-selected components (scikit-learn's lars_path order).
	SelectComponents Selection = "components"
	// SelectDEIPP: DEIPP's grid of lasso penalties fixed on all training bins, with MATLAB
	// lasso's standardized component scores.
	SelectDEIPP Selection = "deipp"
)

// Options are the decoder's modelling choices.
type Options struct {
	Selection Selection `json:"selection"`
	// MaxComponents caps the number of components (0: no cap). With SelectDEIPP it caps the
	// penalty grid (penalties selecting at most this many components on all training bins).
	MaxComponents int `json:"max_components"`
}

// UnmarshalJSON reads the options, also as painmark wrote them before its keys were snake_case.
func (o *Options) UnmarshalJSON(b []byte) error {
	type plain Options
	b, err := legacyjson.Rename(b, map[string]string{"MaxComponents": "max_components"})
	if err != nil {
		return err
	}
	return json.Unmarshal(b, (*plain)(o))
}

func (o Options) check() error {
	switch o.Selection {
	case "", SelectComponents, SelectDEIPP:
		return nil
	}
	return fmt.Errorf("unknown model selection %q (want %q or %q)", o.Selection, SelectComponents, SelectDEIPP)
}

func (o Options) deipp() bool { return o.Selection == SelectDEIPP }

func (o Options) maxComponents() int {
	if o.MaxComponents <= 0 {
		return math.MaxInt
	}
	return o.MaxComponents
}

// gram is the Gram matrix of all bins (n x n, row-major).
type gram struct {
	n int
	k []float64
}

func newGram(x learn.Matrix) *gram {
	rows := make([][]float64, x.Rows)
	for i := range rows {
		rows[i] = x.Data[i*x.Cols : (i+1)*x.Cols]
	}
	return &gram{n: x.Rows, k: linalg.Gram(rows)}
}

// kernelFit is a PCR-lasso path fitted on the training bins train.
type kernelFit struct {
	train   []int
	yMean   float64
	rowMean []float64 // mean of K[s, train] for s in train
	allMean float64
	// Components in the order the lasso enters them: eigenvector (over train), singular value, the
	// relaxed coefficient on the component's score, uᵀy_c/σ, and the penalty on MATLAB lasso's
	// standardized scale below which the component is selected, |uᵀy_c|/√n.
	u        [][]float64
	sigma    []float64
	beta     []float64
	strength []float64
}

// fit fits the path on the bins train with targets y (indexed like the Gram). standardized
// enters the components as MATLAB's lasso on standardized scores does (by |uᵀy_c|), otherwise
// as lars_path on the raw scores does (by |σ·uᵀy_c|).
func (g *gram) fit(train []int, y []float64, maxComponents int, standardized bool) (*kernelFit, error) {
	n := len(train)
	if n < 3 {
		return nil, fmt.Errorf("%d training bins", n)
	}
	f := &kernelFit{train: train, rowMean: make([]float64, n)}
	for _, i := range train {
		f.yMean += y[i]
	}
	f.yMean /= float64(n)
	for a, i := range train {
		var s float64
		for _, j := range train {
			s += g.k[i*g.n+j]
		}
		f.rowMean[a] = s / float64(n)
		f.allMean += f.rowMean[a]
	}
	f.allMean /= float64(n)
	kc := mat.NewSymDense(n, nil)
	for a, i := range train {
		for b := a; b < n; b++ {
			j := train[b]
			kc.SetSym(a, b, g.k[i*g.n+j]-f.rowMean[a]-f.rowMean[b]+f.allMean)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(kc, true) {
		return nil, fmt.Errorf("the eigendecomposition of the training Gram matrix did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	// The PCA keeps min(n − 1, p) components, largest first (centring removes one dimension).
	k := min(n-1, maxComponents)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	yc := make([]float64, n)
	for a, i := range train {
		yc[a] = y[i] - f.yMean
	}
	type comp struct {
		u                []float64
		sigma, c, bt, st float64
	}
	var comps []comp
	for _, idx := range order[:k] {
		if !(vals[idx] > 0) {
			break
		}
		u := make([]float64, n)
		for a := range u {
			u[a] = vecs.At(a, idx)
		}
		sigma := math.Sqrt(vals[idx])
		uy := linalg.Dot(u, yc)
		c := comp{u: u, sigma: sigma, c: math.Abs(sigma * uy), bt: uy / sigma, st: math.Abs(uy) / math.Sqrt(float64(n))}
		if standardized {
			c.c = c.st
		}
		comps = append(comps, c)
	}
	// A lasso on orthogonal scores enters the components by decreasing |scoreᵀ·y_c| (raw scores)
	// or |corr(score, y)| (standardized scores).
	sort.SliceStable(comps, func(a, b int) bool { return comps[a].c > comps[b].c })
	for _, c := range comps {
		f.u = append(f.u, c.u)
		f.sigma = append(f.sigma, c.sigma)
		f.beta = append(f.beta, c.bt)
		f.strength = append(f.strength, c.st)
	}
	return f, nil
}

// predict returns, for each test bin, the predictions of the models with 0..K components
// (out[t][k]; with none, the training mean).
func (g *gram) predict(f *kernelFit, test []int) [][]float64 {
	n := len(f.train)
	out := make([][]float64, len(test))
	kt := make([]float64, n)
	for ti, t := range test {
		var m float64
		for _, j := range f.train {
			m += g.k[t*g.n+j]
		}
		m /= float64(n)
		for a, j := range f.train {
			kt[a] = g.k[t*g.n+j] - m - f.rowMean[a] + f.allMean
		}
		preds := make([]float64, len(f.u)+1)
		acc := f.yMean
		preds[0] = acc
		for c := range f.u {
			acc += f.beta[c] * linalg.Dot(kt, f.u[c]) / f.sigma[c]
			preds[c+1] = acc
		}
		out[ti] = preds
	}
	return out
}

// edgeWeights returns the model with k components as weights on the edges and an intercept:
// w = Σ_c β_c·v_c with v_c = X_cᵀu_c/σ_c, intercept ȳ − x̄ᵀw.
func (f *kernelFit) edgeWeights(x learn.Matrix, k int) ([]float64, float64) {
	n := len(f.train)
	// coefficient of each training bin: a_s = Σ_c β_c u_c[s]/σ_c, then w = X_cᵀ a = Xᵀa − x̄·Σa.
	a := make([]float64, n)
	for c := 0; c < k; c++ {
		linalg.Axpy(f.beta[c]/f.sigma[c], f.u[c], a)
	}
	w := make([]float64, x.Cols)
	mean := make([]float64, x.Cols)
	var sa float64
	for s, i := range f.train {
		row := x.Data[i*x.Cols : (i+1)*x.Cols]
		linalg.Axpy(a[s], row, w)
		linalg.Axpy(1/float64(n), row, mean)
		sa += a[s]
	}
	linalg.Axpy(-sa, mean, w)
	return w, f.yMean - linalg.Dot(mean, w)
}

// grid is the decoder's hyperparameter grid: candidate i is a number of components
// (SelectComponents: i+1) or a lasso penalty (SelectDEIPP: lambda[i], in DEIPP's order, most
// components first, so that ties go to the candidate MATLAB's max would return).
type grid struct {
	o      Options
	lambda []float64 // penalty i selects len(lambda) − i components on the bins it was fixed on
}

// newGrid builds the grid for training on the bins idx. For SelectDEIPP these are DEIPP's
// "all training" bins: lasso_rocha's path on them stops where m components are active at the
// penalty where component m+1 enters, |corr_{m+1}|·(n−1)/n on its normalized scale; times
// √(n/(n−1))·std(y) (+eps) that is |u_{m+1}ᵀy_c|/√n + eps on MATLAB lasso's scale, at which
// MATLAB's lasso selects exactly the m strongest components (DEIPP asserts this).
func (g *gram) newGrid(y []float64, idx []int, o Options) (*grid, error) {
	gr := &grid{o: o}
	if !o.deipp() {
		return gr, nil
	}
	f, err := g.fit(idx, y, math.MaxInt, true)
	if err != nil {
		return nil, err
	}
	// DEIPP's param = n−2, …, 1 components: every count below the full path's n−1.
	for m := min(len(f.strength)-1, o.maxComponents()); m >= 1; m-- {
		gr.lambda = append(gr.lambda, f.strength[m]+eps)
	}
	if len(gr.lambda) == 0 {
		return nil, fmt.Errorf("%d training bins leave no lasso penalty to choose", len(idx))
	}
	return gr, nil
}

// eps is MATLAB's eps (2^-52), which DEIPP adds to each penalty.
const eps = 0x1p-52

// fitFor fits the path that the grid's candidates are read from.
func (gr *grid) fitFor(g *gram, train []int, y []float64) (*kernelFit, error) {
	if gr.o.deipp() {
		return g.fit(train, y, math.MaxInt, true)
	}
	return g.fit(train, y, gr.o.maxComponents(), false)
}

// components returns how many leading components of f candidate i uses: with a penalty, those
// whose standardized strength exceeds it (MATLAB lasso's selection on orthogonal scores).
func (gr *grid) components(f *kernelFit, i int) int {
	if !gr.o.deipp() {
		return min(i+1, len(f.u))
	}
	n := 0
	for n < len(f.strength) && f.strength[n] > gr.lambda[i] {
		n++
	}
	return n
}

// size is the number of candidates f supports.
func (gr *grid) size(f *kernelFit) int {
	if gr.o.deipp() {
		return len(gr.lambda)
	}
	return len(f.u)
}

// predict returns, for each test bin, the prediction of every candidate the fit supports.
func (gr *grid) predict(g *gram, f *kernelFit, test []int) [][]float64 {
	cum := g.predict(f, test)
	size := gr.size(f)
	out := make([][]float64, len(test))
	for t, c := range cum {
		row := make([]float64, size)
		for i := range row {
			row[i] = c[gr.components(f, i)]
		}
		out[t] = row
	}
	return out
}

// best is the candidate (among the first size) whose pooled predictions correlate best with the
// truth: DEIPP's choice by the pooled prediction-outcome r; ties go to the earlier candidate
// (fewest components; for penalties, DEIPP's first).
func best(preds [][]float64, truth []float64, size int) int {
	best, bestR := 0, math.Inf(-1)
	col := make([]float64, len(preds))
	for i := 0; i < size; i++ {
		for t, p := range preds {
			col[t] = p[i]
		}
		if r := stats.Pearson(col, truth); r > bestR {
			best, bestR = i, r
		}
	}
	return best
}

// NestedResult is a nested leave-one-session-out decoding run.
type NestedResult struct {
	// Predictions of every bin by the model trained without its session.
	Predictions []float64
	// Components used in each outer fold (by session, in Sessions order).
	Sessions   []string
	Components []int
	// Lambdas are the penalties chosen in each outer fold (SelectDEIPP only).
	Lambdas []float64 `json:",omitempty"`
	// Models are the outer folds' models on the edges (for frame-wise application).
	Weights    [][]float64
	Intercepts []float64
	R          float64 // pooled r of Predictions with the bin ratings
}

// NestedLOSO runs DEIPP's nested cross-validation: outer leave-one-session-out; inside each outer
// training set, leave-one-session-out again to choose the hyperparameter by the pooled
// prediction-outcome r; the chosen model refitted on the outer training set predicts the held-out
// session. With SelectDEIPP the penalty grid is fixed once on all sessions, as DEIPP does. Folds
// run in parallel; the result does not depend on the number of workers.
func NestedLOSO(d *Data, o Options) (*NestedResult, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	sessions := uniqueInOrder(d.Session)
	if len(sessions) < 3 {
		return nil, fmt.Errorf("nested leave-one-session-out needs at least 3 sessions, got %d", len(sessions))
	}
	g := newGram(d.X)
	all := make([]int, d.X.Rows)
	for i := range all {
		all[i] = i
	}
	gr, err := g.newGrid(d.Y, all, o)
	if err != nil {
		return nil, err
	}
	ns := len(sessions)
	res := &NestedResult{Predictions: make([]float64, d.X.Rows), Sessions: sessions, Components: make([]int, ns),
		Weights: make([][]float64, ns), Intercepts: make([]float64, ns)}
	if o.deipp() {
		res.Lambdas = make([]float64, ns)
	}
	// The inner fold that leaves out session i inside outer fold o trains on every session but o
	// and i: the same bins as inner fold o inside outer fold i. Each unordered pair is fitted once
	// and predicts both left-out sessions: inner[o][i] holds session i's predictions (for every
	// candidate) for outer fold o.
	inner := make([][][][]float64, ns)
	for o := range inner {
		inner[o] = make([][][]float64, ns)
	}
	type pair struct{ a, b int }
	var pairs []pair
	for a := 0; a < ns; a++ {
		for b := a + 1; b < ns; b++ {
			pairs = append(pairs, pair{a, b})
		}
	}
	binsOf := make([][]int, ns)
	index := map[string]int{}
	for o, s := range sessions {
		index[s] = o
	}
	for i, s := range d.Session {
		binsOf[index[s]] = append(binsOf[index[s]], i)
	}
	pairErrs := make([]error, len(pairs))
	parallel.ForProgress(len(pairs), progress.Loop("decoding: inner folds (session pairs)"), func(k int) {
		a, b := pairs[k].a, pairs[k].b
		var train []int
		for i, s := range d.Session {
			if o := index[s]; o != a && o != b {
				train = append(train, i)
			}
		}
		f, err := gr.fitFor(g, train, d.Y)
		if err != nil {
			pairErrs[k] = err
			return
		}
		inner[b][a] = gr.predict(g, f, binsOf[a])
		inner[a][b] = gr.predict(g, f, binsOf[b])
	})
	for _, err := range pairErrs {
		if err != nil {
			return nil, err
		}
	}
	errs := make([]error, ns)
	parallel.ForProgress(ns, progress.Loop("decoding: outer folds"), func(o int) {
		// Pooled inner predictions (sessions in order) for every candidate.
		var preds [][]float64
		var truth []float64
		size := math.MaxInt
		for i := 0; i < ns; i++ {
			if i == o {
				continue
			}
			for k, p := range inner[o][i] {
				size = min(size, len(p))
				preds = append(preds, p)
				truth = append(truth, d.Y[binsOf[i][k]])
			}
		}
		c := best(preds, truth, size)
		outerTrain, outerTest := split(d.Session, sessions[o])
		f, err := gr.fitFor(g, outerTrain, d.Y)
		if err != nil {
			errs[o] = err
			return
		}
		c = min(c, gr.size(f)-1)
		for i, p := range gr.predict(g, f, outerTest) {
			res.Predictions[outerTest[i]] = p[c]
		}
		res.Components[o] = gr.components(f, c)
		if res.Lambdas != nil {
			res.Lambdas[o] = gr.lambda[c]
		}
		res.Weights[o], res.Intercepts[o] = f.edgeWeights(d.X, res.Components[o])
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	res.R = stats.Pearson(res.Predictions, d.Y)
	return res, nil
}

func uniqueInOrder(v []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// split returns the bins outside and inside session s.
func split(session []string, s string) (train, test []int) {
	for i, x := range session {
		if x == s {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

// splitWithin is split restricted to the bins idx.
func splitWithin(session []string, idx []int, s string) (train, test []int) {
	for _, i := range idx {
		if session[i] == s {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

func sub(v []string, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

// CurvePoint is the decoder's performance when trained on a given number of sessions.
type CurvePoint struct {
	Sessions int       `json:"sessions"`
	R        []float64 `json:"r"` // per repeat: r on the held-out session's bins
	MeanR    float64   `json:"mean_r"`
}

// LearningCurve trains the decoder (hyperparameter chosen by leave-one-session-out within the
// training sessions) on random subsets of sessions and tests it on one other random session: for
// each size, repeats draws from PCG(seed, size·1e6 + repeat), so the curve does not depend on the
// number of workers. It shows how much training data a personalized model needs (Lee et al.: 4-5
// sessions were not enough).
func LearningCurve(d *Data, sizes []int, repeats int, seed uint64, o Options) ([]CurvePoint, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	sessions := uniqueInOrder(d.Session)
	g := newGram(d.X)
	out := make([]CurvePoint, len(sizes))
	for si, m := range sizes {
		if m < 3 || m > len(sessions)-1 {
			return nil, fmt.Errorf("training size %d sessions of %d: need 3 to %d", m, len(sessions), len(sessions)-1)
		}
		rs := make([]float64, repeats)
		errs := make([]error, repeats)
		parallel.ForProgress(repeats, progress.Loop(fmt.Sprintf("learning curve: %d sessions", m)), func(k int) {
			rng := rand.New(rand.NewPCG(seed, uint64(m)*1e6+uint64(k)))
			perm := rng.Perm(len(sessions))
			test := sessions[perm[0]]
			train := make(map[string]bool, m)
			for _, i := range perm[1 : m+1] {
				train[sessions[i]] = true
			}
			var trainIdx, testIdx []int
			for i, s := range d.Session {
				if train[s] {
					trainIdx = append(trainIdx, i)
				} else if s == test {
					testIdx = append(testIdx, i)
				}
			}
			f, gr, c, err := g.trainOn(d, trainIdx, o)
			if err != nil {
				errs[k] = err
				return
			}
			pred := make([]float64, len(testIdx))
			truth := make([]float64, len(testIdx))
			for i, p := range gr.predict(g, f, testIdx) {
				pred[i], truth[i] = p[c], d.Y[testIdx[i]]
			}
			rs[k] = stats.Pearson(pred, truth)
		})
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		var sum float64
		var n int
		for _, r := range rs {
			if !math.IsNaN(r) {
				sum += r
				n++
			}
		}
		out[si] = CurvePoint{Sessions: m, R: rs, MeanR: sum / float64(n)}
	}
	return out, nil
}

// trainOn trains the decoder on the bins idx as DEIPP's "all training" step does: the grid fixed
// on them, the candidate chosen by leave-one-session-out within them, the path fitted on all of
// them. It returns the fit, the grid and the chosen candidate.
func (g *gram) trainOn(d *Data, idx []int, o Options) (*kernelFit, *grid, int, error) {
	gr, err := g.newGrid(d.Y, idx, o)
	if err != nil {
		return nil, nil, 0, err
	}
	var preds [][]float64
	var truth []float64
	size := math.MaxInt
	for _, s := range uniqueInOrder(sub(d.Session, idx)) {
		tr, te := splitWithin(d.Session, idx, s)
		f, err := gr.fitFor(g, tr, d.Y)
		if err != nil {
			return nil, nil, 0, err
		}
		size = min(size, gr.size(f))
		preds = append(preds, gr.predict(g, f, te)...)
		for _, t := range te {
			truth = append(truth, d.Y[t])
		}
	}
	c := best(preds, truth, size)
	f, err := gr.fitFor(g, idx, d.Y)
	if err != nil {
		return nil, nil, 0, err
	}
	return f, gr, min(c, gr.size(f)-1), nil
}

// Model is a trained personalized decoder: weights on the edges of its regions (Edges order)
// and an intercept, with the preparation it expects.
type Model struct {
	Format     string         `json:"format"`
	Regions    []string       `json:"regions"`
	Weights    []float64      `json:"weights"`
	Intercept  float64        `json:"intercept"`
	Components int            `json:"components"`
	Selection  Selection      `json:"selection"`
	Lambda     float64        `json:"lambda,omitempty"` // SelectDEIPP: the chosen penalty (MATLAB lasso's scale)
	Prepare    PrepareOptions `json:"prepare"`
	Sessions   int            `json:"training_sessions"`
	Bins       int            `json:"training_bins"`
	Software   string         `json:"software_version"`
	// Subject (the runs' sub- entity) and TrainingSessionIDs are the participant and the sessions
	// the model was trained on; absent in decoders written before they were recorded.
	Subject            string   `json:"subject,omitempty"`
	TrainingSessionIDs []string `json:"training_session_ids,omitempty"`
}

// ModelFormat names the decoder file format.
const ModelFormat = "painmark-decoder-1"

// FitModel fits the final model on all sessions, its hyperparameter chosen by leave-one-session-out
// over them (DEIPP's beta_best.all; each outer fold of NestedLOSO chooses the same way). The model
// records the participant and the sessions it was trained on, so that Apply can label them.
func FitModel(d *Data, regions []string, p PrepareOptions, o Options, software string) (*Model, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	g := newGram(d.X)
	all := make([]int, d.X.Rows)
	for i := range all {
		all[i] = i
	}
	f, gr, c, err := g.trainOn(d, all, o)
	if err != nil {
		return nil, err
	}
	k := gr.components(f, c)
	w, b := f.edgeWeights(d.X, k)
	m := &Model{Format: ModelFormat, Regions: regions, Weights: w, Intercept: b, Components: k, Selection: SelectComponents, Prepare: p,
		Sessions: len(uniqueInOrder(d.Session)), Bins: d.X.Rows, Software: software, TrainingSessionIDs: uniqueInOrder(d.Session)}
	for _, r := range d.Runs {
		if m.Subject == "" {
			m.Subject = r.Subject
		}
	}
	if o.deipp() {
		m.Selection, m.Lambda = SelectDEIPP, gr.lambda[c]
	}
	return m, nil
}
