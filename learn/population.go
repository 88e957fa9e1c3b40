package learn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/painmark/painmark/internal/nprand"
	"github.com/painmark/painmark/stats"
)

// ShuffledGroupKFoldSplits are grouped k-folds for population studies (families, sites): the
// sorted distinct groups permuted by numpy's RandomState(seed) and cut into k consecutive blocks,
// the first (groups mod k) one group larger (np.array_split); a group never straddles folds. This is
// scikit-learn's GroupKFold(shuffle=True, random_state=seed) from version 1.6 (earlier versions have
// no shuffle and balance sample counts instead: GroupKFoldSplits); folds hold whole groups, so their
// sample counts differ when group sizes do.
func ShuffledGroupKFoldSplits(groups []string, k int, seed uint32) ([]Split, error) {
	return shuffledGroupKFold(groups, k, nprand.New(seed))
}

func shuffledGroupKFold(groups []string, k int, rng *nprand.RandomState) ([]Split, error) {
	uniq, idx := uniqueSorted(groups)
	if k < 2 || k > len(uniq) {
		return nil, fmt.Errorf("%d folds for %d groups: need 2 ≤ folds ≤ groups", k, len(uniq))
	}
	order := rangeInts(0, len(uniq))
	rng.Shuffle(order)
	byGroup := kfoldBlocks(order, k) // the test blocks, in group indices
	out := make([]Split, k)
	for f, s := range byGroup {
		in := make([]bool, len(uniq))
		for _, g := range s.Test {
			in[g] = true
		}
		var test []int
		for i, g := range idx {
			if in[g] {
				test = append(test, i)
			}
		}
		out[f] = complementSplit(len(groups), test)
	}
	return out, nil
}

// RepeatedGroupKFoldSplits are repeats of ShuffledGroupKFoldSplits drawn one after another from
// one RandomState(seed), as RepeatedKFoldSplits does for samples: k x repeats folds in all.
func RepeatedGroupKFoldSplits(groups []string, k, repeats int, seed uint32) ([]Split, error) {
	if repeats < 1 {
		return nil, fmt.Errorf("%d repeats: need at least 1", repeats)
	}
	rng := nprand.New(seed)
	var out []Split
	for r := 0; r < repeats; r++ {
		folds, err := shuffledGroupKFold(groups, k, rng)
		if err != nil {
			return nil, err
		}
		out = append(out, folds...)
	}
	return out, nil
}

// RidgePath is ridge regression fitted once for every penalty: the eigendecomposition of the
// smaller Gram matrix of the centred training features Xc (XcᵀXc = V·Λ·Vᵀ with fewer features than
// samples, XcXcᵀ = U·Λ·Uᵀ otherwise), from which scikit-learn's Ridge(alpha, fit_intercept=True)
// prediction for any alpha is ȳ + (x − x̄)·P·diag(1/(λ+α))·c, with P = V and c = VᵀXcᵀyc, or
// P = XcᵀU and c = Uᵀyc: the same solution as the SVD RidgeCV uses, so a grid of alphas costs one
// decomposition. Directions with λ ≤ λmax·dim·ε (the one centring removes) are dropped.
type RidgePath struct {
	*ridgeBasis
	yMean float64
	c     []float64
}

// ridgeBasis is the part of a RidgePath that does not depend on the target: the training means,
// the projection P (p x r), the kept eigenvalues and the map from the centred training target to
// c (r x n: Vᵀ·Xcᵀ or Uᵀ), so permuted targets reuse one decomposition.
type ridgeBasis struct {
	means []float64
	proj  *mat.Dense
	lam   []float64
	ymap  *mat.Dense
}

// FitRidgePath decomposes the training data x (samples x features) with targets y.
func FitRidgePath(x Matrix, y []float64) (*RidgePath, error) {
	if x.Rows != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", x.Rows, len(y))
	}
	b, err := fitRidgeBasis(x)
	if err != nil {
		return nil, err
	}
	yMean, c := b.coef(y)
	return &RidgePath{ridgeBasis: b, yMean: yMean, c: c}, nil
}

