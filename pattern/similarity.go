// Package pattern holds voxel-pattern signatures, the pain biomarkers that are weight maps over
// the brain (the neurologic pain signature and its successors): a signature file of kind "voxel
// pattern" (the weight map, embedded or referred to by path and SHA-256, its space and grid,
// provenance, licence, checksum), and pattern responses of beta or contrast maps, by dot product,
// cosine similarity and Pearson correlation as CanlabCore's apply_mask(dat, weights,
// 'pattern_expression', ...) and canlab_pattern_similarity define them, the weight map resampled
// to each image's grid. Responses of many subjects' or trials' maps become signature.Application
// values per condition, so signature.ForcedChoice and the other cohort workflows take them.
package pattern

import (
	"fmt"
	"math"
)

// Metrics of a pattern response, named as CanlabCore's options.
const (
	Dot         = "dot_product"
	Cosine      = "cosine_similarity"
	Correlation = "correlation"
)

// Metrics lists the accepted metric names.
var Metrics = []string{Dot, Cosine, Correlation}

// Similarity is one image's pattern response by all three metrics, and the number of voxels that
// entered them.
type Similarity struct {
	Dot         float64 `json:"dot_product"`
	Cosine      float64 `json:"cosine_similarity"`
	Correlation float64 `json:"correlation"`
	NVoxels     int     `json:"n_voxels"`
}

// Get returns the value of a metric by name.
func (s Similarity) Get(metric string) (float64, error) {
	switch metric {
	case Dot:
		return s.Dot, nil
	case Cosine:
		return s.Cosine, nil
	case Correlation:
		return s.Correlation, nil
	}
	return 0, fmt.Errorf("pattern metric %q: one of %s, %s, %s", metric, Dot, Cosine, Correlation)
}

// Similarities computes an image's response to a weight map on the same voxels (w[i] and x[i] the
// weight and the image value at voxel i), as CanlabCore does: the voxels used are those with a
// non-zero weight (a NaN weight counts as zero, as apply_mask sets it) where the image is valid, not
// zero and not NaN (canlab_pattern_similarity's per-image exclusion). Over them:
//
//   - dot product Σ w·x (CanlabCore's weights'·X over the weight map's voxels, where zero image
//     values add nothing; painmark also leaves out NaN image values, which make CanlabCore's dot
//     product NaN);
//   - cosine similarity Σ w·x / (‖x‖·‖w‖), 0 when either norm is 0 (as CanlabCore returns 0 rather
//     than NaN);
//   - correlation: Pearson's r of w and x (MATLAB's corr), NaN with fewer than 2 voxels or a
//     constant w or x.
func Similarities(w, x []float64) Similarity {
	var n int
	var sw, sx, sww, sxx, swx float64
	for i, wi := range w {
		xi := x[i]
		if wi == 0 || math.IsNaN(wi) || xi == 0 || math.IsNaN(xi) {
			continue
		}
		n++
		sw += wi
		sx += xi
		sww += wi * wi
		sxx += xi * xi
		swx += wi * xi
	}
	s := Similarity{Dot: swx, NVoxels: n, Correlation: math.NaN()}
	if den := math.Sqrt(sxx) * math.Sqrt(sww); den > 0 {
		s.Cosine = swx / den
	}
	if n >= 2 {
		// Two-pass centring for accuracy (numpy's corrcoef centres first).
		mw, mx := sw/float64(n), sx/float64(n)
		var cww, cxx, cwx float64
		for i, wi := range w {
			xi := x[i]
			if wi == 0 || math.IsNaN(wi) || xi == 0 || math.IsNaN(xi) {
				continue
			}
			dw, dx := wi-mw, xi-mx
			cww += dw * dw
			cxx += dx * dx
			cwx += dw * dx
		}
		if cww > 0 && cxx > 0 {
			s.Correlation = cwx / math.Sqrt(cww*cxx)
		}
	}
	return s
}
