package features

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/table"
)

// sidecar is connectome.json as painmark connectome has always written it (the keys are kept so
// that existing files still read; the fields are in the order encoding/json wrote the former map,
// so the bytes are unchanged too).
type sidecar struct {
	Combine         string `json:",omitempty"`
	DiscardDiagonal bool
	Estimator       string
	FisherZ         bool
	Inputs          []string
	Kind            string
	RegionSystems   []string
	Regions         []string
	Rows            []Identity `json:",omitempty"`
	Scaling         string
	Shrinkage       []float64 `json:",omitempty"`
	SoftwareVersion string
	Subjects        []string
	VectorOrder     string
	Warnings        []string `json:",omitempty"`
}

// WriteSidecar writes a Definition and the table's subjects as connectome.json (atomically).
func WriteSidecar(path string, d *Definition, subjects []string) error {
	sc := sidecar{Combine: d.Combine, Rows: d.Rows, DiscardDiagonal: d.DiscardDiagonal, Estimator: string(d.Measure.Estimator), FisherZ: d.Measure.FisherZ,
		Inputs: d.Provenance.Inputs, Kind: string(d.Measure.Kind), Regions: d.RegionNames(), Scaling: string(d.Measure.Scaling),
		Shrinkage: d.Provenance.Shrinkage, SoftwareVersion: d.Provenance.SoftwareVersion, Subjects: subjects, VectorOrder: d.VectorOrder, Warnings: d.Provenance.Warnings}
	if sc.VectorOrder == "" {
		sc.VectorOrder = VectorOrder
	}
	for i, r := range d.Regions {
		if r.System != "" {
			if sc.RegionSystems == nil {
				sc.RegionSystems = make([]string, len(d.Regions))
			}
			sc.RegionSystems[i] = r.System
		}
	}
	b, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// ReadSidecar reads connectome.json: the Definition and the subjects it lists. A missing file is
// no error: it returns nil (a table without a definition).
func ReadSidecar(path string) (*Definition, []string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var sc sidecar
	if err := json.Unmarshal(b, &sc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if sc.RegionSystems != nil && len(sc.RegionSystems) != len(sc.Regions) {
		return nil, nil, fmt.Errorf("%s: %d region tags for %d regions", path, len(sc.RegionSystems), len(sc.Regions))
	}
	d := &Definition{Regions: make([]Region, len(sc.Regions)),
		Measure:         Measure{Kind: connectome.Kind(sc.Kind), Estimator: connectome.Estimator(sc.Estimator), Scaling: connectome.SeriesScaling(sc.Scaling), FisherZ: sc.FisherZ},
		DiscardDiagonal: sc.DiscardDiagonal, VectorOrder: sc.VectorOrder, Combine: sc.Combine, Rows: sc.Rows,
		Provenance: Provenance{SoftwareVersion: sc.SoftwareVersion, Inputs: sc.Inputs, Shrinkage: sc.Shrinkage, Warnings: sc.Warnings}}
	for i, r := range sc.Regions {
		d.Regions[i].Name = r
		if sc.RegionSystems != nil {
			d.Regions[i].System = sc.RegionSystems[i]
		}
	}
	return d, sc.Subjects, nil
}

// SidecarPath is the connectome.json beside a feature table file (or in a table's folder).
func SidecarPath(path string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, SidecarName)
	}
	return filepath.Join(filepath.Dir(path), SidecarName)
}

