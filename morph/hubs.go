package morph

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
)

// HubSusceptibility is the relation between a case-control change in regional MS and the
// regions' MS in controls (Morgan et al. 2019, Martins et al. 2022: are the changes concentrated
// on the hubs?): Spearman's rho over regions and its two-sided spin p, (1 + #|rho_null| ≥
// |rho|)/(1 + n) with the change map reordered by each spin (NaN without spins).
type HubSusceptibility struct {
	Rho, P float64
	Spins  int
}

// HubSusceptibilityTest computes it: change and controlMS per region in one order, the null (a
// spatial null model's draws over the same regions, package nulls; nil: no p) giving the null
// maps of change.
func HubSusceptibilityTest(change, controlMS []float64, null nulls.Null) (HubSusceptibility, error) {
	if len(change) != len(controlMS) || len(change) < 3 {
		return HubSusceptibility{}, fmt.Errorf("hub susceptibility: %d changes and %d control MS values (need the same regions, at least 3)", len(change), len(controlMS))
	}
	h := HubSusceptibility{Rho: stats.Spearman(change, controlMS), P: math.NaN()}
	if null == nil || null.Draws() == 0 {
		return h, nil
	}
	spun, err := null.Maps(change, 0)
	if err != nil {
		return h, fmt.Errorf("hub susceptibility: %w", err)
	}
	h.Spins = len(spun)
	rhos := make([]float64, len(spun))
	for k, m := range spun {
		rhos[k] = stats.Spearman(m, controlMS)
	}
	p, err := stats.PermutationP(h.Rho, rhos, stats.PermAbs, true)
	h.P = p
	return h, err
}

// The four kinds of change of a region's MS in cases relative to its MS in controls (Morgan et
// al. 2019; Martins et al. 2022, Fig. 3): a region positively coupled in controls (MS > 0) whose
// MS increases is hypercoupled, one whose MS decreases is decoupled; a region negatively coupled
// (MS < 0, differentiated) whose MS increases towards zero is dedifferentiated, one whose MS
// decreases further is hyperdifferentiated.
const (
	Dedifferentiation    = "dedifferentiation"
	Hypercoupling        = "hypercoupling"
	Hyperdifferentiation = "hyperdifferentiation"
	Decoupling           = "decoupling"
)

// Quadrants lists the four in the order reports use.
var Quadrants = []string{Dedifferentiation, Hypercoupling, Hyperdifferentiation, Decoupling}

// Quadrant classifies a region by its MS in controls and its case-control change; "" when either
// is zero or NaN (on an axis, no quadrant).
func Quadrant(controlMS, change float64) string {
	switch {
	case controlMS < 0 && change > 0:
		return Dedifferentiation
	case controlMS > 0 && change > 0:
		return Hypercoupling
	case controlMS < 0 && change < 0:
		return Hyperdifferentiation
	case controlMS > 0 && change < 0:
		return Decoupling
	}
	return ""
}

// QuadrantShare is the number and percentage of regions of one quadrant.
type QuadrantShare struct {
	Quadrant string
	Regions  int
	Percent  float64
}

// QuadrantShares classifies the regions with include[i] true (all when include is nil, e.g.
// only the FDR-significant ones) and returns each quadrant's count and percentage of them.
func QuadrantShares(controlMS, change []float64, include []bool) []QuadrantShare {
	counts := map[string]int{}
	total := 0
	for i := range change {
		if include != nil && !include[i] {
			continue
		}
		total++
		counts[Quadrant(controlMS[i], change[i])]++
	}
	out := make([]QuadrantShare, len(Quadrants))
	for k, q := range Quadrants {
		out[k] = QuadrantShare{Quadrant: q, Regions: counts[q]}
		if total > 0 {
			out[k].Percent = 100 * float64(counts[q]) / float64(total)
		}
	}
	return out
}

// ConditionPCA is the principal component analysis of several conditions' regional maps
// (Martins et al. 2022: the case-control t-maps of knee osteoarthritis, chronic low back pain and
// fibromyalgia), regions as observations and conditions as variables, centred, not scaled (as
// MATLAB's pca and scikit-learn's PCA): eigenvalues (variances, n − 1 denominator), the
// percentage of variance each explains, the loadings of each component on the conditions, and the
// regional scores. Each component's sign makes its loadings sum to a positive number, so that PC1
// reads as the shared direction of the conditions' maps.
type ConditionPCA struct {
	Eigenvalues, ExplainedPercent []float64
	Loadings                      [][]float64 // component x condition
	Scores                        [][]float64 // component x region
}

// PCAOfMaps computes it from maps[c][r], condition c's value at region r, with learn.PCA
// (scikit-learn's PCA) and the sign rule above.
func PCAOfMaps(maps [][]float64) (*ConditionPCA, error) {
	c := len(maps)
	if c < 2 {
		return nil, fmt.Errorf("condition PCA: %d maps, need at least 2", c)
	}
	n := len(maps[0])
	if n < c+1 {
		return nil, fmt.Errorf("condition PCA: %d regions for %d conditions", n, c)
	}
	x := linalg.NewMatrix(n, c)
	for j, m := range maps {
		if len(m) != n {
			return nil, fmt.Errorf("condition PCA: map %d has %d regions, map 0 has %d", j, len(m), n)
		}
		for i, v := range m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("condition PCA: map %d, region %d is %v", j, i, v)
			}
			x.Data[i*c+j] = v
		}
	}
	fit, err := learn.PCA{}.Fit(x)
	if err != nil {
		return nil, fmt.Errorf("condition PCA: %w", err)
	}
	scores := fit.Transform(x)
	out := &ConditionPCA{Eigenvalues: fit.ExplainedVariance}
	for k, comp := range fit.Components {
		sign := 1.0
		if stats.Mean(comp) < 0 { // loadings summing to a negative number
			sign = -1
		}
		load := make([]float64, c)
		for j := range load {
			load[j] = sign * comp[j]
		}
		score := make([]float64, n)
		for i := range score {
			score[i] = sign * scores.Data[i*len(fit.Components)+k]
		}
		out.ExplainedPercent = append(out.ExplainedPercent, 100*fit.ExplainedVarianceRatio[k])
		out.Loadings = append(out.Loadings, load)
		out.Scores = append(out.Scores, score)
	}
	return out, nil
}

// LeaveOneFeatureOut recomputes the mean regional MS over subjects with each feature left out
// in turn (Martins et al. 2022's check that no single feature drives the MS map): maps[f] is the
// map without feature f, and r[f] its Pearson correlation with the all-features map.
func LeaveOneFeatureOut(t *Table) (maps [][]float64, r []float64, err error) {
	nf := len(t.Features)
	if nf < 3 {
		return nil, nil, fmt.Errorf("leave-one-feature-out: %d features; MS needs at least 2 left", nf)
	}
	meanMap := func(features []int) ([]float64, error) {
		out := make([]float64, len(t.Regions))
		for s := range t.Subjects {
			ms, err := Similarity(t, s, features)
			if err != nil {
				return nil, err
			}
			for i, v := range RegionalMS(ms) {
				out[i] += v / float64(len(t.Subjects))
			}
		}
		return out, nil
	}
	full, err := meanMap(nil)
	if err != nil {
		return nil, nil, err
	}
	for f := 0; f < nf; f++ {
		var keep []int
		for g := 0; g < nf; g++ {
			if g != f {
				keep = append(keep, g)
			}
		}
		m, err := meanMap(keep)
		if err != nil {
			return nil, nil, err
		}
		maps = append(maps, m)
		r = append(r, stats.Pearson(m, full))
	}
	return maps, r, nil
}
