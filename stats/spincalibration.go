package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/painmark/painmark/internal/parallel"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// SmoothRandomMaps draws n spatially smooth Gaussian random maps on parcels: on each hemisphere
// independently, a zero-mean Gaussian process over the parcels' positions on the sphere with the
// squared-exponential covariance exp(−d²/(2ℓ²)), d the great-circle distance between parcel
// centroids projected on the sphere of the hemisphere's mean radius (ℓ = length, in the
// coordinates' unit; the fsaverage sphere has radius 100 mm). These are the "independent
// spatially autocorrelated maps" on which a spatial null must keep its false-positive rate
// (Markello & Misic 2021 simulate them the same way on the surface). Map k is drawn from
// PCG(seed, k); maps list the left parcels first.
func SmoothRandomMaps(left, right [][3]float64, length float64, n int, seed uint64) ([][]float64, error) {
	if !(length > 0) {
		return nil, fmt.Errorf("smooth random maps: length %v must be positive", length)
	}
	var roots []*mat.Dense
	for _, h := range [][][3]float64{left, right} {
		root, err := covarianceRoot(h, length)
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}
	maps := make([][]float64, n)
	parallel.For(n, func(k int) {
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		m := make([]float64, 0, len(left)+len(right))
		for _, root := range roots {
			p, _ := root.Dims()
			z := make([]float64, p)
			for i := range z {
				z[i] = rng.NormFloat64()
			}
			var v mat.VecDense
			v.MulVec(root, mat.NewVecDense(p, z))
			m = append(m, v.RawVector().Data...)
		}
		maps[k] = m
	})
	return maps, nil
}

// covarianceRoot returns a matrix L with L·Lᵀ the squared-exponential covariance of the parcels
// (from the eigendecomposition, negative roundoff eigenvalues set to zero: a smooth kernel's
// matrix is nearly singular, which a Cholesky factorization would refuse).
func covarianceRoot(c [][3]float64, length float64) (*mat.Dense, error) {
	n := len(c)
	var radius float64
	for _, v := range c {
		radius += math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])
	}
	radius /= float64(n)
	cov := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			a, b := c[i], c[j]
			cos := (a[0]*b[0] + a[1]*b[1] + a[2]*b[2]) / (math.Sqrt(a[0]*a[0]+a[1]*a[1]+a[2]*a[2]) * math.Sqrt(b[0]*b[0]+b[1]*b[1]+b[2]*b[2]))
			d := radius * math.Acos(math.Max(-1, math.Min(1, cos)))
			cov.SetSym(i, j, math.Exp(-d*d/(2*length*length)))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, fmt.Errorf("smooth random maps: the covariance eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	for j, v := range vals {
		s := math.Sqrt(math.Max(v, 0))
		for i := 0; i < n; i++ {
			vecs.Set(i, j, vecs.At(i, j)*s)
		}
	}
	return &vecs, nil
}

// SpinFalsePositives is the share of pairs of independent maps that a test calls significant.
type SpinFalsePositives struct {
	Method string
	Pairs  int
	Rate   float64
}