// Write writes the table into folder dir: features.tsv (a "subject" column, then the features),
// features.npy (subjects x features, float64) and, for a connectivity table, edges.tsv and
// connectome.json (a plain table removes those two, which would describe another table). Every
// file is written atomically.
func (t *Table) Write(dir string) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := npy.Write(filepath.Join(dir, NPYName), []int{len(t.Subjects), len(t.Columns)}, t.Data, "<f8"); err != nil {
		return err
	}
	cols := make([]*table.Column, 0, len(t.Columns)+1)
	cols = append(cols, table.TextColumn("subject", t.Subjects))
	for k, name := range t.Columns {
		cols = append(cols, table.NumericColumn(name, t.Column(k)))
	}
	if err := table.Write(filepath.Join(dir, TSVName), &table.Table{Columns: cols}); err != nil {
		return err
	}
	d := t.Definition
	if d == nil { // a plain table: no sidecar of an earlier table may describe it
		for _, f := range []string{SidecarName, EdgesName} {
			if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	edges := d.Edges()
	ne := len(edges)
	ei, ej, eri, erj := make([]float64, ne), make([]float64, ne), make([]string, ne), make([]string, ne)
	for k, e := range edges {
		ei[k], ej[k], eri[k], erj[k] = float64(e.I), float64(e.J), d.Regions[e.I].Name, d.Regions[e.J].Name
	}
	if err := table.Write(filepath.Join(dir, EdgesName), &table.Table{Columns: []*table.Column{
		table.TextColumn("feature", t.Columns), table.NumericColumn("i", ei), table.NumericColumn("j", ej),
		table.TextColumn("region_i", eri), table.TextColumn("region_j", erj)}}); err != nil {
		return err
	}
	return WriteSidecar(filepath.Join(dir, SidecarName), d, t.Subjects)
}

// ReadOptions select the columns of a feature table file.
type ReadOptions struct {
	// IDColumn is the subject-ID column (default: the first column).
	IDColumn string
	// Exclude names columns that are not features (e.g. a target column in the table).
	Exclude []string
}

// Read reads a feature table: a folder holding features.tsv, or a TSV/CSV file (subjects x
// features, subject IDs in the first column), with the connectome.json beside it when there is
// one (it then describes every table of its folder: one whose columns are not its edges is an
// error). The values of a painmark features.tsv come from the features.npy beside it when its shape
// matches (the same numbers, read faster).
func Read(path string, o *ReadOptions) (*Table, error) {
	t, _, err := read(path, o)
	return t, err
}

// read is Read, also returning the table file as read.
func read(path string, o *ReadOptions) (*Table, *table.Table, error) {
	if o == nil {
		o = &ReadOptions{}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, TSVName)
	}
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, nil, err
	}
	idCol := o.IDColumn
	if idCol == "" {
		idCol = tb.Columns[0].Name
	}
	idc, err := tb.Column(idCol)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &Table{Subjects: idc.Raw}
	var cols []int
	for i, c := range tb.Columns {
		if c.Name == idCol || contains(o.Exclude, c.Name) {
			continue
		}
		cols = append(cols, i)
		t.Columns = append(t.Columns, c.Name)
	}
	if err := unique(path, "subject", "rows", t.Subjects, table.SubjectKey); err != nil {
		return nil, nil, err
	}
	if err := unique(path, "feature", "header columns", t.Columns, func(s string) string { return s }); err != nil {
		return nil, nil, err
	}
	if t.Data, err = tb.Matrix(cols, false); err != nil {
		return nil, nil, err
	}
	if npyPath := strings.TrimSuffix(path, ".tsv") + ".npy"; filepath.Base(path) == TSVName && idCol == tb.Columns[0].Name && len(cols) == len(tb.Columns)-1 {
		// The npy holds the table's numbers at full precision; it is used only while it holds
		// the TSV's numbers in the TSV's column order (a TSV edited or reordered by hand wins).
		if arr, err := npy.Read(npyPath); err == nil && len(arr.Shape) == 2 && arr.Shape[0] == len(t.Subjects) && arr.Shape[1] == len(t.Columns) && agree(arr.Data, t.Data) {
			t.Data = arr.Data
		}
	}
	def, _, err := ReadSidecar(SidecarPath(path))
	if err != nil {
		return nil, nil, err
	}
	t.Definition = def
	if def != nil && def.Rows != nil && len(def.Rows) != len(t.Subjects) {
		return nil, nil, fmt.Errorf("%s: %d row identities for %d rows", SidecarPath(path), len(def.Rows), len(t.Subjects))
	}
	if def != nil {
		if err := t.check(); err != nil {
			return nil, nil, fmt.Errorf("%s and %s: %w", path, SidecarPath(path), err)
		}
	}
	return t, tb, nil
}

// unique refuses an empty or repeated subject ID or feature name (compared by key), which would
// count a subject twice or make a feature ambiguous.
func unique(path, what, where string, names []string, key func(string) string) error {
	seen := make(map[string]int, len(names))
	for i, n := range names {
		if strings.TrimSpace(n) == "" { // written back it would read as "n/a" or shift the columns
			return fmt.Errorf("%s: %s %d of the %s is empty", path, what, i+1, where)
		}
		if j, dup := seen[key(n)]; dup {
			return fmt.Errorf("%s: %s %q appears twice (%s %d and %d)", path, what, n, where, j+1, i+1)
		}
		seen[key(n)] = i
	}
	return nil
}

// agree reports whether the npy's numbers are the TSV's, to the TSV's printed precision.
func agree(npyData, tsv []float64) bool {
	for i, v := range npyData {
		if d := math.Abs(v - tsv[i]); !(d <= 1e-6*math.Max(1, math.Abs(v))) && !(math.IsInf(v, 0) && v == tsv[i]) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
