package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// MoranEigenvectors are the Moran eigenvector maps of a spatial weight matrix (Wagner & Dray
// 2015), as BrainSpace's compute_mem computes them with spectrum "nonzero": the weights made
// symmetric ((W + Wᵀ)/2), doubly centred, and their eigenvectors with |eigenvalue| ≥ tol in
// descending eigenvalue order. Maps are the columns of Vectors (parcels x maps).
type MoranEigenvectors struct {
	Values  []float64
	Vectors *mat.Dense
}

// NewMoranEigenvectors computes the maps of the n x n weights (row-major).
func NewMoranEigenvectors(w []float64, n int, tol float64) (*MoranEigenvectors, error) {
	if len(w) != n*n || n < 3 {
		return nil, fmt.Errorf("Moran eigenvectors: %d weights for %d parcels", len(w), n)
	}
	rowMean := make([]float64, n)
	var all float64
	sym := func(i, j int) float64 { return (w[i*n+j] + w[j*n+i]) / 2 }
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := sym(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("Moran eigenvectors: weight (%d, %d) is not finite", i, j)
			}
			rowMean[i] += v / float64(n)
		}
		all += rowMean[i] / float64(n)
	}
	c := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			c.SetSym(i, j, sym(i, j)-rowMean[i]-rowMean[j]+all)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(c, true) {
		return nil, fmt.Errorf("Moran eigenvectors: the eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	var keep []int
	zeros := 0
	for k := n - 1; k >= 0; k-- { // gonum's eigenvalues ascend: descending order is reversed
		if math.Abs(vals[k]) < tol {
			zeros++
			continue
		}
		keep = append(keep, k)
	}
	if zeros == 0 {
		return nil, fmt.Errorf("Moran eigenvectors: the centred weight matrix has no zero eigenvalue")
	}
	m := &MoranEigenvectors{Vectors: mat.NewDense(n, len(keep), nil)}
	for c, k := range keep {
		m.Values = append(m.Values, vals[k])
		for i := 0; i < n; i++ {
			m.Vectors.Set(i, c, vecs.At(i, k))
		}
	}
	return m, nil
}

// InverseDistanceWeights is the usual weight matrix for Moran spectral randomization of
// parcellated maps: 1/‖c_i − c_j‖ between parcel centroids, 0 on the diagonal.
func InverseDistanceWeights(coords [][3]float64) []float64 {
	n := len(coords)
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				w[i*n+j] = 1 / euclidean(coords[i], coords[j])
			}
		}
	}
	return w
}

// euclidean is the distance between two points.
func euclidean(a, b [3]float64) float64 {
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return math.Sqrt(dx*dx + dy*dy + dz*dz)
}

// Surrogates returns n Moran spectral randomizations of x (BrainSpace's spectral_randomization,
// one variable): with r_j = corr(x, map_j), each surrogate is mean(x) + sd(x)·√(len−1)·Σ_j r'_j·map_j,
// where "singleton" draws r'_j = ±r_j with random signs and "pair" pairs the maps at random and
// rotates each pair's coefficients by a uniform angle (an odd map left over takes a random sign).
// Surrogate k draws from PCG(seed, k).
func (m *MoranEigenvectors) Surrogates(x []float64, n int, procedure string, seed uint64) ([][]float64, error) {
	g, err := m.Generator(x, procedure)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, n)
	for k := range out {
		out[k] = g.Surrogate(k, seed)
	}
	return out, nil
}

// MoranSurrogates draws Surrogates' surrogates of one map one at a time.
type MoranSurrogates struct {
	m           *MoranEigenvectors
	procedure   string
	mean, scale float64
	r           []float64
}

// Generator prepares the surrogates of x by the procedure (Surrogates' arguments).
func (m *MoranEigenvectors) Generator(x []float64, procedure string) (*MoranSurrogates, error) {
	rows, _ := m.Vectors.Dims()
	if len(x) != rows {
		return nil, fmt.Errorf("Moran surrogates: a map of %d values for %d parcels", len(x), rows)
	}
	if procedure != "singleton" && procedure != "pair" {
		return nil, fmt.Errorf("Moran surrogates: procedure %q (want singleton or pair)", procedure)
	}
	mean, sd := MeanSD(x)
	return &MoranSurrogates{m: m, procedure: procedure, mean: mean, scale: sd * math.Sqrt(float64(rows-1)), r: m.correlations(x)}, nil
}

