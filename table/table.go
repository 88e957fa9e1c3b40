// Package table reads and writes delimited text tables (TSV, CSV, optionally gzipped) with typed
// columns: BIDS participants.tsv and *_events.tsv, fMRIPrep confounds, FreeSurfer and ENIGMA CSVs,
// ROI time series. Column order and duplicate names are preserved, because real files have them
// (three MIST region names occur twice in the PAINTeR time series).
package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/painmark/painmark/internal/atomicfile"
)

// Kind is the type inferred for a column from its non-missing cells.
type Kind int

// Column kinds, from most to least specific.
const (
	Empty   Kind = iota // every cell is missing
	Integer             // every present cell is an integer
	Float               // every present cell is a number
	Text                // anything else
)

func (k Kind) String() string {
	return [...]string{"empty", "integer", "float", "text"}[k]
}

// Column is one column of a table. Raw holds every cell as written; Missing marks cells that are
// missing values; Values holds the numbers of numeric columns (NaN where missing).
type Column struct {
	Name    string
	Kind    Kind
	Raw     []string
	Missing []bool
	Values  []float64 // nil for Text columns
}

// IsNumeric reports whether the column holds numbers (or nothing).
func (c *Column) IsNumeric() bool { return c.Kind != Text }

// Table is a parsed table.
type Table struct {
	Path    string
	Columns []*Column
}

// NumRows is the number of data rows.
func (t *Table) NumRows() int {
	if len(t.Columns) == 0 {
		return 0
	}
	return max(len(t.Columns[0].Raw), len(t.Columns[0].Values))
}

// Names returns the column names in file order.
func (t *Table) Names() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// ColumnsExcept lists the indices and names of the columns not named in drop (e.g. a global
// signal column left out of ROI time series).
func (t *Table) ColumnsExcept(drop []string) (cols []int, names []string) {
	skip := map[string]bool{}
	for _, d := range drop {
		skip[d] = true
	}
	for i, c := range t.Columns {
		if !skip[c.Name] {
			cols, names = append(cols, i), append(names, c.Name)
		}
	}
	return cols, names
}

// Indices returns the positions of every column with the given name.
func (t *Table) Indices(name string) []int {
	var idx []int
	for i, c := range t.Columns {
		if c.Name == name {
			idx = append(idx, i)
		}
	}
	return idx
}

// Column returns the column with the given name. A missing or repeated name is an error naming
// the file and the columns it has.
func (t *Table) Column(name string) (*Column, error) {
	idx := t.Indices(name)
	switch len(idx) {
	case 0:
		return nil, fmt.Errorf("%s: no column %q (columns: %s)", t.Path, name, abbreviate(t.Names(), 12))
	case 1:
		return t.Columns[idx[0]], nil
	}
	return nil, fmt.Errorf("%s: column name %q occurs %d times (positions %v); refer to one by position", t.Path, name, len(idx), idx)
}

// Floats returns the values of a numeric column (NaN where missing).
func (t *Table) Floats(name string) ([]float64, error) {
	c, err := t.Column(name)
	if err != nil {
		return nil, err
	}
	if !c.IsNumeric() {
		return nil, fmt.Errorf("%s: column %q is not numeric (e.g. %q in row %d)", t.Path, name, firstText(c), firstTextRow(c)+1)
	}
	if err := t.checkInf(c); err != nil {
		return nil, err
	}
	return c.Values, nil
}

// checkInf refuses an infinite value ("inf", "-Infinity", or a number beyond float64's range, all of
// which pandas reads as ±inf): no statistic of painmark's is meaningful with one.
func (t *Table) checkInf(c *Column) error {
	for i, v := range c.Values {
		if math.IsInf(v, 0) {
			return fmt.Errorf("%s: column %q has an infinite value (%q) in row %d", t.Path, c.Name, c.Raw[i], i+1)
		}
	}
	return nil
}

func firstTextRow(c *Column) int {
	for i, s := range c.Raw {
		if !c.Missing[i] {
			if _, err := parseNumber(s); err != nil {
				return i
			}
		}
	}
	return -1
}

func firstText(c *Column) string {
	if i := firstTextRow(c); i >= 0 {
		return c.Raw[i]
	}
	return ""
}

