package genes

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"gonum.org/v1/gonum/stat/distuv"
)

// Expression is a region x gene expression table, as abagen or the ENIGMA toolbox write the Allen
// Human Brain Atlas for a parcellation: one row per region (its name in the first column), one
// column per gene; regions without samples are empty (NaN) rows.
type Expression struct {
	Regions, Genes []string
	Values         []float64 // regions x genes, row-major
}

// ReadExpression reads an expression table (CSV or TSV).
func ReadExpression(path string) (*Expression, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	if len(tb.Columns) < 2 {
		return nil, fmt.Errorf("%s: need a region column and at least one gene column", path)
	}
	e := &Expression{Regions: tb.Columns[0].Raw}
	cols := make([]int, 0, len(tb.Columns)-1)
	for j, c := range tb.Columns[1:] {
		e.Genes = append(e.Genes, c.Name)
		cols = append(cols, j+1)
	}
	if e.Values, err = tb.Matrix(cols, true); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// AssociationOptions choose the PLS analysis of a map against gene expression.
type AssociationOptions struct {
	Components int // PLS components (default 3)
	Bootstraps int // bootstrap refits for the gene Z-scores (default 1000)
	Seed       uint64
	// Null gives the null maps of the z-scored map (over Result.Regions, in their order) for the
	// variance-explained test: shuffles, spins or surrogates of a spatial null (package nulls).
	// Nil: no test.
	Null nulls.Null
	// ZThreshold defines the PLS+ and PLS− gene sets (|Z| above it; default 3).
	ZThreshold float64
}

// Association is the PLS regression of a regional map on gene expression (Morgan et al. 2019,
// Martins et al. 2022): both z-scored across the analysed regions, SIMPLS components, the
// variance of the map each explains with its permutation p, and bootstrap Z-scores of the genes'
// PLS1 weights, ranked.
type Association struct {
	Regions []string  // analysed regions (in the expression table's order)
	Map     []float64 // the map over them, z-scored
	Dropped []string  // regions left out: no expression, or no map value
	Genes   []string  // analysed genes (zero-variance genes are left out)
	PLS     *SIMPLS
	// PVar is the permutation p of the cumulative variance explained by 1..k components
	// (Morgan's #≥/n; nil without nulls).
	PVar []float64
	Z    [][]float64 // per component, per gene: bootstrap Z of the weight
	// P and Q are PLS1's two-sided normal p of Z and their Benjamini-Hochberg q.
	P, Q []float64
	// Ranked lists the genes by PLS1 Z, most positive first; Positive and Negative are PLS+ and
	// PLS− (Z beyond ±threshold) in that order.
	Ranked, Positive, Negative []string
}

// Matched is a regional map and an expression table over the regions they share, matched by
// name, never by position: the expression table's regions (in its order) that the map covers and
// that have both expression and a map value.
type Matched struct {
	Regions []string
	Map     []float64 // the map's values over Regions
	Dropped []string  // regions of both left out: no expression, or no map value
	e       *Expression
	rows    []int // Regions' rows in the expression table
}

// Match matches the map (values by region name) to the expression table. Regions of the table
// the map does not cover (e.g. the other hemisphere) are not analysed, and not reported.
func Match(e *Expression, mapRegions []string, mapValues []float64) (*Matched, error) {
	if len(mapRegions) != len(mapValues) {
		return nil, fmt.Errorf("map: %d regions and %d values", len(mapRegions), len(mapValues))
	}
	value := map[string]float64{}
	for i, r := range mapRegions {
		if _, dup := value[r]; dup {
			return nil, fmt.Errorf("map: region %q appears twice", r)
		}
		value[r] = mapValues[i]
	}
	m := &Matched{e: e}
	p := len(e.Genes)
	for i, r := range e.Regions {
		v, ok := value[r]
		if !ok {
			continue
		}
		empty := true
		for j := 0; j < p; j++ {
			if !math.IsNaN(e.Values[i*p+j]) {
				empty = false
				break
			}
		}
		if empty || math.IsNaN(v) {
			m.Dropped = append(m.Dropped, r)
			continue
		}
		m.rows = append(m.rows, i)
		m.Regions = append(m.Regions, r)
		m.Map = append(m.Map, v)
	}
	return m, nil
}

// Associate runs the analysis of the matched map against the expression table.
func Associate(m *Matched, o AssociationOptions) (*Association, error) {
	if o.Components <= 0 {
		o.Components = 3
	}
	if o.Bootstraps == 0 {
		o.Bootstraps = 1000
	}
	if o.ZThreshold == 0 {
		o.ZThreshold = 3
	}
	e, rows := m.e, m.rows
	p := len(e.Genes)
	a := &Association{Regions: m.Regions, Dropped: m.Dropped}
	n := len(rows)
	if n < o.Components+2 {
		return nil, fmt.Errorf("only %d regions are both in the map and in the expression table with data (dropped: %v)", n, a.Dropped)
	}
	a.Map = zscore(m.Map)
	if a.Map == nil {
		return nil, fmt.Errorf("the map is constant over the %d analysed regions", n)
	}
	// Genes: z-scored across the analysed regions; a gene with a missing value there or no
	// variance is left out.
	var cols [][]float64
	for j, g := range e.Genes {
		col := make([]float64, n)
		ok := true
		for k, i := range rows {
			col[k] = e.Values[i*p+j]
			ok = ok && !math.IsNaN(col[k])
		}
		if !ok {
			continue
		}
		if z := zscore(col); z != nil {
			a.Genes = append(a.Genes, g)
			cols = append(cols, z)
		}
	}
	q := len(cols)
	if q == 0 {
		return nil, fmt.Errorf("no gene has complete, non-constant expression over the analysed regions")
	}
	x := make([]float64, n*q)
	for j, c := range cols {
		for i, v := range c {
			x[i*q+j] = v
		}
	}
	var err error
	if a.PLS, err = FitSIMPLS(x, n, q, a.Map, o.Components); err != nil {
		return nil, err
	}
	if o.Null != nil {
		nullMaps, err := o.Null.Maps(a.Map, 0)
		if err != nil {
			return nil, err
		}
		if _, a.PVar, err = VarianceNull(x, n, q, a.Map, o.Components, nullMaps); err != nil {
			return nil, err
		}
	}
	boot, err := BootstrapWeights(x, n, q, a.Map, o.Components, o.Bootstraps, o.Seed)
	if err != nil {
		return nil, err
	}
	a.Z = boot.Z
	a.P = make([]float64, q)
	norm := distuv.UnitNormal
	for j, z := range a.Z[0] {
		a.P[j] = 2 * norm.Survival(math.Abs(z))
	}
	if a.Q, err = stats.FDR(a.P); err != nil {
		return nil, err
	}
	order := make([]int, q)
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(i, j int) bool { return a.Z[0][order[i]] > a.Z[0][order[j]] })
	for _, j := range order {
		a.Ranked = append(a.Ranked, a.Genes[j])
		if a.Z[0][j] > o.ZThreshold {
			a.Positive = append(a.Positive, a.Genes[j])
		}
	}
	for k := len(order) - 1; k >= 0; k-- {
		if j := order[k]; a.Z[0][j] < -o.ZThreshold {
			a.Negative = append(a.Negative, a.Genes[j])
		}
	}
	return a, nil
}

// zscore is (v − mean)/SD (ddof 1, MATLAB's zscore as Morgan et al. use it); nil when constant.
func zscore(v []float64) []float64 {
	m, sd := stats.MeanSD(v)
	if !(sd > 0) {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = (x - m) / sd
	}
	return out
}
