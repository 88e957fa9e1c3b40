package target

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/stats"
	"gonum.org/v1/gonum/stat/distuv"
)

// Lesion network mapping (Boes et al. 2015; Fox 2018): the lesion's connectivity in each run of a
// normative cohort (the Fisher z seed map of the lesion's mean time series), and the group map of
// those maps: a one-sample t test of z at every brainordinate. Runs are read one at a time; the
// group sums are the only state (memory O(brainordinates)).

// LesionMaps are the group result: the mean Fisher z, the one-sample t and its p per brainordinate.
type LesionMaps struct {
	Runs        int
	MeanZ, T, P []float64 // per brainordinate; P two-sided
	// Lesion is the seed's size in the first run (brainordinates).
	Lesion int
}

// RunLoader loads one normative run.
type RunLoader func() (*Dataset, error)

// MapLesionNetwork computes the lesion network over the runs; seed picks the lesion's
// brainordinates in a run (the same in every run when they share a grid). Every run must have the
// first run's brainordinates.
func MapLesionNetwork(runs []RunLoader, seed func(d *Dataset) (Seed, error)) (*LesionMaps, *Dataset, error) {
	if err := stats.CheckTDF(fmt.Sprintf("lesion network mapping over %d normative runs (at least %d)", len(runs), stats.MinTDF+1), float64(len(runs)-1)); err != nil {
		return nil, nil, err
	}
	var first *Dataset
	var sum, sumSq []float64
	ln := &LesionMaps{Runs: len(runs)}
	for r, load := range runs {
		d, err := load()
		if err != nil {
			return nil, nil, err
		}
		if first == nil {
			first = d
			sum, sumSq = make([]float64, d.Len()), make([]float64, d.Len())
		} else if d.Len() != first.Len() {
			return nil, nil, fmt.Errorf("run %d (%s) has %d brainordinates, run 1 (%s) %d: the cohort must share a grid and mask", r+1, d.Source, d.Len(), first.Source, first.Len())
		} else {
			for i := range d.Coords {
				if !sameCoord(d.Coords[i], first.Coords[i]) {
					return nil, nil, fmt.Errorf("run %d (%s): brainordinate %d is at %v, in run 1 at %v", r+1, d.Source, i, d.Coords[i], first.Coords[i])
				}
			}
		}
		s, err := seed(d)
		if err != nil {
			return nil, nil, fmt.Errorf("run %d (%s): %w", r+1, d.Source, err)
		}
		if r == 0 {
			ln.Lesion = len(s.Members)
		}
		_, z, err := SeedCorrelation(d, SeedSeries(d, s))
		if err != nil {
			return nil, nil, fmt.Errorf("run %d (%s): %w", r+1, d.Source, err)
		}
		for i, v := range z {
			sum[i] += v
			sumSq[i] += v * v
		}
	}
	n := float64(len(runs))
	ln.MeanZ, ln.T, ln.P = make([]float64, len(sum)), make([]float64, len(sum)), make([]float64, len(sum))
	tdist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}
	for i := range sum {
		m := sum[i] / n
		v := (sumSq[i] - n*m*m) / (n - 1)
		ln.MeanZ[i] = m
		ln.T[i] = m / math.Sqrt(v/n)
		ln.P[i] = 2 * tdist.Survival(math.Abs(ln.T[i]))
	}
	return ln, first, nil
}

func sameCoord(a, b [3]float64) bool {
	for k := 0; k < 3; k++ {
		if !(math.Abs(a[k]-b[k]) < 1e-4) && !(math.IsNaN(a[k]) && math.IsNaN(b[k])) {
			return false
		}
	}
	return true
}

// NetworkOverlap relates a lesion network to one network map: the spatial Pearson correlation of
// the t map with the network's map, and the share of the lesion network's positive
// suprathreshold brainordinates (t ≥ threshold, the lesion itself left out) that lie in the network
// (map value ≥ half its maximum).
type NetworkOverlap struct {
	Network     string  `json:"network"`
	Correlation float64 `json:"correlation"`
	Share       float64 `json:"share"`
	Inside      int     `json:"inside"`
	Total       int     `json:"suprathreshold"`
}

// Overlaps computes the overlap with each network map; exclude marks brainordinates left out
// (the lesion).
func (ln *LesionMaps) Overlaps(names []string, maps [][]float64, threshold float64, exclude []int) ([]NetworkOverlap, error) {
	skip := map[int]bool{}
	for _, i := range exclude {
		skip[i] = true
	}
	var out []NetworkOverlap
	for k, m := range maps {
		if len(m) != len(ln.T) {
			return nil, fmt.Errorf("network %s has %d values for %d brainordinates", names[k], len(m), len(ln.T))
		}
		mx := math.Inf(-1)
		for _, v := range m {
			mx = math.Max(mx, v)
		}
		o := NetworkOverlap{Network: names[k]}
		var tt, mm []float64
		for i, t := range ln.T {
			if skip[i] || math.IsNaN(t) || math.IsInf(t, 0) {
				continue
			}
			tt, mm = append(tt, t), append(mm, m[i])
			if t >= threshold {
				o.Total++
				if m[i] >= mx/2 {
					o.Inside++
				}
			}
		}
		o.Correlation = stats.Pearson(tt, mm)
		if o.Total > 0 {
			o.Share = float64(o.Inside) / float64(o.Total)
		}
		out = append(out, o)
	}
	return out, nil
}
