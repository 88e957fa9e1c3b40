package target

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/kdtree"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/table"
)

// Point is a named position in mm (an electrode contact, a lesion's centroid).
type Point struct {
	Name string
	MM   [3]float64
}

// LabelAtlas is a label image with its region names (Table may be nil: labels are then named by
// their number), e.g. MIST, Desikan-Killiany or a thalamic atlas.
type LabelAtlas struct {
	Name  string
	Image *atlas.LabelImage
	Table *atlas.Table
}

// ReadLabelAtlas reads a label image and, when tablePath is given, its region table (index and
// name columns, as atlas.ReadTable).
func ReadLabelAtlas(imagePath, tablePath string) (*LabelAtlas, error) {
	img, err := atlas.LoadLabelImage(imagePath)
	if err != nil {
		return nil, err
	}
	a := &LabelAtlas{Name: mapName(imagePath), Image: img}
	if tablePath != "" {
		if a.Table, err = atlas.ReadTable(tablePath); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// ValueMap is a NIfTI map whose value Locate reads at each point (every volume of a 4D image).
type ValueMap struct {
	Name  string
	Image *nifti.Image
}

// ReadValueMap reads a NIfTI map.
func ReadValueMap(path string) (*ValueMap, error) {
	im, err := nifti.Load(path, nil)
	if err != nil {
		return nil, err
	}
	return &ValueMap{Name: mapName(path), Image: im}, nil
}

// mapName is a file's name without its directory and NIfTI/CIFTI extension.
func mapName(path string) string {
	b := filepath.Base(path)
	for _, ext := range []string{".nii.gz", ".nii", ".dscalar", ".dlabel"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

// ReadPoints reads the points to locate: "x,y,z" (mm), a table (CSV/TSV) with columns x, y, z
// and optionally name (electrode contacts), or a NIfTI mask (a lesion: its centroid, the mean mm
// position of the voxels ≥ 0.5).
func ReadPoints(arg string) ([]Point, error) {
	if f := strings.Split(arg, ","); len(f) == 3 {
		var p Point
		ok := true
		for a, s := range f {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			ok = ok && err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
			p.MM[a] = v
		}
		if ok {
			p.Name = arg
			return []Point{p}, nil
		}
	}
	if strings.HasSuffix(arg, ".nii") || strings.HasSuffix(arg, ".nii.gz") {
		m, err := atlas.LoadMask(arg, 0.5)
		if err != nil {
			return nil, err
		}
		p := Point{Name: mapName(arg) + " centroid"}
		n := 0.0
		for i, l := range m.Labels {
			if l > 0 {
				v := [3]int{i % m.Shape[0], (i / m.Shape[0]) % m.Shape[1], i / (m.Shape[0] * m.Shape[1])}
				x, y, z := m.Affine.Apply(float64(v[0]), float64(v[1]), float64(v[2]))
				p.MM[0], p.MM[1], p.MM[2] = p.MM[0]+x, p.MM[1]+y, p.MM[2]+z
				n++
			}
		}
		for a := range p.MM {
			p.MM[a] /= n
		}
		return []Point{p}, nil
	}
	tb, err := table.Read(arg, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: neither x,y,z nor a readable table or NIfTI mask: %w", arg, err)
	}
	var xyz [3][]float64
	for a, c := range []string{"x", "y", "z"} {
		if xyz[a], err = tb.Floats(c); err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
	}
	names, errName := tb.Column("name")
	pts := make([]Point, tb.NumRows())
	for i := range pts {
		pts[i].MM = [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}
		for a := range pts[i].MM {
			if math.IsNaN(pts[i].MM[a]) || math.IsInf(pts[i].MM[a], 0) {
				return nil, fmt.Errorf("%s: row %d has no finite x, y, z", arg, i+1)
			}
		}
		pts[i].Name = strconv.Itoa(i + 1)
		if errName == nil {
			pts[i].Name = names.Raw[i]
		}
	}
	return pts, nil
}

// LocateOptions are what Locate looks up: label atlases, value maps and network maps (most
// probable network at the point, its probability, and the distance to each network's nearest
// brainordinate; nil for none).
type LocateOptions struct {
	Atlases  []*LabelAtlas
	Maps     []*ValueMap
	Networks *ProbabilityMaps
}

// Location is what lies at one point: per atlas its label (0 outside the atlas or its grid) and
// region name; per map column its value (NaN off the grid); the most probable network at the point
// ("" for none), its probability, and the distance (mm) to the nearest brainordinate of each
// network (assigned by the most probable network; NaN for a network without brainordinates).
type Location struct {
	Point
	Labels             []int
	Regions            []string
	Values             []float64
	Network            string
	NetworkProbability float64
	Distances          []float64
}

// LocateResult is Locate's table: one Location per point.
type LocateResult struct {
	Options   LocateOptions
	MapNames  []string // value columns: a map's name, with [k] for volume k of a 4D map
	Locations []Location
}

// voxelAt is the voxel (flat index, x fastest) whose centre is nearest to mm on a grid (the
// rounded inverse-affine position, as a numpy lookup of nibabel's affine), −1 off the grid.
func voxelAt(inv space.Affine, shape [3]int, mm [3]float64) int {
	x, y, z := inv.Apply(mm[0], mm[1], mm[2])
	i, j, k := int(math.Round(x)), int(math.Round(y)), int(math.Round(z))
	if math.IsNaN(x+y+z) || i < 0 || j < 0 || k < 0 || i >= shape[0] || j >= shape[1] || k >= shape[2] {
		return -1
	}
	return i + shape[0]*(j+shape[1]*k)
}

// Locate labels points: the nearest voxel's label in each atlas and value in each map, and, with
// network maps, the network at the point and the distance to each network.
func Locate(points []Point, o LocateOptions) (*LocateResult, error) {
	res := &LocateResult{Options: o}
	for _, m := range o.Maps {
		for v := 0; v < m.Image.Header.NumVolumes(); v++ {
			name := m.Name
			if m.Image.Header.NumVolumes() > 1 {
				name = fmt.Sprintf("%s[%d]", m.Name, v+1)
			}
			res.MapNames = append(res.MapNames, name)
		}
	}
	var trees []*kdtree.Tree
	var grid map[int]int
	var assign []int
	var ginv space.Affine
	if pm := o.Networks; pm != nil {
		assign = pm.Assign()
		pts := make([][][3]float64, len(pm.Names))
		for i, a := range assign {
			if a >= 0 && !math.IsNaN(pm.Grid.Coords[i][0]) {
				pts[a] = append(pts[a], pm.Grid.Coords[i])
			}
		}
		for _, p := range pts {
			var t *kdtree.Tree
			if len(p) > 0 {
				t = kdtree.New(p)
			}
			trees = append(trees, t)
		}
		grid = map[int]int{}
		for i, v := range pm.Grid.Voxels {
			grid[v[0]+pm.Grid.Shape[0]*(v[1]+pm.Grid.Shape[1]*v[2])] = i
		}
		if pm.Grid.Models != nil {
			for _, m := range pm.Grid.Models.Models {
				for k, v := range m.Voxels {
					grid[v[0]+pm.Grid.Shape[0]*(v[1]+pm.Grid.Shape[1]*v[2])] = m.Offset + k
				}
			}
		}
		var err error
		if ginv, err = pm.Grid.Affine.Inverse(); err != nil && len(grid) > 0 {
			return nil, fmt.Errorf("%s: %w", pm.Grid.Source, err)
		}
	}
	for _, p := range points {
		loc := Location{Point: p, NetworkProbability: math.NaN()}
		for _, a := range o.Atlases {
			inv, err := a.Image.Affine.Inverse()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.Image.Path, err)
			}
			l, name := 0, ""
			if v := voxelAt(inv, a.Image.Shape, p.MM); v >= 0 {
				l = int(a.Image.Labels[v])
			}
			if l != 0 {
				name = strconv.Itoa(l)
				if a.Table != nil {
					if k, ok := a.Table.ByIndex(l); ok {
						name = a.Table.Regions[k].Name
					}
				}
			}
			loc.Labels, loc.Regions = append(loc.Labels, l), append(loc.Regions, name)
		}
		for _, m := range o.Maps {
			aff, _, err := m.Image.Header.Affine()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.Name, err)
			}
			inv, err := aff.Inverse()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.Name, err)
			}
			shape := m.Image.Header.VolumeShape()
			n := shape[0] * shape[1] * shape[2]
			v := voxelAt(inv, shape, p.MM)
			for vol := 0; vol < m.Image.Header.NumVolumes(); vol++ {
				x := math.NaN()
				if v >= 0 {
					x = m.Image.Data[vol*n+v]
				}
				loc.Values = append(loc.Values, x)
			}
		}
		if pm := o.Networks; pm != nil {
			i, ok := -1, false
			if len(grid) > 0 {
				i, ok = grid[voxelAt(ginv, pm.Grid.Shape, p.MM)]
			}
			if !ok { // surface vertices: the nearest within 2 mm
				best := 2.0
				for j, c := range pm.Grid.Coords {
					if d := Distance(c, p.MM); d <= best && (pm.Grid.Voxels == nil) {
						best, i, ok = d, j, true
					}
				}
			}
			if ok && assign[i] >= 0 {
				loc.Network, loc.NetworkProbability = pm.Names[assign[i]], pm.Maps[assign[i]][i]
			}
			for _, t := range trees {
				d := math.NaN()
				if t != nil {
					_, d2 := t.Nearest(p.MM)
					d = math.Sqrt(d2)
				}
				loc.Distances = append(loc.Distances, d)
			}
		}
		res.Locations = append(res.Locations, loc)
	}
	return res, nil
}

