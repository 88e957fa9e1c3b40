package connectome

import (
	"fmt"

	"github.com/painmark/painmark/signal"
)

// CohortOptions shape a cohort feature table.
type CohortOptions struct {
	Measure         Measure
	DiscardDiagonal bool
	FisherZ         bool
	// FeaturesOnly skips keeping each subject's matrix (the vectors are kept): for partial
	// correlation and the other per-subject kinds the matrices then live in recycled buffers.
	FeaturesOnly bool
}

// CohortResult holds each subject's matrix and vector (Edges order) and the estimates' info.
type CohortResult struct {
	Matrices []Sym
	Features [][]float64
	Info     []Info
	// Tangent is the group reference when the kind is tangent (fitted on these subjects).
	Tangent *TangentReference
}

// Cohort computes the connectivity of every subject's series (same regions, any lengths), spread
// over the cores; results do not depend on the number of workers. For the tangent kind the
// reference is fitted on the given subjects: inside cross-validation, fit it on the training
// subjects only (FitTangent) instead.
func Cohort(series []signal.Matrix, o CohortOptions) (*CohortResult, error) {
	n := len(series)
	if n == 0 {
		return nil, fmt.Errorf("no subject")
	}
	p := series[0].Cols
	for i, s := range series {
		if s.Cols != p {
			return nil, fmt.Errorf("subject %d has %d regions, subject 0 has %d", i, s.Cols, p)
		}
	}
	res := &CohortResult{Matrices: make([]Sym, n), Features: make([][]float64, n), Info: make([]Info, n)}
	errs := make([]error, n)
	tangent := o.Measure.Kind == Tangent
	est := o.Measure
	if tangent {
		est.Kind = Covariance
	}
	if o.FeaturesOnly && !tangent {
		parallelRows(n, func(a, b int) {
			for s := a; s < b; s++ {
				res.Features[s], res.Info[s], errs[s] = est.vector(series[s], o.DiscardDiagonal)
			}
		})
		for s, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("subject %d: %w", s, err)
			}
		}
		res.Matrices = nil
		if o.FisherZ {
			if !o.DiscardDiagonal {
				return nil, fmt.Errorf("Fisher z of a vector with the diagonal (atanh(1) = +Inf): discard the diagonal")
			}
			for s := range res.Features {
				res.Features[s] = FisherZ(res.Features[s])
			}
		}
		return res, nil
	}
	parallelRows(n, func(a, b int) {
		for s := a; s < b; s++ {
			if tangent {
				res.Matrices[s], res.Info[s], errs[s] = est.Covariance(series[s])
			} else {
				res.Matrices[s], res.Info[s], errs[s] = est.Matrix(series[s])
			}
		}
	})
	for s, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("subject %d: %w", s, err)
		}
	}
	if tangent {
		ref, err := FitTangent(res.Matrices)
		if err != nil {
			return nil, err
		}
		res.Tangent = ref
		parallelRows(n, func(a, b int) {
			for s := a; s < b; s++ {
				res.Matrices[s], errs[s] = ref.Transform(res.Matrices[s])
			}
		})
		for s, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("subject %d: %w", s, err)
			}
		}
	}
	for s := range res.Matrices {
		v := Vectorize(res.Matrices[s], o.DiscardDiagonal)
		if o.FisherZ {
			if !o.DiscardDiagonal {
				return nil, fmt.Errorf("Fisher z of a vector with the diagonal (atanh(1) = +Inf): discard the diagonal")
			}
			v = FisherZ(v)
		}
		res.Features[s] = v
	}
	return res, nil
}
