package nulls

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// Centroids are the parcels' centroids on the sphere, as ENIGMA's fsaverage5 sphere centroids
// give them: a region name, its hemisphere (lh or rh) and x, y, z per parcel.
type Centroids struct {
	Source  string // the file read, for errors
	Regions []string
	Hemi    []string
	XYZ     [][3]float64
}

// ReadCentroids reads a table of the parcels' sphere coordinates (columns region, hemi (lh/rh),
// x, y, z).
func ReadCentroids(path string) (*Centroids, error) {
	ct, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	c := &Centroids{Source: path}
	reg, err := ct.Column("region")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	hemi, err := ct.Column("hemi")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var xyz [3][]float64
	for k, col := range []string{"x", "y", "z"} {
		if xyz[k], err = ct.Floats(col); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	c.Regions, c.Hemi = reg.Raw, hemi.Raw
	for i := range c.Regions {
		c.XYZ = append(c.XYZ, [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]})
	}
	return c, nil
}

// Geometry is what the null models may know of the cortex: the parcels' sphere centroids and/or
// the sphere meshes with their parcellation (read when a vertex-level model needs them).
type Geometry struct {
	Centroids *Centroids
	Surface   *atlas.SphereParcellationFiles
}

// Space is the cortex a map lives on, as the null models see it: the map's regions (in the
// map's order) and what a model needs of them.
type Space struct {
	Regions []string
	// Sphere: the parcels with centroids, left hemisphere then right (each in the centroid
	// table's order); Order[k] is the index in Regions of the k-th.
	Left, Right [][3]float64
	Order       []int
	// Unmatched lists the centroid table's regions that are not among Regions.
	Unmatched []string
	// Surface is the vertex-level parcellation, parcel k being Regions[k].
	Surface *stats.SphereParcellation
	// Neighbour (mm), set by VolumeSpace, makes Left a volume's brainordinates (Right empty) and
	// the Moran models weigh the neighbourhood graph within that distance.
	Neighbour float64
	// Dense, set by DenseSurfaceSpace, makes Left and Right a dense surface map's vertices at
	// their positions on each hemisphere's sphere: only alexander-bloch, shuffle and parametric
	// take such a space.
	Dense bool
}

// Space matches the geometry to the regions of a map (by name, never by position) for a model:
// centroids for the models that need them (every region must have one; centroid regions the map
// lacks are listed in Unmatched), the surface parcellation for the vertex-level ones.
func (g Geometry) Space(regions []string, m Model) (*Space, error) {
	s := &Space{Regions: regions}
	switch m.Needs() {
	case NeedsCentroids:
		if g.Centroids == nil {
			return nil, fmt.Errorf("the %s null needs the parcels' sphere centroids (region, hemi, x, y, z)", m.Name())
		}
		if err := s.matchCentroids(g.Centroids); err != nil {
			return nil, err
		}
	case NeedsSurface:
		if g.Surface == nil {
			return nil, fmt.Errorf("the %s null needs the sphere meshes and annotations of both hemispheres", m.Name())
		}
		p, err := atlas.ReadSphereParcellation(*g.Surface, regions)
		if err != nil {
			return nil, err
		}
		s.Surface = p
	}
	return s, nil
}

// matchCentroids fills the sphere part of the space: left then right hemisphere in the table's
// order; a region listed twice in the table is an error.
func (s *Space) matchCentroids(c *Centroids) error {
	index := map[string]int{}
	for i, r := range s.Regions {
		index[r] = i
	}
	seen := map[string]bool{}
	for _, h := range []string{"lh", "rh"} {
		for i, r := range c.Regions {
			if c.Hemi[i] != h {
				continue
			}
			if seen[r] {
				return fmt.Errorf("%s: region %q is listed twice", c.Source, r)
			}
			seen[r] = true
			j, ok := index[r]
			if !ok {
				s.Unmatched = append(s.Unmatched, r)
				continue
			}
			if h == "lh" {
				s.Left = append(s.Left, c.XYZ[i])
			} else {
				s.Right = append(s.Right, c.XYZ[i])
			}
			s.Order = append(s.Order, j)
		}
	}
	if len(s.Order) != len(s.Regions) {
		missing := ""
		have := map[int]bool{}
		for _, j := range s.Order {
			have[j] = true
		}
		for j, r := range s.Regions {
			if !have[j] {
				missing = r
				break
			}
		}
		return fmt.Errorf("%s: %d of the %d regions have sphere coordinates (hemi lh/rh; none for %q)", c.Source, len(s.Order), len(s.Regions), missing)
	}
	return nil
}

// sphereOrdered returns the space with its regions in the sphere's order (left then right) and
// a function reordering a map the same way; a space without centroids is returned as it is.
func (s *Space) sphereOrdered() (*Space, func([]float64) []float64) {
	if s.Order == nil {
		return s, func(v []float64) []float64 { return v }
	}
	o := *s
	o.Regions = make([]string, len(s.Order))
	o.Order = make([]int, len(s.Order))
	for k, j := range s.Order {
		o.Regions[k], o.Order[k] = s.Regions[j], k
	}
	return &o, func(v []float64) []float64 {
		out := make([]float64, len(s.Order))
		for k, j := range s.Order {
			out[k] = v[j]
		}
		return out
	}
}

// ReadRegionalMaps reads regional maps from a table: the region names (column regionCol, or the
// first of region, Structure (ENIGMA) and label) and the values of each column.
func ReadRegionalMaps(path, regionCol string, cols ...string) ([]string, [][]float64, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, nil, err
	}
	candidates := []string{"region", "Structure", "label"}
	if regionCol != "" {
		candidates = []string{regionCol}
	}
	for _, c := range candidates {
		rc, err := tb.Column(c)
		if err != nil {
			continue
		}
		values := make([][]float64, len(cols))
		for k, col := range cols {
			if values[k], err = tb.Floats(col); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		return rc.Raw, values, nil
	}
	return nil, nil, fmt.Errorf("%s: no region column (%s)", path, strings.Join(candidates, ", "))
}

// SphereSpace is a space of parcels known only by their sphere centroids, left then right
// hemisphere, the maps' values in that order (regions named by their index), as the calibration
// of bench/spin uses it.
func SphereSpace(left, right [][3]float64) *Space {
	s := &Space{Left: left, Right: right}
	for k := 0; k < len(left)+len(right); k++ {
		s.Regions = append(s.Regions, fmt.Sprint(k))
		s.Order = append(s.Order, k)
	}
	return s
}

// Draw looks up a model by name, matches the geometry to the regions and draws n null maps per
// map from the seed: the one way painmark's workflows get a null. "none" (or "") gives a nil Null.
func Draw(name string, geo Geometry, regions []string, n int, seed uint64) (Null, error) {
	if name == "none" || name == "" {
		return nil, nil
	}
	model, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	space, err := geo.Space(regions, model)
	if err != nil {
		return nil, err
	}
	return drawWithin(model, space, n, seed)
}

// drawWithin is model.Draw after a memory budget check (internal/budget): every model holds its n
// draws over the regions (a reordering or a surrogate map) and a test or an analysis their null
// maps of one or two maps, about 24 bytes per region and draw, so `--permutations 2e9` is refused
// at once instead of growing until the system kills the process. A test whose null is dropped
// (TestOptions.DropNull) does not draw it whole: CheckStreamBudget charges what it holds instead.
func drawWithin(model Model, space *Space, n int, seed uint64) (Null, error) {
	if model.Name() != "parametric" {
		if err := budget.Check("null draws", int64(n), int64(24*len(space.Regions)+64)); err != nil {
			return nil, err
		}
	}
	return model.Draw(space, n, seed)
}
