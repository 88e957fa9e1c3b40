package table

import (
	"fmt"
	"io"

	"github.com/painmark/painmark/internal/describe"
)

// Summary describes a TSV/CSV table (painmark inspect): its rows and, per column, the type
// inferred, the missing cells and, for numeric columns, the range and mean of the values.
type Summary struct {
	File    string          `json:"file"`
	Format  string          `json:"format"`
	Rows    int             `json:"rows"`
	Columns []ColumnSummary `json:"columns"`
}

// ColumnSummary describes one column; Min, Max and Mean are absent for text and empty columns.
// (JSON keys in alphabetical order, as painmark has always written them.)
type ColumnSummary struct {
	Max     *describe.Finite `json:"max,omitempty"`
	Mean    *describe.Finite `json:"mean,omitempty"`
	Min     *describe.Finite `json:"min,omitempty"`
	Missing int              `json:"missing"`
	Name    string           `json:"name"`
	Type    string           `json:"type"`
}

// Summarize reads the table at path into a Summary.
func Summarize(path string) (*Summary, error) {
	t, err := Read(path, nil)
	if err != nil {
		return nil, err
	}
	s := &Summary{File: path, Format: "table", Rows: t.NumRows(), Columns: make([]ColumnSummary, len(t.Columns))}
	for i, c := range t.Columns {
		cs := ColumnSummary{Name: c.Name, Type: c.Kind.String()}
		for _, b := range c.Missing {
			if b {
				cs.Missing++
			}
		}
		if c.IsNumeric() && c.Kind != Empty {
			var st describe.Stats
			st.Add(c.Values)
			v := st.Values()
			cs.Min, cs.Max, cs.Mean = &v.Min, &v.Max, &v.Mean
		}
		s.Columns[i] = cs
	}
	return s, nil
}

// WriteText writes the summary as "key value" lines and one line per column.
func (s *Summary) WriteText(w io.Writer) error {
	describe.Line(w, "file", s.File)
	describe.Line(w, "format", s.Format)
	describe.Line(w, "rows", s.Rows)
	fmt.Fprintf(w, "%-14s %d\n", "columns", len(s.Columns))
	for _, c := range s.Columns {
		line := fmt.Sprintf("  %-32s %-8s missing %d", c.Name, c.Type, c.Missing)
		if c.Min != nil && c.Min.IsFinite() {
			line += fmt.Sprintf("  range [%v, %v]", c.Min.Value(), c.Max.Value())
		}
		fmt.Fprintln(w, line)
	}
	return nil
}