// Table is the result as a table: name, x, y, z, per atlas its label and region, per map column
// its value, the network, its probability and the distance to each network.
func (r *LocateResult) Table() *table.Table {
	n := len(r.Locations)
	text := func(name string, f func(l Location) string) *table.Column {
		v := make([]string, n)
		for i, l := range r.Locations {
			v[i] = f(l)
		}
		return table.TextColumn(name, v)
	}
	num := func(name string, f func(l Location) float64) *table.Column {
		v := make([]float64, n)
		for i, l := range r.Locations {
			v[i] = f(l)
		}
		return table.NumericColumn(name, v)
	}
	cols := []*table.Column{text("name", func(l Location) string { return l.Name })}
	for a, c := range []string{"x", "y", "z"} {
		cols = append(cols, num(c, func(l Location) float64 { return l.MM[a] }))
	}
	for k, a := range r.Options.Atlases {
		cols = append(cols, num(a.Name+"_label", func(l Location) float64 { return float64(l.Labels[k]) }),
			text(a.Name+"_region", func(l Location) string { return l.Regions[k] }))
	}
	for k, m := range r.MapNames {
		cols = append(cols, num(m, func(l Location) float64 { return l.Values[k] }))
	}
	if pm := r.Options.Networks; pm != nil {
		cols = append(cols, text("network", func(l Location) string { return l.Network }),
			num("network_probability", func(l Location) float64 { return l.NetworkProbability }))
		for k, name := range pm.Names {
			cols = append(cols, num("distance_"+name+"_mm", func(l Location) float64 { return l.Distances[k] }))
		}
	}
	return &table.Table{Columns: cols}
}

