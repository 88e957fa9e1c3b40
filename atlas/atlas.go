// Package atlas holds brain, brainstem and spinal regions: region tables (index, name, hemisphere,
// system, network, centroid), label images, nearest-neighbour resampling of a label image onto a
// data grid, and built-in atlases (MIST-122 as used by the RPN signature, Desikan-Killiany 68).
package atlas

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/painmark/painmark/table"
)

// System is the part of the central nervous system a region belongs to. Ablation models of the
// corticospinal signature select features by system (brain only, spinal only, cross-system).
type System string

// The systems.
const (
	Brain     System = "brain"
	Brainstem System = "brainstem"
	Spinal    System = "spinal"
)

// Region is one region of an atlas.
type Region struct {
	// Index is the region's value in the label image (or its position when there is none).
	Index int
	// Name is the short label used in column headers and feature names (e.g. "CER6_p").
	Name     string
	FullName string
	// Hemisphere is "left", "right" or "bilateral" (or "" if unknown).
	Hemisphere string
	System     System
	// Network is the large-scale network or module (e.g. a Yeo-7 network, a MIST module).
	Network string
	// Segment is the spinal segment (e.g. "C5") for spinal regions.
	Segment string
	// Centroid is in world millimetres (NaN when unknown).
	Centroid [3]float64
	// SphereCentroid is on the FreeSurfer sphere (for spin tests; NaN when unknown).
	SphereCentroid [3]float64
	// CytoClass is the von Economo-Koskinas cytoarchitectonic class (1-7; 0 when unknown).
	CytoClass int
}

// Table is an ordered list of regions. The order is meaningful: it is the column order of ROI
// time series and the row/column order of connectivity matrices.
type Table struct {
	Name    string
	Regions []Region
}

// Len is the number of regions.
func (t *Table) Len() int { return len(t.Regions) }

// Names returns the region names in order.
func (t *Table) Names() []string {
	out := make([]string, len(t.Regions))
	for i, r := range t.Regions {
		out[i] = r.Name
	}
	return out
}

// ByIndex returns the position of the region with label value idx.
func (t *Table) ByIndex(idx int) (int, bool) {
	for i, r := range t.Regions {
		if r.Index == idx {
			return i, true
		}
	}
	return 0, false
}

// BySystem returns the positions of the regions of a system.
func (t *Table) BySystem(s System) []int {
	var out []int
	for i, r := range t.Regions {
		if r.System == s {
			out = append(out, i)
		}
	}
	return out
}

// Validate checks that indices are unique and positive and systems are known.
func (t *Table) Validate() error {
	seen := map[int]string{}
	for _, r := range t.Regions {
		if r.Index <= 0 {
			return fmt.Errorf("atlas %s: region %q has index %d; label values must be positive (0 is background)", t.Name, r.Name, r.Index)
		}
		if prev, ok := seen[r.Index]; ok {
			return fmt.Errorf("atlas %s: regions %q and %q share index %d", t.Name, prev, r.Name, r.Index)
		}
		seen[r.Index] = r.Name
		switch r.System {
		case Brain, Brainstem, Spinal:
		default:
			return fmt.Errorf("atlas %s: region %q has system %q (brain, brainstem or spinal)", t.Name, r.Name, r.System)
		}
	}
	return nil
}

// column aliases accepted in label files, first match wins.
var aliases = map[string][]string{
	"index": {"index", "roi", "label_value", "value", "id", "idx"},
	// A short label column wins over "name" when both exist (MIST: label "SPlob", name
	// "SUPERIOR_PARIETAL_LOBULE"); "name" then becomes the full name.
	"name":       {"label", "labels", "abbreviation", "name", "region", "roi_name", "label_name"},
	"full_name":  {"full_name", "fullname", "name", "description", "long_name"},
	"hemisphere": {"hemisphere", "hemi", "side"},
	"system":     {"system"},
	"network":    {"network", "module", "modules", "yeo7", "yeo7_mode"},
	"segment":    {"segment", "spinal_segment", "level"},
	"x":          {"x", "centroid_x", "mni_x"},
	"y":          {"y", "centroid_y", "mni_y"},
	"z":          {"z", "centroid_z", "mni_z"},
	"sphere_x":   {"sphere_x"},
	"sphere_y":   {"sphere_y"},
	"sphere_z":   {"sphere_z"},
	"cyto_class": {"cyto_class", "economo_koskinas_class", "vek_class"},
}

func findColumn(tb *table.Table, key string, used map[int]bool) int {
	for _, alias := range aliases[key] {
		for i, c := range tb.Columns {
			if !used[i] && strings.EqualFold(strings.TrimSpace(c.Name), alias) {
				used[i] = true
				return i
			}
		}
	}
	return -1
}

