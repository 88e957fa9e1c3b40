package extract

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/space"
)

// Strategy is the reduction of a label masker, named as nilearn's NiftiLabelsMasker strategies.
type Strategy string

// The reductions.
const (
	Mean     Strategy = "mean"
	Median   Strategy = "median"
	Sum      Strategy = "sum"
	Minimum  Strategy = "minimum"
	Maximum  Strategy = "maximum"
	StdDev   Strategy = "standard_deviation" // population (ddof 0), as numpy and scipy.ndimage
	Variance Strategy = "variance"           // population (ddof 0)
)

// Strategies lists the label reductions.
var Strategies = []Strategy{Mean, Median, Sum, Minimum, Maximum, StdDev, Variance}

// MissingPolicy says what to do with regions of the table that have no voxel on the data grid.
type MissingPolicy string

// The policies. The default is MissingError: a region silently absent from the output is how
// feature tables end up misaligned across subjects.
const (
	MissingError MissingPolicy = "error" // refuse, listing the regions
	MissingDrop  MissingPolicy = "drop"  // leave the regions out (listed in the result)
	MissingNaN   MissingPolicy = "nan"   // keep a NaN column for each
)

// LabelOptions are the options of a label masker.
type LabelOptions struct {
	Options
	Strategy Strategy
	Missing  MissingPolicy
}

// LabelResult adds the regions without voxels on the data grid.
type LabelResult struct {
	Result
	Missing []atlas.Region
	// Resampled reports whether the label image was resampled onto the data grid.
	Resampled bool
}

type labelReducer struct {
	strategy Strategy
	allowNaN bool
	// voxels of each output region (indices into the volume), in memory order.
	voxels [][]int32
	// For the mean and sum of non-overlapping regions: labelled voxels in memory order (nil:
	// reduce region by region).
	flatIdx []int32
	flatReg []int32
	scratch []float64
}

func (l *labelReducer) regions() int { return len(l.voxels) }

func (l *labelReducer) reduce(vol, out []float64) error {
	// Fast path: one pass over the labelled voxels in memory order (regions do not overlap).
	if (l.strategy == Mean || l.strategy == Sum) && !l.allowNaN && l.flatIdx != nil {
		for j := range out {
			out[j] = 0
		}
		for i, v := range l.flatIdx {
			out[l.flatReg[i]] += vol[v]
		}
		for j, vx := range l.voxels {
			switch {
			case len(vx) == 0:
				out[j] = math.NaN() // a region kept as a NaN column
			case l.strategy == Mean:
				out[j] /= float64(len(vx))
			}
		}
		return nil
	}
	for j, vx := range l.voxels {
		vals := l.scratch[:0]
		for _, v := range vx {
			x := vol[v]
			if l.allowNaN && !finite(x) {
				continue
			}
			vals = append(vals, x)
		}
		l.scratch = vals
		out[j] = reduceValues(l.strategy, vals)
	}
	return nil
}

// reduceValues applies a strategy to one region's values (NaN when there are none).
func reduceValues(s Strategy, vals []float64) float64 {
	n := len(vals)
	if n == 0 {
		return math.NaN()
	}
	switch s {
	case Sum, Mean:
		var sum float64
		for _, v := range vals {
			sum += v
		}
		if s == Mean {
			return sum / float64(n)
		}
		return sum
	case Minimum:
		m := vals[0]
		for _, v := range vals {
			m = math.Min(m, v)
		}
		return m
	case Maximum:
		m := vals[0]
		for _, v := range vals {
			m = math.Max(m, v)
		}
		return m
	case Median:
		sort.Float64s(vals)
		if n%2 == 1 {
			return vals[n/2]
		}
		return (vals[n/2-1] + vals[n/2]) / 2
	case StdDev, Variance:
		var sum float64
		for _, v := range vals {
			sum += v
		}
		mean := sum / float64(n)
		var ss float64
		for _, v := range vals {
			d := v - mean
			ss += d * d
		}
		if s == Variance {
			return ss / float64(n)
		}
		return math.Sqrt(ss / float64(n))
	}
	return math.NaN()
}

// Labels extracts one time series per region of a label image from the 4D image at path. The
// label image is resampled onto the data grid (nearest neighbour, as nilearn) when the grids
// differ; the output columns follow the table's order.
func Labels(path string, labels *atlas.LabelImage, tbl *atlas.Table, o LabelOptions) (*LabelResult, error) {
	set := &atlas.RegionSet{Name: tbl.Name, Parts: []atlas.Part{{Space: "data", Labels: labels, Table: tbl}}}
	return Set(map[string]string{"data": path}, set, o)
}

// partPlan is a part prepared for one data grid.
type partPlan struct {
	red       *labelReducer
	names     []string
	counts    []int
	missing   []atlas.Region
	resampled bool
}