// WriteFiles writes the table (TSV or CSV by the name).
func (r *LocateResult) WriteFiles(path string) error { return table.Write(path, r.Table()) }

// AddReport adds the table and, with an atlas, slice views of the points on its brain outline.
func (r *LocateResult) AddReport(doc *report.Document) {
	tb := r.Table()
	var header []string
	rows := make([][]string, len(r.Locations))
	for _, c := range tb.Columns {
		header = append(header, c.Name)
		for i := range rows {
			cell := c.Raw[i]
			if c.Kind == table.Float && c.Values[i] != math.Trunc(c.Values[i]) {
				cell = strconv.FormatFloat(c.Values[i], 'f', 1, 64)
				if strings.HasSuffix(c.Name, "_probability") {
					cell = strconv.FormatFloat(c.Values[i], 'f', 2, 64)
				}
			}
			if c.Missing[i] {
				cell = "-"
			}
			rows[i] = append(rows[i], cell)
		}
	}
	sec := doc.Section("Locations")
	sec.Table("Each point's label in every atlas (the voxel whose centre is nearest), value in every map, most probable network and distance (mm) to each network's nearest brainordinate.", header, rows)
	if len(r.Options.Atlases) == 0 {
		return
	}
	a := r.Options.Atlases[0].Image
	var marks []report.Marker
	for i, l := range r.Locations {
		if i < 9 {
			marks = append(marks, report.Marker{Label: strconv.Itoa(i + 1), MM: l.MM})
		}
	}
	// The points on the ICBM152 template (the atlases' mm taken as MNI), the first atlas's regions
	// under them shaded, as three slices through the first point and as a glass brain.
	under := map[int]bool{}
	for _, l := range r.Locations {
		if l.Labels[0] > 0 {
			under[l.Labels[0]] = true
		}
	}
	extent := make([]float64, len(a.Labels))
	for i, l := range a.Labels {
		if under[int(l)] {
			extent[i] = 0.6
		}
	}
	vol := report.Volume{Shape: a.Shape, Affine: a.Affine, Values: extent}
	cut := r.Locations[0].MM
	o := report.MapOptions{VMax: 1, Markers: marks, Cut: &cut, Rule: r.Options.Atlases[0].Name + "'s regions under the points shaded"}
	if fig, err := report.StatMap("Points on the MNI template", "", vol, o); err == nil {
		sec.Figure(fig, "The points (numbered in table order, the first nine) on the ICBM152 T1 template, slices through the first point; the regions of "+r.Options.Atlases[0].Name+" under the points shaded (the atlases' mm read as MNI).")
	}
	if fig, err := report.GlassBrain("Points in the glass brain", "", report.Volume{Shape: a.Shape, Affine: a.Affine, Values: make([]float64, len(extent))}, report.MapOptions{VMax: 1, Markers: marks}); err == nil {
		sec.Figure(fig, "The same points projected onto the ICBM152 brain's outline.")
	}
}

