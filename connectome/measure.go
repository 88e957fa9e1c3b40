package connectome

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/signal"
	"gonum.org/v1/gonum/mat"
)

// Kind is the connectivity measure, named as nilearn's ConnectivityMeasure kinds.
type Kind string

// The kinds.
const (
	Covariance         Kind = "covariance"
	Correlation        Kind = "correlation"
	PartialCorrelation Kind = "partial correlation"
	Precision          Kind = "precision"
	Tangent            Kind = "tangent"
)

// Estimator is the covariance estimator.
type Estimator string

// The estimators.
const (
	LedoitWolfEstimator Estimator = "ledoit_wolf" // nilearn's default
	EmpiricalEstimator  Estimator = "empirical"
)

// SeriesScaling says how ROI series are scaled before the covariance is estimated. Ledoit-Wolf is
// not invariant to per-series scaling (nilearn #955), so this choice changes partial correlations
// and must be explicit.
type SeriesScaling string

// The scalings.
const (
	// AsNilearn uses the series as given, except for the correlation kind, which nilearn z-scores
	// (ddof 1) first.
	AsNilearn SeriesScaling = "nilearn"
	// ZScoreSeries z-scores each series with the population SD (ddof 0) first: scikit-learn's
	// StandardScaler, PAINTeR's recipe for the RPN signature. (ddof 1 gives the same result: the
	// estimators are invariant to a global rescaling.)
	ZScoreSeries SeriesScaling = "zscore"
	// AsGiven never scales.
	AsGiven SeriesScaling = "none"
)

// Measure defines a connectivity measure.
type Measure struct {
	Kind      Kind
	Estimator Estimator
	Scaling   SeriesScaling
	// AssumeCentered skips centring in the estimator (scikit-learn's assume_centered).
	AssumeCentered bool
}

// Check refuses an unknown kind, estimator or series scaling, naming the valid ones (the empty
// estimator and scaling are Ledoit-Wolf and nilearn's).
func (m Measure) Check() error {
	switch m.Kind {
	case Covariance, Correlation, PartialCorrelation, Precision, Tangent:
	default:
		return fmt.Errorf("unknown kind %q (covariance, correlation, partial correlation, precision, tangent)", m.Kind)
	}
	switch m.Estimator {
	case LedoitWolfEstimator, EmpiricalEstimator, "":
	default:
		return fmt.Errorf("unknown estimator %q (ledoit_wolf, empirical)", m.Estimator)
	}
	switch m.Scaling {
	case AsNilearn, ZScoreSeries, AsGiven, "":
	default:
		return fmt.Errorf("unknown series scaling %q (nilearn, zscore, none)", m.Scaling)
	}
	return nil
}

// RPNMeasure is the feature definition of the RPN signature (Spisak et al. 2020): z-scored series,
// Ledoit-Wolf, partial correlation.
var RPNMeasure = Measure{Kind: PartialCorrelation, Estimator: LedoitWolfEstimator, Scaling: ZScoreSeries}

// Info reports what an estimate used.
type Info struct {
	// Shrinkage is the Ledoit-Wolf shrinkage (0 for the empirical estimator).
	Shrinkage float64
}

