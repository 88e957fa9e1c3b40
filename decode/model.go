package decode

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"gonum.org/v1/gonum/mat"
)

// The decoder is DEIPP's principal-component regression with lasso selection and relaxed refit
// (learn.PCRLasso), computed from the Gram matrix of the bins rather than from the edges: with far
// more edges (35,778 for 268 regions) than bins, the PCA of any training subset is the
// eigendecomposition of its double-centred Gram block, and everything the model needs (component
// scores of training and test bins, and the weights on the edges at the end) follows from it.
// Because principal-component scores are orthogonal, the lasso path (least-angle regression) enters
// the components in order of decreasing |scoreᵀ·y| and never drops one, and the relaxed OLS refit
// on any selected set is each component's own regression; kernelFit uses these identities, which
// TestKernelFitEqualsPCRLasso checks against learn.PCRLasso (itself equal to scikit-learn).
//
// Two known differences from DEIPP's MATLAB code (analysis_predict_rating_func_modeling.m): DEIPP
// fixes a grid of lasso penalties once (from the path on all training sessions, at target numbers
// of components) and shares it across folds, where this decoder chooses the number of components
// per fold; and MATLAB's lasso standardizes the component scores, entering components by
// |corr(score, y)| rather than scikit-learn lars_path's |scoreᵀy|.

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
	// Components in the order the lasso enters them: eigenvector (over train), singular value and
	// the relaxed coefficient on the component's score, uᵀy_c/σ.
	u     [][]float64
	sigma []float64
	beta  []float64
}

// fitKernel fits the path on the bins train with targets y (indexed like the Gram).
func (g *gram) fit(train []int, y []float64, maxComponents int) (*kernelFit, error) {
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
		u            []float64
		sigma, c, bt float64
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
		comps = append(comps, comp{u: u, sigma: sigma, c: math.Abs(sigma * uy), bt: uy / sigma})
	}
	// The lasso path on orthogonal scores enters components by decreasing |scoreᵀ·y_c|.
	sort.SliceStable(comps, func(a, b int) bool { return comps[a].c > comps[b].c })
	for _, c := range comps {
		f.u = append(f.u, c.u)
		f.sigma = append(f.sigma, c.sigma)
		f.beta = append(f.beta, c.bt)
	}
	return f, nil
}

