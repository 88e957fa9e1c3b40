package extract

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/signal"
)

// SurfaceOptions are the options of a surface (grayordinate) parcellation.
type SurfaceOptions struct {
	// Map is the label map of a CIFTI dlabel to use (0-based; most dlabels hold one).
	Map int
	// Structures makes every voxel structure of a CIFTI dtseries (thalamus, caudate, ...) that the
	// dlabel leaves unlabelled one parcel, named after the structure (THALAMUS_LEFT): the
	// subcortical grayordinates of a 91k dtseries join a cortex-only parcellation (Schaefer,
	// Glasser) as the "cortex + subcortical structures" sets of the HCP pipelines.
	// wb_command -cifti-parcellate leaves unlabelled grayordinates out.
	Structures bool
	// Missing says what a label of the table without grayordinates in the data is: error, drop or
	// nan (wb_command drops it unless -include-empty, which writes zeros).
	Missing MissingPolicy
	// AllowNonFinite skips NaN/Inf grayordinates in a parcel's mean instead of failing.
	AllowNonFinite bool
}

// IsSurfaceAtlas says whether an atlas argument names a surface parcellation: a CIFTI dense label
// file (*.dlabel.nii) or GIFTI label files (*.label.gii, several joined by commas).
func IsSurfaceAtlas(arg string) bool {
	return strings.HasSuffix(arg, ".dlabel.nii") || strings.HasSuffix(arg, ".label.gii")
}

// grayordinate identifies a brainordinate across files: its structure and its surface vertex or
// voxel (i, j, k; vertex −1 for voxels).
type grayordinate struct {
	structure string
	vertex    int
	voxel     [3]int
}

func grayordinates(ax *cifti.Axis) []grayordinate {
	g := make([]grayordinate, ax.Len)
	for _, m := range ax.Models {
		for i := 0; i < m.Count; i++ {
			if m.Type == cifti.SurfaceModel {
				g[m.Offset+i] = grayordinate{structure: m.Structure, vertex: m.Vertices[i]}
			} else {
				g[m.Offset+i] = grayordinate{structure: m.Structure, vertex: -1, voxel: m.Voxels[i]}
			}
		}
	}
	return g
}

// parcelPlan assigns each column of the data (a grayordinate or vertex) to a parcel (−1: none).
type parcelPlan struct {
	parcel []int
	names  []string
	counts []int
}

// plan builds the parcels from each column's label key, ordered by key (key 0, the unlabelled
// "???" of CIFTI and nilearn's background, left out), then the extra parcels (Structures).
func plan(keys []int, names map[int]string, extra []int, extraNames []string, o SurfaceOptions, source string) (*parcelPlan, []atlas.Region, error) {
	counts := map[int]int{}
	for _, k := range keys {
		if k > 0 {
			counts[k]++
		}
	}
	all := make([]int, 0, len(names))
	for k := range names {
		if k > 0 {
			all = append(all, k)
		}
	}
	for k := range counts {
		if _, ok := names[k]; !ok {
			all = append(all, k)
		}
	}
	sort.Ints(all)
	p := &parcelPlan{parcel: make([]int, len(keys))}
	col := map[int]int{}
	var missing []atlas.Region
	for _, k := range all {
		name := names[k]
		if name == "" {
			name = fmt.Sprint(k)
		}
		if counts[k] == 0 {
			missing = append(missing, atlas.Region{Index: k, Name: name})
			if o.Missing != MissingNaN {
				continue
			}
		}
		col[k] = len(p.names)
		p.names, p.counts = append(p.names, name), append(p.counts, counts[k])
	}
	if len(missing) > 0 && (o.Missing == MissingError || o.Missing == "") {
		var s []string
		for _, m := range missing {
			s = append(s, fmt.Sprintf("%s (%d)", m.Name, m.Index))
		}
		return nil, nil, fmt.Errorf("%s: %d labels have no grayordinate in the data: %s (choose to drop them or keep NaN columns)", source, len(missing), strings.Join(s, ", "))
	}
	for i, k := range keys {
		p.parcel[i] = -1
		if c, ok := col[k]; ok && k > 0 {
			p.parcel[i] = c
		}
	}
	base := len(p.names)
	for i, e := range extra {
		if e >= 0 && p.parcel[i] < 0 {
			p.parcel[i] = base + e
		}
	}
	for e, n := range extraNames {
		c := 0
		for i := range extra {
			if p.parcel[i] == base+e {
				c++
			}
		}
		p.names, p.counts = append(p.names, n), append(p.counts, c)
	}
	return p, missing, nil
}

