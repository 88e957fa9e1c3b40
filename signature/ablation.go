package signature

import (
	"fmt"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signal"
)

// The CSps study's ablation models, retrained with the same pipeline and search as the full
// signature on subsets of the corticospinal connectome (Lin et al. 2025). "Brain" here is every
// region not tagged spinal (brain parcels, brainstem nuclei, the global signal).
const (
	AblationBrainOnly   = "M1" // edges among brain regions of the full matrix
	AblationSpinalOnly  = "M2" // edges among spinal regions of the full matrix
	AblationBlocks      = "M3" // brain and spinal partial correlations computed separately (each block on its own)
	AblationNoCross     = "M4" // the full matrix without its cross-system edges (M1 ∪ M2)
	AblationOnlyCross   = "M5" // only the cross-system (brain-spinal) edges
	spinalSystem        = "spinal"
	ablationDescription = "retrained with the full signature's pipeline, grid and cross-validation"
)

// AblationResult is one ablation model's cross-validated performance.
type AblationResult struct {
	Model       string  `json:"model"`
	Description string  `json:"description"`
	Features    int     `json:"n_features"`
	Chosen      string  `json:"chosen"`
	R           float64 `json:"cv_r"`
	MAE         float64 `json:"cv_mae"`
	R2          float64 `json:"cv_r2"`
	NestedR     float64 `json:"nested_r,omitempty"`
	// PR and PMAE are the refit-permutation p-values (when permutations were asked for).
	PR   float64 `json:"p_r,omitempty"`
	PMAE float64 `json:"p_mae,omitempty"`
	// Predictions are the out-of-fold predictions of the target.
	Predictions []float64 `json:"cv_predictions"`
}

// AblationSubsets returns the feature positions (in the full vector over regions, nilearn's
// order without the diagonal) of M1, M2, M4 and M5. Every region needs its system tag.
func AblationSubsets(regions []Region) (map[string][]int, error) {
	spinal := make([]bool, len(regions))
	var nSpinal int
	for i, r := range regions {
		if r.System == "" {
			return nil, fmt.Errorf("region %q has no system tag (painmark connectome --region-tags gives them)", r.Name)
		}
		spinal[i] = r.System == spinalSystem
		if spinal[i] {
			nSpinal++
		}
	}
	if nSpinal == 0 || nSpinal == len(regions) {
		return nil, fmt.Errorf("ablations need brain and spinal regions (%d of %d are spinal)", nSpinal, len(regions))
	}
	out := map[string][]int{}
	for k, e := range connectome.Edges(len(regions), true) {
		switch a, b := spinal[e.I], spinal[e.J]; {
		case !a && !b:
			out[AblationBrainOnly] = append(out[AblationBrainOnly], k)
			out[AblationNoCross] = append(out[AblationNoCross], k)
		case a && b:
			out[AblationSpinalOnly] = append(out[AblationSpinalOnly], k)
			out[AblationNoCross] = append(out[AblationNoCross], k)
		default:
			out[AblationOnlyCross] = append(out[AblationOnlyCross], k)
		}
	}
	return out, nil
}

// BlockFeatures computes M3's features from the subjects' ROI series: the measure on the brain
// regions alone and on the spinal regions alone, each block's vector in nilearn's order, brain
// block first.
func BlockFeatures(series []signal.Matrix, regions []Region, m connectome.Measure) (learn.Matrix, error) {
	var brain, spinal []int
	for i, r := range regions {
		if r.System == spinalSystem {
			spinal = append(spinal, i)
		} else {
			brain = append(brain, i)
		}
	}
	var blocks [][][]float64
	for _, cols := range [][]int{brain, spinal} {
		sub := make([]signal.Matrix, len(series))
		for s, x := range series {
			if x.Cols != len(regions) {
				return learn.Matrix{}, fmt.Errorf("subject %d has %d regions, the set has %d", s, x.Cols, len(regions))
			}
			sub[s] = signal.Matrix{Rows: x.Rows, Cols: len(cols), Data: make([]float64, x.Rows*len(cols))}
			for t := 0; t < x.Rows; t++ {
				for k, c := range cols {
					sub[s].Data[t*len(cols)+k] = x.Data[t*x.Cols+c]
				}
			}
		}
		res, err := connectome.Cohort(sub, connectome.CohortOptions{Measure: m, DiscardDiagonal: true, FeaturesOnly: true})
		if err != nil {
			return learn.Matrix{}, err
		}
		blocks = append(blocks, res.Features)
	}
	p := len(blocks[0][0]) + len(blocks[1][0])
	x := learn.Matrix{Rows: len(series), Cols: p, Data: make([]float64, 0, len(series)*p)}
	for s := range series {
		x.Data = append(append(x.Data, blocks[0][s]...), blocks[1][s]...)
	}
	return x, nil
}

// Ablations retrains the signature's recipe (o: target recipe, pipeline, grid, scoring, solver,
// cross-validation, nested CV and permutations; bootstraps and curves are not repeated) on each
// ablation subset of x (the full corticospinal features over regions) and, when blocks is not nil,
// on M3's separately computed features. y is the raw outcome.
func Ablations(x learn.Matrix, y []float64, regions []Region, blocks *learn.Matrix, o TrainOptions) ([]AblationResult, error) {
	subsets, err := AblationSubsets(regions)
	if err != nil {
		return nil, err
	}
	if n := connectome.NumEdges(len(regions), true); x.Cols != n {
		return nil, fmt.Errorf("%d features for %d regions (%d edges)", x.Cols, len(regions), n)
	}
	o.Bootstraps, o.CurveSizes = 0, nil
	type model struct {
		name, desc string
		x          learn.Matrix
	}
	var models []model
	add := func(name, desc string) {
		models = append(models, model{name, desc, x.SelectColumns(subsets[name])})
	}
	add(AblationBrainOnly, "brain only (edges among brain and brainstem regions)")
	add(AblationSpinalOnly, "spinal only (edges among spinal regions)")
	if blocks != nil {
		if blocks.Rows != x.Rows {
			return nil, fmt.Errorf("M3 features have %d subjects, the others %d", blocks.Rows, x.Rows)
		}
		models = append(models, model{AblationBlocks, "brain and spinal blocks computed separately", *blocks})
	}
	add(AblationNoCross, "cross-system edges removed")
	add(AblationOnlyCross, "only cross-system edges")
	var out []AblationResult
	for _, m := range models {
		mo := o
		mo.Name = o.Name + "-" + m.name
		mo.Regions = nil
		mo.Features.NumFeatures = m.x.Cols
		_, rep, err := Train(m.x, y, mo)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", m.name, m.desc, err)
		}
		best := rep.Search.Candidates[rep.Search.Best]
		r := AblationResult{Model: m.name, Description: m.desc, Features: m.x.Cols,
			Chosen: fmt.Sprintf("K = %d, alpha = %g, l1_ratio = %g", best.K, best.Alpha, best.L1Ratio),
			R:      rep.CV.R, MAE: rep.CV.MAE, R2: rep.CV.R2, Predictions: rep.CVPredictions}
		if rep.Nested != nil {
			r.NestedR = rep.NestedCV.R
		}
		if rep.Permutation != nil {
			r.PR, r.PMAE = rep.Permutation.P.R, rep.Permutation.P.MAE
		}
		out = append(out, r)
	}
	return out, nil
}
