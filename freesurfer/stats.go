// Package freesurfer reads FreeSurfer's outputs: the stats tables (?h.aparc*.stats from
// mris_anatomical_stats, aseg.stats and friends from mri_segstats) of every FreeSurfer version,
// whose header measures (eTIV, mean thickness, ...) and columns differ between versions: columns
// are found by the ColHeaders line, never by position.
package freesurfer

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Measure is a "# Measure" header line: structure, name, description, value and units.
type Measure struct {
	Structure, Name, Description string
	Value                        float64
	Units                        string
}

// Stats is a parsed FreeSurfer stats file.
type Stats struct {
	Path string
	// Header holds the single-value "# key value" lines (hemi, subjectname, generating_program,
	// cvs_version, annot, ...).
	Header   map[string]string
	Measures []Measure
	// Columns are the table's ColHeaders; Text holds the text columns (StructName) and Values the
	// numeric ones, by column name, one entry per row.
	Columns []string
	Text    map[string][]string
	Values  map[string][]float64
	Rows    int
}

// Measure returns the header measure with the given name (e.g. "eTIV", "MeanThickness").
func (s *Stats) Measure(name string) (float64, bool) {
	for _, m := range s.Measures {
		if m.Name == name {
			return m.Value, true
		}
	}
	return math.NaN(), false
}

// Structures are the row names (StructName).
func (s *Stats) Structures() []string { return s.Text["StructName"] }

// Column returns a numeric column by name.
func (s *Stats) Column(name string) ([]float64, error) {
	v, ok := s.Values[name]
	if !ok {
		return nil, fmt.Errorf("%s: no numeric column %q (columns %s)", s.Path, name, strings.Join(s.Columns, ", "))
	}
	return v, nil
}

// ReadStats reads a stats file.
func ReadStats(path string) (*Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ParseStats(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Path = path
	return s, nil
}

// textColumns are the columns that hold names, not numbers.
var textColumns = map[string]bool{"StructName": true}

// ParseStats parses a stats file's text.
func ParseStats(r io.Reader) (*Stats, error) {
	s := &Stats{Header: map[string]string{}, Text: map[string][]string{}, Values: map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "#") {
			body := strings.TrimSpace(strings.TrimPrefix(t, "#"))
			key, rest, _ := strings.Cut(body, " ")
			rest = strings.TrimSpace(rest)
			switch key {
			case "Measure":
				parts := strings.Split(rest, ",")
				if len(parts) < 5 {
					return nil, fmt.Errorf("line %d: a Measure line needs 5 comma-separated fields: %q", line, t)
				}
				v, err := strconv.ParseFloat(strings.TrimSpace(parts[len(parts)-2]), 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: measure value %q: %w", line, parts[len(parts)-2], err)
				}
				s.Measures = append(s.Measures, Measure{Structure: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]),
					Description: strings.TrimSpace(strings.Join(parts[2:len(parts)-2], ",")), Value: v, Units: strings.TrimSpace(parts[len(parts)-1])})
			case "ColHeaders":
				s.Columns = strings.Fields(rest)
			case "TableCol", "":
			default:
				if _, seen := s.Header[key]; !seen {
					s.Header[key] = rest
				}
			}
			continue
		}
		if s.Columns == nil {
			return nil, fmt.Errorf("line %d: a table row before the ColHeaders line", line)
		}
		fields := strings.Fields(t)
		if len(fields) != len(s.Columns) {
			return nil, fmt.Errorf("line %d: %d fields, the ColHeaders line names %d", line, len(fields), len(s.Columns))
		}
		for i, c := range s.Columns {
			if textColumns[c] {
				s.Text[c] = append(s.Text[c], fields[i])
				continue
			}
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: column %s: %q is not a number", line, c, fields[i])
			}
			s.Values[c] = append(s.Values[c], v)
		}
		s.Rows++
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if s.Columns == nil {
		return nil, fmt.Errorf("no ColHeaders line: not a FreeSurfer stats table")
	}
	return s, nil
}
