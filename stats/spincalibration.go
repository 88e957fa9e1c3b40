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
