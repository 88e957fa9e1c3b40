package study

import (
	"fmt"
	"io"
)

// WriteSummary writes the index summary as painmark index prints it (one line per subject, what
// is missing below it, then the totals) and returns how many subjects miss something.
func WriteSummary(w io.Writer, sum []SubjectSummary) (incomplete int) {
	for _, s := range sum {
		fmt.Fprintln(w, s)
		if len(s.Missing) > 0 {
			incomplete++
		}
	}
	fmt.Fprintf(w, "%d subjects, %d with something missing\n", len(sum), incomplete)
	return incomplete
}