// SpinFalsePositiveRates tests the Pearson correlation of each pair (maps[2k], maps[2k+1]) of
// independent maps against the nulls of each method (x spun, neuromaps' two-sided p =
// (1 + #|r_null| ≥ |r|)/(1 + n), PermAbs) and against the parametric t test, and returns the share
// of pairs with p < alpha per method: a calibrated null gives about alpha; the parametric test,
// blind to spatial autocorrelation, gives more.
func SpinFalsePositiveRates(maps [][]float64, nulls map[SpinMethod][][]int, alpha float64) ([]SpinFalsePositives, error) {
	var out []SpinFalsePositives
	for _, m := range SpinMethods {
		perms, ok := nulls[m]
		if !ok {
			continue
		}
		r, err := falsePositiveRate(maps, alpha, func(k int, x []float64) ([][]float64, error) {
			spun := make([][]float64, len(perms))
			for p, perm := range perms {
				spun[p] = make([]float64, len(x))
				for i, j := range perm {
					spun[p][i] = x[j]
				}
			}
			return spun, nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, SpinFalsePositives{Method: "spin, " + string(m), Pairs: len(maps) / 2, Rate: r})
	}
	hits := make([]bool, len(maps)/2)
	for k := range hits {
		x, y := maps[2*k], maps[2*k+1]
		hits[k] = PearsonTestP(Pearson(x, y), len(x)) < alpha
	}
	return append(out, SpinFalsePositives{Method: "parametric (t test of r)", Pairs: len(hits), Rate: share(hits)}), nil
}

// MoranFalsePositiveRate is SpinFalsePositiveRates for Moran spectral randomization: x of each
// pair is replaced by surrogates drawn per hemisphere (inverse-distance weights between the
// hemisphere's parcel centroids, as neuromaps' moran null), with the same two-sided p.
func MoranFalsePositiveRate(maps [][]float64, left, right [][3]float64, surrogates int, procedure string, alpha float64) (SpinFalsePositives, error) {
	var mems []*MoranEigenvectors
	for _, h := range [][][3]float64{left, right} {
		m, err := NewMoranEigenvectors(InverseDistanceWeights(h), len(h), 1e-6)
		if err != nil {
			return SpinFalsePositives{}, err
		}
		mems = append(mems, m)
	}
	r, err := hemisphereFalsePositiveRate(maps, len(left), alpha, func(h, k int, x []float64) ([][]float64, error) {
		return mems[h].Surrogates(x, surrogates, procedure, uint64(2*k+h))
	})
	return SpinFalsePositives{Method: "Moran spectral, " + procedure, Pairs: len(maps) / 2, Rate: r}, err
}

// VariogramFalsePositiveRate is SpinFalsePositiveRates for variogram-matching surrogates
// (BrainSMASH defaults), generated per hemisphere from the Euclidean distances between the
// hemisphere's parcel centroids.
func VariogramFalsePositiveRate(maps [][]float64, left, right [][3]float64, surrogates int, alpha float64) (SpinFalsePositives, error) {
	dists := [][]float64{EuclideanDistances(left), EuclideanDistances(right)}
	r, err := hemisphereFalsePositiveRate(maps, len(left), alpha, func(h, k int, x []float64) ([][]float64, error) {
		g, err := NewVariogramSurrogates(x, dists[h], VariogramOptions{})
		if err != nil {
			return nil, err
		}
		return g.Generate(surrogates, uint64(2*k+h)), nil
	})
	return SpinFalsePositives{Method: "variogram matching", Pairs: len(maps) / 2, Rate: r}, err
}

// hemisphereFalsePositiveRate is falsePositiveRate for nulls drawn per hemisphere (the first
// nLeft values of each map are the left one's) and joined.
func hemisphereFalsePositiveRate(maps [][]float64, nLeft int, alpha float64, null func(h, k int, x []float64) ([][]float64, error)) (float64, error) {
	return falsePositiveRate(maps, alpha, func(k int, x []float64) ([][]float64, error) {
		return HemisphereSurrogates(x, nLeft, func(h int, part []float64) ([][]float64, error) { return null(h, k, part) })
	})
}

// HemisphereSurrogates draws surrogate maps of x (its first nLeft values the left hemisphere's)
// hemisphere by hemisphere (surrogates(h, part): h = 0 left, 1 right, as many for each) and joins
// each pair into a whole-brain surrogate.
func HemisphereSurrogates(x []float64, nLeft int, surrogates func(h int, part []float64) ([][]float64, error)) ([][]float64, error) {
	sl, err := surrogates(0, x[:nLeft])
	if err != nil {
		return nil, err
	}
	sr, err := surrogates(1, x[nLeft:])
	if err != nil {
		return nil, err
	}
	if len(sl) != len(sr) {
		return nil, fmt.Errorf("%d left and %d right surrogates", len(sl), len(sr))
	}
	for s := range sl {
		sl[s] = append(sl[s], sr[s]...)
	}
	return sl, nil
}

// SurfaceFalsePositiveRate is SpinFalsePositiveRates for a vertex-level null (Baum or
// Cornblath): x of each pair is replaced by its null maps under the spins; parcels a null leaves
// empty are left out of that null's correlation (neuromaps' nan_policy="omit").
func SurfaceFalsePositiveRate(maps [][]float64, spins []SurfaceSpin, null SurfaceNull, alpha float64) (SpinFalsePositives, error) {
	r, err := falsePositiveRate(maps, alpha, func(k int, x []float64) ([][]float64, error) {
		out := make([][]float64, len(spins))
		for s, spin := range spins {
			m, err := null.Apply(spin, x)
			if err != nil {
				return nil, err
			}
			out[s] = m
		}
		return out, nil
	})
	return SpinFalsePositives{Method: "spin, " + string(null) + " (vertices)", Pairs: len(maps) / 2, Rate: r}, err
}

// falsePositiveRate is the share of pairs (maps[2k], maps[2k+1]) whose Pearson r has a two-sided
// null p (PermAbs) below alpha, the null maps of x for pair k coming from nullMaps. Pairs run in
// parallel.
func falsePositiveRate(maps [][]float64, alpha float64, nullMaps func(k int, x []float64) ([][]float64, error)) (float64, error) {
	pairs := len(maps) / 2
	hits := make([]bool, pairs)
	errs := make([]error, pairs)
	parallel.For(pairs, func(k int) {
		x, y := maps[2*k], maps[2*k+1]
		nm, err := nullMaps(k, x)
		if err != nil {
			errs[k] = err
			return
		}
		null := make([]float64, len(nm))
		for s, m := range nm {
			null[s] = PearsonComplete(m, y)
		}
		p, err := PermutationP(Pearson(x, y), null, PermAbs, true)
		errs[k] = err
		hits[k] = p < alpha
	})
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return share(hits), nil
}

// PearsonComplete is the Pearson correlation over the positions where neither x nor y is NaN.
func PearsonComplete(x, y []float64) float64 { return Pearson(completePairs(x, y)) }

// completePairs returns x and y without the positions where either is NaN (x and y themselves
// when there is none).
func completePairs(x, y []float64) ([]float64, []float64) {
	var cx, cy []float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			if cx == nil { // first gap: copy the complete prefix
				cx, cy = append([]float64{}, x[:i]...), append([]float64{}, y[:i]...)
			}
			continue
		}
		if cx != nil {
			cx, cy = append(cx, x[i]), append(cy, y[i])
		}
	}
	if cx == nil {
		return x, y
	}
	return cx, cy
}

func share(hits []bool) float64 {
	c := 0
	for _, h := range hits {
		if h {
			c++
		}
	}
	return float64(c) / float64(len(hits))
}

// PearsonTestP is the two-sided p-value of a Pearson correlation r over n observations under
// independence and normality (t = r·√((n−2)/(1−r²)) on n−2 degrees of freedom), as
// scipy.stats.pearsonr.
func PearsonTestP(r float64, n int) float64 {
	if n < 3 || math.IsNaN(r) {
		return math.NaN()
	}
	if math.Abs(r) >= 1 {
		return 0
	}
	t := r * math.Sqrt(float64(n-2)/(1-r*r))
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}.Survival(math.Abs(t))
}