// planPart resamples a part's labels onto the data grid and gathers each region's voxels.
func planPart(path string, shape [3]int, aff space.Affine, part atlas.Part, o LabelOptions) (*partPlan, error) {
	labels, tbl := part.Labels, part.Table
	pl := &partPlan{}
	if !sameGrid(shape, aff, labels.Shape, labels.Affine) {
		rl, err := labels.ResampleTo(shape, aff)
		if err != nil {
			return nil, fmt.Errorf("resampling %s onto %s: %w", labels.Path, path, err)
		}
		labels = rl
		pl.resampled = true
	}
	byLabel := map[int32][]int32{}
	for i, v := range labels.Labels {
		if v != 0 {
			byLabel[v] = append(byLabel[v], int32(i))
		}
	}
	red := &labelReducer{strategy: o.Strategy, allowNaN: o.AllowNonFinite}
	for _, reg := range tbl.Regions {
		vx := byLabel[int32(reg.Index)]
		if len(vx) == 0 {
			pl.missing = append(pl.missing, reg)
			if o.Missing == MissingDrop {
				continue
			}
		}
		pl.names = append(pl.names, reg.Name)
		pl.counts = append(pl.counts, len(vx))
		red.voxels = append(red.voxels, vx)
	}
	// Flat list of labelled voxels in memory order, for one cache-friendly pass.
	type pair struct{ idx, reg int32 }
	var flat []pair
	maxVox := 0
	for j, vx := range red.voxels {
		maxVox = max(maxVox, len(vx))
		for _, v := range vx {
			flat = append(flat, pair{v, int32(j)})
		}
	}
	sort.Slice(flat, func(a, b int) bool { return flat[a].idx < flat[b].idx })
	red.flatIdx = make([]int32, len(flat))
	red.flatReg = make([]int32, len(flat))
	for i, p := range flat {
		red.flatIdx[i], red.flatReg[i] = p.idx, p.reg
	}
	red.scratch = make([]float64, 0, maxVox)
	pl.red = red
	return pl, nil
}

// composite reduces one volume with several reducers into consecutive columns.
type composite []reducer

func (c composite) regions() int {
	n := 0
	for _, r := range c {
		n += r.regions()
	}
	return n
}

func (c composite) reduce(vol, out []float64) error {
	off := 0
	for _, r := range c {
		n := r.regions()
		if err := r.reduce(vol, out[off:off+n]); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// Set extracts the time series of a region set whose parts may live in several spaces: images maps
// each space to its 4D image, each image is streamed once for all the parts in its space, and the
// columns follow the set's order. All images must have the same number of volumes.
func Set(images map[string]string, set *atlas.RegionSet, o LabelOptions) (*LabelResult, error) {
	if o.Strategy == "" {
		o.Strategy = Mean
	}
	valid := false
	for _, s := range Strategies {
		valid = valid || s == o.Strategy
	}
	if !valid {
		return nil, fmt.Errorf("unknown reduction %q (mean, median, sum, minimum, maximum, standard_deviation, variance)", o.Strategy)
	}
	if o.Missing == "" {
		o.Missing = MissingError
	}
	res := &LabelResult{}
	partCols := make([]signal.Matrix, len(set.Parts))
	partPlans := make([]*partPlan, len(set.Parts))
	frames := -1
	var firstPath string
	for _, sp := range set.Spaces() {
		path, ok := images[sp]
		if !ok {
			return nil, fmt.Errorf("region set %s needs an image in space %q", set.Name, sp)
		}
		r, aff, err := open4D(path, o.Options)
		if err != nil {
			return nil, err
		}
		shape := r.Header.VolumeShape()
		var comp composite
		var idx []int
		for i, part := range set.Parts {
			if part.Space != sp {
				continue
			}
			pl, err := planPart(path, shape, aff, part, o)
			if err != nil {
				r.Close()
				return nil, err
			}
			partPlans[i] = pl
			comp = append(comp, pl.red)
			idx = append(idx, i)
		}
		var missing []string
		for _, i := range idx {
			for _, m := range partPlans[i].missing {
				missing = append(missing, fmt.Sprintf("%s (%d)", m.Name, m.Index))
			}
		}
		if len(missing) > 0 && o.Missing == MissingError {
			r.Close()
			return nil, fmt.Errorf("%s: %d regions of %s have no voxel on the data grid: %s (choose to drop them or keep NaN columns)",
				path, len(missing), set.Name, strings.Join(missing, ", "))
		}
		if frames >= 0 && r.NumVolumes() != frames {
			r.Close()
			return nil, fmt.Errorf("%s has %d volumes but %s has %d: the images of a region set must cover the same frames", path, r.NumVolumes(), firstPath, frames)
		}
		frames, firstPath = r.NumVolumes(), path
		if res.TR == 0 {
			res.TR = tr(r)
		}
		sig, err := run(r, comp, o.Options)
		r.Close()
		if err != nil {
			return nil, err
		}
		off := 0
		for _, i := range idx {
			n := partPlans[i].red.regions()
			cols := signal.NewMatrix(sig.Rows, n)
			for t := 0; t < sig.Rows; t++ {
				copy(cols.Data[t*n:(t+1)*n], sig.Data[t*sig.Cols+off:t*sig.Cols+off+n])
			}
			partCols[i] = cols
			off += n
		}
		res.Source = path
	}
	for _, pl := range partPlans {
		res.Names = append(res.Names, pl.names...)
		res.VoxelCounts = append(res.VoxelCounts, pl.counts...)
		res.Missing = append(res.Missing, pl.missing...)
		res.Resampled = res.Resampled || pl.resampled
	}
	if len(res.Names) == 0 {
		return nil, fmt.Errorf("no region of %s has a voxel on the data grid", set.Name)
	}
	res.Signals = signal.HStack(partCols...)
	res.AllZero = allZeroColumns(res.Signals, res.Names)
	return res, nil
}
