package glm

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/internal/parallel"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Contrast types of ContrastResult.Type, nilearn's stat_type.
const (
	StatT = "t"
	StatF = "F"
)

// ContrastResult is a contrast's maps over the fitted voxels, as nilearn 0.10.3's Contrast
// (glm/contrasts.py). A t contrast (Type "t", weights c): effect size c·β, effect variance
// c·cov·cᵀ·dispersion, T = effect/sqrt(max(variance, 1e-50)), one-sided p = P(T > t) on
// n - rank(X) degrees of freedom. An F contrast (Type "F", a matrix C of q rows, nilearn's
// compute_contrast with stat_type 'F'): Effects the q whitened effects sqrtm(inv(C·cov·Cᵀ))·C·β of
// each voxel (nilearn's effect_size, q maps), Variance the dispersion, F = Σ effects²/q/
// max(variance, 1e-50) and p = P(F(q, dof) > F). For both, z is the standard normal quantile of p
// (from the cdf side when z < 0, as nilearn's z_score, p clipped to [1e-300, 1-1e-16]); DF the
// degrees of freedom (capped at 1e10 in the distributions, as nilearn's dofmax).
type ContrastResult struct {
	Effect, Variance, T, Z, P []float64
	DF                        float64
	// Type is StatT or StatF.
	Type string
	// Effects are an F contrast's q whitened effects, Effects[row][voxel] (nil for t); F its F
	// statistic per voxel.
	Effects [][]float64
	F       []float64
}

// TContrast computes the t contrast with weights c (one per design column).
func (f *OLSFit) TContrast(c []float64) (*ContrastResult, error) {
	nv := len(f.Beta)
	if nv == 0 {
		return nil, fmt.Errorf("no voxels fitted")
	}
	m := f.Models[0]
	if len(c) != m.p {
		return nil, fmt.Errorf("contrast of %d weights for %d design columns", len(c), m.p)
	}
	ccOf := map[*OLS]float64{}
	for _, mv := range f.Models {
		if _, ok := ccOf[mv]; ok {
			continue
		}
		cc := 0.0
		for i := range c {
			for j := range c {
				cc += c[i] * mv.cov.At(i, j) * c[j]
			}
		}
		ccOf[mv] = cc
	}
	r := newContrastResult(StatT, nv, 0, m.DFResiduals)
	for v, b := range f.Beta {
		e := 0.0
		for i, ci := range c {
			e += ci * b[i]
		}
		r.Effect[v], r.Variance[v] = e, ccOf[f.Models[v]]*f.Dispersion[v]
	}
	r.stats()
	return r, nil
}

// FContrast computes the F contrast with the weight matrix c (q rows of one weight per design
// column), as nilearn's compute_contrast(..., stat_type='F'). The rows must be linearly
// independent (C·cov·Cᵀ invertible; nilearn's np.linalg.inv fails or gives meaningless numbers
// otherwise); sqrtm of the symmetric positive definite inverse is taken by its eigendecomposition,
// the principal square root scipy.linalg.sqrtm also returns.
func (f *OLSFit) FContrast(c [][]float64) (*ContrastResult, error) {
	nv, q := len(f.Beta), len(c)
	if nv == 0 {
		return nil, fmt.Errorf("no voxels fitted")
	}
	if q == 0 {
		return nil, fmt.Errorf("F contrast of no rows")
	}
	p := f.Models[0].p
	cm := mat.NewDense(q, p, nil)
	for i, row := range c {
		if len(row) != p {
			return nil, fmt.Errorf("F contrast row %d has %d weights for %d design columns", i+1, len(row), p)
		}
		cm.SetRow(i, row)
	}
	whiten := map[*OLS]*mat.Dense{}
	for _, mv := range f.Models {
		if _, ok := whiten[mv]; ok {
			continue
		}
		var ccov mat.Dense
		ccov.Product(cm, mv.cov, cm.T())
		var eig mat.EigenSym
		if !eig.Factorize(mat.NewSymDense(q, ccov.RawMatrix().Data), true) {
			return nil, fmt.Errorf("F contrast: the eigendecomposition of C·cov·Cᵀ failed")
		}
		vals := eig.Values(nil)
		if vals[0] <= vals[q-1]*float64(q)*2.220446049250313e-16 {
			return nil, fmt.Errorf("F contrast: its %d rows are linearly dependent on the design (C·cov·Cᵀ is singular)", q)
		}
		var vec mat.Dense
		eig.VectorsTo(&vec)
		d := mat.NewDiagDense(q, nil)
		for i, l := range vals {
			d.SetDiag(i, 1/math.Sqrt(l))
		}
		var w mat.Dense
		w.Product(&vec, d, vec.T())
		whiten[mv] = &w
	}
	r := newContrastResult(StatF, nv, q, f.Models[0].DFResiduals)
	cb := make([]float64, q)
	for v, b := range f.Beta {
		for i, row := range c {
			cb[i] = 0
			for j, w := range row {
				cb[i] += w * b[j]
			}
		}
		w := whiten[f.Models[v]]
		for i := range q {
			e := 0.0
			for j, x := range cb {
				e += w.At(i, j) * x
			}
			r.Effects[i][v] = e
		}
		r.Variance[v] = f.Dispersion[v]
	}
	r.stats()
	return r, nil
}