// predict returns, for each test bin, the predictions of the models with 1..K components
// (out[t][k−1]).
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
		preds := make([]float64, len(f.u))
		acc := f.yMean
		for c := range f.u {
			acc += f.beta[c] * linalg.Dot(kt, f.u[c]) / f.sigma[c]
			preds[c] = acc
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

// NestedResult is a nested leave-one-session-out decoding run.
type NestedResult struct {
	// Predictions of every bin by the model trained without its session.
	Predictions []float64
	// Components chosen in each outer fold (by session, in Sessions order).
	Sessions   []string
	Components []int
	// Models are the outer folds' models on the edges (for frame-wise application).
	Weights    [][]float64
	Intercepts []float64
	R          float64 // pooled r of Predictions with the bin ratings
}

// NestedLOSO runs DEIPP's nested cross-validation: outer leave-one-session-out; inside each outer
// training set, leave-one-session-out again to choose the number of components by the pooled
// prediction-outcome r; the chosen model refitted on the outer training set predicts the held-out
// session. Folds run in parallel; the result does not depend on the number of workers.
func NestedLOSO(d *Data, maxComponents int) (*NestedResult, error) {
	if maxComponents <= 0 {
		maxComponents = math.MaxInt
	}
	sessions := uniqueInOrder(d.Session)
	if len(sessions) < 3 {
		return nil, fmt.Errorf("nested leave-one-session-out needs at least 3 sessions, got %d", len(sessions))
	}
	g := newGram(d.X)
	ns := len(sessions)
	res := &NestedResult{Predictions: make([]float64, d.X.Rows), Sessions: sessions, Components: make([]int, ns),
		Weights: make([][]float64, ns), Intercepts: make([]float64, ns)}
	// The inner fold that leaves out session i inside outer fold o trains on every session but o
	// and i: the same bins as inner fold o inside outer fold i. Each unordered pair is fitted once
	// and predicts both left-out sessions: inner[o][i] holds session i's predictions (for every
	// number of components) for outer fold o.
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
	parallel.For(len(pairs), func(k int) {
		a, b := pairs[k].a, pairs[k].b
		var train []int
		for i, s := range d.Session {
			if o := index[s]; o != a && o != b {
				train = append(train, i)
			}
		}
		f, err := g.fit(train, d.Y, maxComponents)
		if err != nil {
			pairErrs[k] = err
			return
		}
		inner[b][a] = g.predict(f, binsOf[a])
		inner[a][b] = g.predict(f, binsOf[b])
	})
	for _, err := range pairErrs {
		if err != nil {
			return nil, err
		}
	}
	errs := make([]error, ns)
	parallel.For(ns, func(o int) {
		// Pooled inner predictions (sessions in order) for every number of components.
		var preds [][]float64
		var truth []float64
		kmax := math.MaxInt
		for i := 0; i < ns; i++ {
			if i == o {
				continue
			}
			for k, p := range inner[o][i] {
				kmax = min(kmax, len(p))
				preds = append(preds, p)
				truth = append(truth, d.Y[binsOf[i][k]])
			}
		}
		best := bestComponents(preds, truth, kmax)
		outerTrain, outerTest := split(d.Session, sessions[o])
		f, err := g.fit(outerTrain, d.Y, maxComponents)
		if err != nil {
			errs[o] = err
			return
		}
		best = min(best, len(f.u))
		for i, p := range g.predict(f, outerTest) {
			res.Predictions[outerTest[i]] = p[best-1]
		}
		res.Components[o] = best
		res.Weights[o], res.Intercepts[o] = f.edgeWeights(d.X, best)
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
	for i, v := range session {
		if v == s {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return
}

// splitWithin splits the bins idx into those outside and inside session s.
func splitWithin(session []string, idx []int, s string) (train, test []int) {
	for _, i := range idx {
		if session[i] == s {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return
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
	Sessions int
	R        []float64 // per repeat: r on the held-out session's bins
	MeanR    float64
}

// LearningCurve trains the decoder (components chosen by inner leave-one-session-out) on random
// subsets of sessions and tests it on one other random session: for each size, repeats draws from
// PCG(seed, size·1e6 + repeat), so the curve does not depend on the number of workers. It shows how
// much training data a personalized model needs (Lee et al.: 4-5 sessions were not enough).
func LearningCurve(d *Data, sizes []int, repeats int, seed uint64) ([]CurvePoint, error) {
	sessions := uniqueInOrder(d.Session)
	g := newGram(d.X)
	out := make([]CurvePoint, len(sizes))
	for si, m := range sizes {
		if m < 3 || m > len(sessions)-1 {
			return nil, fmt.Errorf("training size %d sessions of %d: need 3 to %d", m, len(sessions), len(sessions)-1)
		}
		rs := make([]float64, repeats)
		errs := make([]error, repeats)
		parallel.For(repeats, func(k int) {
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
			best, err := g.chooseComponents(d, trainIdx)
			if err != nil {
				errs[k] = err
				return
			}
			f, err := g.fit(trainIdx, d.Y, math.MaxInt)
			if err != nil {
				errs[k] = err
				return
			}
			best = min(best, len(f.u))
			pred := make([]float64, len(testIdx))
			truth := make([]float64, len(testIdx))
			for i, p := range g.predict(f, testIdx) {
				pred[i], truth[i] = p[best-1], d.Y[testIdx[i]]
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

// chooseComponents picks the number of components by leave-one-session-out within the bins idx,
// maximizing the pooled prediction-outcome r (ties: fewest components).
func (g *gram) chooseComponents(d *Data, idx []int) (int, error) {
	return g.chooseComponentsMax(d, idx, math.MaxInt)
}

// chooseComponentsMax is chooseComponents with at most maxComponents components.
func (g *gram) chooseComponentsMax(d *Data, idx []int, maxComponents int) (int, error) {
	var preds [][]float64
	var truth []float64
	kmax := math.MaxInt
	for _, s := range uniqueInOrder(sub(d.Session, idx)) {
		tr, te := splitWithin(d.Session, idx, s)
		f, err := g.fit(tr, d.Y, maxComponents)
		if err != nil {
			return 0, err
		}
		kmax = min(kmax, len(f.u))
		preds = append(preds, g.predict(f, te)...)
		for _, t := range te {
			truth = append(truth, d.Y[t])
		}
	}
	return bestComponents(preds, truth, kmax), nil
}

// bestComponents is the number of components (1..kmax) whose pooled predictions correlate best
// with the truth (ties: fewest components).
func bestComponents(preds [][]float64, truth []float64, kmax int) int {
	best, bestR := 1, math.Inf(-1)
	col := make([]float64, len(preds))
	for k := 1; k <= kmax; k++ {
		for i, p := range preds {
			col[i] = p[k-1]
		}
		if r := stats.Pearson(col, truth); r > bestR {
			best, bestR = k, r
		}
	}
	return best
}

// Model is a trained personalized decoder: weights on the edges of its regions (Edges order)
// and an intercept, with the preparation it expects.
type Model struct {
	Format     string         `json:"format"`
	Regions    []string       `json:"regions"`
	Weights    []float64      `json:"weights"`
	Intercept  float64        `json:"intercept"`
	Components int            `json:"components"`
	Prepare    PrepareOptions `json:"prepare"`
	Sessions   int            `json:"training_sessions"`
	Bins       int            `json:"training_bins"`
	Software   string         `json:"software_version"`
}

// ModelFormat names the decoder file format.
const ModelFormat = "painmark-decoder-1"

// Train fits the final model on all sessions, the number of components chosen by
// leave-one-session-out over them (as each outer fold of NestedLOSO chooses it).
func Train(d *Data, regions []string, o PrepareOptions, software string) (*Model, error) {
	g := newGram(d.X)
	all := make([]int, d.X.Rows)
	for i := range all {
		all[i] = i
	}
	best, err := g.chooseComponents(d, all)
	if err != nil {
		return nil, err
	}
	f, err := g.fit(all, d.Y, math.MaxInt)
	if err != nil {
		return nil, err
	}
	best = min(best, len(f.u))
	w, b := f.edgeWeights(d.X, best)
	return &Model{Format: ModelFormat, Regions: regions, Weights: w, Intercept: b, Components: best, Prepare: o,
		Sessions: len(uniqueInOrder(d.Session)), Bins: d.X.Rows, Software: software}, nil
}