func fitRidgeBasis(x Matrix) (*ridgeBasis, error) {
	n, p := x.Rows, x.Cols
	if n < 2 || p < 1 {
		return nil, fmt.Errorf("ridge needs at least 2 samples and 1 feature, got %d x %d", n, p)
	}
	xc, means := centredDense(x)
	var g mat.SymDense
	dim := min(n, p)
	if p <= n {
		g.SymOuterK(1, xc.T())
	} else {
		g.SymOuterK(1, xc)
	}
	var eig mat.EigenSym
	if !eig.Factorize(&g, true) {
		return nil, fmt.Errorf("ridge: the eigendecomposition of the %d x %d Gram matrix did not converge", dim, dim)
	}
	lam := eig.Values(nil)
	var vec mat.Dense
	eig.VectorsTo(&vec)
	tol := lam[len(lam)-1] * float64(dim) * 2.220446049250313e-16
	var keep []int
	for k, l := range lam {
		if l > tol {
			keep = append(keep, k)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("ridge: the training features are constant")
	}
	w := mat.NewDense(dim, len(keep), nil)
	kl := make([]float64, len(keep))
	for c, k := range keep {
		kl[c] = lam[k]
		for i := 0; i < dim; i++ {
			w.Set(i, c, vec.At(i, k))
		}
	}
	b := &ridgeBasis{means: means, lam: kl, proj: &mat.Dense{}, ymap: &mat.Dense{}}
	if p <= n {
		b.proj.CloneFrom(w)
		b.ymap.Mul(w.T(), xc.T())
	} else {
		b.proj.Mul(xc.T(), w)
		b.ymap.CloneFrom(w.T())
	}
	return b, nil
}

// coef returns the training target's mean and c for a target y of the training samples.
func (b *ridgeBasis) coef(y []float64) (float64, []float64) {
	yMean := stats.Mean(y)
	yc := make([]float64, len(y))
	for i, t := range y {
		yc[i] = t - yMean
	}
	var cv mat.VecDense
	cv.MulVec(b.ymap, mat.NewVecDense(len(yc), yc))
	return yMean, cv.RawVector().Data
}

// project returns z = (x − means)·P, rows x r.
func (b *ridgeBasis) project(x Matrix) ([]float64, error) {
	p := len(b.means)
	if x.Cols != p {
		return nil, fmt.Errorf("%d features but the ridge path was fitted on %d", x.Cols, p)
	}
	rk := len(b.lam)
	z := make([]float64, x.Rows*rk)
	row := make([]float64, p)
	for i := 0; i < x.Rows; i++ {
		for j := range row {
			row[j] = x.Data[i*p+j] - b.means[j]
		}
		zi := z[i*rk : (i+1)*rk]
		for j, xv := range row {
			vr := b.proj.RawRowView(j)
			for k := range zi {
				zi[k] += xv * vr[k]
			}
		}
	}
	return z, nil
}

// predict returns ȳ + z·diag(1/(λ+α))·c for each alpha (alpha x sample).
func (b *ridgeBasis) predict(z []float64, yMean float64, c, alphas []float64) ([][]float64, error) {
	rk := len(b.lam)
	out := make([][]float64, len(alphas))
	d := make([]float64, rk)
	for a, alpha := range alphas {
		if !(alpha >= 0) || math.IsInf(alpha, 1) {
			return nil, fmt.Errorf("ridge alpha %g: need a finite alpha ≥ 0", alpha)
		}
		for k, l := range b.lam {
			d[k] = c[k] / (l + alpha)
		}
		pred := make([]float64, len(z)/rk)
		for i := range pred {
			v := yMean
			for k, zk := range z[i*rk : (i+1)*rk] {
				v += zk * d[k]
			}
			pred[i] = v
		}
		out[a] = pred
	}
	return out, nil
}

// Predict returns the predictions for the rows of x of the ridge fit at each alpha (alpha x
// sample); an alpha must be finite and ≥ 0 (0 is least squares on the kept directions).
func (r *RidgePath) Predict(x Matrix, alphas []float64) ([][]float64, error) {
	z, err := r.project(x)
	if err != nil {
		return nil, err
	}
	return r.predict(z, r.yMean, r.c, alphas)
}

// FoldPredictions are one fold's held-out predictions: the test samples and, per candidate (an
// alpha, a network), one prediction per test sample in the order of Test.
type FoldPredictions struct {
	Test        []int       `json:"test"`
	Predictions [][]float64 `json:"predictions"`
}

// RidgePathFolds fits a RidgePath on each fold's training samples and predicts its test samples at
// every alpha: the cross-validated predictions of a whole ridge grid from one SVD per fold.
func RidgePathFolds(x Matrix, y []float64, alphas []float64, splits []Split) ([]FoldPredictions, error) {
	if x.Rows != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", x.Rows, len(y))
	}
	out := make([]FoldPredictions, len(splits))
	for f, s := range splits {
		path, err := FitRidgePath(x.SelectRows(s.Train), pick(y, s.Train))
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		pred, err := path.Predict(x.SelectRows(s.Test), alphas)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		out[f] = FoldPredictions{Test: append([]int(nil), s.Test...), Predictions: pred}
	}
	return out, nil
}

// centredDense returns x with its column means subtracted, as a gonum matrix, and the means.
func centredDense(x Matrix) (*mat.Dense, []float64) {
	n, p := x.Rows, x.Cols
	cols, means := centredColumns(x)
	xc := mat.NewDense(n, p, nil)
	for j := 0; j < p; j++ {
		for i := 0; i < n; i++ {
			xc.Set(i, j, cols[j*n+i])
		}
	}
	return xc, means
}
