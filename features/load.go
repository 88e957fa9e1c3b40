package features

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/table"
)

// LoadOptions say how to read a feature table and its target.
type LoadOptions struct {
	// IDColumn is the feature table's subject-ID column (default: its first column).
	IDColumn string
	// Target is the outcome: TABLE:COLUMN (a participants table joined on the subject IDs, see
	// table.ParseColumnRef), or COLUMN, a column of the feature table itself (then not a
	// feature). Empty: no target.
	Target string
	// TargetFlag names the target option in errors (e.g. "--target"; default "target").
	TargetFlag string
}

// Load reads a feature table (Read) and its target joined by subject: y[s] is the target of row s
// (Table.JoinKeys: the row's name when the table lists it, else its participant_id, so every run
// of a person gets the person's value; nil without a target). A subject without a target value is
// an error naming it.
func Load(path string, o LoadOptions) (*Table, []float64, error) {
	flag := o.TargetFlag
	if flag == "" {
		flag = "target"
	}
	var ref table.ColumnRef
	var inTable string
	if o.Target != "" {
		if strings.LastIndex(o.Target, ":") > 0 {
			var err error
			if ref, err = table.ParseColumnRef(o.Target, flag); err != nil {
				return nil, nil, err
			}
		} else {
			inTable = o.Target
		}
	}
	ro := &ReadOptions{IDColumn: o.IDColumn}
	if inTable != "" {
		ro.Exclude = []string{inTable}
	}
	t, tb, err := read(path, ro)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case inTable != "":
		y, err := tb.Floats(inTable)
		if err != nil {
			return nil, nil, err
		}
		var missing []string
		for i, v := range y {
			if math.IsNaN(v) {
				missing = append(missing, t.Subjects[i])
			}
		}
		if len(missing) > 0 {
			return nil, nil, fmt.Errorf("%s: column %q has no value for %s", path, inTable, table.ListNames(missing, "subject"))
		}
		return t, y, nil
	case ref.Path != "":
		y, err := TargetValues(ref, t.JoinKeys(ref.Path))
		if err != nil {
			return nil, nil, err
		}
		return t, y, nil
	}
	return t, nil, nil
}

// TargetValues reads column ref of a participants table for these subjects, in their order
// (table.Participants' subject matching: "sub-01" and "01" are the same subject).
func TargetValues(ref table.ColumnRef, subjects []string) ([]float64, error) {
	pt, err := table.ReadParticipants(ref.Path, "", nil)
	if err != nil {
		return nil, err
	}
	y, err := pt.Values(subjects, ref.Column)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", ref, err)
	}
	return y, nil
}

// JoinKeys are the IDs by which the rows join the participants table at path: each row's name
// where the table lists it (a table keyed by run names), else the row's participant_id
// (Participant: BIDS participants.tsv is keyed by sub-<label>). An unreadable table gives the
// participants; reading it again reports the error.
func (t *Table) JoinKeys(path string) []string {
	keys := t.Participants()
	pt, err := table.ReadParticipants(path, "", nil)
	if err != nil {
		return keys
	}
	for s, name := range t.Subjects {
		if _, err := pt.Row(name); err == nil {
			keys[s] = name
		}
	}
	return keys
}

// TargetName is the name of the outcome a target spec (LoadOptions.Target) reads: the COLUMN of
// TABLE:COLUMN or of the feature table ("" for no target).
func TargetName(spec string) string {
	if strings.LastIndex(spec, ":") > 0 {
		if ref, err := table.ParseColumnRef(spec, "target"); err == nil {
			return ref.Column
		}
	}
	return spec
}
