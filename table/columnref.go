package table

import (
	"fmt"
	"strings"
)

// ColumnRef names one column of one table file, written TABLE:COLUMN on the command line and in
// study files (e.g. participants.tsv:heat_pain_threshold). It is the one parser of that form: the
// split is at the last colon, so a path may hold colons but a column name may not.
type ColumnRef struct {
	Path   string `json:"path" toml:"path"`
	Column string `json:"column" toml:"column"`
}

// ParseColumnRef reads TABLE:COLUMN. what names the option in the error (e.g. "--target").
func ParseColumnRef(spec, what string) (ColumnRef, error) {
	i := strings.LastIndex(spec, ":")
	if i <= 0 || i == len(spec)-1 {
		return ColumnRef{}, fmt.Errorf("%s %q: want TABLE:COLUMN, e.g. participants.tsv:pain", what, spec)
	}
	return ColumnRef{Path: spec[:i], Column: spec[i+1:]}, nil
}

// String writes the reference back as TABLE:COLUMN.
func (r ColumnRef) String() string { return r.Path + ":" + r.Column }
