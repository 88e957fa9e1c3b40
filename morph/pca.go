package morph

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// ConditionMaps are several conditions' regional maps over the same regions (matched by name).
type ConditionMaps struct {
	Names   []string    // a map's column, or FILE:COLUMN when several files share the column
	Regions []string    // the first file's regions, in its order
	Maps    [][]float64 // condition x region
	Inputs  []string    // the files read
	// Refs are the maps as given (FILE:COLUMN), for labels in reports.
	Refs []table.ColumnRef
}

// ReadConditionMaps reads maps given as FILE:COLUMN, or as FILE with the columns named in
// columns; regionCol is the region column (default: region, ENIGMA's Structure or label). Every
// file must cover the first file's regions, matched by name.
func ReadConditionMaps(specs, columns []string, regionCol string) (*ConditionMaps, error) {
	c := &ConditionMaps{}
	for _, spec := range specs {
		var refs []table.ColumnRef
		if strings.Contains(spec, ":") {
			ref, err := table.ParseColumnRef(spec, "MAP")
			if err != nil {
				return nil, err
			}
			refs = append(refs, ref)
		} else {
			if len(columns) == 0 {
				return nil, fmt.Errorf("%s: give FILE:COLUMN or --columns", spec)
			}
			for _, col := range columns {
				refs = append(refs, table.ColumnRef{Path: spec, Column: col})
			}
		}
		c.Inputs = append(c.Inputs, refs[0].Path)
		for _, ref := range refs {
			if err := c.add(ref, regionCol, specs[0]); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

func (c *ConditionMaps) add(ref table.ColumnRef, regionCol, first string) error {
	reg, vs, err := nulls.ReadRegionalMaps(ref.Path, regionCol, ref.Column)
	if err != nil {
		return err
	}
	v := vs[0]
	c.Refs = append(c.Refs, ref)
	if c.Regions == nil {
		c.Regions = reg
		c.Maps, c.Names = append(c.Maps, v), append(c.Names, ref.Column)
		return nil
	}
	row := map[string]int{}
	for i, r := range reg {
		row[r] = i
	}
	if len(row) != len(c.Regions) {
		return fmt.Errorf("%s has %d regions, %s %d: the maps must cover the same regions", ref.Path, len(row), first, len(c.Regions))
	}
	m := make([]float64, len(c.Regions))
	for k, r := range c.Regions {
		i, ok := row[r]
		if !ok {
			return fmt.Errorf("%s: no region %q (regions are matched by name)", ref.Path, r)
		}
		m[k] = v[i]
	}
	name := ref.Column
	for _, n := range c.Names {
		if n == ref.Column { // the same column of several files: name them by file
			name = ref.String()
		}
	}
	c.Maps, c.Names = append(c.Maps, m), append(c.Names, name)
	return nil
}

// PCAOptions choose painmark morph pca's analysis.
type PCAOptions struct {
	// Standardize z-scores each map across regions before the PCA (a PCA of the maps' correlation
	// matrix), as Martins et al. (2022) did: their PC1 eigenvalue of 1.93, 64.45% of 3 maps,
	// is an eigenvalue of the correlation matrix, and they kept the components with eigenvalue > 1
	// (Kaiser's rule). Loadings, variance ratios and scores then equal scikit-learn's PCA on
	// StandardScaler'd maps (population SD); the eigenvalues are the correlation matrix's, which
	// sum to the number of maps: scikit-learn's explained_variance_ times (n − 1)/n for n regions.
	// False (the default): centred, not scaled, as MATLAB's pca and scikit-learn's PCA of the raw
	// maps, eigenvalues the components' variances.
	Standardize bool
}

// DefaultPCAOptions are painmark morph pca's defaults (centred, not scaled).
func DefaultPCAOptions() PCAOptions { return PCAOptions{} }

// PCAResult is painmark morph pca's result (Martins et al. 2022's cross-condition pattern).
type PCAResult struct {
	Conditions       []string    `json:"conditions"`
	Eigenvalues      []float64   `json:"eigenvalues"`
	ExplainedPercent []float64   `json:"explained_percent"`
	Loadings         [][]float64 `json:"loadings"`
	// Labels name the conditions in the report's table and figure: each file's name without
	// directory and extension, with the column when one file gives several (not written).
	Labels          []string    `json:"-"`
	Regions         []string    `json:"regions"`
	Scores          [][]float64 `json:"scores"`
	SoftwareVersion string      `json:"software_version,omitempty"`
	// Standardized marks a PCA of z-scored maps; Retained is then the number of components with
	// eigenvalue > 1 (Kaiser's rule, as Martins et al. 2022).
	Standardized bool `json:"standardized,omitempty"`
	Retained     *int `json:"retained_eigenvalue_above_1,omitempty"`
}

// PCA summarises the conditions' maps by PCA, regions as observations (PCAOfMaps; with
// o.Standardize, of the z-scored maps).
func PCA(c *ConditionMaps, o PCAOptions) (*PCAResult, error) {
	if len(c.Maps) < 2 {
		return nil, fmt.Errorf("PCA needs at least 2 maps, got %d", len(c.Maps))
	}
	maps := c.Maps
	if o.Standardize {
		var err error
		if maps, err = standardizeMaps(c.Names, maps); err != nil {
			return nil, err
		}
	}
	p, err := PCAOfMaps(maps)
	if err != nil {
		return nil, err
	}
	r := &PCAResult{Labels: conditionLabels(c), Conditions: c.Names, Regions: c.Regions, Eigenvalues: p.Eigenvalues, ExplainedPercent: p.ExplainedPercent, Loadings: p.Loadings, Scores: p.Scores}
	if o.Standardize {
		n := float64(len(c.Regions))
		k := 0
		for i := range r.Eigenvalues {
			r.Eigenvalues[i] *= (n - 1) / n // the correlation matrix's eigenvalue
			if r.Eigenvalues[i] > 1 {
				k++
			}
		}
		r.Standardized, r.Retained = true, &k
	}
	return r, nil
}

// standardizeMaps z-scores each map across regions with the population SD (StandardScaler's).
func standardizeMaps(names []string, maps [][]float64) ([][]float64, error) {
	out := make([][]float64, len(maps))
	for j, m := range maps {
		for i, v := range m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("map %s, region %d is %v", names[j], i, v)
			}
		}
		mean := stats.Mean(m)
		var ss float64
		for _, v := range m {
			ss += (v - mean) * (v - mean)
		}
		sd := math.Sqrt(ss / float64(len(m)))
		if !(sd > 0) {
			return nil, fmt.Errorf("map %s is constant across regions: it cannot be standardized", names[j])
		}
		out[j] = make([]float64, len(m))
		for i, v := range m {
			out[j][i] = (v - mean) / sd
		}
	}
	return out, nil
}

// rows are the components as report rows: name, eigenvalue, % variance, loadings.
func (r *PCAResult) rows() [][]string {
	var rows [][]string
	for k := range r.Eigenvalues {
		load := make([]string, len(r.Conditions))
		for j := range load {
			load[j] = fmt.Sprintf("%s %.3f", r.Conditions[j], r.Loadings[k][j])
		}
		rows = append(rows, []string{fmt.Sprintf("PC%d", k+1), fmt.Sprintf("%.4g", r.Eigenvalues[k]), fmt.Sprintf("%.1f%%", r.ExplainedPercent[k]), strings.Join(load, ", ")})
	}
	return rows
}

// Summary is the result as painmark morph pca prints it.
func (r *PCAResult) Summary() string {
	var b strings.Builder
	for _, row := range r.rows() {
		fmt.Fprintf(&b, "%s: eigenvalue %s, %s of variance; loadings %s\n", row[0], row[1], row[2], row[3])
	}
	if r.Standardized {
		fmt.Fprintf(&b, "standardized maps: %s\n", r.kaiser())
	}
	return b.String()
}

// kaiser states the eigenvalue > 1 rule's outcome.
func (r *PCAResult) kaiser() string {
	return fmt.Sprintf("%d of %d components with eigenvalue > 1 (Kaiser's rule; eigenvalues of the maps' correlation matrix, summing to %d)", *r.Retained, len(r.Eigenvalues), len(r.Conditions))
}

// WriteFiles writes the result JSON to path.
func (r *PCAResult) WriteFiles(path string) error {
	c := *r
	c.SoftwareVersion = version.String()
	return atomicfile.WriteJSON(path, c)
}

// AddReport adds the result's numbers and section to a report.
func (r *PCAResult) AddReport(d *report.Document) {
	d.Numbers["results"] = r
	sec := d.Section("Principal components of the conditions' maps")
	caption := fmt.Sprintf("%d regions, %d conditions; loadings are each component's weights on the conditions.", len(r.Regions), len(r.Conditions))
	if r.Standardized {
		caption += " Maps z-scored across regions: " + r.kaiser() + "."
	}
	// Loadings one column per condition, named as short as stays unique (a file's base name), with
	// a key to the full names.
	short := r.Labels
	if len(short) != len(r.Conditions) {
		short = r.Conditions
	}
	header := append([]string{"component", "eigenvalue", "variance explained"}, short...)
	var rows [][]string
	for k, row := range r.rows() {
		cells := append([]string(nil), row[:3]...)
		for j := range r.Conditions {
			cells = append(cells, fmt.Sprintf("%.3f", r.Loadings[k][j]))
		}
		rows = append(rows, cells)
	}
	sec.Table(caption+" Columns: the loading on each condition.", header, rows)
	var key [][2]string
	for j, n := range r.Conditions {
		if short[j] != n {
			key = append(key, [2]string{short[j], n})
		}
	}
	if len(key) > 0 {
		sec.Facts(key...)
	}
	sec.Figure(report.Bars("PC1 loadings", "loading on PC1", short, r.Loadings[0], 0),
		"Each condition's weight on the shared pattern (PC1).")
	sec.CorticalMap("PC1 regional scores", "PC1 score", r.Regions, r.Scores[0], "The shared pattern on the cortex.")
	sec.Figure(report.Bars("PC1 regional scores", "PC1 score", r.Regions, r.Scores[0], 25),
		fmt.Sprintf("The shared pattern (PC1, %.1f%% of variance): the 25 regions with the largest scores in magnitude.", r.ExplainedPercent[0]))
}

// conditionLabels names each map by its file (base name without extension), adding the column
// where one file gives several maps; the names as given when the labels would repeat.
func conditionLabels(c *ConditionMaps) []string {
	if len(c.Refs) != len(c.Names) {
		return c.Names
	}
	perFile := map[string]int{}
	for _, r := range c.Refs {
		perFile[r.Path]++
	}
	out := make([]string, len(c.Refs))
	seen := map[string]bool{}
	for i, r := range c.Refs {
		b := filepath.Base(r.Path)
		for _, ext := range []string{".gz", ".tsv", ".csv", ".txt"} {
			b = strings.TrimSuffix(b, ext)
		}
		if perFile[r.Path] > 1 {
			b += ":" + r.Column
		}
		if seen[b] {
			return c.Names
		}
		seen[b], out[i] = true, b
	}
	return out
}
