package connectome

import (
	"fmt"
	"math"
	"runtime"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/signal"
)

// EdgeMask marks the edges (in Edges(p, true) order) whose two regions satisfy keep. With region
// tags it expresses the ablation models of the corticospinal signature: brain-only, spinal-only,
// cross-system edges removed, only cross-system edges.
func EdgeMask(regions []atlas.Region, keep func(a, b atlas.Region) bool) []bool {
	edges := Edges(len(regions), true)
	out := make([]bool, len(edges))
	for k, e := range edges {
		out[k] = keep(regions[e.I], regions[e.J])
	}
	return out
}

// Group maps a region to the system group it counts in; the CSps study counts the brainstem with
// the brain (supraspinal) against the spinal cord.
type Group func(atlas.Region) string

// Supraspinal groups brain and brainstem regions as "brain" and spinal regions as "spinal".
func Supraspinal(r atlas.Region) string {
	if r.System == atlas.Spinal {
		return "spinal"
	}
	return "brain"
}

// Within keeps edges between two regions of group g.
func Within(group Group, g string) func(a, b atlas.Region) bool {
	return func(a, b atlas.Region) bool { return group(a) == g && group(b) == g }
}

// Between keeps edges joining two different groups.
func Between(group Group) func(a, b atlas.Region) bool {
	return func(a, b atlas.Region) bool { return group(a) != group(b) }
}

// NotBetween keeps edges within groups (cross-group edges removed).
func NotBetween(group Group) func(a, b atlas.Region) bool {
	return func(a, b atlas.Region) bool { return group(a) == group(b) }
}

// SelectRegions returns the positions of the regions in group g, to recompute a connectivity
// matrix on a subset (the "separate partial correlations per system" model: a partial correlation
// conditions on the regions present, so it changes when regions are left out).
func SelectRegions(regions []atlas.Region, group Group, g string) []int {
	var out []int
	for i, r := range regions {
		if group(r) == g {
			out = append(out, i)
		}
	}
	return out
}

// ApplyMask keeps the vector entries whose mask is true.
func ApplyMask(v []float64, mask []bool) ([]float64, error) {
	if len(v) != len(mask) {
		return nil, fmt.Errorf("vector of %d edges, mask of %d", len(v), len(mask))
	}
	var out []float64
	for i, k := range mask {
		if k {
			out = append(out, v[i])
		}
	}
	return out, nil
}

// zscoreColumns standardizes each region's series with the population SD (ddof 0), as
// scipy.stats.zscore in edge-centric studies (Esfahlani et al. 2020); a constant series becomes 0.
func zscoreColumns(x signal.Matrix) signal.Matrix {
	z, _, _ := signal.Standardize(x, signal.ZScore)
	return z
}

// EdgeTimeSeries returns the co-fluctuation series of every pair of regions (Faskowitz et al.
// 2020): e_ij(t) = z_i(t)·z_j(t) with z the region series z-scored (ddof 0), one column per pair in
// Edges(p, true) order (i > j, row by row). The frame average of e_ij is the Pearson correlation.
func EdgeTimeSeries(x signal.Matrix) signal.Matrix {
	out := signal.NewMatrix(x.Rows, NumEdges(x.Cols, true))
	edgeTimeSeriesInto(out, x)
	return out
}

// EdgeTimeSeriesInto is EdgeTimeSeries writing into dst (frames x edges), so a pipeline over many
// runs reuses one output buffer: building the series is bound by memory traffic, and a fresh
// buffer of this size costs the operating system a page fault per 4 KiB on first write.
func EdgeTimeSeriesInto(dst, x signal.Matrix) error {
	if ne := NumEdges(x.Cols, true); dst.Rows != x.Rows || dst.Cols != ne || len(dst.Data) != x.Rows*ne {
		return fmt.Errorf("edge time series of %d frames x %d regions needs a %d x %d buffer, got %d x %d", x.Rows, x.Cols, x.Rows, ne, dst.Rows, dst.Cols)
	}
	edgeTimeSeriesInto(dst, x)
	return nil
}

func edgeTimeSeriesInto(dst, x signal.Matrix) {
	z := zscoreColumns(x)
	p, ne := x.Cols, dst.Cols
	parallelRows(x.Rows, func(t0, t1 int) {
		for t := t0; t < t1; t++ {
			pairProducts(dst.Data[t*ne:(t+1)*ne], z.Data[t*p:(t+1)*p])
		}
	})
}