// parcelMeans averages each parcel's columns at every frame: stream calls back with each column's
// values over the frames (a CIFTI column, a GIFTI vertex).
func (p *parcelPlan) means(frames int, stream func(fn func(col int, v []float64) error) error, allowNonFinite bool, source string) (signal.Matrix, error) {
	np := len(p.names)
	sum, n := make([]float64, frames*np), make([]float64, frames*np)
	err := stream(func(c int, v []float64) error {
		j := p.parcel[c]
		if j < 0 {
			return nil
		}
		for t, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				if !allowNonFinite {
					return fmt.Errorf("%s: non-finite value at grayordinate %d, frame %d (allow non-finite values to skip them)", source, c, t)
				}
				continue
			}
			sum[t*np+j] += x
			n[t*np+j]++
		}
		return nil
	})
	if err != nil {
		return signal.Matrix{}, err
	}
	m := signal.NewMatrix(frames, np)
	for i := range m.Data {
		m.Data[i] = sum[i] / n[i] // an empty parcel is NaN
	}
	return m, nil
}

// CIFTIParcellate averages a CIFTI dense time series (*.dtseries.nii) within the parcels of a dense
// label file (*.dlabel.nii), as wb_command -cifti-parcellate (method MEAN) and nilearn's surface
// maskers do: grayordinates are matched by structure and vertex or voxel (the two files need not
// list the same brain models), parcels follow the label keys in increasing order, key 0 (the
// unlabelled "???") is left out, and with o.Structures the dtseries' unlabelled voxel structures
// become parcels too.
func CIFTIParcellate(dtseries, dlabel string, o SurfaceOptions) (*LabelResult, error) {
	data, err := cifti.Open(dtseries)
	if err != nil {
		return nil, err
	}
	if data.Axes[1].Type != cifti.BrainModels || data.Axes[0].Type != cifti.Series {
		return nil, fmt.Errorf("%s: not a dense time series (rows %s, columns %s)", dtseries, data.Axes[0].Type, data.Axes[1].Type)
	}
	lab, err := cifti.Open(dlabel)
	if err != nil {
		return nil, err
	}
	if lab.Axes[0].Type != cifti.Labels || lab.Axes[1].Type != cifti.BrainModels {
		return nil, fmt.Errorf("%s: not a dense label file (rows %s, columns %s)", dlabel, lab.Axes[0].Type, lab.Axes[1].Type)
	}
	if o.Map < 0 || o.Map >= lab.Rows() {
		return nil, fmt.Errorf("%s: label map %d of %d", dlabel, o.Map+1, lab.Rows())
	}
	if dv, lv := data.Axes[1].Volume, lab.Axes[1].Volume; dv != nil && lv != nil && dv.Dims != lv.Dims {
		return nil, fmt.Errorf("%s and %s: voxel grids %v and %v differ", dtseries, dlabel, dv.Dims, lv.Dims)
	}
	vals, err := lab.Matrix()
	if err != nil {
		return nil, err
	}
	keyOf := map[grayordinate]int{}
	for i, g := range grayordinates(lab.Axes[1]) {
		keyOf[g] = int(vals[o.Map*lab.Cols()+i])
	}
	names := map[int]string{}
	for _, l := range lab.Axes[0].Maps[o.Map].Labels {
		names[l.Key] = l.Name
	}
	dg := grayordinates(data.Axes[1])
	keys, extra := make([]int, len(dg)), make([]int, len(dg))
	var extraNames []string
	for i, g := range dg {
		keys[i], extra[i] = keyOf[g], -1
	}
	if o.Structures {
		for _, m := range data.Axes[1].Models {
			if m.Type != cifti.VoxelModel {
				continue
			}
			e, used := len(extraNames), false
			for i := m.Offset; i < m.Offset+m.Count; i++ {
				if keys[i] <= 0 { // a structure wholly labelled by the dlabel adds no parcel
					extra[i], used = e, true
				}
			}
			if used {
				extraNames = append(extraNames, strings.TrimPrefix(m.Structure, "CIFTI_STRUCTURE_"))
			}
		}
	}
	p, missing, err := plan(keys, names, extra, extraNames, o, dlabel)
	if err != nil {
		return nil, err
	}
	sig, err := p.means(data.Rows(), data.Columns, o.AllowNonFinite, dtseries)
	if err != nil {
		return nil, err
	}
	res := &LabelResult{Result: Result{Source: dtseries, Names: p.names, Signals: sig, VoxelCounts: p.counts}, Missing: missing}
	if ax := data.Axes[0]; ax.SeriesUnit == "SECOND" {
		res.TR = ax.SeriesStep
	}
	res.AllZero = allZeroColumns(sig, p.names)
	if len(p.names) == 0 {
		return nil, fmt.Errorf("%s: no parcel of %s has a grayordinate in the data", dtseries, dlabel)
	}
	return res, nil
}