// Matrix returns the numeric columns at the given positions as a row-major rows x len(cols)
// matrix. Missing cells are an error unless allowMissing (then NaN).
func (t *Table) Matrix(cols []int, allowMissing bool) ([]float64, error) {
	n := t.NumRows()
	out := make([]float64, n*len(cols))
	for j, ci := range cols {
		c := t.Columns[ci]
		if !c.IsNumeric() {
			return nil, fmt.Errorf("%s: column %d (%q) is not numeric (e.g. %q)", t.Path, ci, c.Name, firstText(c))
		}
		if err := t.checkInf(c); err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			if c.Missing[i] && !allowMissing {
				return nil, fmt.Errorf("%s: column %q has a missing value in row %d", t.Path, c.Name, i+1)
			}
			out[i*len(cols)+j] = c.Values[i]
		}
	}
	return out, nil
}

// missingTokens are the cells read as missing values: pandas.read_csv's default na_values, which
// include BIDS's "n/a" and the empty cell, so that painmark and pandas agree on every table.
var missingTokens = map[string]bool{
	"": true, "#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true, "-1.#QNAN": true,
	"-NaN": true, "-nan": true, "1.#IND": true, "1.#QNAN": true, "<NA>": true, "N/A": true,
	"NA": true, "NULL": true, "NaN": true, "None": true, "n/a": true, "nan": true, "null": true,
}

// IsMissing reports whether a cell is a missing value.
func IsMissing(cell string) bool { return missingTokens[cell] }

func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return v, nil // ±Inf or 0 on overflow/underflow, as pandas
		}
		return 0, err
	}
	return v, nil
}

// Options control parsing.
type Options struct {
	// Delimiter is ',' or '\t'; 0 chooses from the file name (.csv → comma, otherwise tab).
	Delimiter rune
	// NoHeader reads files without a header line; columns are named "0", "1", ... With Delimiter
	// ' ', cells are separated by any run of blanks (FSL/AFNI-style numeric text).
	NoHeader bool
}

// Read parses the table at path.
func Read(path string, opts *Options) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadFrom(f, path, opts)
}

// ReadFrom parses a table from r, deciding from its name, as Read does, whether it is gzipped
// (".gz") and, unless opts says otherwise, its delimiter: comma for ".csv" (semicolon when the
// header line has semicolons and no commas, as European spreadsheets and MIST write), tab otherwise.
// Errors name the table by name.
func ReadFrom(r io.Reader, name string, opts *Options) (*Table, error) {
	r = bufio.NewReaderSize(r, 1<<16)
	if strings.HasSuffix(name, ".gz") {
		gr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: corrupt gzip: %w", name, err)
		}
		defer gr.Close()
		r = gr
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Delimiter == 0 {
		o.Delimiter = '\t'
		if strings.HasSuffix(strings.TrimSuffix(name, ".gz"), ".csv") {
			o.Delimiter = ','
		}
	}
	if o.Delimiter == ',' {
		br := bufio.NewReader(r)
		line, _ := br.Peek(4096)
		if i := strings.IndexByte(string(line), '\n'); i >= 0 {
			line = line[:i]
		}
		if !strings.Contains(string(line), ",") && strings.Contains(string(line), ";") {
			o.Delimiter = ';'
		}
		r = br
	}
	t, err := Parse(r, &o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t.Path = name
	return t, nil
}

// Parse reads a table from r.
func Parse(r io.Reader, o *Options) (*Table, error) {
	var rows [][]string
	if o.NoHeader && o.Delimiter == ' ' {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<28)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			rows = append(rows, strings.Fields(line))
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			return nil, errors.New("file is empty")
		}
		header := make([]string, len(rows[0]))
		for i := range header {
			header[i] = strconv.Itoa(i)
		}
		rows = append([][]string{header}, rows...)
	} else {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		if err := checkQuotes(b, byte(o.Delimiter)); err != nil {
			return nil, err
		}
		cr := csv.NewReader(bytes.NewReader(b))
		cr.Comma = o.Delimiter
		cr.ReuseRecord = false
		cr.LazyQuotes = true // as pandas: a quote inside an unquoted field is data
		rows, err = cr.ReadAll()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, fmt.Errorf("line %d does not have the same number of fields as the header", pe.Line)
			}
			return nil, err
		}
		if len(rows) == 0 {
			return nil, errors.New("file is empty: no header line")
		}
		if o.NoHeader {
			header := make([]string, len(rows[0]))
			for i := range header {
				header[i] = strconv.Itoa(i)
			}
			rows = append([][]string{header}, rows...)
		}
	}
	header := rows[0]
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // byte-order mark from spreadsheet exports
	}
	t := &Table{}
	n := len(rows) - 1
	for j, name := range header {
		c := &Column{Name: name, Raw: make([]string, n), Missing: make([]bool, n)}
		for i := 0; i < n; i++ {
			if len(rows[i+1]) != len(header) {
				return nil, fmt.Errorf("row %d has %d fields but the header has %d", i+1, len(rows[i+1]), len(header))
			}
			c.Raw[i] = rows[i+1][j]
		}
		c.infer()
		t.Columns = append(t.Columns, c)
	}
	return t, nil
}