// Covariance estimates the covariance of one subject's series (T x p) after the measure's scaling.
func (m Measure) Covariance(x signal.Matrix) (Sym, Info, error) {
	if x.Rows < 2 {
		return Sym{}, Info{}, fmt.Errorf("%d time points: a covariance needs at least 2", x.Rows)
	}
	for _, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Sym{}, Info{}, fmt.Errorf("time series contain non-finite values")
		}
	}
	scale := m.Scaling
	if scale == "" {
		scale = AsNilearn
	}
	switch {
	case scale == ZScoreSeries:
		z, _, err := signal.Standardize(x, signal.ZScore)
		if err != nil {
			return Sym{}, Info{}, err
		}
		x = z
	case scale == AsNilearn && m.Kind == Correlation:
		z, _, err := signal.Standardize(x, signal.ZScoreSample)
		if err != nil {
			return Sym{}, Info{}, err
		}
		x = z
	case scale == AsNilearn || scale == AsGiven:
	default:
		return Sym{}, Info{}, fmt.Errorf("unknown series scaling %q (nilearn, zscore, none)", scale)
	}
	switch m.Estimator {
	case LedoitWolfEstimator, "":
		c, s, err := LedoitWolf(x, m.AssumeCentered)
		return c, Info{Shrinkage: s}, err
	case EmpiricalEstimator:
		return EmpiricalCovariance(x, m.AssumeCentered), Info{}, nil
	}
	return Sym{}, Info{}, fmt.Errorf("unknown estimator %q (ledoit_wolf, empirical)", m.Estimator)
}

// Matrix computes one subject's connectivity matrix for the kinds that need no group reference
// (all but tangent; use FitTangent for tangent).
func (m Measure) Matrix(x signal.Matrix) (Sym, Info, error) {
	c, info, err := m.Covariance(x)
	if err != nil {
		return Sym{}, info, err
	}
	switch m.Kind {
	case Covariance:
		return c, info, nil
	case Correlation:
		return CovToCorr(c), info, nil
	case Precision, PartialCorrelation:
		p, err := Inverse(c)
		if err != nil {
			return Sym{}, info, err
		}
		if m.Kind == Precision {
			return p, info, nil
		}
		precToPartialInPlace(p)
		return p, info, nil
	case Tangent:
		return Sym{}, info, fmt.Errorf("the tangent kind needs a group reference: fit it on training subjects with FitTangent")
	}
	return Sym{}, info, fmt.Errorf("unknown kind %q (covariance, correlation, partial correlation, precision, tangent)", m.Kind)
}

// vector computes one subject's connectivity vector with the covariance and the matrix in recycled
// buffers (Cohort's features-only path); the result equals Vectorize(Matrix(x)).
func (m Measure) vector(x signal.Matrix, discardDiagonal bool) ([]float64, Info, error) {
	c, info, err := m.Covariance(x)
	if err != nil {
		return nil, info, err
	}
	defer linalg.PutScratch(c.Data) // the vector is a copy; the covariance buffer is recycled
	switch m.Kind {
	case Covariance:
		return Vectorize(c, discardDiagonal), info, nil
	case Correlation:
		return Vectorize(CovToCorr(c), discardDiagonal), info, nil
	case Precision, PartialCorrelation:
		buf := linalg.GetScratch(c.N * c.N)
		defer linalg.PutScratch(buf)
		if err := linalg.CholeskyInverseInto(buf, c.Data, c.N); err != nil {
			return nil, info, fmt.Errorf("covariance matrix: %w", err)
		}
		out := Sym{N: c.N, Data: buf}
		if m.Kind == PartialCorrelation {
			precToPartialInPlace(out)
		}
		return Vectorize(out, discardDiagonal), info, nil
	}
	return nil, info, fmt.Errorf("unknown kind %q (covariance, correlation, partial correlation, precision)", m.Kind)
}

// TangentReference is the group reference of the tangent-space embedding (Varoquaux et al. 2010,
// nilearn's ConnectivityMeasure(kind="tangent")): the geometric mean of the training subjects'
// covariances and its whitening mean^(-1/2). Fit it on training subjects only.
type TangentReference struct {
	Mean      Sym
	Whitening Sym
}