// GIFTIParcellate averages GIFTI functional files (*.func.gii: one array of vertex values per
// frame) within the parcels of their label files (*.label.gii), pair by pair (typically the left
// and the right hemisphere), as nilearn's SurfaceLabelsMasker: parcels follow the label keys in
// increasing order within each pair, key 0 is left out, and a name that recurs in another pair is
// prefixed with its hemisphere (L_, R_, from the label file's AnatomicalStructurePrimary).
func GIFTIParcellate(funcs, labels []string, o SurfaceOptions) (*LabelResult, error) {
	if len(funcs) != len(labels) || len(funcs) == 0 {
		return nil, fmt.Errorf("%d functional and %d label GIFTI files: give them in pairs", len(funcs), len(labels))
	}
	res := &LabelResult{Result: Result{Source: strings.Join(funcs, ",")}}
	var parts []signal.Matrix
	var pairNames [][]string
	frames := -1
	for i := range funcs {
		lab, err := gifti.Read(labels[i])
		if err != nil {
			return nil, err
		}
		if len(lab.Arrays) == 0 {
			return nil, fmt.Errorf("%s: no data array", labels[i])
		}
		keys := make([]int, len(lab.Arrays[0].Values))
		for v, x := range lab.Arrays[0].Values {
			keys[v] = int(x)
		}
		names := map[int]string{}
		for _, l := range lab.Labels {
			names[l.Key] = l.Name
		}
		fn, err := gifti.Read(funcs[i])
		if err != nil {
			return nil, err
		}
		if frames >= 0 && len(fn.Arrays) != frames {
			return nil, fmt.Errorf("%s has %d frames, %s %d", funcs[i], len(fn.Arrays), funcs[0], frames)
		}
		frames = len(fn.Arrays)
		for _, a := range fn.Arrays {
			if len(a.Values) != len(keys) {
				return nil, fmt.Errorf("%s: %d vertices, its label file %s has %d", funcs[i], len(a.Values), labels[i], len(keys))
			}
		}
		p, missing, err := plan(keys, names, make([]int, 0), nil, o, labels[i])
		if err != nil {
			return nil, err
		}
		sig, err := p.means(frames, func(f func(int, []float64) error) error {
			v := make([]float64, frames)
			for c := range keys {
				for t, a := range fn.Arrays {
					v[t] = a.Values[c]
				}
				if err := f(c, v); err != nil {
					return err
				}
			}
			return nil
		}, o.AllowNonFinite, funcs[i])
		if err != nil {
			return nil, err
		}
		parts, pairNames = append(parts, sig), append(pairNames, p.names)
		res.VoxelCounts, res.Missing = append(res.VoxelCounts, p.counts...), append(res.Missing, missing...)
		if hemi := lab.Meta["AnatomicalStructurePrimary"]; hemi != "" {
			pairNames[i] = append([]string{hemi}, p.names...) // the hemisphere travels first; removed below
		} else {
			pairNames[i] = append([]string{filepath.Base(labels[i])}, p.names...)
		}
	}
	seen := map[string]int{}
	for _, ns := range pairNames {
		for _, n := range ns[1:] {
			seen[n]++
		}
	}
	for _, ns := range pairNames {
		prefix := ns[0]
		switch {
		case strings.Contains(prefix, "Left"):
			prefix = "L"
		case strings.Contains(prefix, "Right"):
			prefix = "R"
		}
		for _, n := range ns[1:] {
			if seen[n] > 1 {
				n = prefix + "_" + n
			}
			res.Names = append(res.Names, n)
		}
	}
	if slices.Contains(res.Names, "") || len(res.Names) == 0 {
		return nil, fmt.Errorf("%s: no parcel", strings.Join(labels, ","))
	}
	res.Signals = signal.HStack(parts...)
	res.AllZero = allZeroColumns(res.Signals, res.Names)
	return res, nil
}
