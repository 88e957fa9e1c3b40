package glm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/painmark/painmark/report"
)

// AddReport adds the design to a report: its options, the matrix as an image (report.DesignMatrix),
// the task regressors and the drift terms over time (seconds), and a table of the columns with
// their range.
func (d *Design) AddReport(doc *report.Document) {
	s := doc.Section("Design matrix")
	o := d.Options
	drift := o.DriftModel
	if drift == DriftCosine {
		drift += fmt.Sprintf(" (high-pass %g Hz)", o.HighPass)
	} else if drift == DriftPolynomial {
		drift += fmt.Sprintf(" (order %d)", o.DriftOrder)
	}
	s.Facts([2]string{"scans", strconv.Itoa(len(d.FrameTimes))},
		[2]string{"frame times", fmt.Sprintf("%g s to %g s", d.FrameTimes[0], d.FrameTimes[len(d.FrameTimes)-1])},
		[2]string{"HRF model", o.HRFModel}, [2]string{"drift model", drift},
		[2]string{"columns", strconv.Itoa(len(d.Names))})
	if d.Regularized {
		s.Text("The design was singular at working precision and was regularised as nilearn's full_rank does (condition number 1e15).")
	}
	if fig, err := report.DesignMatrix("Design matrix", d.Names, d.Columns); err == nil {
		s.Figure(fig, "The design matrix as nilearn's plot_design_matrix draws it: one row per scan, one column per regressor, "+
			"each column scaled to its largest |value| (blue -1, white 0, vermillion +1).")
	}
	var taskN, driftN []string
	var taskY, driftY [][]float64
	for i, n := range d.Names {
		if n == "constant" || strings.HasPrefix(n, "drift_") {
			driftN, driftY = append(driftN, n), append(driftY, d.Columns[i])
		} else {
			taskN, taskY = append(taskN, n), append(taskY, d.Columns[i])
		}
	}
	if len(taskY) > 0 {
		s.Figure(report.Lines("Task regressors", "time (s)", "regressor value (a.u., HRF-convolved)", d.FrameTimes, taskN, taskY),
			"Each condition's events convolved with the "+o.HRFModel+" model on nilearn's oversampled grid, sampled at the frame times.")
	}
	s.Figure(report.Lines("Drift terms", "time (s)", "drift term value (a.u.)", d.FrameTimes, driftN, driftY), "Drift terms and the constant.")
	rows := make([][]string, len(d.Names))
	for i, n := range d.Names {
		lo, hi := d.Columns[i][0], d.Columns[i][0]
		for _, v := range d.Columns[i] {
			lo, hi = min(lo, v), max(hi, v)
		}
		rows[i] = []string{strconv.Itoa(i + 1), n, strconv.FormatFloat(lo, 'g', 4, 64), strconv.FormatFloat(hi, 'g', 4, 64)}
	}
	s.Table("Columns of design.tsv, in order (nilearn's names and order).", []string{"#", "column", "min", "max"}, rows)
}