// checkQuotes refuses what pandas.read_csv would not read as the csv reader does: a quoted field
// (one starting with '"') that is never closed, which would swallow the rest of the table, and
// text after a quoted field's closing quote. Doubled quotes inside a quoted field are one quote;
// a quote inside an unquoted field is data.
func checkQuotes(b []byte, delim byte) error {
	line, atStart := 1, true
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case atStart && c == '"':
			start := line
			for i++; ; i++ {
				if i >= len(b) {
					return fmt.Errorf("line %d: a quoted field (starting with '\"') is never closed", start)
				}
				if b[i] == '\n' {
					line++
				}
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						i++
						continue
					}
					break
				}
			}
			if i+1 < len(b) && b[i+1] != delim && b[i+1] != '\n' && b[i+1] != '\r' {
				return fmt.Errorf("line %d: text after the closing quote of a quoted field", line)
			}
			atStart = false
		case c == '\n':
			line, atStart = line+1, true
		case c == delim:
			atStart = true
		default:
			atStart = false
		}
	}
	return nil
}

func (c *Column) infer() {
	c.Kind = Empty
	vals := make([]float64, len(c.Raw))
	for i, s := range c.Raw {
		if missingTokens[s] {
			c.Missing[i] = true
			vals[i] = math.NaN()
			continue
		}
		v, err := parseNumber(s)
		if err != nil {
			c.Kind = Text
			continue
		}
		vals[i] = v
		if c.Kind == Text {
			continue
		}
		if _, ierr := strconv.ParseInt(strings.TrimSpace(s), 10, 64); ierr == nil && c.Kind != Float {
			c.Kind = Integer
		} else {
			c.Kind = Float
		}
	}
	if c.Kind != Text {
		c.Values = vals
	}
}

func abbreviate(names []string, max int) string {
	q := make([]string, 0, max)
	for i, n := range names {
		if i == max {
			q = append(q, fmt.Sprintf("... %d more", len(names)-max))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}

// Write writes a table as TSV (or CSV when the name ends in .csv) atomically; missing cells are
// written as "n/a" (BIDS). Cells are written as Raw holds them.
func Write(path string, t *Table) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	w := csv.NewWriter(bufio.NewWriter(f))
	if strings.HasSuffix(path, ".csv") {
		w.Comma = ','
	} else {
		w.Comma = '\t'
	}
	if err := w.Write(t.Names()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	n := t.NumRows()
	for _, c := range t.Columns {
		// A numeric column whose values were changed after reading (Raw dropped) is written from
		// its values; any other column must hold a cell per row.
		if len(c.Raw) != n && !(c.IsNumeric() && len(c.Values) == n) {
			return fmt.Errorf("%s: column %q has %d cells for %d rows", path, c.Name, len(c.Raw), n)
		}
	}
	row := make([]string, len(t.Columns))
	for i := 0; i < n; i++ {
		for j, c := range t.Columns {
			switch {
			case len(c.Raw) != n && math.IsNaN(c.Values[i]), len(c.Raw) == n && len(c.Missing) == n && c.Missing[i]:
				row[j] = "n/a"
			case len(c.Raw) != n:
				row[j] = strconv.FormatFloat(c.Values[i], 'g', -1, 64)
			default:
				row[j] = c.Raw[i]
			}
		}
		if err := w.Write(row); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// NumericColumn makes a float column, formatting values with the shortest representation that
// reads back exactly (NaN → missing).
func NumericColumn(name string, values []float64) *Column {
	c := &Column{Name: name, Kind: Float, Raw: make([]string, len(values)), Missing: make([]bool, len(values)), Values: values}
	for i, v := range values {
		if math.IsNaN(v) {
			c.Missing[i] = true
			continue
		}
		c.Raw[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return c
}

// TextColumn makes a text column (empty strings are missing).
func TextColumn(name string, values []string) *Column {
	c := &Column{Name: name, Raw: append([]string(nil), values...), Missing: make([]bool, len(values))}
	c.infer()
	return c
}