// newContrastResult allocates the maps of a contrast of the given type over nv voxels (q rows of
// effects for F).
func newContrastResult(typ string, nv, q int, df float64) *ContrastResult {
	r := &ContrastResult{Type: typ, Variance: make([]float64, nv), Z: make([]float64, nv), P: make([]float64, nv), DF: df}
	if typ == StatF {
		r.F, r.Effects = make([]float64, nv), make([][]float64, q)
		for i := range r.Effects {
			r.Effects[i] = make([]float64, nv)
		}
	} else {
		r.Effect, r.T = make([]float64, nv), make([]float64, nv)
	}
	return r
}

// stats computes the statistic, p and z from the effects, variances and degrees of freedom
// (nilearn's Contrast.stat, p_value, one_minus_pvalue and z_score; dof capped at 1e10).
func (r *ContrastResult) stats() {
	dof := math.Min(r.DF, 1e10)
	td := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: dof}
	q := float64(len(r.Effects))
	const chunk = 4096 // voxels per work item (each voxel's values are its own: any worker count gives the same)
	parallel.For((len(r.Variance)+chunk-1)/chunk, func(c int) {
		for v := c * chunk; v < min(len(r.Variance), (c+1)*chunk); v++ {
			var cdf func() float64
			if r.Type == StatF {
				s := 0.0
				for _, e := range r.Effects {
					s += e[v] * e[v]
				}
				x := s / q / math.Max(r.Variance[v], 1e-50)
				r.F[v] = x
				// scipy's f.sf and f.cdf: regularized incomplete beta functions, each computed
				// directly so that small p keep their precision.
				r.P[v] = mathext.RegIncBeta(dof/2, q/2, dof/(dof+q*x))
				cdf = func() float64 { return mathext.RegIncBeta(q/2, dof/2, q*x/(q*x+dof)) }
			} else {
				r.T[v] = r.Effect[v] / math.Sqrt(math.Max(r.Variance[v], 1e-50))
				r.P[v] = td.Survival(r.T[v])
				cdf = func() float64 { return td.CDF(r.T[v]) }
			}
			p := math.Min(math.Max(r.P[v], 1e-300), 1-1e-16)
			z := -distuv.UnitNormal.Quantile(p)
			if z < 0 {
				z = distuv.UnitNormal.Quantile(math.Min(math.Max(cdf(), 1e-300), 1-1e-16))
			}
			r.Z[v] = z
		}
	})
}

// FixedEffects combines one contrast per run (all t, or all F of the same number of rows) into the
// fixed-effects contrast across runs, as nilearn's compute_fixed_effect_contrast (FirstLevelModel
// with several runs): effects the mean of the runs' effects, variance the sum of their variances
// over n², degrees of freedom the sum of the runs', then the statistic, p and z anew (for F nilearn
// warns that this is approximate).
func FixedEffects(runs []*ContrastResult) (*ContrastResult, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("fixed effects of no runs")
	}
	nv, q := len(runs[0].Variance), len(runs[0].Effects)
	r := newContrastResult(runs[0].Type, nv, q, 0)
	for k, run := range runs {
		if len(run.Variance) != nv {
			return nil, fmt.Errorf("run %d has %d voxels, run 1 has %d", k+1, len(run.Variance), nv)
		}
		if run.Type != r.Type || len(run.Effects) != q {
			return nil, fmt.Errorf("run %d's contrast is not of the type (t or F) and size of run 1's", k+1)
		}
		for v := range run.Variance {
			if r.Type == StatF {
				for i := range q {
					r.Effects[i][v] += run.Effects[i][v]
				}
			} else {
				r.Effect[v] += run.Effect[v]
			}
			r.Variance[v] += run.Variance[v]
		}
		r.DF += run.DF
	}
	s := 1.0 / float64(len(runs))
	for v := range r.Variance {
		if r.Type == StatF {
			for i := range q {
				r.Effects[i][v] *= s
			}
		} else {
			r.Effect[v] *= s
		}
		r.Variance[v] *= s * s
	}
	r.stats()
	return r, nil
}

// ContrastMatrix turns a contrast expression into weight rows: rows separated by ";" (an F
// contrast, e.g. "heat; warm" tests both conditions together, nilearn's 2-D con_val), each row
// a linear expression of ContrastVector. One row is a t contrast.
func ContrastMatrix(expr string, names []string) ([][]float64, error) {
	var rows [][]float64
	for _, e := range strings.Split(expr, ";") {
		if strings.TrimSpace(e) == "" {
			return nil, fmt.Errorf("contrast %q: an empty row (rows of an F contrast are separated by ';')", expr)
		}
		w, err := ContrastVector(e, names)
		if err != nil {
			return nil, err
		}
		rows = append(rows, w)
	}
	return rows, nil
}

// Maps are the map kinds of the contrast, in nilearn's BIDS names: StatMaps for t; effect,
// variance, F, z and p for F (save_glm_to_bids's stat-F).
func (r *ContrastResult) Maps() []string {
	if r.Type == StatF {
		return []string{"effect", "variance", "F", "z", "p"}
	}
	return StatMaps
}

// Values returns the map of one of Maps(); an F contrast's effect is its q rows one after the other
// (q volumes).
func (r *ContrastResult) Values(kind string) []float64 {
	switch kind {
	case "effect":
		if r.Type == StatF {
			var all []float64
			for _, e := range r.Effects {
				all = append(all, e...)
			}
			return all
		}
		return r.Effect
	case "variance":
		return r.Variance
	case "t":
		return r.T
	case "F":
		return r.F
	case "z":
		return r.Z
	case "p":
		return r.P
	}
	return nil
}