// LocateFiles name Locate's inputs: label images (Atlases) with their region tables
// (AtlasTables, by position; fewer tables than atlases leave the rest unnamed), NIfTI maps, and
// network probability maps (Networks, as ReadProbabilityMaps with Names and Surfaces).
type LocateFiles struct {
	Atlases, AtlasTables, Maps []string
	Networks                   string
	Names, Surfaces            []string
}

// Read loads the files into LocateOptions.
func (f LocateFiles) Read() (LocateOptions, error) {
	var o LocateOptions
	if len(f.AtlasTables) > len(f.Atlases) {
		return o, fmt.Errorf("%d atlas tables for %d atlases", len(f.AtlasTables), len(f.Atlases))
	}
	for k, p := range f.Atlases {
		tb := ""
		if k < len(f.AtlasTables) {
			tb = f.AtlasTables[k]
		}
		a, err := ReadLabelAtlas(p, tb)
		if err != nil {
			return o, err
		}
		o.Atlases = append(o.Atlases, a)
	}
	for _, p := range f.Maps {
		m, err := ReadValueMap(p)
		if err != nil {
			return o, err
		}
		o.Maps = append(o.Maps, m)
	}
	if f.Networks != "" {
		var err error
		if o.Networks, err = ReadProbabilityMaps(f.Networks, f.Names, f.Surfaces); err != nil {
			return o, err
		}
	}
	return o, nil
}
