package morph

import (
	"fmt"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// ConditionMaps are several conditions' regional maps over the same regions (matched by name).
type ConditionMaps struct {
	Names   []string    // a map's column, or FILE:COLUMN when several files share the column
	Regions []string    // the first file's regions, in its order
	Maps    [][]float64 // condition x region
	Inputs  []string    // the files read
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

// PCAResult is painmark morph pca's result (Martins et al. 2022's cross-condition pattern).
type PCAResult struct {
	Conditions       []string    `json:"conditions"`
	Eigenvalues      []float64   `json:"eigenvalues"`
	ExplainedPercent []float64   `json:"explained_percent"`
	Loadings         [][]float64 `json:"loadings"`
	Regions          []string    `json:"regions"`
	Scores           [][]float64 `json:"scores"`
	SoftwareVersion  string      `json:"software_version,omitempty"`
}

// PCA summarises the conditions' maps by PCA, regions as observations (PCAOfMaps).
func PCA(c *ConditionMaps) (*PCAResult, error) {
	if len(c.Maps) < 2 {
		return nil, fmt.Errorf("PCA needs at least 2 maps, got %d", len(c.Maps))
	}
	p, err := PCAOfMaps(c.Maps)
	if err != nil {
		return nil, err
	}
	return &PCAResult{Conditions: c.Names, Regions: c.Regions, Eigenvalues: p.Eigenvalues, ExplainedPercent: p.ExplainedPercent, Loadings: p.Loadings, Scores: p.Scores}, nil
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
	return b.String()
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
	sec.Table(fmt.Sprintf("%d regions, %d conditions; loadings are each component's weights on the conditions.", len(r.Regions), len(r.Conditions)),
		[]string{"component", "eigenvalue", "variance explained", "loadings"}, r.rows())
	sec.CorticalMap("PC1 regional scores", "PC1 score", r.Regions, r.Scores[0], "The shared pattern on the cortex.")
	sec.Figure(report.Bars("PC1 regional scores", "PC1 score", r.Regions, r.Scores[0], 25),
		fmt.Sprintf("The shared pattern (PC1, %.1f%% of variance): the 25 regions with the largest scores in magnitude.", r.ExplainedPercent[0]))
}