// ReadTable reads a region table from a TSV/CSV label file. It needs a name column; the index
// column may be absent (regions are then numbered 1, 2, ... in file order). Recognised columns:
// index/roi/id, name/label, full_name, hemisphere/hemi, system (default brain), network/module,
// segment, x/y/z (centroid in mm), sphere_x/y/z, cyto_class.
func ReadTable(path string) (*Table, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	return FromTable(tb, path)
}

// FromTable builds a region table from a parsed table.
func FromTable(tb *table.Table, name string) (*Table, error) {
	used := map[int]bool{}
	col := map[string]int{}
	for _, key := range []string{"index", "name", "full_name", "hemisphere", "system", "network", "segment", "x", "y", "z", "sphere_x", "sphere_y", "sphere_z", "cyto_class"} {
		col[key] = findColumn(tb, key, used)
	}
	if col["name"] < 0 {
		return nil, fmt.Errorf("%s: a region table needs a name column (one of %v); columns are %v", name, aliases["name"], tb.Names())
	}
	cell := func(key string, row int) (string, bool) {
		i := col[key]
		if i < 0 || tb.Columns[i].Missing[row] {
			return "", false
		}
		return strings.TrimSpace(tb.Columns[i].Raw[row]), true
	}
	num := func(key string, row int) (float64, error) {
		s, ok := cell(key, row)
		if !ok {
			return math.NaN(), nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: row %d: %s %q is not a number", name, row+1, tb.Columns[col[key]].Name, s)
		}
		return v, nil
	}
	t := &Table{Name: name}
	for row := 0; row < tb.NumRows(); row++ {
		r := Region{Index: row + 1, System: Brain}
		r.Name, _ = cell("name", row)
		if r.Name == "" {
			return nil, fmt.Errorf("%s: row %d has no region name", name, row+1)
		}
		if s, ok := cell("index", row); ok {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v != math.Trunc(v) {
				return nil, fmt.Errorf("%s: row %d: index %q is not an integer", name, row+1, s)
			}
			r.Index = int(v)
		}
		r.FullName, _ = cell("full_name", row)
		if h, ok := cell("hemisphere", row); ok {
			r.Hemisphere = normaliseHemisphere(h)
		}
		if s, ok := cell("system", row); ok {
			r.System = System(strings.ToLower(s))
		}
		r.Network, _ = cell("network", row)
		r.Segment, _ = cell("segment", row)
		var err error
		for i, k := range []string{"x", "y", "z"} {
			if r.Centroid[i], err = num(k, row); err != nil {
				return nil, err
			}
		}
		for i, k := range []string{"sphere_x", "sphere_y", "sphere_z"} {
			if r.SphereCentroid[i], err = num(k, row); err != nil {
				return nil, err
			}
		}
		if c, err := num("cyto_class", row); err != nil {
			return nil, err
		} else if !math.IsNaN(c) {
			r.CytoClass = int(c)
		}
		t.Regions = append(t.Regions, r)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

func normaliseHemisphere(h string) string {
	switch strings.ToLower(h) {
	case "l", "lh", "left":
		return "left"
	case "r", "rh", "right":
		return "right"
	case "b", "both", "bilateral", "midline", "":
		return "bilateral"
	}
	return strings.ToLower(h)
}

// WriteTable writes a region table in painmark's TSV layout (readable by ReadTable).
func WriteTable(path string, t *Table) error {
	n := len(t.Regions)
	str := func(f func(Region) string) []string {
		out := make([]string, n)
		for i, r := range t.Regions {
			out[i] = f(r)
		}
		return out
	}
	num := func(f func(Region) float64) []float64 {
		out := make([]float64, n)
		for i, r := range t.Regions {
			out[i] = f(r)
		}
		return out
	}
	tb := &table.Table{Columns: []*table.Column{
		table.NumericColumn("index", num(func(r Region) float64 { return float64(r.Index) })),
		table.TextColumn("name", str(func(r Region) string { return r.Name })),
		table.TextColumn("full_name", str(func(r Region) string { return r.FullName })),
		table.TextColumn("hemisphere", str(func(r Region) string { return r.Hemisphere })),
		table.TextColumn("system", str(func(r Region) string { return string(r.System) })),
		table.TextColumn("network", str(func(r Region) string { return r.Network })),
		table.TextColumn("segment", str(func(r Region) string { return r.Segment })),
		table.NumericColumn("x", num(func(r Region) float64 { return r.Centroid[0] })),
		table.NumericColumn("y", num(func(r Region) float64 { return r.Centroid[1] })),
		table.NumericColumn("z", num(func(r Region) float64 { return r.Centroid[2] })),
	}}
	return table.Write(path, tb)
}