// FitTangent computes the reference from covariances with nilearn's _geometric_mean (gradient
// descent on the manifold, max_iter 30, tol 1e-7 on norm/size).
func FitTangent(covs []Sym) (*TangentReference, error) {
	if len(covs) == 0 {
		return nil, fmt.Errorf("no covariance to fit the tangent reference on")
	}
	p := covs[0].N
	gmean := newSym(p)
	for _, c := range covs {
		if c.N != p {
			return nil, fmt.Errorf("covariances of different sizes (%d and %d)", p, c.N)
		}
		for i, v := range c.Data {
			gmean.Data[i] += v
		}
	}
	for i := range gmean.Data {
		gmean.Data[i] /= float64(len(covs))
	}
	normOld, step := math.Inf(1), 1.0
	const maxIter, tol = 30, 1e-7
	var norm float64
	for it := 0; it < maxIter; it++ {
		vals, vecs, err := eigSym(gmean)
		if err != nil {
			return nil, err
		}
		invSqrt := formSym(vals, vecs, func(v float64) float64 { return 1 / math.Sqrt(v) })
		logsMean := newSym(p)
		for _, c := range covs {
			w := mulSym(mulSym(invSqrt, c), invSqrt)
			l, err := mapEig(w, math.Log)
			if err != nil {
				return nil, err
			}
			for i, v := range l.Data {
				logsMean.Data[i] += v
			}
		}
		for i := range logsMean.Data {
			logsMean.Data[i] /= float64(len(covs))
			if math.IsNaN(logsMean.Data[i]) {
				return nil, fmt.Errorf("NaN after the matrix logarithm: a covariance is not positive definite")
			}
		}
		norm = frobenius(logsMean)
		lv, lvec, err := eigSym(logsMean)
		if err != nil {
			return nil, err
		}
		sqrtG := formSym(vals, vecs, math.Sqrt)
		st := step
		expL := formSym(lv, lvec, func(v float64) float64 { return math.Exp(v * st) })
		gmean = mulSym(mulSym(sqrtG, expL), sqrtG)
		if norm < normOld {
			normOld = norm
		} else if norm > normOld {
			step /= 2
			norm = normOld
		}
		if norm/float64(p*p) < tol {
			break
		}
	}
	w, err := mapEig(gmean, func(v float64) float64 { return 1 / math.Sqrt(v) })
	if err != nil {
		return nil, err
	}
	return &TangentReference{Mean: gmean, Whitening: w}, nil
}

// Transform maps a covariance to the tangent space at the reference: logm(W·C·W).
func (r *TangentReference) Transform(c Sym) (Sym, error) {
	return mapEig(mulSym(mulSym(r.Whitening, c), r.Whitening), math.Log)
}

func eigSym(s Sym) ([]float64, *mat.Dense, error) {
	sym := mat.NewSymDense(s.N, append([]float64(nil), s.Data...))
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		return nil, nil, fmt.Errorf("eigendecomposition failed")
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	return es.Values(nil), &vecs, nil
}

// formSym is V·diag(f(λ))·Vᵀ (nilearn's _form_symmetric).
func formSym(vals []float64, vecs *mat.Dense, f func(float64) float64) Sym {
	n := len(vals)
	scaled := mat.NewDense(n, n, nil)
	scaled.Copy(vecs)
	for j, v := range vals {
		fv := f(v)
		for i := 0; i < n; i++ {
			scaled.Set(i, j, scaled.At(i, j)*fv)
		}
	}
	var out mat.Dense
	out.Mul(scaled, vecs.T())
	s := newSym(n)
	copy(s.Data, out.RawMatrix().Data)
	return s
}

// mapEig applies f to the eigenvalues of a symmetric matrix (nilearn's _map_eigenvalues).
func mapEig(s Sym, f func(float64) float64) (Sym, error) {
	vals, vecs, err := eigSym(s)
	if err != nil {
		return Sym{}, err
	}
	return formSym(vals, vecs, f), nil
}

func mulSym(a, b Sym) Sym {
	var out mat.Dense
	out.Mul(mat.NewDense(a.N, a.N, a.Data), mat.NewDense(b.N, b.N, b.Data))
	s := newSym(a.N)
	copy(s.Data, out.RawMatrix().Data)
	return s
}

func frobenius(s Sym) float64 {
	var t float64
	for _, v := range s.Data {
		t += v * v
	}
	return math.Sqrt(t)
}