// Surrogate is Surrogates' surrogate k of a seed alone (from PCG(seed, k)); safe for concurrent
// use.
func (g *MoranSurrogates) Surrogate(k int, seed uint64) []float64 {
	_, comps := g.m.Vectors.Dims()
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	var coef []float64
	if g.procedure == "singleton" {
		signs := make([]float64, comps)
		for j := range signs {
			signs[j] = 1
			if rng.IntN(2) == 0 {
				signs[j] = -1
			}
		}
		coef = singletonCoefficients(g.r, signs)
	} else {
		p := rng.Perm(comps)
		odd := 1.0
		if comps%2 == 1 && rng.IntN(2) == 0 {
			odd = -1
		}
		phi := make([]float64, comps/2)
		for q := range phi {
			phi[q] = 2 * math.Pi * rng.Float64()
		}
		coef = pairCoefficients(g.r, p, odd, phi)
	}
	return g.m.surrogate(g.mean, g.scale, coef)
}

// correlations are r_j = corr(x, map_j) for every map.
func (m *MoranEigenvectors) correlations(x []float64) []float64 {
	rows, comps := m.Vectors.Dims()
	r := make([]float64, comps)
	col := make([]float64, rows)
	for j := range r {
		mat.Col(col, j, m.Vectors)
		r[j] = Pearson(x, col)
	}
	return r
}

// singletonCoefficients are r_j·sign_j (BrainSpace's singleton procedure).
func singletonCoefficients(r, signs []float64) []float64 {
	coef := make([]float64, len(r))
	for j := range r {
		coef[j] = r[j] * signs[j]
	}
	return coef
}

// pairCoefficients pair the maps by a permutation p (map p[q] with map p[q + len/2]) and give
// each pair the coefficients √(r_a² + r_b²)·(cos φ_q, sin φ_q); with an odd number of maps the
// last of p keeps r times oddSign (BrainSpace's pair procedure).
func pairCoefficients(r []float64, p []int, oddSign float64, phi []float64) []float64 {
	comps := len(r)
	coef := make([]float64, comps)
	pairs := comps / 2
	if comps%2 == 1 {
		last := p[comps-1]
		coef[last] = r[last] * oddSign
	}
	for q := 0; q < pairs; q++ {
		a, b := p[q], p[pairs+q]
		radius := math.Hypot(r[a], r[b])
		coef[a], coef[b] = radius*math.Cos(phi[q]), radius*math.Sin(phi[q])
	}
	return coef
}

// surrogate is mean + scale·Σ_j coef_j·map_j.
func (m *MoranEigenvectors) surrogate(mean, scale float64, coef []float64) []float64 {
	rows, _ := m.Vectors.Dims()
	raw := m.Vectors.RawMatrix()
	s := make([]float64, rows)
	for i := range s {
		row := raw.Data[i*raw.Stride : i*raw.Stride+len(coef)]
		var v float64
		for j, c := range coef {
			v += c * row[j]
		}
		s[i] = mean + scale*v
	}
	return s
}

// GaussianWeights are weights for Moran spectral randomization of a smooth map: the correlation
// exp(−d²/(4σ²)) of white noise smoothed by a Gaussian kernel of the given FWHM (σ = FWHM/√(8 ln 2))
// between brainordinates d mm apart, 0 on the diagonal as a weight matrix's (the diagonal only
// shifts the doubly centred matrix's eigenvalues by one on the maps orthogonal to the constant,
// leaving its eigenvectors, and keeps the maps' eigenvalues away from zero, so that spectrum
// "nonzero" drops only the constant). With the map's own smoothness, the Moran eigenvectors
// diagonalize the centred covariance of such a field, so flipping the signs of its coefficients
// is an (approximately) exact null.
func GaussianWeights(coords [][3]float64, fwhm float64) []float64 {
	n := len(coords)
	sigma := fwhm / math.Sqrt(8*math.Ln2)
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			d := euclidean(coords[i], coords[j])
			v := math.Exp(-d * d / (4 * sigma * sigma))
			w[i*n+j], w[j*n+i] = v, v
		}
	}
	return w
}
