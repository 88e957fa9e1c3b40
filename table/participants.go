package table

import (
	"fmt"
	"math"
	"strings"
)

// Participants is a table with one row per subject, keyed by a subject-ID column (BIDS
// participants.tsv uses "participant_id" with "sub-" labels; many cohort tables use plain IDs).
type Participants struct {
	*Table
	IDColumn string
	rows     map[string]int
}

// SubjectKey normalises a subject label for lookup: "sub-004", "004" and "4" differ, but "sub-004"
// and "004" are the same BIDS subject, so the "sub-" prefix is dropped.
func SubjectKey(id string) string {
	return strings.TrimPrefix(strings.TrimSpace(id), "sub-")
}

// ReadParticipants reads a participant table keyed by idColumn ("" means participant_id, else the
// first column). Repeated or missing IDs are errors.
func ReadParticipants(path, idColumn string, opts *Options) (*Participants, error) {
	t, err := Read(path, opts)
	if err != nil {
		return nil, err
	}
	return NewParticipants(t, idColumn)
}

// NewParticipants keys an already-read table by its ID column.
func NewParticipants(t *Table, idColumn string) (*Participants, error) {
	if idColumn == "" {
		if len(t.Indices("participant_id")) == 1 {
			idColumn = "participant_id"
		} else if len(t.Columns) > 0 {
			idColumn = t.Columns[0].Name
		}
	}
	col, err := t.Column(idColumn)
	if err != nil {
		return nil, err
	}
	p := &Participants{Table: t, IDColumn: idColumn, rows: map[string]int{}}
	for i, id := range col.Raw {
		if col.Missing[i] {
			return nil, fmt.Errorf("%s: row %d has no subject ID in column %q", t.Path, i+1, idColumn)
		}
		k := SubjectKey(id)
		if prev, ok := p.rows[k]; ok {
			return nil, fmt.Errorf("%s: subject %q appears twice (rows %d and %d)", t.Path, id, prev+1, i+1)
		}
		p.rows[k] = i
	}
	return p, nil
}

// Row returns the row of a subject.
func (p *Participants) Row(subject string) (int, error) {
	i, ok := p.rows[SubjectKey(subject)]
	if !ok {
		return 0, fmt.Errorf("%s: subject %q is not in the table (%d subjects, keyed by %q)", p.Path, subject, len(p.rows), p.IDColumn)
	}
	return i, nil
}

// Subjects returns the subject IDs in table order.
func (p *Participants) Subjects() []string {
	col, _ := p.Column(p.IDColumn)
	return append([]string(nil), col.Raw...)
}

// Value returns a numeric value of a subject. A missing cell is an error: a target or covariate
// that silently becomes NaN corrupts every model fitted on it.
func (p *Participants) Value(subject, column string) (float64, error) {
	i, err := p.Row(subject)
	if err != nil {
		return 0, err
	}
	vals, err := p.Floats(column)
	if err != nil {
		return 0, err
	}
	if p.mustColumn(column).Missing[i] {
		return 0, fmt.Errorf("%s: subject %q has no value in column %q", p.Path, subject, column)
	}
	return vals[i], nil
}

func (p *Participants) mustColumn(name string) *Column {
	c, _ := p.Column(name)
	return c
}

// Values returns a numeric column for the given subjects, in their order. Subjects missing from
// the table or without a value are an error naming every one of them (or their number and the
// first ten).
func (p *Participants) Values(subjects []string, column string) ([]float64, error) {
	vals, err := p.Floats(column)
	if err != nil {
		return nil, err
	}
	rows, err := p.rowsOf(subjects)
	if err != nil {
		return nil, err
	}
	if err := p.checkCells(subjects, rows, p.mustColumn(column)); err != nil {
		return nil, err
	}
	out := make([]float64, len(subjects))
	for i, r := range rows {
		out[i] = vals[r]
	}
	return out, nil
}

// Labels returns a column's raw text for the given subjects, in their order (group labels such as
// site or session). A missing subject or cell is an error naming every one.
func (p *Participants) Labels(subjects []string, column string) ([]string, error) {
	col, err := p.Column(column)
	if err != nil {
		return nil, err
	}
	rows, err := p.rowsOf(subjects)
	if err != nil {
		return nil, err
	}
	if err := p.checkCells(subjects, rows, col); err != nil {
		return nil, err
	}
	out := make([]string, len(subjects))
	for i, r := range rows {
		out[i] = col.Raw[r]
	}
	return out, nil
}

// Covariate returns a numeric column for the given subjects, in their order, with NaN where a
// subject has no value (covariate checks leave those subjects out). A subject missing from the
// table is still an error.
func (p *Participants) Covariate(subjects []string, column string) ([]float64, error) {
	vals, err := p.Floats(column)
	if err != nil {
		return nil, err
	}
	col := p.mustColumn(column)
	rows, err := p.rowsOf(subjects)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(subjects))
	for i, r := range rows {
		out[i] = vals[r]
		if col.Missing[r] {
			out[i] = math.NaN()
		}
	}
	return out, nil
}