// pairProducts writes z_i·z_j for every pair i > j, in Edges order, into o. It writes rather than
// adds into zeros: for a freshly allocated o, reading an untouched page first maps the kernel's
// zero page and the write then faults again to copy it (7x slower for the full series).
func pairProducts(o, z []float64) {
	k := 0
	for i := 1; i < len(z); i++ {
		zi, oi := z[i], o[k:k+i]
		for j, zj := range z[:i] {
			oi[j] = zi * zj
		}
		k += i
	}
}

// edgeBlockSize is the number of edges (at least) in a block of BinnedEdgeTimeSeries: 4096 edges
// are 32 KiB of sums per bin, which stay in cache for a handful of bins.
const edgeBlockSize = 4096

// triangleRowBlocks cuts the rows 1..p-1 of the lower triangle (row i holds i edges) into blocks
// of at least size edges; it returns the boundaries, blocks[k] to blocks[k+1].
func triangleRowBlocks(p, size int) []int {
	bounds := []int{1}
	edges := 0
	for i := 1; i < p; i++ {
		edges += i
		if edges >= size || i == p-1 {
			bounds = append(bounds, i+1)
			edges = 0
		}
	}
	return bounds
}

// BinnedEdgeTimeSeries averages the co-fluctuation series within bins of frames (bin[t] in [0,
// nbins), or -1 to leave a frame out) without materialising the frames x edges series: each frame's
// products go straight into its bin's sums, so memory is the bins x edges output alone. It returns
// the means and the number of frames in each bin (a bin without frames is NaN).
func BinnedEdgeTimeSeries(x signal.Matrix, bin []int, nbins int) (signal.Matrix, []int, error) {
	if len(bin) != x.Rows {
		return signal.Matrix{}, nil, fmt.Errorf("%d bin labels for %d frames", len(bin), x.Rows)
	}
	counts := make([]int, nbins)
	for t, b := range bin {
		if b >= nbins || b < -1 {
			return signal.Matrix{}, nil, fmt.Errorf("frame %d: bin %d outside [0, %d) (-1 leaves a frame out)", t, b, nbins)
		}
		if b >= 0 {
			counts[b]++
		}
	}
	z := zscoreColumns(x)
	p := x.Cols
	ne := NumEdges(p, true)
	out := signal.NewMatrix(nbins, ne)
	// Workers take blocks of edges (whole rows of the lower triangle), and each block's bin sums
	// stay in cache while all frames stream past. Every edge sums its frames in frame order, so
	// the result is bit-identical for any number of workers, and nothing but the output is held.
	blocks := triangleRowBlocks(p, edgeBlockSize)
	parallelRows(len(blocks)-1, func(b0, b1 int) {
		for blk := b0; blk < b1; blk++ {
			i0, i1 := blocks[blk], blocks[blk+1]
			for t, b := range bin {
				if b < 0 {
					continue
				}
				zt := z.Data[t*p : (t+1)*p]
				o := out.Data[b*ne : (b+1)*ne]
				k := i0 * (i0 - 1) / 2 // row i starts at edge i(i-1)/2 in Edges order
				for i := i0; i < i1; i++ {
					linalg.Axpy(zt[i], zt[:i], o[k:k+i])
					k += i
				}
			}
		}
	})
	for b := 0; b < nbins; b++ {
		for k := 0; k < ne; k++ {
			if counts[b] == 0 {
				out.Data[b*ne+k] = math.NaN()
			} else {
				out.Data[b*ne+k] /= float64(counts[b])
			}
		}
	}
	return out, counts, nil
}

// QuantileBins assigns each frame to one of n bins of an external variable (e.g. pain ratings) by
// its rank: bin = floor(rank·n/T) with ties broken by frame order, so bins hold T/n frames each.
func QuantileBins(v []float64, n int) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	// Stable sort by value.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && v[idx[j]] < v[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	out := make([]int, len(v))
	for r, t := range idx {
		out[t] = r * n / len(v)
	}
	return out
}

// parallelRows splits [0, n) across the available cores.
func parallelRows(n int, f func(t0, t1 int)) {
	workers := runtime.GOMAXPROCS(0)
	chunk := (n + workers - 1) / workers
	parallel.Workers(workers, func(w int) {
		if t0, t1 := w*chunk, min(n, (w+1)*chunk); t0 < t1 {
			f(t0, t1)
		}
	})
}
