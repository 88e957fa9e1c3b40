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
	// KGrid is the model's own K grid (ablationGrid).
	KGrid []int `json:"k_grid"`
	// Signature is the model trained on the whole cohort, kept to validate on other cohorts.
	Signature *Signature `json:"-"`
	columns   []int      // the model's columns in the full feature vector (M4, M5; M1, M2 without blocks)
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

// splitSystems returns the positions of the brain regions (every region not tagged spinal) and of
// the spinal ones.
func splitSystems(regions []Region) (brain, spinal []int) {
	for i, r := range regions {
		if r.System == spinalSystem {
			spinal = append(spinal, i)
		} else {
			brain = append(brain, i)
		}
	}
	return brain, spinal
}

// BlockFeatures computes M3's features from the subjects' ROI series: the measure on the brain
// regions alone and on the spinal regions alone, each block's vector in nilearn's order, brain
// block first.
func BlockFeatures(series []signal.Matrix, regions []Region, m connectome.Measure) (learn.Matrix, error) {
	brain, spinal := splitSystems(regions)
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

// MaxAblationK is the largest K the CSps paper searches for M1-M3 (Lin et al. 2025).
const MaxAblationK = 7500

// AblationM2K is M2's K grid in the CSps paper: 5 to 100 in steps of 5 (values above M2's 91
// features keep them all, as scikit-learn's SelectKBest does).
var AblationM2K = []int{5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100}

// ablationGrid is a model's own grid: the recipe's grid with M2's K values (AblationM2K) for M2,
// every K at most the model's feature count and, for M1-M3, at most MaxAblationK (repeats dropped).
func ablationGrid(model string, p int, g learn.Grid) learn.Grid {
	ks := g.K
	if model == AblationSpinalOnly {
		ks = AblationM2K
	}
	limit := p
	if model == AblationBrainOnly || model == AblationSpinalOnly || model == AblationBlocks {
		limit = min(limit, MaxAblationK)
	}
	g.K = nil
	seen := map[int]bool{}
	for _, k := range ks {
		if k = min(k, limit); !seen[k] {
			seen[k] = true
			g.K = append(g.K, k)
		}
	}
	return g
}

// ablationModel is one ablation model's features and the regions they describe.
type ablationModel struct {
	name, desc string
	x          learn.Matrix
	regions    []Region
	// cols are the model's columns in the full feature vector (nil for separately computed ones).
	cols []int
}

// ablationModels builds M1-M5 as the CSps paper defines them (Lin et al. 2025): with blocks (the
// brain and spinal measures computed separately, BlockFeatures), M1 is the brain block (125
// regions, 7,750 features on the 139-region set), M2 the spinal block (14 regions, 91 features)
// and M3 both (7,841); M4 is the joint matrix without its brain-spinal edges (7,841) and M5 only
// those edges (1,750). Without blocks, M1 and M2 are the brain and spinal edges of the joint
// matrix instead (the partial correlations then condition on the other system) and M3 is left out.
func ablationModels(x learn.Matrix, regions []Region, blocks *learn.Matrix) ([]ablationModel, error) {
	subsets, err := AblationSubsets(regions)
	if err != nil {
		return nil, err
	}
	if n := connectome.NumEdges(len(regions), true); x.Cols != n {
		return nil, fmt.Errorf("%d features for %d regions (%d edges)", x.Cols, len(regions), n)
	}
	bi, si := splitSystems(regions)
	var brain, spinal []Region
	for _, i := range bi {
		brain = append(brain, regions[i])
	}
	for _, i := range si {
		spinal = append(spinal, regions[i])
	}
	sub := func(name, desc string, rs []Region) ablationModel {
		return ablationModel{name, desc, x.SelectColumns(subsets[name]), rs, subsets[name]}
	}
	var models []ablationModel
	if blocks != nil {
		nb := connectome.NumEdges(len(brain), true)
		if blocks.Rows != x.Rows || blocks.Cols != nb+connectome.NumEdges(len(spinal), true) {
			return nil, fmt.Errorf("M3 features are %d x %d, want %d subjects x %d block features", blocks.Rows, blocks.Cols, x.Rows, nb+len(subsets[AblationSpinalOnly]))
		}
		span := func(a, b int) []int {
			c := make([]int, b-a)
			for i := range c {
				c[i] = a + i
			}
			return c
		}
		models = append(models,
			ablationModel{AblationBrainOnly, "brain only (brain and brainstem regions' own matrix)", blocks.SelectColumns(span(0, nb)), brain, nil},
			ablationModel{AblationSpinalOnly, "spinal only (spinal regions' own matrix)", blocks.SelectColumns(span(nb, blocks.Cols)), spinal, nil},
			ablationModel{AblationBlocks, "brain and spinal blocks computed separately", *blocks, regions, nil})
	} else {
		models = append(models, sub(AblationBrainOnly, "brain only (edges among brain and brainstem regions of the joint matrix)", brain),
			sub(AblationSpinalOnly, "spinal only (edges among spinal regions of the joint matrix)", spinal))
	}
	models = append(models, sub(AblationNoCross, "cross-system edges removed", regions), sub(AblationOnlyCross, "only cross-system edges", regions))
	return models, nil
}

// Ablations retrains the signature's recipe (o: target recipe, pipeline, scoring, solver,
// cross-validation, nested CV and permutations; bootstraps and curves are not repeated) on each
// ablation model (ablationModels), each with its own K grid (ablationGrid). x holds the full
// corticospinal features over regions; blocks, when not nil, the separately computed brain and
// spinal features (BlockFeatures). y is the raw outcome. Each result keeps its model's signature.
func Ablations(x learn.Matrix, y []float64, regions []Region, blocks *learn.Matrix, o TrainOptions) ([]AblationResult, error) {
	models, err := ablationModels(x, regions, blocks)
	if err != nil {
		return nil, err
	}
	o.Bootstraps, o.CurveSizes = 0, nil
	var out []AblationResult
	for _, m := range models {
		mo := o
		mo.Name = o.Name + "-" + m.name
		mo.Regions = m.regions
		mo.Features.NumFeatures = m.x.Cols
		mo.Grid = ablationGrid(m.name, m.x.Cols, o.Grid)
		if m.name == AblationBlocks {
			mo.Features.Kind += " (brain and spinal blocks computed separately)"
		}
		sig, rep, err := Train(m.x, y, mo)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", m.name, m.desc, err)
		}
		sig.Description = m.name + ": " + m.desc
		best := rep.Search.Candidates[rep.Search.Best]
		r := AblationResult{Model: m.name, Description: m.desc, Features: m.x.Cols, KGrid: mo.Grid.K,
			Chosen: fmt.Sprintf("K = %d, alpha = %g, l1_ratio = %g", best.K, best.Alpha, best.L1Ratio),
			R:      rep.CV.R, MAE: rep.CV.MAE, R2: rep.CV.R2, Predictions: rep.CVPredictions, Signature: sig, columns: m.cols}
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
