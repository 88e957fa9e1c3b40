package table

import (
	"fmt"
	"strings"
)

// MaxListed is how many names an error lists before it gives only their number.
const MaxListed = 10

// ListNames lists names for an error message: all of them ("3 subjects: a, b, c") up to MaxListed,
// else their number and the first MaxListed ("26 subjects, the first 10: a, b, ...").
func ListNames(names []string, noun string) string {
	if len(names) != 1 {
		noun += "s"
	}
	if len(names) <= MaxListed {
		return fmt.Sprintf("%d %s: %s", len(names), noun, strings.Join(names, ", "))
	}
	return fmt.Sprintf("%d %s, the first %d: %s", len(names), noun, MaxListed, strings.Join(names[:MaxListed], ", "))
}

// rows returns the rows of subjects, in their order, or an error naming every subject the table
// does not hold (or their number and the first ten).
func (p *Participants) rowsOf(subjects []string) ([]int, error) {
	rows := make([]int, len(subjects))
	var missing []string
	for i, s := range subjects {
		r, ok := p.rows[SubjectKey(s)]
		if !ok {
			missing = append(missing, s)
		}
		rows[i] = r
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: %s not in the table (%d subjects, keyed by %q)", p.Path, ListNames(missing, "subject"), len(p.rows), p.IDColumn)
	}
	return rows, nil
}

// checkCells returns an error naming every subject whose cell of column is missing.
func (p *Participants) checkCells(subjects []string, rows []int, col *Column) error {
	var missing []string
	for i, r := range rows {
		if col.Missing[r] {
			missing = append(missing, subjects[i])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: column %q has no value for %s", p.Path, col.Name, ListNames(missing, "subject"))
	}
	return nil
}
